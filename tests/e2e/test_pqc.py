"""The crypto inventory in Chromium: the demo's inventory grouped and filtered, a CBOM uploaded as a new scan,
what breaks as of a later day, and a task moved on the plan."""

import json

from playwright.sync_api import Page, expect

from tests.builders import PASSWORD
from tests.e2e.test_smoke import log_in
from tests.pqc.permission_routes import demo_cbom


def test_the_demo_inventory_groups_by_verdict_and_filters(page: Page, live_server, demo):
    log_in(page, live_server, "avery.auditor", PASSWORD)
    page.click("aside.sidebar >> text=Crypto (PQC)")
    products = page.locator("#pqc-products")
    expect(products).to_contain_text("QKD-LINK")
    expect(products.locator("tr", has_text="QKD-LINK")).to_contain_text("behind: 1 overdue")
    products.locator("a", has_text="QKD-LINK").first.click()
    page.select_option("select[name=group]", "verdict")
    page.fill("input[name=q]", "RSA-2048")
    page.click("#inventory-filter button[type=submit]")
    expect(page.locator("h2").first).to_contain_text("deprecated")
    expect(page.locator("#inventory-count")).to_have_text("1")


def test_an_engineer_marks_a_task_done_and_the_progress_moves(page: Page, live_server, demo):
    log_in(page, live_server, "emery.engineer", PASSWORD)
    page.goto(f"{live_server}/pqc/products/QPU-CLOUD/plan")
    expect(page.locator("#plan-progress")).to_contain_text("0 of 8 tasks done (0%)")
    row = page.locator("#tasks tr", has_text="certificate:RSA-2048")
    row.locator("select[name=status]").select_option("done")
    row.locator("button", has_text="Save").click()
    expect(page.locator("#plan-progress")).to_contain_text("1 of 8 tasks done (12%)")


def test_an_engineer_uploads_a_cbom_and_sees_the_new_scan_with_its_diff(page: Page, live_server, demo, tmp_path):
    cbom = tmp_path / "link-controller.cdx.json"
    cbom.write_text(json.dumps(demo_cbom("controller/key_transport.py")))
    log_in(page, live_server, "emery.engineer", PASSWORD)
    page.goto(f"{live_server}/pqc/products/QKD-LINK")
    page.click("#upload summary")
    page.set_input_files("#upload-form input[name=file]", str(cbom))
    page.fill("#upload-form input[name=system]", "link-controller")
    page.click("#upload-submit")
    expect(page).to_have_url(f"{live_server}/pqc/products/QKD-LINK/scans?scan=6")
    expect(page.locator("#scan-diff h2")).to_have_text("Scan #6 of link-controller against #2")
    expect(page.locator("#scan-diff")).to_contain_text("Removed")
    expect(page.locator("#scan-history tr[aria-current=true]")).to_contain_text("link-controller.cdx.json")
    page.goto(f"{live_server}/pqc/products/QKD-LINK")
    page.click("#upload summary")
    page.set_input_files("#upload-form input[name=file]", {"name": "notes.json", "mimeType": "application/json",
                                                          "buffer": b"{ not json"})  # fmt: skip
    page.fill("#upload-form input[name=system]", "link-controller")
    page.click("#upload-submit")
    expect(page.locator("#form-error")).to_contain_text("notes.json:1:3: not JSON")


def test_an_auditor_sees_what_breaks_as_of_2036(page: Page, live_server, demo):
    log_in(page, live_server, "avery.auditor", PASSWORD)
    page.goto(f"{live_server}/pqc/products/QKD-LINK")
    page.locator("#turning-points a", has_text="2036-01-01").click()
    expect(page.locator("#what-breaks h2")).to_contain_text("As of 2036-01-01:")
    expect(page.locator("#what-breaks")).to_contain_text("RSA-2048")
    expect(page.locator("input[name=as_of]")).to_have_value("2036-01-01")
