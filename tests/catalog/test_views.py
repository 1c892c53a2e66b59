"""Standards pages over HTTP: browser, readiness with its mapping path, controls form, SoA editor."""

from __future__ import annotations

import html

import pytest

from qtqms.catalog import service
from qtqms.evidence import service as evidence_service
from qtqms.kernel.errors import InvalidInput
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


def test_framework_browser_is_a_tree_that_folds_searches_and_links_mappings(client, world):
    log_in(client, "val", PASSWORD)
    tree = client.get("/catalog/frameworks/iso27001-2022").text
    annex = tree.split('<details data-ref="A" open>', 1)[1]  # the top level starts unfolded
    assert '<details data-ref="A.8" >' in annex  # deeper branches start folded
    assert "<code>A.8.24</code>" in annex.split('<details data-ref="A.8" >', 1)[1]
    unfolded = client.get("/catalog/frameworks/iso27001-2022", params={"unfold": "all"}).text
    assert '<details data-ref="A.8" open>' in unfolded
    folded = client.get("/catalog/frameworks/iso27001-2022", params={"unfold": "none"}).text
    assert '<details data-ref="A" >' in folded and " open>" not in folded.split('id="requirements"', 1)[1]
    page = html.unescape(client.get("/catalog/frameworks/iso27001-2022", params={"q": "cryptography"}).text)
    found = page.split('id="requirements"', 1)[1]
    assert '<details data-ref="A" open>' in found and '<details data-ref="A.8" open>' in found
    assert "<code>A.8.24</code> <mark>" in found and "<code>A.5.1</code>" not in found
    assert "/catalog/frameworks/pqc?q=" in found  # mapping links stay on the matches
    nothing = client.get("/catalog/frameworks/iso27001-2022", params={"q": "no such words"}).text
    assert "No requirement matches." in nothing
    assert client.get("/catalog/frameworks/iso27001-2022", params={"unfold": "sideways"}).status_code == 422


def test_framework_browser_costs_the_same_queries_for_300_or_1200_requirements(client, world):
    from tests.builders import query_counter
    from tests.catalog.test_api import big_framework

    for pack_id, size in (("gen-small", 300), ("gen-large", 1200)):
        world.run(world.admin, service.import_pack, big_framework(pack_id, size))
    log_in(client, "val", PASSWORD)
    client.get("/catalog")  # the session's first use is recorded once
    counts = {}
    for pack_id in ("gen-small", "gen-large"):
        with query_counter(world.db) as statements:
            page = client.get(f"/catalog/frameworks/{pack_id}", params={"unfold": "all"})
        assert page.status_code == 200
        counts[pack_id] = len(statements)
    assert page.text.count("<details") == 60 and page.text.count('class="req-leaf"') == 1140
    assert counts["gen-small"] == counts["gen-large"]


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

    item = world.read(world.viewer, service.get_control, "CTL-UP").evidence[0]
    assert (item.filename, item.size, item.current) == ("scan.txt", 24, True) and len(item.sha256) == 64


def test_overview_links_a_new_edition_to_its_changes(client, world):

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


def test_edit_a_control_owner_status_text_review_date_and_links(client, world):
    world.control("CTL-ED", "iso27001-2022|A.8.24", "iso27001-2022|A.5.1", status="planned")
    log_in(client, "emery", PASSWORD)
    controls = client.get("/catalog/controls").text
    assert 'href="/catalog/controls/CTL-ED/edit"' in controls
    page = client.get("/catalog/controls/CTL-ED/edit").text
    assert ">iso27001-2022 A.5.1\niso27001-2022 A.8.24</textarea>" in page
    form = {
        "csrf_token": csrf_from(page),
        "title": "Key management",
        "owner": "quinn",
        "status": "implemented",
        "implementation": "HSM-backed ML-KEM",
        "review_date": "2027-06-30",
        "requirements": "iso27001-2022 A.8.24\npqc FIPS 203",
    }
    saved = client.post("/catalog/controls/CTL-ED/edit", data=form)
    assert saved.status_code == 200 and "control CTL-ED saved" in saved.text
    control = world.read(world.viewer, service.get_control, "CTL-ED")
    assert (control.title, control.owner, control.status, control.implementation, str(control.review_date)) == (
        "Key management", "quinn", "implemented", "HSM-backed ML-KEM", "2027-06-30")  # fmt: skip
    assert {(r.framework, r.requirement) for r in control.requirements} == {
        ("iso27001-2022", "A.8.24"), ("pqc", "FIPS 203")}  # fmt: skip


def test_edit_form_shows_each_refusal_next_to_its_field_and_saves_nothing(client, world):
    world.control("CTL-ER", "iso27001-2022|A.8.24", status="planned")
    log_in(client, "emery", PASSWORD)
    token = csrf_from(client.get("/catalog/controls/CTL-ER/edit").text)
    links = "iso27001-2022 A.99\niso27001-2022 A.8.24"
    form = {"csrf_token": token, "title": "Renamed", "owner": "nobody", "status": "implemented",
            "implementation": "typed", "review_date": "", "requirements": links}  # fmt: skip
    refused = client.post("/catalog/controls/CTL-ER/edit", data=form)
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    owner_field = page.split('id="f-owner"', 1)[1].split("</label>", 1)[0]
    assert 'id="err-owner"' in owner_field and "no active user 'nobody'" in owner_field
    links_field = page.split('id="f-requirements"', 1)[1].split("</label>", 1)[0]
    assert "'A.99' is not a requirement of 'iso27001-2022'" in links_field
    assert 'value="Renamed"' in page and "typed" in page  # what was typed stays
    bad_status = client.post("/catalog/controls/CTL-ER/edit", data={**form, "owner": "emery", "status": "done",
                                                                    "requirements": ""})  # fmt: skip
    status_field = html.unescape(bad_status.text).split('id="f-status"', 1)[1].split("</label>", 1)[0]
    assert bad_status.status_code == 422 and 'id="err-status"' in status_field
    unchanged = world.read(world.viewer, service.get_control, "CTL-ER")
    assert (unchanged.title, unchanged.status, len(unchanged.requirements)) == ("Control CTL-ER", "planned", 1)


def test_edit_form_needs_the_permission_and_a_csrf_token(client, world):
    world.control("CTL-PR", "iso27001-2022|A.8.24")
    log_in(client, "val", PASSWORD)
    assert 'href="/catalog/controls/CTL-PR/edit"' not in client.get("/catalog/controls").text
    assert client.get("/catalog/controls/CTL-PR/edit").status_code == 403
    token = csrf_from(client.get("/catalog/controls").text)
    posted = client.post("/catalog/controls/CTL-PR/edit", data={"csrf_token": token, "title": "Viewer was here"})
    assert posted.status_code == 403
    log_in(client, "emery", PASSWORD)
    assert client.post("/catalog/controls/CTL-PR/edit", data={"title": "No token"}).status_code == 403
    assert client.get("/catalog/controls/CTL-NONE/edit").status_code == 404
    assert world.read(world.viewer, service.get_control, "CTL-PR").title == "Control CTL-PR"


def test_controls_page_links_file_evidence_to_its_download_and_never_a_script_url(client, world):
    world.control("CTL-DL", "iso27001-2022|A.8.24", evidence=False)
    item = world.run(world.admin, evidence_service.add_file, "control", "CTL-DL", title="Scan", filename="scan.txt",
                     content=b"scan")  # fmt: skip
    with pytest.raises(InvalidInput, match="url: must be an http"):
        world.run(world.admin, evidence_service.add_url, "control", "CTL-DL", title="Sneaky", url="javascript:alert(1)")
    log_in(client, "val", PASSWORD)
    page = client.get("/catalog/controls").text
    assert f'href="/evidence/{item.id}/download"' in page and "javascript:" not in page
    assert client.get(f"/evidence/{item.id}/download").content == b"scan"  # the session is enough
    assert client.get(f"/api/v1/catalog/evidence/{item.id}/file").content == b"scan"  # the older address too
