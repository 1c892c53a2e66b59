"""The crypto inventory in Chromium: the demo's inventory grouped and filtered, and a task moved on the plan."""

from playwright.sync_api import Page, expect

from tests.builders import PASSWORD
from tests.e2e.test_smoke import log_in


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
