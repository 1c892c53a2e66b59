"""Evidence pages: every record's evidence in one list with its record linked, and attaching to any record."""

from __future__ import annotations

from qtqms.evidence import service
from tests.builders import PASSWORD, csrf_from, log_in


def test_the_list_links_each_item_to_its_record_and_its_file_to_the_download(client, desk):
    filed = desk.run(desk.admin, service.add_file, "control", "CTL-KEYS", title="Scan", filename="scan.txt",
                     content=b"scan")  # fmt: skip
    desk.run(desk.admin, service.add_url, "product", "QKD-LINK", title="Plan", url="https://example.org/p")
    log_in(client, "val", PASSWORD)
    page = client.get("/evidence").text
    assert f'href="/evidence/{filed.id}/download"' in page and 'href="https://example.org/p"' in page
    assert 'href="/catalog/controls#control-CTL-KEYS"' in page and 'href="/org"' in page
    assert 'id="evidence-form"' not in page  # a viewer attaches nothing
    only = client.get("/evidence", params={"subject_type": "product", "subject_id": "QKD-LINK"}).text
    assert "Plan" in only and "scan.txt" not in only
    assert client.get(f"/evidence/{filed.id}/download").content == b"scan"


def test_the_form_attaches_a_file_to_any_record_and_a_refusal_keeps_what_was_typed(client, desk):
    log_in(client, "emery", PASSWORD)
    token = csrf_from(client.get("/evidence").text)
    refused = client.post(
        "/evidence",
        data={"csrf_token": token, "subject_type": "product", "subject_id": "QKD-LINK", "title": "Plan",
              "url": "https://example.org/p", "valid_from": "2026-05-01", "valid_until": "2026-01-01"},
    )  # fmt: skip
    assert refused.status_code == 422 and 'value="Plan"' in refused.text and "valid_until" in refused.text
    unknown = client.post("/evidence", data={"csrf_token": token, "subject_type": "product", "subject_id": "NOPE",
                                             "title": "x", "url": "https://example.org"})  # fmt: skip
    assert unknown.status_code == 404 and "product &#39;NOPE&#39; not found" in unknown.text
    added = client.post(
        "/evidence",
        data={"csrf_token": token, "subject_type": "product", "subject_id": "QKD-LINK"},
        files={"file": ("qber.csv", b"qber,0.02", "text/csv")},
    )
    assert added.status_code == 200 and "attached to product QKD-LINK" in added.text
    [item] = desk.read(desk.viewer, service.list_evidence)
    assert (item.subject_id, item.filename, item.added_by) == ("QKD-LINK", "qber.csv", "emery")
