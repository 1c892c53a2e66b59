"""Crypto (PQC) pages: inventory grouped, filtered and sorted; scan history with diff; the plan and its forms."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date

from sqlalchemy import func, select

from qtqms.db.audit import AuditEvent
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.rbac import Role
from qtqms.models.pqc import PqcScan
from qtqms.pqc import service as pqc
from qtqms.pqc import views
from tests.builders import csrf_from, log_in, make_user, query_counter, record_pqc_scan
from tests.pqc.conftest import DEMO_SOURCE
from tests.pqc.permission_routes import PQC_WEB_ROUTES, demo_cbom, demo_report


def _scanned(team, *parts: str) -> None:
    for part in parts:
        record_pqc_scan(team.db, team.admin, "QKD-LINK", part.split("/")[0], DEMO_SOURCE / part)


def test_the_inventory_groups_by_verdict_filters_and_sorts(client, team):
    _scanned(team, "controller", "firmware")
    log_in(client, "val")
    page = client.get("/pqc/products/QKD-LINK?group=verdict&sort=label")
    assert page.status_code == 200
    headings = re.findall(r"<h2>(\w[\w ]*) <small", page.text)
    assert headings == ["allowed", "deprecated"]
    filtered = client.get("/pqc/products/QKD-LINK?q=sha-1&group=algorithm").text
    assert re.search(r'id="inventory-count">1<', filtered) and "<code>SHA-1</code>" in filtered
    by_deadline = client.get("/pqc/products/QKD-LINK?group=deadline&verdict=deprecated").text
    assert re.findall(r"<h2>(\w[\w ]*) <small", by_deadline) == ["2031", "2036"]
    by_count = client.get("/pqc/products/QKD-LINK?group=verdict&sort=occurrences&verdict=allowed").text
    counts = [int(n) for n in re.findall(r'<td title="[^"]*">(\d+)', by_count)]
    assert counts == sorted(counts, reverse=True) and len(counts) > 1
    assert client.get("/pqc/products/QKD-LINK?group=nonsense").status_code == 200
    assert client.get("/pqc/products/NOPE").status_code == 404


def test_the_inventory_page_costs_the_same_queries_for_few_or_many_assets(client, team):
    log_in(client, "emery")  # an editor: the page has the upload form too
    pages = ("/pqc/products/QKD-LINK", "/pqc/products/QKD-LINK?as_of=2036-01-01&group=verdict")
    _scanned(team, "controller/key_transport.py")
    few = {}
    for path in pages:
        with query_counter(team.db) as few[path]:
            assert client.get(path).status_code == 200
    _scanned(team, "controller", "firmware", "deploy", "console")
    for path in pages:
        with query_counter(team.db) as many:
            page = client.get(path)
        assert page.text.count("<tr>") > 20
        assert len(many) == len(few[path]), path


def test_scan_history_shows_the_diff_of_the_chosen_scan(client, team):
    _scanned(team, "controller/key_transport.py", "controller", "firmware")
    log_in(client, "val")
    page = client.get("/pqc/products/QKD-LINK/scans").text
    assert page.count('<a href="?scan=') == 3
    assert "Scan #2 of controller against #1" in page  # the newest scan that has one before it
    assert "5 added, 0 removed, 0 judged differently" in page and "<code>SHA-1</code>" in page
    first = client.get("/pqc/products/QKD-LINK/scans?scan=3").text
    assert "Scan #3 of firmware (first scan of the system)" in first


def test_the_plan_shows_progress_in_words_and_keeps_what_the_user_typed(client, team):
    _scanned(team, "controller")
    log_in(client, "emery")
    plan = client.get("/pqc/products/QKD-LINK/plan")
    assert "no plan yet" in plan.text
    planned = client.post("/pqc/products/QKD-LINK/plan", data={"csrf_token": csrf_from(plan.text)})
    assert "4 task(s) planned" in planned.text and "0 of 4 tasks done (0%)" in planned.text
    task = team.run(team.admin, pqc.list_tasks, "QKD-LINK")[0]
    form = {"csrf_token": csrf_from(planned.text), "product": "QKD-LINK", "replacement": "Typed replacement",
            "owner": "nobody-here", "deadline": "2020-01-01", "status": "in_progress", "effort_days": "12"}  # fmt: skip
    refused = client.post(f"/pqc/tasks/{task.id}", data=form)
    assert refused.status_code == 422 and "no active user &#39;nobody-here&#39;" in refused.text
    assert 'value="Typed replacement"' in refused.text and 'value="nobody-here"' in refused.text
    saved = client.post(f"/pqc/tasks/{task.id}", data={**form, "owner": "val"})
    assert saved.status_code == 200 and "overdue" in saved.text and "behind: 1 overdue" in saved.text
    assert 'value="Typed replacement"' in saved.text


def test_viewers_see_the_plan_without_forms_and_cannot_post(client, team):
    _scanned(team, "controller")
    team.run(team.admin, pqc.plan_migration, "QKD-LINK")
    log_in(client, "val")
    page = client.get("/pqc/products/QKD-LINK/plan").text
    assert "ML-DSA-65 signatures" in page and 'action="/pqc/tasks/' not in page and 'id="plan-tasks"' not in page
    task = team.run(team.admin, pqc.list_tasks, "QKD-LINK")[0]
    denied = client.post(f"/pqc/tasks/{task.id}", data={"csrf_token": csrf_from(page), "product": "QKD-LINK",
                                                        "status": "done"})  # fmt: skip
    assert denied.status_code == 403
    overview = client.get("/pqc").text
    assert 'href="/pqc/products/QKD-LINK"' in overview and "0 of 4 tasks done (0%)" in overview


def _upload(client, page_html: str, filename: str, content: bytes | dict, **fields: str):
    raw = json.dumps(content).encode() if isinstance(content, dict) else content
    form = {"csrf_token": csrf_from(page_html), "system": "controller", "policy": "nist-ir-8547", **fields}
    return client.post("/pqc/products/QKD-LINK/scans", data=form, files={"file": (filename, raw, "application/json")},
                       follow_redirects=False)  # fmt: skip


def _stored(team) -> tuple[int, int]:
    with UnitOfWork(team.db) as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(m)) for m in (PqcScan, AuditEvent))


def test_an_uploaded_cbom_becomes_a_scan_and_the_scan_page_shows_its_diff(client, team):
    _scanned(team, "controller/key_transport.py")
    log_in(client, "emery")
    page = client.get("/pqc/products/QKD-LINK").text
    assert 'id="upload-form"' in page and '<option value="controller">' in page  # existing systems offered
    sent = _upload(client, page, "controller.cdx.json", demo_cbom("controller"), as_of="2026-11-24")
    assert sent.status_code == 303 and sent.headers["location"] == "/pqc/products/QKD-LINK/scans?scan=2"
    shown = client.get(sent.headers["location"]).text
    assert "Scan #2 of controller against #1" in shown and "5 added, 0 removed, 0 judged differently" in shown
    assert "cbom-import <small" in shown and "controller.cdx.json" in shown
    report = _upload(client, page, "fw.json", demo_report("firmware"), system="firmware")
    assert report.status_code == 303
    first = client.get(report.headers["location"]).text
    assert "Scan #3 of firmware (first scan of the system)" in first and "scanner <small" in first


def test_a_bad_upload_is_refused_on_the_form_with_where_and_nothing_is_stored(client, team, monkeypatch):
    log_in(client, "emery")
    page = client.get("/pqc/products/QKD-LINK").text
    before = _stored(team)
    broken = {**demo_cbom(), "components": [{"type": "cryptographic-asset", "name": "x", "cryptoProperties": {}}]}
    refused = _upload(client, page, "vendor.json", broken, system="vendor-sdk", category="medium-risk")
    assert refused.status_code == 422
    assert "vendor.json: not valid CycloneDX 1.6 at /components/0/cryptoProperties" in refused.text
    assert '<details id="upload" open>' in refused.text and 'value="vendor-sdk"' in refused.text
    assert 'value="medium-risk"' in refused.text
    report = demo_report("controller/key_transport.py")
    report["findings"][0]["line"] = 0
    report["findings"][1]["confidence"] = "sure"
    bad_report = _upload(client, page, "scan.json", report).text
    assert "scan.json: not a valid scan report at /findings/0/line" in bad_report
    assert "scan.json:/findings/1/confidence: Input should be" in bad_report  # every problem listed
    assert "not JSON" in _upload(client, page, "scan.json", b"{").text
    assert "upload as_of: enter a date as YYYY-MM-DD" in _upload(client, page, "a.json", report, as_of="soon").text
    no_file = client.post("/pqc/products/QKD-LINK/scans", data={"csrf_token": csrf_from(page), "system": "x"})
    assert no_file.status_code == 422 and "choose a CBOM or scan report" in no_file.text
    monkeypatch.setattr(pqc, "MAX_UPLOAD_BYTES", 1024)
    too_big = _upload(client, page, "big.json", demo_report("controller"))
    assert too_big.status_code == 422 and "big.json: larger than the upload limit" in too_big.text
    assert _stored(team) == before


def test_only_pqc_editors_see_and_use_the_upload_form(client, team):
    log_in(client, "val")
    page = client.get("/pqc/products/QKD-LINK").text
    assert 'id="upload-form"' not in page
    assert _upload(client, page, "c.json", demo_cbom()).status_code == 403
    log_in(client, "emery")
    page = client.get("/pqc/products/QKD-LINK").text
    without_token = client.post("/pqc/products/QKD-LINK/scans", data={"system": "x"},
                                files={"file": ("c.json", json.dumps(demo_cbom()).encode())})  # fmt: skip
    assert without_token.status_code == 403
    assert client.post("/pqc/products/NOPE/scans", data={"csrf_token": csrf_from(page), "system": "x"},
                       files={"file": ("c.json", json.dumps(demo_cbom()).encode())}).status_code == 404  # fmt: skip


def test_what_breaks_as_of_a_day_rejudges_the_inventory(client, team):
    record_pqc_scan(team.db, team.admin, "QKD-LINK", "controller", DEMO_SOURCE / "controller", as_of=date(2026, 11, 24))
    log_in(client, "val")
    page = client.get("/pqc/products/QKD-LINK").text
    assert 'id="what-breaks"' not in page
    assert re.search(r'id="turning-points">.*as_of=2031-01-01">2031-01-01</a>, <a [^>]*>2036-01-01<', page, re.S)
    in_2031 = client.get("/pqc/products/QKD-LINK?as_of=2031-01-01&group=verdict").text
    assert "As of 2031-01-01: 1 asset(s) judged worse than recorded" in in_2031
    assert re.search(r"<code>SHA-1</code> in controller: .*deprecated.* → .*disallowed", in_2031)
    assert re.findall(r"<h2>(\w[\w ]*) <small", in_2031) == ["allowed", "deprecated", "disallowed"]
    in_2036 = client.get("/pqc/products/QKD-LINK?as_of=2036-01-01&verdict=disallowed").text
    assert "As of 2036-01-01: 4 asset(s) judged worse than recorded" in in_2036
    assert re.search(r'id="inventory-count">4<', in_2036)
    bad = client.get("/pqc/products/QKD-LINK?as_of=someday")
    assert bad.status_code == 422 and "as of: &#39;someday&#39; is not a date (YYYY-MM-DD)" in bad.text


def test_every_pqc_page_and_form_allows_and_denies_as_designed(client, team):
    served = {(method, route.path) for route in views.router.routes for method in route.methods - {"HEAD"}}
    assert served == set(PQC_WEB_ROUTES)  # a new page or form fails here until it is in the matrix
    _scanned(team, "controller")
    task = team.run(team.admin, pqc.plan_migration, "QKD-LINK")[0]
    cbom = json.dumps(demo_cbom()).encode()
    forms = {
        "/pqc/products/{key}/scans": lambda: {"data": {"system": "matrix"}, "files": {"file": ("c.json", cbom)}},
        "/pqc/tasks/{task_id}": lambda: {"data": {"product": "QKD-LINK", "status": "in_progress"}},
    }
    for role in Role:
        make_user(team.db, team.admin, f"r-{role.value}", role.value)
        log_in(client, f"r-{role.value}")
        token = csrf_from(client.get("/pqc").text)
        for (method, path), allowed in PQC_WEB_ROUTES.items():
            url = path.replace("{key}", "QKD-LINK").replace("{task_id}", str(task.id))
            form = forms.get(path, lambda: {"data": {}})()
            form["data"]["csrf_token"] = token
            response = client.request(method, url, follow_redirects=False, **(form if method == "POST" else {}))
            expected = "allowed" if role.value in allowed else "denied"
            outcome = "allowed" if response.status_code < 400 else "denied" if response.status_code == 403 else "?"
            assert outcome == expected, (role.value, method, path, response.status_code)


def test_a_large_inventory_is_paged_keeping_the_view_and_whole_group_sizes(client, team, monkeypatch):
    monkeypatch.setattr(views, "PAGE_ROWS", 4)
    _scanned(team, "controller", "firmware")
    log_in(client, "val")
    everything = client.get("/pqc/products/QKD-LINK?group=verdict&sort=label").text
    total = int(re.search(r'id="inventory-count">(\d+)<', everything).group(1))
    assert total > 8 and "(rows 1–4 on this page)" in everything
    pages = -(-total // 4)
    assert f"Page 1 of {pages}" in everything and "previous" not in everything
    link = re.search(r'href="([^"]+)" rel="next" id="next-page"', everything).group(1)
    assert link == "?group=verdict&amp;sort=label&amp;page=2"
    labels = []
    for number in range(1, pages + 1):
        page = client.get(f"/pqc/products/QKD-LINK?group=verdict&sort=label&page={number}").text
        labels += re.findall(r"<tr>\s*<td><code>([^<]+)</code></td><td>([^<]+)</td>", page)
    assert len(labels) == len(set(labels)) == total  # every asset of every system on exactly one page
    allowed = int(re.search(r"<h2>allowed <small[^>]*>\((\d+), 4 on this page\)", everything).group(1))
    assert allowed > 4
    beyond = client.get(f"/pqc/products/QKD-LINK?group=verdict&page={pages + 5}").text
    assert f"Page {pages} of {pages}" in beyond


def test_an_editor_plans_for_a_named_owner_and_can_clear_a_tasks_deadline_and_effort(client, team):
    _scanned(team, "controller")
    log_in(client, "emery")
    plan = client.get("/pqc/products/QKD-LINK/plan").text
    refused = client.post("/pqc/products/QKD-LINK/plan", data={"csrf_token": csrf_from(plan), "owner": "ghost"})
    assert refused.status_code == 422 and "no active user &#39;ghost&#39;" in refused.text
    assert 'value="ghost"' in refused.text and "No migration tasks yet." in refused.text
    planned = client.post("/pqc/products/QKD-LINK/plan", data={"csrf_token": csrf_from(plan), "owner": "val"})
    assert "4 task(s) planned" in planned.text
    tasks = team.run(team.admin, pqc.list_tasks, "QKD-LINK")
    assert {t.owner for t in tasks} == {"val"} and tasks[0].deadline is not None and tasks[0].effort_days
    form = {"csrf_token": csrf_from(planned.text), "product": "QKD-LINK", "replacement": tasks[0].replacement,
            "owner": "val", "deadline": "", "status": "open", "effort_days": ""}  # fmt: skip
    assert client.post(f"/pqc/tasks/{tasks[0].id}", data=form, follow_redirects=False).status_code == 303
    cleared = next(t for t in team.run(team.admin, pqc.list_tasks, "QKD-LINK") if t.id == tasks[0].id)
    assert (cleared.deadline, cleared.effort_days) == (None, None)


def test_the_plan_is_paged_filtered_and_costs_the_same_queries_for_few_or_many_tasks(client, team, monkeypatch):
    monkeypatch.setattr(views, "PLAN_ROWS", 3)
    _scanned(team, "controller/key_transport.py")
    team.run(team.admin, pqc.plan_migration, "QKD-LINK")
    log_in(client, "emery")
    with query_counter(team.db) as few:
        assert client.get("/pqc/products/QKD-LINK/plan").status_code == 200
    _scanned(team, "controller", "firmware", "deploy")
    team.run(team.admin, pqc.plan_migration, "QKD-LINK")
    with query_counter(team.db) as many:
        first = client.get("/pqc/products/QKD-LINK/plan").text
    assert len(many) == len(few)
    total = int(re.search(r'id="plan-count">(\d+)<', first).group(1))
    assert total > 6 and first.count('<tr id="task-') == 3 and f"Page 1 of {-(-total // 3)}" in first
    assert re.search(r'href="\?page=2" rel="next" id="next-page"', first)
    task = team.run(team.admin, pqc.list_tasks, "QKD-LINK")[-1]
    form = {"csrf_token": csrf_from(first), "product": "QKD-LINK", "replacement": task.replacement, "owner": "val",
            "status": "done", "view": "status=open&page=2"}  # fmt: skip
    saved = client.post(f"/pqc/tasks/{task.id}", data=form, follow_redirects=False)
    assert saved.headers["location"] == f"/pqc/products/QKD-LINK/plan?status=open&page=2#task-{task.id}"
    done = client.get("/pqc/products/QKD-LINK/plan?status=done").text
    assert re.search(r'id="plan-count">1<', done) and f'id="task-{task.id}"' in done
    assert 'name="view" value="status=done&amp;page=1"' in done  # a task saved here comes back here
    assert client.get("/pqc/products/QKD-LINK/plan?status=nonsense&page=-3").status_code == 200


def test_the_web_app_starts_without_loading_the_scanning_machinery():
    # A fresh interpreter: in this one the scanner tests have long since loaded it.
    probe = (
        "import sys\n"
        "from qtqms.app.web import create_app\n"
        "create_app()\n"
        "print('qtqms.pqc.scanner.engine' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr
