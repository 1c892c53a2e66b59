"""The lifecycle in Chromium at desktop and phone widths: the board, a blocked gate and why, the ELSPI wizard
saving an answer, the export classification naming 4A906, and no page's content wider than its column."""

import pytest
from playwright.sync_api import Page, expect

from tests.builders import PASSWORD
from tests.e2e.test_smoke import log_in

PAGES = (
    "/lifecycle",
    "/lifecycle/products",
    "/lifecycle/products/GRAV-1",
    "/lifecycle/products/QKD-LINK/gate",
    "/lifecycle/elspi",
    "/lifecycle/elspi/EIA-0002",
    "/lifecycle/red-lines",
    "/lifecycle/red-lines/1",
    "/lifecycle/export-control",
    "/lifecycle/export-control/QPU-NEXT",
)


@pytest.mark.parametrize("width", [1280, 390])
def test_every_lifecycle_page_fits_the_screen(page: Page, live_server, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "quinn.quality", PASSWORD)
    for path in PAGES:
        page.goto(f"{live_server}{path}")
        expect(page.locator(".demo-banner")).to_be_visible()
        # The page's own content, not the shared sidebar layout: wide tables scroll inside their own box.
        overflow = page.evaluate("(m => m.scrollWidth - m.clientWidth)(document.querySelector('main.content'))")
        assert overflow <= 1, (path, width, overflow)


def test_a_blocked_gate_says_why_and_the_wizard_saves_an_answer(page: Page, live_server, demo):
    log_in(page, live_server, "ellis.ethics", PASSWORD)
    page.goto(f"{live_server}/lifecycle")
    expect(page.locator('[data-product="QKD-LINK"]')).to_contain_text("blocked")
    page.click('[data-product="QKD-LINK"] >> text=G0')
    expect(page.locator("#criterion-G0-2")).to_contain_text("is draft, not signed off")
    page.goto(f"{live_server}/lifecycle/elspi/EIA-0002")
    page.select_option("select[name='D5.1']", "2")
    page.click("text=Save answers")
    expect(page.locator("#flash")).to_contain_text("answers saved")
    expect(page.locator("select[name='D5.1']")).to_have_value("2")
    page.goto(f"{live_server}/lifecycle/export-control/QPU-NEXT")
    expect(page.locator("#candidates")).to_contain_text("4A906.a")
    expect(page.locator("#not-legal-advice")).to_contain_text("not legal advice")
