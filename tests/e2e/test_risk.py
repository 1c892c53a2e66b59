"""The risk register in Chromium: register and heat maps on the demo, and an acceptance that turns invalid."""

from playwright.sync_api import Page, expect

from tests.builders import PASSWORD
from tests.e2e.test_smoke import log_in


def test_register_and_heat_maps_show_the_demo_risks(page: Page, live_server, demo):
    log_in(page, live_server, "avery.auditor", PASSWORD)
    page.click("aside.sidebar >> text=Risk")
    expect(page.locator("h1")).to_have_text("Risk register")
    register = page.locator("#register")
    expect(register).to_contain_text("Helium-3 supply disruption")
    expect(register).to_contain_text("Harvest now, decrypt later")
    expect(register.locator("tr", has_text="Helium-3")).to_contain_text("accepted")
    page.fill("input[name=search]", "blinding")
    page.click("#register-filter button[type=submit]")
    expect(page.locator("#register-total")).to_have_text("1")
    page.click("nav.subnav >> text=Heat maps")
    inherent = page.locator("#heatmap-inherent")
    expect(inherent).to_be_visible()
    expect(page.locator("#heatmap-residual")).to_be_visible()
    expect(inherent.locator("td[data-level=very-high]").first).to_contain_text("very high")
    counts = inherent.locator("td").evaluate_all("cells => cells.map(c => Number(c.dataset.count))")
    assert sum(counts) > 0


def test_an_accepted_risk_shows_its_acceptance_invalid_after_its_rating_changes(page: Page, live_server, demo):
    log_in(page, live_server, "emery.engineer", PASSWORD)
    page.goto(f"{live_server}/risk?search=Helium")
    page.locator("#register a code").first.click()
    expect(page.locator("#acceptance-badge")).to_contain_text("accepted")
    expect(page.locator(".acceptance-validity").first).to_contain_text("valid: signature verified")
    page.fill("#f-current_likelihood", "4")
    page.click("#assess-submit")
    expect(page.locator("#notice")).to_have_text("Assessment recorded.")
    expect(page.locator("#acceptance-badge")).to_contain_text("acceptance invalid")
    expect(page.locator(".acceptance-validity").first).to_contain_text("the risk changed after it was accepted")
    expect(page.locator(".acceptance-validity").first).to_contain_text("current: L2xI3 -> L4xI3")


def test_a_risk_links_to_its_catalogue_controls_and_mosca_shows_where_each_y_comes_from(page: Page, live_server, demo):
    log_in(page, live_server, "avery.auditor", PASSWORD)
    page.goto(f"{live_server}/risk?search=blinding")
    page.locator("#register a code").first.click()
    ref = page.locator("h1 code").inner_text()
    expect(page.locator("#linked-requirements")).to_contain_text("quantum-standards:ETSI GS QKD 014")
    page.locator("#linked-controls a", has_text="CTL-QKD-API").click()
    row = page.locator("#control-CTL-QKD-API")
    expect(row).to_contain_text("QKD key-delivery API hardening")
    expect(row.locator(".related")).to_contain_text(ref)
    page.goto(f"{live_server}/risk/mosca")
    kms = page.locator("#mosca-qkd-key-management tr", has_text="QKD-KMS")
    expect(kms.locator(".mosca-y")).to_contain_text("from the PQC migration plan of QKD-LINK")
    portal = page.locator("#mosca-customer-data tr", has_text="PORTAL")
    expect(portal.locator(".mosca-y")).to_contain_text("entered")
    kms.locator(".mosca-y a").click()
    expect(page).to_have_url(f"{live_server}/pqc/products/QKD-LINK/plan")
