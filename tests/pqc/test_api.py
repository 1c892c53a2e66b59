"""/api/v1/pqc: importing a CBOM as a scan, the inventory, diffs and the migration plan over HTTP."""

from __future__ import annotations

from tests.builders import api_token
from tests.pqc.permission_routes import demo_cbom, demo_report


def _headers(team, actor) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(team.db, actor)}"}


def test_a_cbom_posted_twice_gives_a_scan_history_a_diff_and_an_inventory(client, team):
    engineer = _headers(team, team.engineer)
    body = {"product": "QKD-LINK", "system": "ctl", "cbom": demo_cbom(), "as_of": "2026-11-24"}
    first = client.post("/api/v1/pqc/scans", headers=engineer, json=body)
    assert first.status_code == 201, first.text
    assert first.json()["source"] == "cbom-import" and first.json()["summary"]["assets"] == 4
    second = client.post("/api/v1/pqc/scans", headers=engineer,
                         json={"product": "QKD-LINK", "system": "ctl", "cbom": demo_cbom("controller")})  # fmt: skip
    scan_id = second.json()["id"]
    diff = client.get(f"/api/v1/pqc/scans/{scan_id}/diff", headers=engineer).json()
    assert diff["older"]["id"] == first.json()["id"]
    assert {c["label"] for c in diff["added"]} >= {"SHA-1", "ML-DSA-65"} and diff["removed"] == []
    history = client.get("/api/v1/pqc/products/QKD-LINK/scans", headers=engineer).json()
    assert [s["id"] for s in history] == [scan_id, first.json()["id"]]
    inventory = client.get("/api/v1/pqc/products/QKD-LINK/inventory", headers=engineer).json()
    assert {r["scan_id"] for r in inventory["rows"]} == {scan_id}
    detail = client.get(f"/api/v1/pqc/scans/{scan_id}", headers=engineer).json()
    assert {a["label"] for a in detail["assets"]} == {r["label"] for r in inventory["rows"]}
    systems = client.get("/api/v1/pqc/systems?product=QKD-LINK", headers=engineer).json()
    assert [(s["product"], s["name"]) for s in systems] == [("QKD-LINK", "ctl")]


def test_the_plan_is_made_edited_and_measured_over_http(client, team):
    engineer = _headers(team, team.engineer)
    client.post(
        "/api/v1/pqc/scans", headers=engineer, json={"product": "QKD-LINK", "system": "ctl", "cbom": demo_cbom()}
    )
    planned = client.post("/api/v1/pqc/products/QKD-LINK/tasks", headers=engineer, json={"owner": "val"})
    assert planned.status_code == 201 and [t["asset_label"] for t in planned.json()] == ["RSA-2048"]
    task = planned.json()[0]
    assert task["owner"] == "val" and task["deadline"] == "2036-01-01"
    bad = client.patch(f"/api/v1/pqc/tasks/{task['id']}", headers=engineer, json={"status": "finished"})
    assert bad.status_code == 422
    done = client.patch(f"/api/v1/pqc/tasks/{task['id']}", headers=engineer, json={"status": "done"})
    assert done.json()["status"] == "done"
    progress = client.get("/api/v1/pqc/products/QKD-LINK/progress", headers=engineer).json()
    assert (progress["done"], progress["total"], progress["percent"], progress["migration_years"]) == (1, 1, 100, 0.0)
    listed = client.get("/api/v1/pqc/progress", headers=engineer).json()
    assert {p["product"]: p["total"] for p in listed} == {"GRAV-1": 0, "QKD-LINK": 1}


def test_errors_are_located_and_carry_their_status(client, team):
    engineer = _headers(team, team.engineer)
    missing = client.get("/api/v1/pqc/products/NOPE/inventory", headers=engineer)
    assert missing.status_code == 404 and "NOPE" in missing.json()["error"]["message"]
    bad_cbom = client.post("/api/v1/pqc/scans", headers=engineer,
                           json={"product": "QKD-LINK", "system": "x", "cbom": {"bomFormat": "nope"}})  # fmt: skip
    assert bad_cbom.status_code == 422
    assert client.get("/api/v1/pqc/scans/999", headers=engineer).status_code == 404
    assert client.get("/api/v1/pqc/products/QKD-LINK/inventory", headers=engineer).json()["rows"] == []


def test_a_scan_report_is_accepted_like_a_cbom_and_the_inventory_can_be_judged_as_of_a_day(client, team):
    engineer = _headers(team, team.engineer)
    body = {"product": "QKD-LINK", "system": "ctl", "report": demo_report("controller"), "as_of": "2026-11-24"}
    stored = client.post("/api/v1/pqc/scans", headers=engineer, json=body)
    assert stored.status_code == 201, stored.text
    assert (stored.json()["source"], stored.json()["summary"]["assets"]) == ("scanner", 9)
    inventory = client.get("/api/v1/pqc/products/QKD-LINK/inventory?as_of=2031-01-01", headers=engineer).json()
    assert inventory["as_of"] == "2031-01-01"
    sha1 = next(r for r in inventory["rows"] if r["label"] == "SHA-1")
    assert (sha1["recorded_verdict"], sha1["verdict"]) == ("deprecated", "disallowed")
    both = client.post("/api/v1/pqc/scans", headers=engineer, json={**body, "cbom": demo_cbom()})
    assert both.status_code == 422 and "exactly one of cbom" in both.json()["error"]["message"]
    neither = client.post("/api/v1/pqc/scans", headers=engineer, json={"product": "QKD-LINK", "system": "ctl"})
    assert neither.status_code == 422
    broken = demo_report("controller")
    broken["findings"][3]["line"] = -1
    refused = client.post("/api/v1/pqc/scans", headers=engineer, json={**body, "report": broken})
    assert refused.status_code == 422
    assert refused.json()["error"]["problems"][0]["field"] == "report.findings.3.line"
    assert len(client.get("/api/v1/pqc/products/QKD-LINK/scans", headers=engineer).json()) == 1


def test_the_inventory_and_the_plan_come_a_page_at_a_time_like_on_the_web(client, team):
    engineer = _headers(team, team.engineer)
    body = {"product": "QKD-LINK", "system": "ctl", "report": demo_report("controller"), "as_of": "2026-11-24"}
    client.post("/api/v1/pqc/scans", headers=engineer, json=body)
    url = "/api/v1/pqc/products/QKD-LINK/inventory/page"
    first = client.get(f"{url}?group=verdict&sort=label&page_rows=4", headers=engineer).json()
    second = client.get(f"{url}?group=verdict&sort=label&page_rows=4&page=2", headers=engineer).json()
    assert (first["total"], first["shown"], first["pages"]) == (9, 9, 3)
    labels = [r["label"] for page in (first, second) for g in page["groups"] for r in g["rows"]]
    assert len(labels) == len(set(labels)) == 8
    judged = client.get(f"{url}?as_of=2031-01-01&verdict=disallowed", headers=engineer).json()
    assert "SHA-1" in {r["label"] for g in judged["groups"] for r in g["rows"]}
    assert "SHA-1" in {r["label"] for r in judged["worse"]}
    too_many = client.get(f"{url}?page_rows=100000", headers=engineer)
    assert too_many.status_code == 422 and "page_rows" in too_many.text
    client.post("/api/v1/pqc/products/QKD-LINK/tasks", headers=engineer, json={"owner": "val"})
    plan = client.get("/api/v1/pqc/products/QKD-LINK/plan?status=open&page_rows=2", headers=engineer).json()
    assert plan["shown"] == plan["progress"]["total"] - plan["progress"]["done"] and len(plan["tasks"]) <= 2
    assert client.get("/api/v1/pqc/products/QKD-LINK/plan?status=finished", headers=engineer).status_code == 422
