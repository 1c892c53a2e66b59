"""Headless Chromium through Playwright: the paths every user walks first."""

from playwright.sync_api import Page, expect

from tests.builders import PASSWORD


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")


def test_log_in_with_the_printed_credential_see_the_dashboard_and_log_out(page: Page, live_server, demo):
    log_in(page, live_server, demo.admin_username, demo.admin_password)
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("#org-name")).to_have_text("Aurora Quantum Labs (demo)")
    expect(page.locator("#fig-products")).to_have_text("4")
    expect(page.locator("#fig-users")).to_have_text("7")
    expect(page.locator(".demo-banner")).to_be_visible()
    page.click("#logout")
    expect(page).to_have_url(f"{live_server}/login")
    page.goto(f"{live_server}/")
    expect(page).to_have_url(f"{live_server}/login?next=/")


def test_wrong_password_is_refused_in_the_browser(page: Page, live_server, demo):
    log_in(page, live_server, demo.admin_username, "not-the-password-1")
    expect(page.locator("#login-error")).to_have_text("wrong username or password")


def test_viewer_is_forbidden_from_user_administration(page: Page, live_server, demo):
    log_in(page, live_server, "val.viewer", PASSWORD)
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("aside.sidebar")).not_to_contain_text("Users")
    response = page.goto(f"{live_server}/admin/users")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("Not allowed")


def test_auditor_verifies_the_trail_through_htmx(page: Page, live_server, demo):
    log_in(page, live_server, "avery.auditor", PASSWORD)
    page.goto(f"{live_server}/trail")
    page.click("#verify-button")
    expect(page.locator("#verify-status")).to_contain_text("intact")


def test_admin_creates_a_user_in_the_browser(page: Page, live_server, demo):
    log_in(page, live_server, demo.admin_username, demo.admin_password)
    page.goto(f"{live_server}/admin/users")
    page.fill("#f-username", "sam.new")
    page.select_option("#f-role", "engineer")
    page.click("#new-user button[type=submit]")
    expect(page.locator("#new-user-password")).to_be_visible()
    expect(page.locator("#users")).to_contain_text("sam.new")
