"""Nonconformities and CAPA through the service: the workflow's guards, the signed effectiveness check that can
send it back, a closure that needs a passed check, overdue actions, links and what a lifecycle gate reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from qtqms.db.audit import AuditEvent
from qtqms.db.uow import UnitOfWork
from qtqms.kernel import clock
from qtqms.kernel.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from qtqms.models.quality import EffectivenessCheck, Nonconformity
from qtqms.org import service as org_service
from qtqms.org.schemas import ProductCreate
from qtqms.quality.nonconformity import service
from qtqms.quality.nonconformity.schemas import (
    ActionDone,
    ActionIn,
    CheckIn,
    ClosureIn,
    InvestigationIn,
    NcStepIn,
    NonconformityCreate,
    NonconformityQuery,
)
from tests.builders import PASSWORD
from tests.quality.conftest import effective


def _raise(team, **changes):
    data = {"title": "QBER above threshold on link A-B", "source": "test_out_of_spec", "severity": "major",
            "requirements": ["iso9001-2015:8.7"], "owner": "emery"} | changes  # fmt: skip
    return team.run(team.engineer, service.raise_nonconformity, NonconformityCreate(**data))


def _to_verifying(team, ref: str) -> None:
    team.run(team.engineer, service.update_investigation, ref,
             InvestigationIn(containment="Link taken out of service", reason="contained"))  # fmt: skip
    team.run(team.engineer, service.take_step, ref, NcStepIn(action="contain"))
    team.run(team.engineer, service.update_investigation, ref, InvestigationIn(
        cause_method="5 whys", whys=["Detector too warm", "Cooler drifted", "No alarm on drift"],
        root_cause="No alarm on cooler drift", effectiveness_criteria="No QBER excursion for 30 days",
        reason="analysed"))  # fmt: skip
    due = clock.today() + timedelta(days=10)
    done = team.run(team.engineer, service.add_action, ref,
                    ActionIn(title="Add a drift alarm", owner="emery", due_on=due))  # fmt: skip
    team.run(team.engineer, service.take_step, ref, NcStepIn(action="act"))
    team.run(team.engineer, service.complete_action, done.actions[0].id, ActionDone(outcome="alarm installed"))
    team.run(team.engineer, service.take_step, ref, NcStepIn(action="verify"))


def test_a_nonconformity_is_numbered_and_linked(team):
    first = _raise(team)
    assert (first.ref, first.status, first.owner, first.requirements) == ("NC-0001", "open", "emery",
                                                                        ["iso9001-2015:8.7"])  # fmt: skip


def test_each_step_waits_for_what_it_needs(team):
    nc = _raise(team)
    with pytest.raises(Conflict, match="say how it is contained first"):
        team.run(team.engineer, service.take_step, nc.ref, NcStepIn(action="contain"))
    team.run(team.engineer, service.update_investigation, nc.ref, InvestigationIn(containment="held", reason="c" * 3))
    team.run(team.engineer, service.take_step, nc.ref, NcStepIn(action="contain"))
    with pytest.raises(Conflict, match="record the root cause first; plan at least one action first"):
        team.run(team.engineer, service.take_step, nc.ref, NcStepIn(action="act"))


def test_a_capa_cannot_close_before_a_passed_effectiveness_check(team):
    nc = _raise(team)
    _to_verifying(team, nc.ref)
    with pytest.raises(Conflict, match="its effectiveness check has not been made"):
        team.run(team.quality, service.close, nc.ref, ClosureIn(password=PASSWORD))
    team.run(team.quality, service.check_effectiveness, nc.ref,
             CheckIn(passed=True, note="30 days without excursion", password=PASSWORD))  # fmt: skip
    closed = team.run(team.quality, service.close, nc.ref, ClosureIn(password=PASSWORD, comment="done"))
    assert closed.status == "closed" and closed.closure.valid and closed.closure.signed_by == "quinn"
    assert closed.checks[0].valid and closed.checks[0].passed


def test_a_failed_check_reopens_the_actions_and_blocks_closure(team):
    nc = _raise(team)
    _to_verifying(team, nc.ref)
    failed = team.run(team.quality, service.check_effectiveness, nc.ref,
                      CheckIn(passed=False, note="Excursion on day 12", password=PASSWORD))  # fmt: skip
    assert (failed.status, failed.reopened) == ("acting", 1)
    with pytest.raises(Conflict, match="is acting"):
        team.run(team.quality, service.close, nc.ref, ClosureIn(password=PASSWORD))


def test_the_owner_neither_checks_nor_closes_their_own_nonconformity(team):
    nc = _raise(team, owner="quinn")
    team.run(team.engineer, service.update_investigation, nc.ref, InvestigationIn(containment="held", reason="c" * 3))
    team.run(team.engineer, service.take_step, nc.ref, NcStepIn(action="contain"))
    team.run(team.engineer, service.update_investigation, nc.ref, InvestigationIn(root_cause="x", reason="found"))
    action = team.run(team.engineer, service.add_action, nc.ref,
                      ActionIn(title="fix", owner="emery", due_on=clock.today()))  # fmt: skip
    team.run(team.engineer, service.take_step, nc.ref, NcStepIn(action="act"))
    team.run(team.engineer, service.complete_action, action.actions[0].id, ActionDone(outcome="fixed"))
    team.run(team.engineer, service.take_step, nc.ref, NcStepIn(action="verify"))
    with pytest.raises(PermissionDenied, match="you own this nonconformity; someone else must check it"):
        team.run(team.quality, service.check_effectiveness, nc.ref, CheckIn(passed=True, note="ok!", password=PASSWORD))
    team.run(team.engineer, service.check_effectiveness, nc.ref, CheckIn(passed=True, note="ok!", password=PASSWORD))
    with pytest.raises(PermissionDenied, match="you own this nonconformity; someone else must close it"):
        team.run(team.quality, service.close, nc.ref, ClosureIn(password=PASSWORD))
    with pytest.raises(PermissionDenied, match="nonconformity:close"):
        team.run(team.engineer, service.close, nc.ref, ClosureIn(password=PASSWORD))
    assert team.run(team.admin, service.close, nc.ref, ClosureIn(password=PASSWORD)).status == "closed"


def test_a_wrong_password_signs_no_check(team):
    nc = _raise(team)
    _to_verifying(team, nc.ref)
    with pytest.raises(NotAuthenticated):
        team.run(team.quality, service.check_effectiveness, nc.ref, CheckIn(passed=True, note="ok!", password="no"))
    assert team.read(team.viewer, service.get_nonconformity, nc.ref).checks == []


def test_a_change_behind_the_applications_back_voids_the_check_and_blocks_closure(team):
    nc = _raise(team)
    _to_verifying(team, nc.ref)
    team.run(team.quality, service.check_effectiveness, nc.ref, CheckIn(passed=True, note="ok!", password=PASSWORD))
    with UnitOfWork(team.db, write=True) as uow:
        uow.session.execute(update(Nonconformity).values(root_cause="something else"))
        uow.commit()
    shown = team.read(team.viewer, service.get_nonconformity, nc.ref)
    assert (
        not shown.checks[0].valid
        and "root_cause: 'No alarm on cooler drift' -> 'something else'" in shown.checks[0].verification
    )
    with pytest.raises(Conflict, match="effectiveness check no longer holds"):
        team.run(team.quality, service.close, nc.ref, ClosureIn(password=PASSWORD))


def test_reopening_a_closed_one_needs_a_reason_and_the_right_to_close(team):
    nc = _raise(team)
    _to_verifying(team, nc.ref)
    team.run(team.quality, service.check_effectiveness, nc.ref, CheckIn(passed=True, note="ok!", password=PASSWORD))
    team.run(team.quality, service.close, nc.ref, ClosureIn(password=PASSWORD))
    with pytest.raises(InvalidInput, match="needs a reason"):
        team.run(team.quality, service.take_step, nc.ref, NcStepIn(action="reopen"))
    with pytest.raises(PermissionDenied):
        team.run(team.engineer, service.take_step, nc.ref, NcStepIn(action="reopen", reason="recurred"))
    again = team.run(team.quality, service.take_step, nc.ref, NcStepIn(action="reopen", reason="recurred"))
    assert (again.status, again.closure) == ("acting", None)


def test_overdue_actions_are_marked_and_filtered(team, fixed_clock):
    nc = _raise(team)
    team.run(team.engineer, service.add_action, nc.ref,
             ActionIn(title="Late one", owner="riley", due_on=clock.today() - timedelta(days=1)))  # fmt: skip
    shown = team.read(team.viewer, service.get_nonconformity, nc.ref)
    assert shown.overdue and shown.actions[0].overdue
    _raise(team, title="Fine one")
    assert [r.ref for r in team.read(team.viewer, service.list_nonconformities,
                                     NonconformityQuery(overdue=True)).rows] == [nc.ref]  # fmt: skip
    waiting = team.read(team.owner, service.waiting_for, 10)
    assert [w.title for w in waiting.items] == [f"Late one ({nc.ref} {nc.title})"]
    assert (waiting.total, waiting.overdue) == (1, 1)


def test_bad_links_and_choices_are_refused_naming_the_field(team):
    with pytest.raises(InvalidInput, match="source: 'rumour' is not one of"):
        _raise(team, source="rumour")
    with pytest.raises(InvalidInput, match="documents: no document 'DOC-0099'"):
        _raise(team, documents=["DOC-0099"])
    with pytest.raises(InvalidInput, match="risks: no risk 'R-0042'"):
        _raise(team, risks=["R-0042"])
    with pytest.raises(InvalidInput, match="product: no product 'NOPE'"):
        _raise(team, product="NOPE")


def test_it_links_documents_and_the_gate_reads_a_products_open_ones(team):
    document = effective(team)
    team.run(team.admin, org_service.add_product, ProductCreate(key="QKD-LINK", name="QKD", technology="communication"))
    minor = _raise(team, severity="minor", product="QKD-LINK", documents=[document.ref.lower()])
    major = _raise(team, product="QKD-LINK")
    _raise(team, title="Elsewhere")
    assert minor.documents == [document.ref]
    found = team.read(team.viewer, service.open_nonconformities, "QKD-LINK")
    assert [(r.ref, r.severity) for r in found] == [(major.ref, "major"), (minor.ref, "minor")]


def test_another_organisation_sees_none_of_them(team):
    nc = _raise(team)
    with pytest.raises(NotFound):
        team.read(team.other_admin, service.get_nonconformity, nc.ref)
    assert team.read(team.other_admin, service.list_nonconformities).total == 0


def test_a_failed_check_stays_valid_as_history_while_the_actions_start_again(team):
    nc = _raise(team)
    _to_verifying(team, nc.ref)
    team.run(team.quality, service.check_effectiveness, nc.ref, CheckIn(passed=False, note="again", password=PASSWORD))
    again = team.run(team.engineer, service.add_action, nc.ref,
                     ActionIn(title="Second fix", owner="emery", due_on=clock.today()))  # fmt: skip
    assert again.checks[0].valid, again.checks[0].verification
    with UnitOfWork(team.db, write=True) as uow:
        uow.session.execute(update(EffectivenessCheck).values(note="it passed really"))
        uow.commit()
    assert not team.read(team.viewer, service.get_nonconformity, nc.ref).checks[0].valid


def test_a_closure_refused_before_the_check_is_in_the_trail(team):
    nc = _raise(team)
    _to_verifying(team, nc.ref)
    with pytest.raises(Conflict):
        team.run(team.quality, service.close, nc.ref, ClosureIn(password=PASSWORD))
    with UnitOfWork(team.db) as uow:
        refused = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "signature_refused")).all()
        assert [(e.entity_type, e.entity_label, e.actor_name) for e in refused] == [("nonconformity", nc.ref, "quinn")]
        assert "effectiveness check has not been made" in refused[0].after["refused"]
