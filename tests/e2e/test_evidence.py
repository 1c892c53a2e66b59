"""Evidence in Chromium: attach a file to a product, download it, and be refused once it is altered on disk."""

from pathlib import Path

from playwright.sync_api import Page, expect

from qtqms.evidence import store
from qtqms.settings import get_settings
from tests.builders import PASSWORD
from tests.e2e.test_smoke import log_in


def test_engineer_attaches_a_file_downloads_it_and_an_altered_copy_is_refused(page: Page, live_server, demo, tmp_path):
    log_in(page, live_server, "emery.engineer", PASSWORD)
    page.click("aside.sidebar >> text=Evidence")
    expect(page.locator("#evidence")).to_contain_text("CTL-")  # the demo controls keep their evidence
    report = tmp_path / "qber.csv"
    report.write_bytes(b"link,qber\nA-B,0.019\n")
    page.click("text=Attach evidence to a record")
    page.select_option("#evidence-form select[name=subject_type]", "product")
    page.fill("#evidence-form input[name=subject_id]", "QKD-LINK")
    page.set_input_files("#evidence-form input[name=file]", str(report))
    page.click("#evidence-form button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("attached to product QKD-LINK")
    row = page.locator("#evidence tr", has_text="qber.csv")
    with page.expect_download() as download:
        row.locator("a", has_text="qber.csv").first.click()
    assert download.value.suggested_filename == "qber.csv"
    assert Path(download.value.path()).read_bytes() == b"link,qber\nA-B,0.019\n"
    sha256 = row.locator("code.hash").get_attribute("title")
    store.blob_path(get_settings().blob_dir, sha256).write_bytes(b"link,qber\nA-B,0.009\n")
    href = row.locator("a", has_text="qber.csv").first.get_attribute("href")
    page.goto(f"{live_server}{href}")
    expect(page.locator("#evidence-altered")).to_contain_text("no longer matches its recorded hash")
