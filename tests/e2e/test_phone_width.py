"""Every page a user reaches from the navigation, at a phone's width (390 px): nothing wider than the screen but
the tables, which scroll inside their own box, and the navigation still reachable."""

import pytest
from playwright.sync_api import Page

from tests.builders import PASSWORD
from tests.e2e.test_smoke import log_in

PAGES = ["/", "/org", "/catalog", "/catalog/frameworks/iso27001-2022", "/catalog/controls",
         "/catalog/soa/iso27001-2022", "/catalog/readiness/iso27001-2022", "/evidence", "/risk", "/risk/mosca",
         "/risk/assets", "/pqc", "/trail", "/account", "/admin/users", "/quality", "/quality/tasks",
         "/quality/nonconformities", "/lifecycle", "/lifecycle/elspi"]  # fmt: skip

# Elements allowed to be wider than the page because they scroll inside a box of their own.
WIDE_INSIDE_A_SCROLLER = """
(() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { for (let e = el.parentElement; e; e = e.parentElement) {
      const s = getComputedStyle(e).overflowX; if (s === 'auto' || s === 'scroll') return true; } return false; };
  return [...document.querySelectorAll('main *')]
    .filter(el => el.getBoundingClientRect().right > width + 1 && !scrolls(el))
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : ''));
})()
"""


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_no_page_is_wider_than_a_phone(phone: Page, live_server, demo):
    log_in(phone, live_server, "alex.admin", demo.admin_password)
    overflowing = {}
    for path in PAGES:
        response = phone.goto(f"{live_server}{path}")
        assert response is not None and response.status == 200, path
        if found := phone.evaluate(WIDE_INSIDE_A_SCROLLER):
            overflowing[path] = found
    assert overflowing == {}


def test_the_navigation_is_reachable_on_a_phone(phone: Page, live_server, demo):
    log_in(phone, live_server, "val.viewer", PASSWORD)
    phone.goto(f"{live_server}/risk")
    link = phone.locator("aside.sidebar a[href='/trail'], aside.sidebar a[href='/pqc']").first
    link.scroll_into_view_if_needed()
    assert link.is_visible()
