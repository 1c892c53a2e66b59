"""Every page a demo organisation sees says it is demo data; a real organisation's pages do not (defect 3: the
banner was missing on the catalogue, PQC, trail, users and account pages)."""

import pytest

from tests.builders import log_in, make_org

PAGES = (
    "/",
    "/org",
    "/catalog",
    "/catalog/controls",
    "/risk",
    "/pqc",
    "/evidence",
    "/trail",
    "/admin/users",
    "/account",
)
BANNER = "Demo data."


@pytest.mark.parametrize("path", PAGES)
def test_every_page_of_the_demo_organisation_says_demo_data(client, demo, path):
    assert log_in(client, demo.admin_username, demo.admin_password).status_code == 303
    page = client.get(path)
    assert page.status_code == 200 and BANNER in page.text


def test_a_real_organisations_pages_carry_no_demo_banner(client, db):
    admin = make_org(db)
    assert log_in(client, admin.username).status_code == 303
    for path in PAGES:
        page = client.get(path)
        assert page.status_code == 200 and BANNER not in page.text, path
