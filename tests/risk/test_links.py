"""Risk scenarios linked to the catalogue: requirements of the current framework editions and the organisation's
controls, by foreign key; unknown ones named and refused; the links shown on both sides."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from qtqms.db.audit import AuditEvent
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.errors import InvalidInput
from qtqms.models.catalog import FrameworkVersion
from qtqms.models.risk import Risk, RiskControlLink, RiskRequirementLink
from qtqms.risk import service
from qtqms.risk.schemas import AcceptanceIn, RiskUpdate
from tests.builders import PASSWORD, csrf_from, log_in
from tests.risk.conftest import new_risk

KEY_EXCHANGE = "iso27001-2022:A.8.24"
QKD_API = "quantum-standards:ETSI GS QKD 014"


def rows(team) -> tuple[int, int, int, int]:
    """(risks, requirement links, control links, audit events): a refusal leaves all four as they were."""
    with team.db.connect() as connection:
        return tuple(  # type: ignore[return-value]
            connection.scalar(select(func.count()).select_from(table))
            for table in (Risk, RiskRequirementLink, RiskControlLink, AuditEvent)
        )


def test_a_risk_links_to_requirements_of_the_current_edition_and_to_controls(catalogue):
    ref = new_risk(
        catalogue, catalogue.owner, linked_requirements=[QKD_API, KEY_EXCHANGE], linked_controls=["CTL-QKD-API"]
    )
    risk = catalogue.read(catalogue.viewer, service.get_risk, ref)
    links = {r.link: r for r in risk.linked_requirements}
    assert set(links) == {QKD_API, KEY_EXCHANGE}
    assert links[KEY_EXCHANGE].framework == "iso27001-2022" and links[KEY_EXCHANGE].requirement == "A.8.24"
    assert links[KEY_EXCHANGE].label and links[KEY_EXCHANGE].current and links[KEY_EXCHANGE].edition
    assert [(c.key, c.status) for c in risk.linked_controls] == [("CTL-QKD-API", "planned")]
    with UnitOfWork(catalogue.db) as uow:
        audited = uow.session.scalars(select(AuditEvent.entity_type).where(AuditEvent.action == "create")).all()
    assert audited.count("risk_requirement_link") == 2 and audited.count("risk_control_link") == 1


@pytest.mark.parametrize(
    ("links", "field", "message"),
    [
        ({"linked_requirements": [KEY_EXCHANGE, "iso27001-2022:A.99"]}, "linked_requirements[1]", "'A.99'"),
        ({"linked_requirements": ["no-such-pack:A.1"]}, "linked_requirements[0]", "'no-such-pack'"),
        ({"linked_requirements": ["A.8.24"]}, "linked_requirements[0]", "pack-id:REQ-ID"),
        ({"linked_controls": ["CTL-KEYS", "CTL-GHOST"]}, "linked_controls[1]", "no control 'CTL-GHOST'"),
    ],
)
def test_an_unknown_requirement_or_control_is_named_and_nothing_is_written(catalogue, links, field, message):
    before = rows(catalogue)
    with pytest.raises(InvalidInput) as error:
        new_risk(catalogue, catalogue.owner, **links)
    assert error.value.problems[0].field == field and message in error.value.message
    assert rows(catalogue) == before


def test_relinking_replaces_the_links_and_voids_a_standing_acceptance(catalogue):
    ref = new_risk(catalogue, catalogue.engineer, linked_requirements=[KEY_EXCHANGE], linked_controls=["CTL-KEYS"])
    acceptance = AcceptanceIn(password=PASSWORD, justification="Low and monitored by the QBER alarm.")
    catalogue.run(catalogue.owner, service.accept_risk, ref, acceptance)
    change = RiskUpdate(linked_requirements=[QKD_API], linked_controls=["CTL-QKD-API", "CTL-KEYS"])
    catalogue.run(catalogue.owner, service.update_risk, ref, change)
    risk = catalogue.read(catalogue.viewer, service.get_risk, ref)
    assert [r.link for r in risk.linked_requirements] == [QKD_API]
    assert [c.key for c in risk.linked_controls] == ["CTL-KEYS", "CTL-QKD-API"]
    assert risk.acceptance_status == "invalid" and not risk.acceptances[0].valid
    assert "control_ids: [" in risk.acceptances[0].validity and "requirement_ids: [" in risk.acceptances[0].validity
    with pytest.raises(InvalidInput, match="CTL-NONE"):
        catalogue.run(catalogue.owner, service.update_risk, ref, RiskUpdate(linked_controls=["CTL-NONE"]))
    assert [c.key for c in catalogue.read(catalogue.viewer, service.get_risk, ref).linked_controls] == [
        "CTL-KEYS",
        "CTL-QKD-API",
    ]


def test_a_link_into_a_superseded_edition_says_so(catalogue):
    ref = new_risk(catalogue, catalogue.owner, linked_requirements=[KEY_EXCHANGE])
    with catalogue.db.begin() as connection:
        connection.execute(
            update(FrameworkVersion).where(FrameworkVersion.pack_id == "iso27001-2022").values(is_current=False)
        )
    (link,) = catalogue.read(catalogue.viewer, service.get_risk, ref).linked_requirements
    assert link.link == KEY_EXCHANGE and link.current is False
    with pytest.raises(InvalidInput, match="current edition of 'iso27001-2022'"):
        new_risk(catalogue, catalogue.owner, linked_requirements=[KEY_EXCHANGE])


def test_each_control_lists_the_risks_it_treats_in_one_query(catalogue):
    first = new_risk(catalogue, catalogue.owner, title="Detector blinding", linked_controls=["CTL-QKD-API"])
    second = new_risk(catalogue, catalogue.owner, title="Key theft", linked_controls=["CTL-QKD-API", "CTL-KEYS"])
    treated = catalogue.read(catalogue.viewer, service.risks_treated_by_controls)
    assert [r.ref for r in treated["CTL-QKD-API"]] == [first, second]
    assert [(r.ref, r.title, r.current.level_key) for r in treated["CTL-KEYS"]] == [(second, "Key theft", "low")]


def test_the_risk_page_links_to_the_catalogue_and_the_control_page_to_the_risks(client, catalogue):
    ref = new_risk(catalogue, catalogue.owner, linked_requirements=[QKD_API], linked_controls=["CTL-QKD-API"])
    log_in(client, "val")
    page = client.get(f"/risk/{ref}").text
    assert 'href="/catalog/frameworks/quantum-standards?q=ETSI%20GS%20QKD%20014"' in page
    assert 'href="/catalog/controls#control-CTL-QKD-API"' in page
    controls = client.get("/catalog/controls").text
    row = controls.split('id="control-CTL-QKD-API"', 1)[1].split("</tr>", 1)[0]
    assert f'href="/risk/{ref}"' in row
    assert "/risk/" not in controls.split('id="control-CTL-KEYS"', 1)[1].split("</tr>", 1)[0]


def test_the_edit_form_links_controls_and_keeps_the_input_when_a_requirement_is_unknown(client, catalogue):
    ref = new_risk(catalogue, catalogue.owner)
    log_in(client, "riley")
    token = csrf_from(client.get(f"/risk/{ref}").text)
    form = {
        "csrf_token": token,
        "title": "Detector blinding on the QKD receiver",
        "assets": ["QKD-RX"],
        "linked_controls": ["CTL-KEYS", "CTL-QKD-API"],
        "linked_requirements": f"{KEY_EXCHANGE}\niso27001-2022:A.99",
    }
    refused = client.post(f"/risk/{ref}/edit", data=form)
    assert refused.status_code == 422 and "no requirement &#39;A.99&#39;" in refused.text
    assert 'value="CTL-KEYS" selected' in refused.text and "iso27001-2022:A.99</textarea>" in refused.text
    form["linked_requirements"] = KEY_EXCHANGE
    assert client.post(f"/risk/{ref}/edit", data=form, follow_redirects=False).status_code == 303
    risk = catalogue.read(catalogue.viewer, service.get_risk, ref)
    assert [c.key for c in risk.linked_controls] == ["CTL-KEYS", "CTL-QKD-API"]
    assert [r.link for r in risk.linked_requirements] == [KEY_EXCHANGE]
