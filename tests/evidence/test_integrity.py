"""Defect 8: evidence was served without checking its hash, so a file replaced on disk was served as current.
Every read now checks the SHA-256 and size while copying the file once, before a byte is handed out: a file that
no longer matches is refused on the web (409 page), the API (409 `evidence_altered`) and the CLI (exit 1, one
line, nothing written), and the refusal is in the audit trail."""

from __future__ import annotations

import base64
import hashlib
import json
import tracemalloc

from sqlalchemy import select
from typer.testing import CliRunner

from qtqms.app.cli import app
from qtqms.db.audit import AuditEvent
from qtqms.db.uow import UnitOfWork
from qtqms.evidence import service, store
from qtqms.evidence.domain import EvidenceAltered
from tests.builders import PASSWORD, api_token, log_in
from tests.evidence.conftest import kept

ORIGINAL = b"calibration certificate: QKD receiver, QBER 1.9 %"
FORGED = b"calibration certificate: QKD receiver, QBER 0.9 %"  # same length, one digit changed

runner = CliRunner()


def _filed(desk, content: bytes = ORIGINAL):
    return desk.run(desk.admin, service.add_file, "control", "CTL-KEYS", title="Certificate", filename="cert.txt",
                    content=content)  # fmt: skip


def _refusals(desk) -> list[tuple[str, str, dict, dict]]:
    with UnitOfWork(desk.db) as uow:
        events = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "check_failed"))
        return [(e.entity_type, e.entity_id, e.before, e.after) for e in events]


def test_a_file_replaced_on_disk_is_refused_by_the_api_and_the_refusal_is_in_the_trail(client, desk):
    item = _filed(desk)
    headers = {"Authorization": f"Bearer {api_token(desk.db, desk.viewer)}"}
    assert client.get(f"/api/v1/evidence/{item.id}/download", headers=headers).content == ORIGINAL
    kept(item.sha256).write_bytes(FORGED)
    for path in (f"/api/v1/evidence/{item.id}/download", f"/api/v1/catalog/evidence/{item.id}/file"):
        refused = client.get(path, headers=headers)
        assert refused.status_code == 409, path
        error = refused.json()["error"]
        assert error["code"] == "evidence_altered" and "no longer matches its recorded hash" in error["message"]
        assert error["problems"][0]["field"] == "sha256" and FORGED not in refused.content
    forged = hashlib.sha256(FORGED).hexdigest()
    assert _refusals(desk) == [("evidence", str(item.id), {"sha256": item.sha256}, {"found": f"sha256 {forged}"})] * 2


def test_the_web_shows_a_page_saying_the_file_no_longer_matches(client, desk):
    item = _filed(desk)
    kept(item.sha256).write_bytes(FORGED)
    log_in(client, "val", PASSWORD)
    page = client.get(f"/evidence/{item.id}/download")
    assert page.status_code == 409 and page.headers["content-type"].startswith("text/html")
    assert "no longer matches its recorded hash" in page.text and 'id="evidence-altered"' in page.text
    assert FORGED.decode() not in page.text and len(_refusals(desk)) == 1


def test_the_cli_refuses_in_one_line_writes_nothing_and_verify_names_the_bad_file(desk, tmp_path):
    item = _filed(desk)
    intact = _filed(desk, b"an untouched record")
    assert runner.invoke(app, ["evidence", "verify"]).exit_code == 0
    kept(item.sha256).write_bytes(FORGED)
    target = tmp_path / "out.txt"
    refused = runner.invoke(app, ["evidence", "download", str(item.id), "-o", str(target)])
    assert refused.exit_code == 1 and not target.exists()
    assert refused.output.strip().count("\n") == 0 and "no longer matches its recorded hash" in refused.output
    assert runner.invoke(app, ["evidence", "download", str(intact.id), "-o", str(target)]).exit_code == 0
    assert target.read_bytes() == b"an untouched record"
    checked = runner.invoke(app, ["evidence", "verify"])
    assert (
        checked.exit_code == 1
        and f"evidence {item.id}" in checked.output
        and f"evidence {intact.id}" not in (checked.output.splitlines()[0])
    )
    report = json.loads(runner.invoke(app, ["evidence", "verify", "--json"]).stdout)
    assert [(b["evidence"], b["sha256"]) for b in report["bad"]] == [([item.id], item.sha256)]
    assert len(_refusals(desk)) == 3  # the download and both checks


def test_a_file_of_another_size_is_refused_without_being_read_and_a_missing_one_is_named(desk):
    item = _filed(desk)
    kept(item.sha256).write_bytes(ORIGINAL + b" and more")
    try:
        desk.read(desk.viewer, service.open_file, item.id)
    except EvidenceAltered as refusal:
        assert refusal.found == f"{len(ORIGINAL) + 9} bytes instead of {len(ORIGINAL)}"
    else:
        raise AssertionError("a grown file was served")
    kept(item.sha256).unlink()
    report = desk.read(desk.viewer, service.verify_files)
    assert [(b.problem, b.evidence) for b in report.bad] == [("missing", [item.id])]


def test_uploading_the_same_content_again_repairs_an_altered_file(desk):
    item = _filed(desk)
    kept(item.sha256).write_bytes(FORGED)
    _filed(desk)
    found = desk.read(desk.viewer, service.open_file, item.id)
    assert b"".join(found.copy.chunks()) == ORIGINAL


def test_a_large_file_is_checked_through_a_temporary_file_not_memory(desk):
    content = bytes(range(256)) * (6 * 1024 * 1024 // 256)  # 6 MiB, three times what is held in memory
    item = _filed(desk, content)
    tracemalloc.start()
    try:
        found = desk.read(desk.viewer, service.open_file, item.id)
        digest = hashlib.sha256()
        for chunk in found.copy.chunks():
            digest.update(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == item.sha256
    assert peak < store.IN_MEMORY  # never the whole file: a few chunks at a time


def test_a_download_declares_its_length_and_digest_under_a_safe_name(client, desk):
    item = desk.run(desk.admin, service.add_file, "product", "QKD-LINK", title="Scan",
                    filename='scan "q1"\r\nX-Injected: 1.txt', content=ORIGINAL)  # fmt: skip
    headers = {"Authorization": f"Bearer {api_token(desk.db, desk.viewer)}"}
    response = client.get(f"/api/v1/evidence/{item.id}/download", headers=headers)
    assert response.status_code == 200 and response.content == ORIGINAL
    assert response.headers["content-length"] == str(len(ORIGINAL))
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["x-content-type-options"] == "nosniff" and "x-injected" not in response.headers
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.count('"') == 2
    digest = base64.b64encode(hashlib.sha256(ORIGINAL).digest()).decode()
    assert response.headers["repr-digest"] == f"sha-256=:{digest}:"
