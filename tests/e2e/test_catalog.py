"""Standards in Chromium: an inferred readiness result with its mapping path, and a SoA decision saved."""

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
