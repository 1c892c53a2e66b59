"""A risk acceptance signs everything a reader relies on, and every reader shows the same verdict on it
(issue 10, defect 7): the record page, the register page and its export, the API's list and detail, the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from qtqms.app.cli import app
from qtqms.db.uow import UnitOfWork
from qtqms.kernel import clock
from qtqms.risk import service
from qtqms.risk.schemas import AcceptanceIn, RegisterQuery
from qtqms.risk.service import reading
from tests.builders import PASSWORD, log_in, make_org, query_counter
from tests.risk.conftest import new_risk


def accept(team, ref: str) -> None:
    data = AcceptanceIn(password=PASSWORD, justification="Residual risk is within appetite for now.")
    team.run(team.owner2, service.accept_risk, ref, data)


def read(team, use_case, *args, **kwargs):
    with UnitOfWork(team.db, actor=team.viewer) as uow:
        return use_case(uow, team.viewer, *args, **kwargs)


def everywhere(client, api, ref: str) -> dict[str, tuple[str, str]]:
    """(acceptance, status) of the risk as each reader shows it."""
    register = read_register_row(client, ref)
    listed = next(r for r in api("GET", "/risks").json()["rows"] if r["ref"] == ref)
    detail = api("GET", f"/risks/{ref}").json()
    cli_list = json.loads(CliRunner().invoke(app, ["risk", "list", "--json"]).output)["rows"]
    cli_row = next(r for r in cli_list if r["ref"] == ref)
    cli_show = json.loads(CliRunner().invoke(app, ["risk", "show", ref, "--json"]).output)
    exported = csv.DictReader(io.StringIO(client.get("/risk/export.csv").text))
    cells = next(row for row in exported if row["ref"] == ref)
    return {
        "register page": register,
        "record page": read_record_page(client, ref),
        "api list": (listed["acceptance"], listed["status"]),
        "api detail": (detail["acceptance_status"], detail["status"]),
        "cli list": (cli_row["acceptance"], cli_row["status"]),
        "cli show": (cli_show["acceptance_status"], cli_show["status"]),
        "export": (cells["acceptance"], cells["status"]),
    }


BADGES = {"accepted": "valid", "acceptance invalid": "invalid", "acceptance expired": "expired"}


def read_register_row(client, ref: str) -> tuple[str, str]:
    page = client.get("/risk").text
    row = page.split(f'href="/risk/{ref}"', 1)[1].split("</tr>", 1)[0]
    return _badges(row)


def read_record_page(client, ref: str) -> tuple[str, str]:
    before, after = client.get(f"/risk/{ref}").text.split('id="acceptance-badge"', 1)
    return _badges(before.rsplit("<p>", 1)[1] + after.split("</p>", 1)[0])


STATUSES = {"identified", "assessed", "treating", "treated", "accepted"}


def _badges(html: str) -> tuple[str, str]:
    """(acceptance, status) from the badges of a register row or of the record page's status line."""
    words = [part.split("</span>", 1)[0].rsplit(">", 1)[-1] for part in html.split('class="badge')[1:]]
    at = next(i for i, w in enumerate(words) if w in STATUSES)  # the acceptance badge follows the status badge
    acceptance = next((BADGES[w] for w in words[at + 1 :] if w in BADGES), "none")
    status = words[at]
    return acceptance, status


@pytest.fixture
def viewer_client(client, team):
    log_in(client, "val")
    return client


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("title", "Detector blinding, now harmless", "title: 'Detector blinding on the QKD receiver' -> 'Detector"),
        ("description", "A long rewrite of what the risk is.\nIt now says something else.", "description changed"),
        ("threat", "qtqms-threats:Q-HELIUM", "threat: qtqms-threats:Q-QKD-BLIND -> qtqms-threats:Q-HELIUM"),
    ],
)
def test_rewriting_what_an_accepted_risk_says_through_the_api_voids_the_acceptance(
    viewer_client, api, team, field, value, reason
):
    ref = new_risk(team, team.owner, current=(2, 2))
    accept(team, ref)
    assert api("PATCH", f"/risks/{ref}", team.engineer, json={field: value}).status_code == 200
    risk = api("GET", f"/risks/{ref}").json()
    acceptance = risk["acceptances"][0]
    assert risk["acceptance_status"] == "invalid" and risk["status"] == "assessed" and not acceptance["valid"]
    assert acceptance["validity"].startswith("invalid: the risk changed after it was accepted: ")
    assert reason in acceptance["validity"]
    assert set(everywhere(viewer_client, api, ref).values()) == {("invalid", "assessed")}


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        ("accepted_by_id = 1", "accepted_by_id: "),
        ("justification = 'Because I said so.'", "justification: 'Residual risk is within appetite for now.' -> "),
        ("expires_on = :later", "expires_on: "),
        ("level_key = 'medium', level_label = 'Medium'", "level: low -> medium; level_label: low -> Medium"),
    ],
)
def test_an_acceptance_edited_in_the_database_reads_invalid_everywhere(viewer_client, api, team, edit, reason):
    ref = new_risk(team, team.owner, current=(2, 2))
    accept(team, ref)
    later = clock.today() + timedelta(days=300)
    with team.db.begin() as connection:
        connection.execute(text(f"UPDATE risk_acceptance SET {edit}"), {"later": later})
    risk = read(team, service.get_risk, ref)
    assert risk.acceptance_status == "invalid" and not risk.acceptances[0].valid
    assert risk.acceptances[0].validity.startswith("invalid: the risk changed after it was accepted: ")
    assert reason in risk.acceptances[0].validity
    assert set(everywhere(viewer_client, api, ref).values()) == {("invalid", "assessed")}


def test_a_risk_marked_accepted_without_any_signature_is_not_accepted_anywhere(viewer_client, api, team):
    ref = new_risk(team, team.owner, current=(2, 2))
    until = clock.today() + timedelta(days=90)
    with team.db.begin() as connection:
        connection.execute(
            text("UPDATE risk SET status = 'accepted', acceptance_status = 'valid', accepted_until = :until"),
            {"until": until},
        )
    risk = read(team, service.get_risk, ref)
    assert (risk.acceptance_status, risk.status, risk.accepted_until) == ("invalid", "assessed", None)
    assert set(everywhere(viewer_client, api, ref).values()) == {("invalid", "assessed")}


def test_a_change_made_around_the_application_shows_the_same_verdict_on_every_reader(viewer_client, api, team):
    ref = new_risk(team, team.owner, current=(2, 2))
    accept(team, ref)
    assert set(everywhere(viewer_client, api, ref).values()) == {("valid", "accepted")}
    with team.db.begin() as connection:
        connection.execute(text("UPDATE risk SET title = 'Nothing to see here'"))
    assert set(everywhere(viewer_client, api, ref).values()) == {("invalid", "assessed")}
    validity = read(team, service.get_risk, ref).acceptances[0].validity
    assert "title: 'Detector blinding on the QKD receiver' -> 'Nothing to see here'" in validity


def test_the_register_verifies_its_accepted_rows_with_the_same_queries_for_few_and_many(viewer_client, team):
    counts = []
    for added in (2, 8):
        for _ in range(added):
            accept(team, new_risk(team, team.owner, current=(2, 2)))
        with query_counter(team.db) as service_statements, UnitOfWork(team.db, actor=team.viewer) as uow:
            page = service.register(uow, team.viewer, RegisterQuery(limit=50))
        assert [r.acceptance for r in page.rows] == ["valid"] * len(page.rows)
        with query_counter(team.db) as page_statements:
            assert viewer_client.get("/risk").status_code == 200
        counts.append((len(service_statements), len(page_statements)))
    assert counts[0] == counts[1]
    assert counts[0][0] <= 8  # the page, its count, and five to verify: risks, links, actions, acceptances, signatures


def test_an_acceptance_whose_signature_is_not_the_organisations_reads_invalid_and_every_page_opens(
    viewer_client, api, team
):
    ref = new_risk(team, team.owner, current=(2, 2))
    accept(team, ref)
    other = make_org(team.db, "Other Photonics", admin_username="other-admin")
    with team.db.begin() as connection:
        connection.execute(text("UPDATE signature SET organisation_id = :o"), {"o": other.organisation_id})
    assert set(everywhere(viewer_client, api, ref).values()) == {("invalid", "assessed")}
    assert read(team, service.get_risk, ref).acceptances[0].validity == "invalid: signature 1 does not exist"


def test_the_export_verifies_its_rows_batch_by_batch(team, monkeypatch):
    monkeypatch.setattr(reading, "EXPORT_BATCH", 2)
    refs = [new_risk(team, team.owner, current=(2, 2), title=f"Risk {n}") for n in range(5)]
    for ref in refs[:4]:
        accept(team, ref)
    with team.db.begin() as connection:
        connection.execute(text("UPDATE risk SET description = 'Edited' WHERE number = 3"))
    with UnitOfWork(team.db, actor=team.viewer) as uow:  # the rows stream from the open transaction
        header, rows = list(service.EXPORT_COLUMNS), list(service.export_rows(uow, team.viewer))
    acceptance = {row[0]: row[header.index("acceptance")] for row in rows}
    assert acceptance == {refs[0]: "valid", refs[1]: "valid", refs[2]: "invalid", refs[3]: "valid", refs[4]: "none"}
