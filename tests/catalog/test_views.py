"""Standards pages over HTTP: browser, readiness with its mapping path, controls form, SoA editor."""

from __future__ import annotations

import html

from tests.builders import PASSWORD, csrf_from, log_in


def test_readiness_page_shows_an_inferred_result_with_its_mapping_path(client, world):
    world.control("CTL-RISK", "qtqms-profile|CORE.RISK")
    log_in(client, "val", PASSWORD)
    overview = client.get("/catalog").text
    assert "<svg" in overview and "met," in overview and 'href="/catalog/readiness/iso27001-2022"' in overview
    page = html.unescape(client.get("/catalog/readiness/iso27001-2022", params={"requirement": "6.1.1"}).text)
    path = page.split('id="mapping-path"', 1)[1].split("</ol>", 1)[0]
    assert "qtqms-profile CORE.RISK → hs-2021 6.1: superset" in path
    assert "hs-2021 6.1 → iso27001-2022 6.1.1: equal" in path
    assert "CTL-RISK" in page.split('id="explanation"', 1)[1]


def test_framework_browser_searches_and_links_mappings(client, world):
    log_in(client, "val", PASSWORD)
    page = html.unescape(client.get("/catalog/frameworks/iso27001-2022", params={"q": "cryptography"}).text)
    table = page.split('id="requirements"', 1)[1]
    assert "A.8.24" in table and "A.5.1<" not in table
    tree = client.get("/catalog/frameworks/iso27001-2022").text
    row = tree.split("<code>A.8.24</code>", 1)[1].split("</tr>", 1)[0]
    assert "padding-left: 2.9rem" in row  # A > A.8 > A.8.24: indented two levels
    assert "/catalog/frameworks/pqc?q=" in table


def test_control_form_keeps_what_was_typed_when_refused(client, world):
    log_in(client, "admin", PASSWORD)
    token = csrf_from(client.get("/catalog/controls").text)
    form = {
        "csrf_token": token,
        "key": "CTL-Q",
        "title": "Quantum",
        "owner": "admin",
        "requirements": "iso27001-2022 A.99",
        "implementation": "typed text",
    }
    refused = client.post("/catalog/controls", data=form)
    assert refused.status_code == 422 and "A.99" in html.unescape(refused.text)
    assert "typed text" in refused.text and 'value="CTL-Q"' in refused.text
    form["requirements"] = "iso27001-2022 A.8.24"
    assert "control CTL-Q added" in client.post("/catalog/controls", data=form).text


def test_soa_editor_saves_a_justified_exclusion_and_refuses_a_short_one(client, world):
    log_in(client, "quinn", PASSWORD)
    token = csrf_from(client.get("/catalog/soa/iso27001-2022").text)
    short = client.post("/catalog/soa/iso27001-2022/A.8.30", data={"csrf_token": token, "justification": "no"})
    assert short.status_code == 422 and "justification" in short.text
    saved = client.post(
        "/catalog/soa/iso27001-2022/A.8.30",
        data={
            "csrf_token": token,
            "justification": "No development is outsourced.",
            "implementation_status": "retired",
        },
    )
    row = saved.text.split('id="soa-A.8.30"', 1)[1].split("</tr>", 1)[0]
    assert "No development is outsourced." in row and "checked" not in row.split("applicable")[0]
    export = client.get("/catalog/soa/iso27001-2022/export.json").json()
    assert next(r for r in export if r["requirement"] == "A.8.30")["applicable"] is False


def test_viewer_cannot_edit_the_soa(client, world):
    log_in(client, "val", PASSWORD)
    page = client.get("/catalog/soa/iso27001-2022")
    token = csrf_from(page.text)
    assert '<form method="post" action="/catalog/soa' not in page.text
    response = client.post(
        "/catalog/soa/iso27001-2022/A.8.30", data={"csrf_token": token, "justification": "Viewer tries this."}
    )
    assert response.status_code == 403


def test_evidence_upload_stores_the_file_by_content_and_a_bad_date_keeps_the_form(client, world):
    world.control("CTL-UP", "iso27001-2022|A.8.24", evidence=False)
    log_in(client, "emery", PASSWORD)
    token = csrf_from(client.get("/catalog/controls").text)
    refused = client.post(
        "/catalog/controls/CTL-UP/evidence",
        data={
            "csrf_token": token,
            "title": "Scan report",
            "url": "https://example.org/scan",
            "valid_from": "2026-05-01",
            "valid_until": "2026-01-01",
        },
    )
    assert refused.status_code == 422 and 'value="Scan report"' in refused.text
    uploaded = client.post(
        "/catalog/controls/CTL-UP/evidence",
        data={"csrf_token": token, "title": "Scan report"},
        files={"file": ("scan.txt", b"tls scan: X25519MLKEM768", "text/plain")},
    )
    assert uploaded.status_code == 200 and "evidence added to CTL-UP" in uploaded.text
    from qtqms.catalog import service

    item = world.read(world.viewer, service.get_control, "CTL-UP").evidence[0]
    assert (item.filename, item.size, item.current) == ("scan.txt", 24, True) and len(item.sha256) == 64


def test_overview_links_a_new_edition_to_its_changes(client, world):
    from qtqms.catalog import service
    from tests.catalog.test_service import _edition

    world.run(world.admin, service.import_pack, _edition("1", {"L1": "Oxygen monitors", "L2": "Badge access"}))
    world.run(world.admin, service.import_pack, _edition("2", {"L1": "Oxygen alarms", "L3": "Helium recovery"}))
    log_in(client, "val", PASSWORD)
    overview = html.unescape(client.get("/catalog").text)
    assert "/catalog/frameworks/acme-lab/diff?old=1&new=2" in overview
    page = client.get("/catalog/frameworks/acme-lab/diff", params={"old": "1", "new": "2"}).text
    assert "1 added, 1 removed, 1 changed" in page
    assert "<code>L3</code>" in page.split('id="diff-added"')[1].split("</ul>")[0]
    assert "Oxygen monitors" in page.split('id="diff-changed"')[1]
