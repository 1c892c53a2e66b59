"""Controlled documents in Chromium: the register, a named reviewer signing the version waiting for them, the
approver's signature making it approved, and the pages at desktop and phone widths."""

from playwright.sync_api import Page, expect

from tests.builders import PASSWORD
from tests.e2e.test_smoke import log_in

PAGES = (
    "/quality",
    "/quality/tasks",
    "/quality/documents",
    "/quality/documents/DOC-0002",
    "/quality/documents/DOC-0002/diff",
    "/quality/documents/new",
)


def test_a_named_reviewer_signs_the_version_waiting_for_them(page: Page, live_server, demo):
    log_in(page, live_server, "riley.risk", PASSWORD)
    page.click("aside.sidebar >> text=Quality")
    page.click("nav.subnav >> text=Documents")
    expect(page.locator("#documents")).to_contain_text("Control of documented information")
    page.click("#documents >> text=DOC-0002")
    expect(page.locator("#shown-version h2")).to_contain_text("Version 1")
    page.click("#latest-version a")
    expect(page.locator("#sign-offs")).to_contain_text("waiting")
    page.fill("#sign-form input[name=password]", "not my password")
    page.click("#sign-button")
    expect(page.locator(".errors")).to_contain_text("not signed")
    page.fill("#sign-form input[name=password]", PASSWORD)
    page.fill("#sign-form input[name=comment]", "Reads well")
    page.click("#sign-button")
    expect(page.locator("#flash")).to_contain_text("reviewed with your signature")
    page.goto(f"{live_server}/quality/documents/DOC-0002?version=2")
    expect(page.locator("#sign-offs")).to_contain_text("signature valid")
    expect(page.locator("#sign-offs")).to_contain_text("reviewed")


def test_unsafe_markdown_is_refused_next_to_the_content_field(page: Page, live_server, demo):
    log_in(page, live_server, "emery.engineer", PASSWORD)
    page.goto(f"{live_server}/quality/documents/new")
    page.fill("#f-title", "Cryostat cool-down")
    page.fill("#f-content", "Start here: [run](javascript:alert(1))")
    page.fill("#f-approvers", "quinn.quality")
    page.fill("#f-change_reason", "First issue")
    page.click("#create-document")
    expect(page.locator("#err-content")).to_contain_text("line 1: the link 'javascript:alert(1)' is not allowed")
    expect(page.locator("#f-title")).to_have_value("Cryostat cool-down")


def _fits(page: Page, path: str, width: int) -> None:
    """Nothing wider than the window: the page does not scroll sideways (wide tables scroll in their own box)."""
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= width, (path, width, page_width)


def test_the_quality_pages_fit_desktop_and_phone_widths(page: Page, live_server, demo):
    log_in(page, live_server, "quinn.quality", PASSWORD)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for path in PAGES:
            page.goto(f"{live_server}{path}")
            expect(page.locator(".demo-banner")).to_be_visible()
            _fits(page, path, width)


def test_a_failed_effectiveness_check_is_shown_on_the_reopened_nonconformity(page: Page, live_server, demo):
    log_in(page, live_server, "avery.auditor", PASSWORD)
    page.goto(f"{live_server}/quality/nonconformities")
    expect(page.locator("#nonconformities")).to_contain_text("RSA-2048")
    page.locator("#nonconformities tr", has_text="RSA-2048").locator("a").first.click()
    expect(page.locator("#checks")).to_contain_text("failed")
    expect(page.locator("#checks")).to_contain_text("signature valid")
    expect(page.locator("body")).to_contain_text("reopened 1×")
    expect(page.locator("#check-form")).to_have_count(0)  # an auditor reads, and signs nothing here


def test_the_nonconformity_pages_fit_desktop_and_phone_widths(page: Page, live_server, demo):
    log_in(page, live_server, "quinn.quality", PASSWORD)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for path in ("/quality/nonconformities", "/quality/nonconformities/NC-0002", "/quality/nonconformities/new"):
            page.goto(f"{live_server}{path}")
            _fits(page, path, width)


def test_my_tasks_lists_what_waits_overdue_first_and_leads_to_the_record(page: Page, live_server, demo):
    log_in(page, live_server, "emery.engineer", PASSWORD)
    page.click("aside.sidebar >> text=My tasks")
    first = page.locator("#tasks tbody tr").first
    expect(first).to_contain_text("overdue")
    expect(first).to_contain_text("drift alarm")
    first.locator("a").click()
    expect(page.locator("#actions")).to_contain_text("Add a drift alarm")
