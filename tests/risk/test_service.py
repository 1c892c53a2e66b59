"""Risk use cases against a real database: rules, refusals that change nothing, acceptance and Mosca."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from qtqms.db.audit import AuditEvent
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from qtqms.kit.paging import encode_cursor
from qtqms.models.risk import Risk
from qtqms.risk import service
from qtqms.risk.schemas import (
    AcceptanceIn,
    ActionClose,
    ActionIn,
    AssessmentIn,
    AssetCreate,
    DataClassCreate,
    DataClassUpdate,
    ExposureCreate,
    RatingIn,
    RegisterQuery,
    RiskUpdate,
    TreatmentIn,
)
from qtqms.risk.service import reading
from tests.builders import PASSWORD, query_counter
from tests.conftest import FIXED_NOW
from tests.risk.conftest import new_risk

pytestmark = pytest.mark.usefixtures("fixed_clock")
TODAY = FIXED_NOW.date()
SOON = TODAY + timedelta(days=30)


def counts(team) -> tuple[int, int]:
    """(risks, audit events): a refused use case must leave both as they were."""
    with team.db.connect() as connection:
        return (
            connection.scalar(select(func.count()).select_from(Risk)),
            connection.scalar(select(func.count()).select_from(AuditEvent)),
        )


@contextmanager
def unchanged(team, kept=()):
    """Nothing written, but for the trail events a refusal keeps (a refused password)."""
    before = counts(team)
    yield
    risks, events = counts(team)
    assert (risks, events) == (before[0], before[1] + len(kept))
    with team.db.connect() as connection:
        last = connection.scalars(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(len(kept))).all()
    assert list(reversed(last)) == list(kept)


def test_a_new_risk_is_rated_under_its_domains_matrix_and_recorded_in_the_trail(team):
    ref = new_risk(team, team.owner, current=(4, 4))
    risk = team.read(team.viewer, service.get_risk, ref)
    assert ref == "R-0001" and risk.matrix == "qtqms-5x5@1" and risk.status == "assessed"
    assert risk.current.level_key == "high" and risk.current.tone == "bad"
    assert risk.assets == ["QKD-RX"] and risk.owner == "riley" and risk.created_by == "riley"
    assert risk.threat_title.startswith("Detector blinding")
    assert risk.treat_by == TODAY + timedelta(days=180)
    with team.db.connect() as connection:
        actions = connection.execute(text("SELECT action FROM audit_event WHERE entity_type = 'risk'")).scalars().all()
    assert "create" in actions


@pytest.mark.parametrize(
    ("rating", "field"),
    [((6, 1), "inherent.likelihood"), ((1, 0), "inherent.impact"), ((0, 9), "inherent.likelihood")],
)
def test_a_rating_outside_the_matrix_is_refused_and_nothing_changes(team, rating, field):
    with unchanged(team), pytest.raises(InvalidInput) as error:
        new_risk(team, team.owner, current=rating)
    assert error.value.problems[0].field == field and "outside matrix qtqms-5x5" in error.value.message


def test_unknown_owner_threat_asset_and_bad_requirement_links_are_named(team):
    for fields, expected in (
        ({"owner": "nobody"}, "owner"),
        ({"threat": "qtqms-threats:NOPE"}, "threat"),
        ({"assets": ["QKD-RX", "GHOST"]}, "assets[1]"),
        ({"linked_requirements": ["iso27001-2022:A.5.1", "not a link"]}, "linked_requirements[1]"),
        ({"approach": "asset", "assets": []}, "assets"),
    ):
        with unchanged(team), pytest.raises(InvalidInput) as error:
            new_risk(team, team.owner, **fields)
        assert expected in str(error.value) or error.value.problems[0].field == expected


def test_viewers_and_auditors_cannot_change_the_register(team):
    with unchanged(team), pytest.raises(PermissionDenied):
        new_risk(team, team.viewer)


def test_treatment_needs_owned_actions_and_the_last_closure_reassesses_the_residual(team):
    ref = new_risk(team, team.owner, current=(4, 3))
    with unchanged(team), pytest.raises(InvalidInput, match="needs an owner") as error:
        team.run(
            team.owner,
            service.treat_risk,
            ref,
            TreatmentIn(option="modify", actions=[ActionIn(title="Add watchdog", due_date=SOON)]),
        )
    assert error.value.problems[0].field == "actions[0].owner"
    with unchanged(team), pytest.raises(InvalidInput, match="at least one action"):
        team.run(team.owner, service.treat_risk, ref, TreatmentIn(option="modify"))
    with unchanged(team), pytest.raises(InvalidInput, match="no active user 'ghost'"):
        team.run(
            team.owner,
            service.treat_risk,
            ref,
            TreatmentIn(option="modify", actions=[ActionIn(title="x", owner="ghost", due_date=SOON)]),
        )
    actions = [
        ActionIn(title="Install a detector-blinding watchdog", owner="emery", due_date=SOON),
        ActionIn(title="Monitor detector photocurrent", owner="emery", due_date=TODAY - timedelta(days=3)),
    ]
    team.run(
        team.owner, service.treat_risk, ref, TreatmentIn(option="modify", plan="Detect blinding light", actions=actions)
    )
    risk = team.read(team.viewer, service.get_risk, ref)
    assert risk.status == "treating" and risk.treatment_option == "modify"
    assert [a.overdue for a in risk.actions] == [True, False]
    plan = team.read(team.viewer, service.treatment_plan, overdue_only=True)
    assert [a.title for a in plan] == ["Monitor detector photocurrent"] and plan[0].risk_ref == ref
    first, last = risk.actions[0].id, risk.actions[1].id
    team.run(team.engineer, service.close_action, first, ActionClose(note="done"))
    with pytest.raises(InvalidInput, match="last open action"):
        team.run(team.engineer, service.close_action, last, ActionClose())
    team.run(team.engineer, service.close_action, last, ActionClose(residual=RatingIn(likelihood=2, impact=3)))
    risk = team.read(team.viewer, service.get_risk, ref)
    assert risk.status == "treated" and risk.residual.likelihood == 2 and risk.current.level_key == "low"
    with pytest.raises(Conflict, match="already closed"):
        team.run(team.engineer, service.close_action, last, ActionClose())


def accept(team, actor, ref, password=PASSWORD, **fields):
    data = AcceptanceIn(password=password, justification="Residual risk is within appetite for now.", **fields)
    return team.run(actor, service.accept_risk, ref, data)


def test_acceptance_is_refused_to_the_proposer_to_roles_below_the_level_and_without_the_password(team):
    low = new_risk(team, team.owner, current=(1, 2))
    high = new_risk(team, team.owner, current=(4, 4))
    with unchanged(team), pytest.raises(PermissionDenied, match="someone else must accept"):
        accept(team, team.owner, low)
    with unchanged(team), pytest.raises(PermissionDenied, match="risk:accept"):
        accept(team, team.engineer, low)
    with unchanged(team), pytest.raises(PermissionDenied, match="only by admin, not by risk_owner"):
        accept(team, team.owner2, high)
    with unchanged(team, kept=["password_refused"]), pytest.raises(NotAuthenticated, match="not signed"):
        accept(team, team.owner2, low, password="wrong-password-1")
    with unchanged(team), pytest.raises(InvalidInput, match="beyond the review period"):
        accept(team, team.owner2, low, expires_on=TODAY + timedelta(days=400))
    accept(team, team.admin, high)
    assert team.read(team.viewer, service.get_risk, high).status == "accepted"


def test_catastrophic_impact_and_the_top_level_are_never_acceptable(team):
    catastrophic = new_risk(team, team.owner, current=(1, 5))
    very_high = new_risk(team, team.owner, current=(5, 4))
    with unchanged(team), pytest.raises(InvalidInput, match="not acceptable at any likelihood"):
        accept(team, team.admin, catastrophic)
    with unchanged(team), pytest.raises(InvalidInput, match="may not be accepted by anyone"):
        accept(team, team.admin, very_high)


def test_a_changed_rating_invalidates_the_acceptance_and_says_what_changed(team):
    ref = new_risk(team, team.owner, current=(2, 2))
    accept(team, team.owner2, ref)
    accepted = team.read(team.viewer, service.get_risk, ref)
    assert accepted.acceptance_status == "valid" and accepted.acceptances[0].valid
    assert accepted.acceptances[0].validity == "valid: signature verified"
    assert accepted.next_review_date == accepted.accepted_until
    team.run(team.engineer, service.assess_risk, ref, AssessmentIn(current=RatingIn(likelihood=3, impact=2)))
    changed = team.read(team.viewer, service.get_risk, ref)
    assert changed.status == "assessed" and changed.acceptance_status == "invalid" and changed.accepted_until is None
    acceptance = changed.acceptances[0]
    assert not acceptance.valid and "current: L2xI2 -> L3xI2" in acceptance.validity


def test_an_acceptance_edited_around_the_service_is_caught_by_its_signature(team):
    ref = new_risk(team, team.owner, current=(2, 2))
    accept(team, team.owner2, ref)
    with team.db.begin() as connection:
        connection.execute(text("UPDATE risk SET current_likelihood = 1"))
    risk = team.read(team.viewer, service.get_risk, ref)
    acceptance = risk.acceptances[0]
    assert not acceptance.valid and risk.acceptance_status == "invalid" and risk.status == "assessed"
    assert acceptance.validity == "invalid: the risk changed after it was accepted: current: L2xI2 -> L1xI2"


def test_linking_another_asset_is_a_material_change_but_a_new_owner_is_not(team):
    ref = new_risk(team, team.owner, current=(2, 2))
    accept(team, team.owner2, ref)
    team.run(team.engineer, service.update_risk, ref, RiskUpdate(owner="emery"))
    assert team.read(team.viewer, service.get_risk, ref).acceptance_status == "valid"
    team.run(team.engineer, service.update_risk, ref, RiskUpdate(assets=["QKD-RX", "KMS"]))
    risk = team.read(team.viewer, service.get_risk, ref)
    assert risk.acceptance_status == "invalid" and "asset_ids" in risk.acceptances[0].validity


def test_a_new_matrix_rerates_nothing_silently_and_reassessment_must_be_complete(team):
    ref = new_risk(team, team.owner, current=(4, 4))
    team.run(team.admin, service.choose_matrix, "security", "qtqms-3x3")
    risk = team.read(team.viewer, service.get_risk, ref)
    assert risk.matrix == "qtqms-5x5@1" and risk.needs_reassessment and risk.current.likelihood == 4
    with unchanged(team), pytest.raises(InvalidInput, match="now uses qtqms-3x3@1"):
        team.run(team.owner, service.assess_risk, ref, AssessmentIn(current=RatingIn(likelihood=2, impact=2)))
    with unchanged(team), pytest.raises(InvalidInput, match="outside matrix qtqms-3x3"):
        team.run(
            team.owner,
            service.assess_risk,
            ref,
            AssessmentIn(inherent=RatingIn(likelihood=4, impact=3), current=RatingIn(likelihood=2, impact=2)),
        )
    team.run(
        team.owner,
        service.assess_risk,
        ref,
        AssessmentIn(
            inherent=RatingIn(likelihood=3, impact=3),
            current=RatingIn(likelihood=2, impact=2),
            note="re-rated under 3x3",
        ),
    )
    risk = team.read(team.viewer, service.get_risk, ref)
    assert risk.matrix == "qtqms-3x3@1" and not risk.needs_reassessment and risk.current.level_key == "medium"
    history = team.read(team.viewer, service.assessment_history, ref)
    assert [h.matrix for h in history] == ["qtqms-3x3@1", "qtqms-5x5@1"]
    with pytest.raises(PermissionDenied):
        team.run(team.engineer, service.choose_matrix, "security", "qtqms-5x5")


def test_register_filters_sorts_and_pages_by_keyset_with_a_constant_number_of_queries(team):
    for index in range(7):
        new_risk(
            team,
            team.owner,
            title=f"Risk {index}",
            current=(1 + index % 5, 1 + index % 3),
            domain="quality" if index % 2 else "security",
        )
    seen, cursor = [], None
    while True:
        page = team.read(team.viewer, service.register, RegisterQuery(sort="level", cursor=cursor, limit=3))
        seen += [(row.current.likelihood, row.current.impact, row.ref) for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == 7 == page.total and len({ref for *_, ref in seen}) == 7
    levels = [team.read(team.viewer, service.get_risk, ref).current.level_key for *_, ref in seen]
    order = ["very-high", "high", "medium", "low", "very-low"]
    assert [order.index(k) for k in levels] == sorted(order.index(k) for k in levels)
    quality = team.read(team.viewer, service.register, RegisterQuery(domain="quality", sort="title", order="asc"))
    assert [r.title for r in quality.rows] == ["Risk 1", "Risk 3", "Risk 5"] and quality.total == 3
    assert [r.ref for r in team.read(team.viewer, service.register, RegisterQuery(search="risk 4")).rows] == ["R-0005"]
    assert [r.ref for r in team.read(team.viewer, service.register, RegisterQuery(search="R-0002")).rows] == ["R-0002"]
    for garbage in ("garbage", encode_cursor(["high", 3]), encode_cursor([3])):  # not base64; a text level; short
        with pytest.raises(InvalidInput, match="cursor"):
            team.read(team.viewer, service.register, RegisterQuery(cursor=garbage))
    query_counts = []
    for limit in (2, 6):
        with UnitOfWork(team.db, actor=team.viewer) as uow, query_counter(team.db) as statements:
            service.register(uow, team.viewer, RegisterQuery(limit=limit))
            query_counts.append(len(statements))
    assert query_counts[0] == query_counts[1] <= 4


def test_heat_maps_count_per_cell_and_set_aside_risks_under_another_matrix(team):
    new_risk(team, team.owner, current=(4, 4))
    new_risk(team, team.owner, current=(4, 4))
    ref = new_risk(team, team.owner, current=(2, 3))
    new_risk(team, team.owner, current=None, title="Not rated yet")
    team.run(
        team.owner,
        service.treat_risk,
        ref,
        TreatmentIn(option="modify", actions=[ActionIn(title="x", owner="emery", due_date=SOON)]),
    )
    team.run(team.owner, service.assess_risk, ref, AssessmentIn(residual=RatingIn(likelihood=1, impact=1)))
    inherent = team.read(team.viewer, service.heat_map, kind="inherent")
    cells = {(c.likelihood, c.impact): c.count for row in inherent.rows for c in row if c.count}
    assert cells == {(4, 4): 2, (2, 3): 1} and inherent.total == 3 and inherent.not_shown == 1
    assert inherent.rows[0][0].likelihood == 5 and inherent.rows[-1][0].likelihood == 1
    residual = team.read(team.viewer, service.heat_map, kind="residual")
    assert {(c.likelihood, c.impact): c.count for row in residual.rows for c in row if c.count} == {
        (4, 4): 2,
        (1, 1): 1,
    }
    three = team.read(team.viewer, service.heat_map, kind="inherent", matrix_id="qtqms-3x3")
    assert three.total == 0 and three.not_shown == 4
    team.run(team.admin, service.choose_matrix, "security", "qtqms-3x3")
    team.run(
        team.owner,
        service.assess_risk,
        ref,
        AssessmentIn(inherent=RatingIn(likelihood=3, impact=3), current=RatingIn(likelihood=1, impact=2)),
    )
    maintained = team.read(team.viewer, service.heat_maps, matrix_id="qtqms-5x5") + team.read(
        team.viewer, service.heat_maps, matrix_id="qtqms-3x3"
    )
    assert [m.total for m in maintained] == [2, 2, 1, 1]
    team.run(team.owner, service.rebuild_heat_counts)
    recounted = team.read(team.viewer, service.heat_maps, matrix_id="qtqms-5x5") + team.read(
        team.viewer, service.heat_maps, matrix_id="qtqms-3x3"
    )
    assert recounted == maintained  # the counts kept in step with each change equal a recount from scratch


def test_register_exports_as_csv_and_xlsx_with_formulas_neutralised(team):
    from io import BytesIO

    from openpyxl import load_workbook

    new_risk(team, team.owner, title='=HYPERLINK("http://evil")', current=(3, 3))
    data, media, name = team.read(team.viewer, service.export_register, "csv")
    lines = data.decode().splitlines()
    assert (
        lines[0].startswith("ref,title,domain")
        and lines[1].startswith("R-0001,\"'=HYPERLINK")
        and media.startswith("text/csv")
    )
    data, _, name = team.read(team.viewer, service.export_register, "xlsx")
    sheet = load_workbook(BytesIO(data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert name == "risk-register.xlsx" and rows[1][0] == "R-0001" and rows[1][6] == "L3 x I3"


# --- Mosca -----------------------------------------------------------------------------------------


def mosca_setup(team, *, x=10, y=3):
    team.run(
        team.owner,
        service.create_data_class,
        DataClassCreate(
            key="customer-data", name="Customer data", shelf_life_years=x, sensitivity="high", owner="riley"
        ),
    )
    return team.run(
        team.owner, service.add_exposure, ExposureCreate(data_class="customer-data", system="KMS", migration_years=y)
    )


def test_mosca_computes_margin_and_deadline_per_scenario_and_raises_a_risk_when_exposed(team):
    report = mosca_setup(team, x=10, y=3)
    year = TODAY.year
    system = report.data_classes[0].systems[0]
    points = {p.scenario: p for p in system.points}
    assert report.basis == "median" and set(points) == {"pessimistic", "median", "optimistic"}
    median = points["median"]
    assert (median.x, median.y, median.z) == (10, 3, 2037 - year)
    assert median.margin == (2037 - year) - 13 and median.deadline_year == 2027 and median.exposed
    assert points["optimistic"].margin == (2045 - year) - 13
    risk = team.read(team.viewer, service.get_risk, system.risk)
    assert risk.source == "mosca" and risk.threat == "qtqms-threats:Q-HNDL" and risk.owner == "riley"
    assert "median: x=10 + y=3 = 13" in risk.computation and "margin" in risk.computation
    exposed = sum(p.exposed for p in system.points)
    assert risk.inherent.likelihood == -(-exposed * 5 // 3) and risk.inherent.impact == 4  # high -> 3/4 of 5, up


def test_mosca_inputs_that_are_negative_or_not_numbers_are_refused(team):
    mosca_setup(team)
    for value, message in (
        (-1, "negative"),
        ("five", "not a number"),
        (float("nan"), "not a number"),
        (1e6, "more than"),
    ):
        with unchanged(team), pytest.raises(InvalidInput, match=message):
            team.run(team.owner, service.set_migration_years, system="KMS", years=value)
    with unchanged(team), pytest.raises(InvalidInput, match="negative"):
        team.run(team.owner, service.update_data_class, "customer-data", DataClassUpdate(shelf_life_years=-2))


def test_new_mosca_inputs_update_the_raised_risk_and_void_its_acceptance(team):
    report = mosca_setup(team, x=10, y=3)
    ref = report.data_classes[0].systems[0].risk
    before = team.read(team.viewer, service.get_risk, ref)
    accept(team, team.admin, ref)
    team.run(team.owner, service.set_migration_years, system="KMS", years=30, source="vendor estimate")
    after = team.read(team.viewer, service.get_risk, ref)
    assert "y=30" in after.computation and after.inherent.likelihood >= before.inherent.likelihood
    assert after.inherent.likelihood == 5 and after.acceptance_status == "invalid"
    system = team.read(team.viewer, service.mosca_report).data_classes[0].systems[0]
    assert system.y_source == "vendor estimate" and system.y_plan is None and all(p.exposed for p in system.points)


def test_no_risk_is_raised_while_the_basis_scenario_leaves_a_margin(team):
    team.run(team.admin, service.set_mosca_basis, "optimistic")
    report = mosca_setup(team, x=1, y=1)
    assert report.data_classes[0].systems[0].risk is None
    with pytest.raises(InvalidInput, match="unknown scenario"):
        team.run(team.admin, service.set_mosca_basis, "tomorrow")


def test_assets_need_a_known_owner_and_a_unique_key(team):
    with unchanged(team), pytest.raises(InvalidInput, match="no active user"):
        team.run(
            team.owner,
            service.create_asset,
            AssetCreate(key="FRIDGE", name="Dilution refrigerator", kind="quantum-equipment", owner="ghost"),
        )
    with pytest.raises(Conflict, match="already exists"):
        team.run(team.owner, service.create_asset, AssetCreate(key="KMS", name="Again", kind="service", owner="riley"))
    with pytest.raises(InvalidInput, match="kind 'fridge'"):
        team.run(team.owner, service.create_asset, AssetCreate(key="F2", name="x", kind="fridge", owner="riley"))


def test_the_register_count_stops_at_its_cap_and_says_so(team, monkeypatch):
    for index in range(4):
        new_risk(team, team.owner, title=f"Risk {index}")
    monkeypatch.setattr(reading, "COUNT_CAP", 3)
    page = team.read(team.viewer, service.register)
    assert (page.total, page.total_capped, len(page.rows)) == (3, True, 4)
    monkeypatch.setattr(reading, "COUNT_CAP", 4)
    assert team.read(team.viewer, service.register).total_capped is False
