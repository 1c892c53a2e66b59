"""Signed checkpoints catch what a chain inside the database cannot: a cut tail with a rewound head, an emptied
trail, and a rewrite that recomputes every hash. Each attack is done with plain SQL, as a database writer would."""

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from qtqms.app.cli import app
from qtqms.kernel import hashchain
from qtqms.settings import reset_settings
from tests.builders import make_org, make_user

runner = CliRunner()


@pytest.fixture
def checkpointed(db, tmp_path):
    """A trail of a dozen events, a checkpoint of its head, then more events after it."""
    admin = make_org(db)
    for index in range(4):
        make_user(db, admin, f"before{index}", "viewer")
    cut = runner.invoke(app, ["trail", "checkpoint", "--out", str(tmp_path), "--json"])
    assert cut.exit_code == 0, cut.output
    made = json.loads(cut.output)
    for index in range(3):
        make_user(db, admin, f"after{index}", "viewer")
    return db, made


def verify(*args):
    return runner.invoke(app, ["trail", "verify", *args])


def sql(engine, statement, **params):
    with engine.begin() as connection:
        connection.execute(text(statement), params)


def rechain(engine, from_seq: int) -> None:
    """What an attacker with the database does after altering event `from_seq`: recompute every hash after it."""
    from qtqms.db.audit import AuditEvent
    from qtqms.db.uow import UnitOfWork

    with UnitOfWork(engine, write=True) as uow:
        events = uow.session.query(AuditEvent).order_by(AuditEvent.seq).all()
        prev = hashchain.GENESIS
        for event in events:
            if event.seq >= from_seq:
                event.prev_hash, event.hash = prev, hashchain.chain_hash(prev, event.chained_body())
            prev = event.hash
        uow.session.execute(text("UPDATE trail_head SET last_hash = :h"), {"h": prev})
        uow.commit()


def test_the_untouched_trail_matches_its_checkpoint(checkpointed):
    _, made = checkpointed
    result = verify("--checkpoint", made["path"])
    assert result.exit_code == 0, result.output
    assert f"matches the checkpoint of event {made['seq']}" in result.output
    quick = verify("--checkpoint", made["path"], "--since-checkpoint", "--json")
    assert quick.exit_code == 0 and json.loads(quick.output)["events_checked"] == 3


def test_a_cut_tail_with_a_rewound_head_passes_the_chain_but_not_the_checkpoint(checkpointed):
    db, made = checkpointed
    keep = made["seq"] - 2
    row = "SELECT hash FROM audit_event WHERE seq = :s"
    with db.connect() as connection:
        last_hash = connection.execute(text(row), {"s": keep}).scalar()
    sql(db, "DELETE FROM audit_event WHERE seq > :s", s=keep)
    sql(db, "UPDATE trail_head SET last_seq = :s, last_hash = :h", s=keep, h=last_hash)
    assert verify().exit_code == 0  # the chain alone cannot tell
    result = verify("--checkpoint", made["path"])
    assert result.exit_code == 1
    assert f"the trail ends at event {keep} but the checkpoint" in result.output and "deleted" in result.output


def test_an_emptied_trail_is_caught(checkpointed):
    db, made = checkpointed
    sql(db, "DELETE FROM audit_event")
    sql(db, "DELETE FROM trail_head")
    assert verify().exit_code == 0
    result = verify("--checkpoint", made["path"])
    assert result.exit_code == 1 and "the trail holds no events" in result.output


def test_a_rewrite_that_recomputes_every_hash_is_caught(checkpointed):
    db, made = checkpointed
    sql(db, "UPDATE audit_event SET actor_name = 'mallory' WHERE seq = 3")
    rechain(db, 3)
    assert verify().exit_code == 0
    result = verify("--checkpoint", made["path"])
    assert result.exit_code == 1
    assert f"event {made['seq']} differs from the checkpoint" in result.output and "rewritten" in result.output


def test_tampering_after_the_checkpoint_is_found_by_the_quick_check(checkpointed):
    db, made = checkpointed
    sql(db, "UPDATE audit_event SET actor_name = 'mallory' WHERE seq = :s", s=made["seq"] + 1)
    result = verify("--checkpoint", made["path"], "--since-checkpoint")
    assert result.exit_code == 1 and f"event {made['seq'] + 1}" in result.output


def test_an_edited_checkpoint_is_not_genuine(checkpointed, tmp_path):
    _, made = checkpointed
    forged = json.loads(Path(made["path"]).read_text())
    forged["seq"] -= 3
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    result = verify("--checkpoint", str(path))
    assert result.exit_code == 1 and "not genuine" in result.output


def test_a_checkpoint_signed_with_another_key_is_refused(checkpointed, tmp_path, monkeypatch):
    db, made = checkpointed
    monkeypatch.setenv("QTQMS_CHECKPOINT_KEY_FILE", str(tmp_path / "other-key.json"))
    reset_settings()
    other = runner.invoke(app, ["trail", "checkpoint", "--out", str(tmp_path / "other"), "--json"])
    assert other.exit_code == 0, other.output
    monkeypatch.delenv("QTQMS_CHECKPOINT_KEY_FILE")
    reset_settings()
    result = verify("--checkpoint", json.loads(other.output)["path"])
    assert result.exit_code == 1 and "not with this installation's key" in result.output


def test_a_file_that_is_no_checkpoint_gets_one_clear_error(checkpointed, tmp_path):
    half = b'{"kind": "qtqms-trail-checkpoint", "format_version": 1, "seq": "9"}'
    cases = ((b"{", ":1: not a checkpoint file"), (b"[]", "not a qtqms trail checkpoint"), (half, "seq"))
    for content, expected in cases:
        path = tmp_path / f"bad-{hashlib.sha256(content).hexdigest()[:6]}.json"
        path.write_bytes(content)
        result = verify("--checkpoint", str(path))
        assert result.exit_code == 2 and expected in result.output and "Traceback" not in result.output
    missing = verify("--checkpoint", str(tmp_path / "nowhere.json"))
    assert missing.exit_code == 2 and "no such checkpoint file" in missing.output


def test_an_empty_trail_has_nothing_to_checkpoint(db, tmp_path):
    make_org(db)
    sql(db, "DELETE FROM audit_event")
    sql(db, "DELETE FROM trail_head")
    result = runner.invoke(app, ["trail", "checkpoint", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "nothing to vouch for" in result.output
