"""Risk pages over HTTP: register, heat maps, forms that keep input, acceptance shown invalid, query counts."""

from __future__ import annotations

import html
import re

from tests.builders import PASSWORD, csrf_from, log_in, query_counter
from tests.risk.conftest import new_risk


def cell(page: str, heat_id: str, likelihood: int, impact: int) -> str:
    """The text of one heat-map cell: count and level word."""
    table = page.split(f'id="{heat_id}"', 1)[1].split("</figure>", 1)[0]
    found = re.search(rf'title="L{likelihood}×I{impact}: [^"]*"><strong>([^<]*)</strong><small>([^<]*)</small>', table)
    assert found, f"no cell L{likelihood} I{impact}"
    return " ".join(found.groups())


def test_register_filters_sorts_and_links_to_each_risk(client, team):
    new_risk(team, team.owner, title="Detector blinding", current=(4, 4))
    new_risk(
        team, team.owner, title="Helium shortage", current=(2, 2), domain="quality", threat="qtqms-threats:Q-HELIUM"
    )
    log_in(client, "val")
    page = client.get("/risk").text
    assert 'id="register-total">2<' in page and page.index("Detector blinding") < page.index("Helium shortage")
    assert "New risk" not in page  # a viewer reads but does not edit
    quality = client.get("/risk", params={"domain": "quality"}).text
    assert "Helium shortage" in quality and "Detector blinding" not in quality
    ascending = client.get("/risk", params={"sort": "level", "order": "asc"}).text
    assert ascending.index("Helium shortage") < ascending.index("Detector blinding")
    assert 'href="/risk/R-0001"' in page
    assert client.get("/risk/export.csv").text.count("\n") == 3


def test_heat_maps_show_counts_with_colour_and_word(client, team):
    for _ in range(2):
        new_risk(team, team.owner, current=(4, 4))
    new_risk(team, team.owner, current=(1, 1))
    log_in(client, "val")
    page = client.get("/risk/heatmap").text
    assert cell(page, "heatmap-inherent", 4, 4) == "2 high" and cell(page, "heatmap-inherent", 1, 1) == "1 very low"
    assert cell(page, "heatmap-residual", 5, 1) == "· medium"
    assert 'style="background:#f6c08f"' in page


def test_the_register_and_heat_map_pages_run_the_same_few_queries_for_few_and_many_risks(client, team):
    log_in(client, "val")
    counts = []
    for added in (2, 10):
        for index in range(added):
            new_risk(team, team.owner, current=(3, 3), domain=("security", "quality")[index % 2])
        with query_counter(team.db) as statements:
            assert client.get("/risk").status_code == 200
            assert client.get("/risk/heatmap").status_code == 200
        counts.append(len(statements))
        # The schema version is checked on the first request of the process, not on every page.
        assert not [s for s in statements if "alembic_version" in s]
    assert counts[0] == counts[1] <= 12


def test_a_bad_rating_keeps_what_was_typed_and_creates_nothing(client, team):
    log_in(client, "riley")
    token = csrf_from(client.get("/risk/new").text)
    form = {
        "csrf_token": token,
        "title": "Side channel <b>leak</b>",
        "domain": "security",
        "approach": "event",
        "current_likelihood": "9",
        "current_impact": "2",
        "assets": ["QKD-RX"],
    }
    response = client.post("/risk/new", data=form)
    assert response.status_code == 422 and "outside matrix qtqms-5x5" in html.unescape(response.text)
    assert 'value="Side channel &lt;b&gt;leak&lt;/b&gt;"' in response.text and 'value="9"' in response.text
    assert 'value="QKD-RX" selected' in response.text
    assert 'id="register-total">0<' in client.get("/risk").text
    form["current_likelihood"] = "3"
    created = client.post("/risk/new", data=form, follow_redirects=False)
    assert created.status_code == 303 and created.headers["location"] == "/risk/R-0001?done=created"


def test_acceptance_in_the_browser_becomes_visibly_invalid_after_a_change(client, team):
    ref = new_risk(team, team.engineer, current=(2, 2))
    log_in(client, "riley")
    token = csrf_from(client.get(f"/risk/{ref}").text)
    accept = {"csrf_token": token, "justification": "Acceptable with monitoring.", "password": "wrong-one-1"}
    refused = client.post(f"/risk/{ref}/accept", data=accept)
    assert refused.status_code == 401 and "not signed" in refused.text and "wrong-one-1" not in refused.text
    assert 'value="Acceptable with monitoring."' in refused.text or "Acceptable with monitoring." in refused.text
    accept["password"] = PASSWORD
    page = client.post(f"/risk/{ref}/accept", data=accept).text
    assert "Acceptance signed" in page and "valid: signature verified" in page
    client.post(f"/risk/{ref}/assess", data={"csrf_token": token, "current_likelihood": "3", "current_impact": "2"})
    page = client.get(f"/risk/{ref}").text
    assert "acceptance invalid" in page and "the risk changed after it was accepted: current: L2xI2 -&gt; L3xI2" in page


def test_forms_need_the_csrf_token(client, team):
    ref = new_risk(team, team.owner)
    log_in(client, "riley")
    response = client.post(f"/risk/{ref}/assess", data={"current_likelihood": "1", "current_impact": "1"})
    assert response.status_code == 403 and "CSRF" in response.text


def test_treatment_plan_marks_overdue_actions_and_mosca_draws_its_chart(client, team):
    ref = new_risk(team, team.owner)
    log_in(client, "riley")
    token = csrf_from(client.get(f"/risk/{ref}").text)
    missing_owner = {
        "csrf_token": token,
        "option": "modify",
        "action0_title": "Shield the fibre",
        "action0_due_date": "2020-01-01",
    }
    refused = client.post(f"/risk/{ref}/treat", data=missing_owner)
    assert (
        refused.status_code == 422 and "needs an owner" in refused.text and 'value="Shield the fibre"' in refused.text
    )
    client.post(f"/risk/{ref}/treat", data={**missing_owner, "action0_owner": "emery"})
    plan = client.get("/risk/treatment").text
    assert 'class="overdue"' in plan and "Shield the fibre" in plan
    client.post("/risk/mosca/data-class", data={"csrf_token": token, "key": "cust", "name": "Customer data",
                                                "shelf_life_years": "10", "sensitivity": "high"})  # fmt: skip
    bad = client.post("/risk/mosca/years", data={"csrf_token": token, "system": "KMS", "years": "soon"})
    assert bad.status_code == 422 and "not a number" in bad.text
    client.post(
        "/risk/mosca/exposure",
        data={"csrf_token": token, "data_class": "cust", "system": "KMS", "migration_years": "3"},
    )
    page = client.get("/risk/mosca").text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and "KMS (y=3, x+y=13)" in page
    assert re.search(r'href="/risk/R-0002"', page)  # the harvest-now-decrypt-later risk it raised


def test_the_mosca_page_shows_each_scenarios_probability_range_and_the_edition_it_comes_from(client, team):
    """E9: the page showed the scenario years without the report's estimate for them."""
    log_in(client, "val")
    page = client.get("/risk/mosca").text
    scenarios = page[page.index('id="scenarios"') : page.index("</table>", page.index('id="scenarios"'))]
    for year, estimate in (("2033", "about 20-35%"), ("2037", "about 50%"), ("2045", "69-86%")):
        row = next(r for r in scenarios.split("<tr>") if f"<td>{year}</td>" in r)
        assert estimate in row and "edition 2025" in row
