"""Migration 0009 turns each control's evidence into evidence of the subject ('control', key), with its kind and
who added it (from the trail), and goes back again, on both backends."""

from __future__ import annotations

from sqlalchemy import text

from qtqms.db import migrate
from tests.db.test_migrations import _insert, fresh_engine  # noqa: F401  the throwaway database fixture

REVISION = "0009"


def _previous() -> str:
    """The revision before this one, whatever the chain it was merged into."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "qtqms.db:migrations")
    return ScriptDirectory.from_config(config).get_revision(REVISION).down_revision


def test_control_evidence_becomes_evidence_of_the_control_and_goes_back(fresh_engine):  # noqa: F811
    before = _previous()
    migrate.upgrade(fresh_engine, before)
    with fresh_engine.begin() as connection:
        organisation = _insert(connection, "organisation", name="Old Quantum")
        user = _insert(connection, "user_account", organisation_id=organisation, username="riley")
        control = _insert(connection, "control", organisation_id=organisation, key="CTL-OLD", owner_id=user)
        filed = _insert(connection, "evidence", organisation_id=organisation, control_id=control, title="Scan",
                        sha256="ab" * 32, filename="scan.txt", size=4, url="")  # fmt: skip
        linked = _insert(connection, "evidence", organisation_id=organisation, control_id=control, title="Wiki",
                         sha256="", url="https://example.org/w")  # fmt: skip
        _insert(connection, "audit_event", seq=1, actor_id=user, action="create", entity_type="evidence",
                entity_id=str(filed), hash="h1")  # fmt: skip
    migrate.upgrade(fresh_engine, REVISION)
    with fresh_engine.begin() as connection:
        rows = connection.execute(
            text("SELECT id, subject_type, subject_id, kind, added_by_id FROM evidence ORDER BY id")
        ).all()
        assert [tuple(r) for r in rows] == [
            (filed, "control", "CTL-OLD", "file", user),
            (linked, "control", "CTL-OLD", "url", None),  # the trail does not say who added it
        ]
        _insert(connection, "evidence", organisation_id=organisation, subject_type="product", subject_id="QKD",
                kind="url", title="Plan", sha256="", url="https://example.org/p")  # fmt: skip
    migrate.downgrade(fresh_engine, before)
    with fresh_engine.connect() as connection:
        back = connection.execute(text("SELECT id, control_id, title FROM evidence ORDER BY id")).all()
    assert [tuple(r) for r in back] == [(filed, control, "Scan"), (linked, control, "Wiki")]  # the product's: gone
    migrate.upgrade(fresh_engine)
    assert migrate.current_revision(fresh_engine) == migrate.head_revision()
