"""Crypto (PQC) pages: inventory grouped, filtered and sorted; scan history with diff; the plan and its forms."""

from __future__ import annotations

import re

from qtqms.pqc import service as pqc
from tests.builders import csrf_from, log_in, query_counter, record_pqc_scan
from tests.pqc.conftest import DEMO_SOURCE


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
    log_in(client, "val")
    _scanned(team, "controller/key_transport.py")
    with query_counter(team.db) as few:
        assert client.get("/pqc/products/QKD-LINK").status_code == 200
    _scanned(team, "controller", "firmware", "deploy", "console")
    with query_counter(team.db) as many:
        page = client.get("/pqc/products/QKD-LINK")
    assert page.text.count("<tr>") > 20
    assert len(many) == len(few)


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
