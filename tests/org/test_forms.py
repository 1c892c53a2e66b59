"""The organisation page's forms run on the shared form runner: redirect after a post, or the same form with
what was typed and each problem next to its field."""

import html

from tests.builders import csrf_from, log_in, make_org


def test_an_accepted_form_redirects_and_the_next_page_says_so_once(client, db):
    make_org(db)
    log_in(client, "admin")
    token = csrf_from(client.get("/org").text)
    site = {"name": "Lab", "country": "DE", "csrf_token": token}
    posted = client.post("/org/site", data=site, follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"] == "/org"
    shown = client.get("/org")
    assert '<p class="notice" role="status" id="flash">site added</p>' in shown.text
    assert 'id="flash"' not in client.get("/org").text


def test_a_refused_form_marks_every_bad_field_and_keeps_what_was_typed(client, db):
    make_org(db)
    log_in(client, "admin")
    token = csrf_from(client.get("/org").text)
    typed = {"name": "", "country": "Germany", "activities": "<i>x</i>", "csrf_token": token}
    refused = client.post("/org/site", data=typed)
    page = html.unescape(refused.text)
    assert refused.status_code == 422
    assert 'id="err-name">this is required<' in page and 'id="err-country">use at most 2 characters<' in page
    assert "2 problems to fix: see the marked fields" in page
    assert 'value="Germany"' in refused.text and 'value="&lt;i&gt;x&lt;/i&gt;"' in refused.text
    assert "<details open><summary>Add a site" in refused.text


def test_a_flash_cookie_someone_else_wrote_is_not_shown(client, db):
    make_org(db)
    log_in(client, "admin")
    client.cookies.set("qtqms_notice", "Y2FsbCB1cw.0000")
    assert 'id="flash"' not in client.get("/org").text
