"""/api/v1/evidence: attach a URL (JSON) or a file (multipart) to any record, list, show and download, with every
refusal naming its field."""

from __future__ import annotations

from qtqms.evidence import service, store
from tests.builders import api_token
from tests.evidence.conftest import kept

P = "/api/v1/evidence"


def _bearer(desk, actor=None) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(desk.db, actor or desk.admin)}"}


def test_attach_a_url_and_a_file_to_any_record_then_list_show_and_download(client, desk):
    headers = _bearer(desk, desk.engineer)
    link = client.post(P, headers=headers, json={"subject_type": "product", "subject_id": "QKD-LINK",
                                                 "title": "Test plan", "url": "https://example.org/plan"})  # fmt: skip
    assert link.status_code == 201, link.text
    assert {k: link.json()[k] for k in ("subject_type", "subject_id", "kind", "added_by", "current")} == {
        "subject_type": "product", "subject_id": "QKD-LINK", "kind": "url", "added_by": "emery", "current": True,
    }  # fmt: skip
    form = {"subject_type": "control", "subject_id": "CTL-KEYS", "valid_until": "2999-01-01"}
    filed = client.post(P, headers=headers, data=form, files={"file": ("scan.txt", b"tls scan", "text/plain")})
    assert filed.status_code == 201, filed.text
    item = filed.json()
    assert (item["kind"], item["title"], item["size"]) == ("file", "scan.txt", 8) and len(item["sha256"]) == 64
    viewer = _bearer(desk, desk.viewer)
    assert [e["id"] for e in client.get(P, headers=viewer).json()] == [item["id"], link.json()["id"]]
    of_control = client.get(P, headers=viewer, params={"subject_type": "control", "subject_id": "CTL-KEYS"}).json()
    assert [e["id"] for e in of_control] == [item["id"]]
    assert client.get(f"{P}/{item['id']}", headers=viewer).json() == item
    assert client.get(f"{P}/{item['id']}/download", headers=viewer).content == b"tls scan"
    control = client.get("/api/v1/catalog/controls/CTL-KEYS", headers=viewer).json()
    assert [e["id"] for e in control["evidence"]] == [item["id"]]


def test_refusals_name_the_field_and_write_nothing(client, desk):
    headers = _bearer(desk, desk.engineer)
    file = {"file": ("a.txt", b"content", "text/plain")}
    subject = {"subject_type": "control", "subject_id": "CTL-KEYS"}
    cases = [
        (client.post(P, headers=headers, files=file), 422, "subject_type"),
        (client.post(P, headers=headers, data={**subject, "subject_id": "CTL-NONE"}, files=file), 404, "subject_id"),
        (client.post(P, headers=headers, data={**subject, "subject_type": "gate"}, files=file), 422,
         "subject_type"),
        (client.post(P, headers=headers, data={**subject, "valid_from": "2026-05-01", "valid_until": "2026-01-01"},
                     files=file), 422, "valid_until"),
        (client.post(P, headers=headers, data=subject, files={"file": ("big.bin", b"x" * (store.MAX_BYTES + 1))}),
         422, "file"),
        (client.post(P, headers=headers, data=subject, files={"other": ("b.txt", b"x")}), 422, "file"),
        (client.post(P, headers=headers, json={**subject, "title": "x", "url": "ftp://example.org"}), 422, "url"),
        (client.post(P, headers=headers, json={"title": "x", "url": "https://example.org"}), 422, "subject_type"),
    ]  # fmt: skip
    for response, status, field in cases:
        assert response.status_code == status, response.text
        assert response.json()["error"]["problems"][0]["field"] == field, response.text
    malformed = client.post(P, headers={**headers, "content-type": "application/json"}, content=b"{nope")
    assert malformed.status_code == 400
    assert client.get(P, headers=headers).json() == []
    unknown = client.get(P, headers=headers, params={"subject_type": "gate"})
    assert unknown.status_code == 422 and unknown.json()["error"]["problems"][0]["field"] == "subject_type"


def test_download_refuses_url_evidence_other_organisations_and_lost_files(client, desk):
    headers = _bearer(desk, desk.viewer)
    link = desk.run(desk.admin, service.add_url, "control", "CTL-KEYS", title="Wiki", url="https://example.org/w")
    as_url = client.get(f"{P}/{link.id}/download", headers=headers)
    assert as_url.status_code == 404 and "is a URL" in as_url.json()["error"]["message"]
    assert client.get(f"{P}/999999/download", headers=headers).status_code == 404
    stored = desk.run(desk.admin, service.add_file, "control", "CTL-KEYS", title="Log", filename="log.txt",
                      content=b"private log of the first organisation")  # fmt: skip
    outsider = _bearer(desk, desk.other_admin)
    for path in (f"{P}/{stored.id}", f"{P}/{stored.id}/download", f"/api/v1/catalog/evidence/{stored.id}/file"):
        assert client.get(path, headers=outsider).status_code == 404, path
    assert client.get(P, headers=outsider).json() == []
    kept(stored.sha256).unlink()
    lost = client.get(f"{P}/{stored.id}/download", headers=headers)
    assert lost.status_code == 404 and "missing from the data directory" in lost.json()["error"]["message"]
