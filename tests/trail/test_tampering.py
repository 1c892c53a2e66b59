"""`qtqms trail verify` against every kind of tampering done with plain SQL."""

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from qtqms.app.cli import app
from tests.builders import make_org, make_user

runner = CliRunner()


@pytest.fixture
def trail(db):
    admin = make_org(db)
    for index in range(4):
        make_user(db, admin, f"user{index}", "viewer")
    with db.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM audit_event")).scalar()
    assert count >= 6
    return db


def verify():
    return runner.invoke(app, ["trail", "verify"])


def sql(engine, statement, **params):
    with engine.begin() as connection:
        connection.execute(text(statement), params)


def test_untouched_trail_verifies(trail):
    result = verify()
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_changed_event_is_named(trail):
    sql(trail, "UPDATE audit_event SET actor_name = 'mallory' WHERE seq = 3")
    result = verify()
    assert result.exit_code == 1
    assert "event 3" in result.output and "altered" in result.output


def test_changed_before_after_values_are_detected(trail):
    sql(trail, "UPDATE audit_event SET entity_label = 'someone-else' WHERE seq = 4")
    assert verify().exit_code == 1


def test_deleted_event_is_detected(trail):
    sql(trail, "DELETE FROM audit_event WHERE seq = 2")
    result = verify()
    assert result.exit_code == 1 and "event 3" in result.output


def test_deleted_last_event_is_detected_through_the_head(trail):
    sql(trail, "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)")
    result = verify()
    assert result.exit_code == 1 and "head" in result.output


def test_reordered_events_are_detected(trail):
    sql(trail, "UPDATE audit_event SET seq = -1 WHERE seq = 2")
    sql(trail, "UPDATE audit_event SET seq = 2 WHERE seq = 3")
    sql(trail, "UPDATE audit_event SET seq = 3 WHERE seq = -1")
    result = verify()
    assert result.exit_code == 1 and "event 2" in result.output


def test_inserted_event_is_detected(trail):
    sql(trail, "UPDATE audit_event SET seq = seq + 100 WHERE seq > 2")
    sql(
        trail,
        "INSERT INTO audit_event (seq, occurred_at, actor_name, action, entity_type, entity_id, entity_label, reason,"
        " request_id, prev_hash, hash) SELECT 3, occurred_at, 'mallory', 'create', 'user_account', '99', 'ghost', '',"
        " '', hash, :fake FROM audit_event WHERE seq = 2",
        fake="f" * 64,
    )
    assert verify().exit_code == 1


def test_a_change_commits_with_its_event_or_not_at_all(db):
    admin = make_org(db)
    with db.connect() as connection:
        before = connection.execute(text("SELECT count(*) FROM audit_event")).scalar()
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service
    from qtqms.identity.schemas import UserCreate

    with UnitOfWork(db, write=True, actor=admin) as uow:
        service.create_user(uow, admin, UserCreate(username="ghost", role="viewer"))
        # leaving without commit: neither the user nor its event may remain
    with db.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_event")).scalar() == before
        assert connection.execute(text("SELECT count(*) FROM user_account WHERE username='ghost'")).scalar() == 0


def test_events_record_who_what_and_before_after_without_secrets(db):
    admin = make_org(db)
    make_user(db, admin, "dana", "viewer")
    result = runner.invoke(app, ["user", "set-role", "dana", "engineer", "--reason", "joined the QKD team"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["trail", "list", "--json", "--entity", "user_account", "--limit", "1"])
    event = __import__("json").loads(listed.output)["events"][0]
    assert event["action"] == "update" and event["actor_name"] == "admin"
    assert event["before"] == {"role": "viewer"} and event["after"] == {"role": "engineer"}
    assert event["reason"] == "joined the QKD team"
    export = runner.invoke(app, ["trail", "export"])
    assert "argon2" not in export.output and "[redacted]" in export.output


def test_concurrent_writers_keep_one_unbroken_chain(db):
    """Appends from parallel transactions are serialised by the locked chain head (FOR UPDATE on PostgreSQL,
    BEGIN IMMEDIATE on SQLite), so no two events share a predecessor."""
    from concurrent.futures import ThreadPoolExecutor

    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service
    from qtqms.identity.schemas import UserCreate

    admin = make_org(db)

    def create(index: int) -> None:
        with UnitOfWork(db, write=True, actor=admin) as uow:
            service.create_user(
                uow, admin, UserCreate(username=f"par{index}", role="viewer", password="parallel-pass-42")
            )
            uow.commit()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(create, range(24)))
    result = verify()
    assert result.exit_code == 0, result.output
    with db.connect() as connection:
        assert (
            connection.execute(text("SELECT count(DISTINCT prev_hash) FROM audit_event")).scalar()
            == connection.execute(text("SELECT count(*) FROM audit_event")).scalar()
        )
