"""The SQLite database holds password hashes and sealed keys: a new one, its WAL and shared-memory files are the
owner's only."""

import stat

from sqlalchemy import text

from qtqms.db.engine import make_engine


def test_a_new_sqlite_database_and_its_wal_are_readable_by_the_owner_only(tmp_path):
    path = tmp_path / "new.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("PRAGMA journal_mode=WAL"))
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        files = [p for p in tmp_path.iterdir() if p.name.startswith("new.sqlite")]
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in files}
    engine.dispose()
    assert "new.sqlite-wal" in modes
    assert set(modes.values()) == {0o600}, modes
