"""Standards in Chromium: an inferred readiness result with its mapping path, a SoA decision saved, the framework
tree folded, unfolded and searched, and a control edited."""

import re

from playwright.sync_api import Page, expect

from tests.builders import PASSWORD
from tests.e2e.test_smoke import log_in


def test_readiness_page_explains_an_inferred_result_by_its_mapping_path(page: Page, live_server, demo):
    log_in(page, live_server, "avery.auditor", PASSWORD)
    page.click("aside.sidebar >> text=Standards")
    expect(page.locator("#readiness svg")).to_be_visible()
    page.click("#readiness a:text-is('iso27001-2022')")
    row = page.locator("#assessments tr", has_text="Information security risk assessment")
    expect(row).to_contain_text("via qtqms-profile ISMS.RISK-ASSESSMENT")
    row.locator("a").click()
    path = page.locator("#mapping-path")
    expect(path).to_contain_text("qtqms-profile ISMS.RISK-ASSESSMENT → iso27001-2022 6.1.2: equal")
    expect(page.locator("#explanation")).to_contain_text("CTL-RISK")


def test_quality_manager_records_a_justified_exclusion_in_the_soa(page: Page, live_server, demo):
    log_in(page, live_server, "quinn.quality", PASSWORD)
    page.goto(f"{live_server}/catalog/soa/iso27001-2022")
    row = page.locator("#soa-A\\.7\\.4")
    row.locator("input[name=applicable]").uncheck()
    row.locator("input[name=justification]").fill("No premises need physical monitoring beyond the landlord's.")
    row.locator("button").click()
    expect(page.locator(".notice")).to_have_text("A.7.4 saved")
    saved = page.locator("#soa-A\\.7\\.4")
    expect(saved.locator("input[name=applicable]")).not_to_be_checked()
    expect(saved.locator("input[name=justification]")).to_have_value(
        "No premises need physical monitoring beyond the landlord's."
    )


def test_framework_tree_folds_unfolds_and_searches(page: Page, live_server, demo):
    log_in(page, live_server, "avery.auditor", PASSWORD)
    page.goto(f"{live_server}/catalog/frameworks/iso27001-2022")
    technological = page.locator('details[data-ref="A.8"]')
    crypto = page.locator('[data-ref="A.8.24"]')
    expect(page.locator('details[data-ref="A"]')).to_have_attribute("open", "")
    expect(crypto).to_be_hidden()
    technological.locator("> summary > code").click()
    expect(crypto).to_be_visible()
    technological.locator("> summary > code").click()
    expect(crypto).to_be_hidden()
    page.click("#expand-all")
    expect(crypto).to_be_visible()
    page.click("#collapse-all")
    expect(page.locator('[data-ref="4.1"]')).to_be_hidden()
    page.fill("input[type=search]", "cryptography")
    page.press("input[type=search]", "Enter")
    expect(crypto.locator("mark").first).to_have_text("Use of cryptography and key management")
    expect(page.locator('[data-ref="A.5.1"]')).to_have_count(0)
    crypto.locator("a", has_text=re.compile(r"^→ pqc ")).first.click()
    expect(page).to_have_url(re.compile(r"/catalog/frameworks/pqc\?q="))
    expect(page.locator("#requirements mark").first).to_be_visible()


def test_engineer_edits_a_control_and_sees_a_refusal_next_to_the_field(page: Page, live_server, demo):
    log_in(page, live_server, "emery.engineer", PASSWORD)
    page.goto(f"{live_server}/catalog/controls")
    page.click("#controls a[aria-label='Edit CTL-RISK']")
    page.fill("#f-owner", "nobody")
    page.click("#control-edit button[type=submit]")
    expect(page.locator("#err-owner")).to_contain_text("no active user 'nobody' in this organisation")
    page.fill("#f-owner", "emery.engineer")
    page.fill("#f-review_date", "2027-06-30")
    page.click("#control-edit button[type=submit]")
    expect(page.locator(".notice")).to_have_text("control CTL-RISK saved")
    expect(page.locator("#control-CTL-RISK")).to_contain_text("emery.engineer")
