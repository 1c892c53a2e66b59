"""Controlled documents through the service: the workflow, signatures and segregation of duties, safe
Markdown, diffs, periodic review, acknowledgements, what readiness may count, and tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from qtqms.db.audit import AuditEvent
from qtqms.db.uow import UnitOfWork
from qtqms.kernel import clock
from qtqms.kernel.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from qtqms.kernel.refs import RequirementRef
from qtqms.models.esign import Signature
from qtqms.models.quality import DocumentVersion
from qtqms.quality.documents import domain, service
from qtqms.quality.documents.domain import Part
from qtqms.quality.documents.schemas import (
    DocumentCreate,
    DocumentQuery,
    DraftChange,
    LinksIn,
    PeriodicReviewIn,
    StepIn,
)
from tests.builders import PASSWORD, query_counter
from tests.quality.conftest import effective, write

DOC_703 = RequirementRef("iso9001-2015", "7.5.3")


def test_a_document_goes_from_draft_to_effective_with_signed_review_and_approval(team):
    written = write(team)
    assert (written.ref, written.status, written.shown.version) == ("DOC-0001", "draft", 1)
    released = effective(team)
    assert released.ref == "DOC-0002"
    assert (released.status, released.effective_version) == ("effective", 1)
    signers = [(s.part, s.username, s.meaning, s.valid) for s in released.shown.sign_offs]
    assert signers == [("reviewer", "riley", "reviewed", True), ("approver", "quinn", "approved", True)]
    assert released.next_review_on == domain.add_months(clock.today(), 12)
    assert released.requirements == ["iso9001-2015:7.5.3"] and released.controls == ["CTL-DOCS"]


def test_only_the_effective_version_is_shown_by_default_and_a_release_supersedes_the_last(team):
    first = effective(team)
    team.run(team.engineer, service.new_version, first.ref, DraftChange(content="# v2\n", change_reason="Simpler"))
    shown = team.read(team.viewer, service.get_document, first.ref)
    assert (shown.shown.version, shown.latest_version, shown.status) == (1, 2, "effective")
    team.run(team.engineer, service.take_step, first.ref, StepIn(action="submit"))
    team.run(team.owner, service.sign_version, first.ref, Part.REVIEWER, PASSWORD)
    team.run(team.quality, service.sign_version, first.ref, Part.APPROVER, PASSWORD)
    now = team.run(team.quality, service.take_step, first.ref, StepIn(action="release"))
    assert (now.effective_version, now.shown.content) == (2, "# v2\n")
    assert [(v.version, v.status) for v in now.versions] == [(2, "effective"), (1, "obsolete")]


def test_the_author_is_refused_as_approver_or_reviewer_and_cannot_sign_their_own_version(team):
    with pytest.raises(InvalidInput, match="author of a version cannot sign it off"):
        write(team, approvers=["emery"])
    with pytest.raises(InvalidInput, match="author of a version cannot sign it off"):
        write(team, reviewers=["emery"])
    mine = team.run(team.quality, service.create_document,
                    DocumentCreate(kind="policy", title="Quality policy", content="x",
                                                        change_reason="issue", approvers=["admin"]))  # fmt: skip
    team.run(team.quality, service.take_step, mine.ref, StepIn(action="submit"))
    with pytest.raises(PermissionDenied, match="you wrote this version; someone else must approve it"):
        team.run(team.quality, service.sign_version, mine.ref, Part.APPROVER, PASSWORD)


def test_an_approver_needs_a_role_that_may_approve_and_must_be_named(team):
    with pytest.raises(InvalidInput, match="riley may not approve documents"):
        write(team, approvers=["riley"])
    document = write(team, reviewers=[])
    team.run(team.engineer, service.take_step, document.ref, StepIn(action="submit"))
    with pytest.raises(PermissionDenied, match="not a named approver"):
        team.run(team.admin, service.sign_version, document.ref, Part.APPROVER, PASSWORD)
    with pytest.raises(PermissionDenied, match="documents:approve"):
        team.run(team.owner, service.sign_version, document.ref, Part.APPROVER, PASSWORD)


def test_approval_waits_for_every_named_review(team):
    document = write(team)
    team.run(team.engineer, service.take_step, document.ref, StepIn(action="submit"))
    with pytest.raises(Conflict, match="1 named reviewer"):
        team.run(team.quality, service.sign_version, document.ref, Part.APPROVER, PASSWORD)


def test_a_wrong_password_signs_nothing_and_is_in_the_trail(team):
    document = write(team)
    team.run(team.engineer, service.take_step, document.ref, StepIn(action="submit"))
    with pytest.raises(NotAuthenticated, match="not signed"):
        team.run(team.owner, service.sign_version, document.ref, Part.REVIEWER, "wrong password")
    with UnitOfWork(team.db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Signature)) == 0
        refused = select(func.count()).where(AuditEvent.action == "password_refused", AuditEvent.actor_name == "riley")
        assert uow.session.scalar(refused) == 1
    shown = team.read(team.viewer, service.get_document, document.ref)
    assert [s.signed for s in shown.shown.sign_offs] == [False, False]


def test_a_version_past_draft_is_never_edited(team):
    document = effective(team)
    with pytest.raises(Conflict, match="is effective: it cannot be edited; start a new version"):
        team.run(team.engineer, service.edit_draft, document.ref, DraftChange(content="changed", change_reason="fix"))
    other = write(team)
    team.run(team.engineer, service.take_step, other.ref, StepIn(action="submit"))
    with pytest.raises(Conflict, match="withdraw it to a draft first"):
        team.run(team.engineer, service.edit_draft, other.ref, DraftChange(content="changed", change_reason="fix"))


def test_withdrawing_retiring_and_discarding_need_a_reason(team):
    document = write(team)
    team.run(team.engineer, service.take_step, document.ref, StepIn(action="submit"))
    with pytest.raises(InvalidInput, match="needs a reason"):
        team.run(team.engineer, service.take_step, document.ref, StepIn(action="withdraw"))
    back = team.run(team.engineer, service.take_step, document.ref, StepIn(action="withdraw", reason="typos"))
    assert back.status == "draft"


@pytest.mark.parametrize(
    ("markdown", "said"),
    [
        ("Hello\n\n<script>alert(1)</script>\n", "line 3: raw HTML is not allowed"),
        ("An <img src=x onerror=alert(1)> image", "line 1: raw HTML '<img src=x onerror=alert(1)>'"),
        ("Click [here](javascript:alert(1))", "line 1: the link 'javascript:alert(1)' is not allowed"),
        ("[x](JaVaScRiPt:alert(1))", "is not allowed"),
        ("![p](data:image/svg+xml;base64,PHN2Zz4=)", "the link 'data:image"),
        ("<javascript:alert(1)>", "is not allowed"),
    ],
)
def test_unsafe_markdown_is_refused_naming_the_line_and_nothing_is_written(team, markdown, said):
    with pytest.raises(InvalidInput, match="content: ") as refused:
        write(team, content=markdown)
    assert said in str(refused.value.problems[0].message)
    assert team.read(team.viewer, service.list_documents).total == 0


def test_rendering_never_makes_script_or_handlers_even_from_stored_text():
    html = domain.render_markdown("<script>x</script> [a](javascript:x) <b onclick=x>b</b> [ok](https://e.org)")
    assert "<script" not in html and "onclick=" not in html.replace("&lt;b onclick=x&gt;", "")
    assert 'href="javascript' not in html and '<a href="https://e.org">ok</a>' in html


def test_the_diff_names_added_and_removed_lines_and_other_changed_fields(team):
    first = effective(team)
    team.run(team.engineer, service.new_version, first.ref,
             DraftChange(title="Document control", content=PROCEDURE_V2, change_reason="Add retention"))  # fmt: skip
    diff = team.read(team.viewer, service.diff_versions, first.ref)
    assert (diff.old, diff.new) == (1, 2)
    assert [(x.op, x.text) for x in diff.lines if x.op != "same"] == [
        ("removed", "3. Have it approved."),
        ("added", "3. Have it approved by someone else."),
        ("added", "4. Keep it for ten years."),
    ]
    assert "title" in diff.changed and "change_reason" in diff.changed


PROCEDURE_V2 = "# Control of documents\n\n1. Write a draft.\n2. Have it reviewed.\n3. Have it approved by someone else.\n4. Keep it for ten years.\n"  # noqa: E501


def test_periodic_review_falls_due_warns_and_counts_for_readiness_only_in_date(team, fixed_clock):
    document = effective(team)
    assert team.read(team.viewer, service.documents_serving, [DOC_703])[DOC_703][0].ref == document.ref
    fixed_clock.at += timedelta(days=360)
    assert team.read(team.viewer, service.get_document, document.ref).review == "due"
    fixed_clock.at += timedelta(days=10)
    overdue = team.read(team.viewer, service.get_document, document.ref)
    assert overdue.review == "overdue"
    assert team.read(team.viewer, service.documents_serving, [DOC_703]) == {DOC_703: []}
    assert team.read(team.viewer, service.list_documents, DocumentQuery(review="overdue")).total == 1
    done = team.run(team.quality, service.confirm_periodic_review, document.ref, PeriodicReviewIn(comment="fine"))
    assert done.review == "in date"
    assert team.read(team.viewer, service.documents_serving, [DOC_703])[DOC_703][0].ref == document.ref


def test_a_draft_serves_nothing_until_it_is_effective(team):
    write(team)
    assert team.read(team.viewer, service.documents_serving, [DOC_703]) == {DOC_703: []}


def test_the_people_a_document_applies_to_acknowledge_it_once(team):
    document = effective(team)
    assert [(a.username, a.acknowledged_at) for a in document.acknowledgements] == [
        ("emery", None), ("riley", None), ("robin", None)
    ]  # fmt: skip
    assert team.read(team.engineer, service.get_document, document.ref).my_acknowledgement_due
    done = team.run(team.engineer, service.acknowledge, document.ref)
    assert not done.my_acknowledgement_due
    with pytest.raises(Conflict, match="already acknowledged"):
        team.run(team.engineer, service.acknowledge, document.ref)
    with pytest.raises(Conflict, match="does not apply to your role"):
        team.run(team.viewer, service.acknowledge, document.ref)


def test_a_change_behind_the_applications_back_shows_the_signatures_invalid_and_blocks_release(team):
    document = write(team)
    team.run(team.engineer, service.take_step, document.ref, StepIn(action="submit"))
    team.run(team.owner, service.sign_version, document.ref, Part.REVIEWER, PASSWORD)
    team.run(team.quality, service.sign_version, document.ref, Part.APPROVER, PASSWORD)
    with UnitOfWork(team.db, write=True) as uow:
        uow.session.execute(update(DocumentVersion).values(content="tampered"))
        uow.commit()
    shown = team.read(team.viewer, service.get_document, document.ref)
    assert [s.valid for s in shown.shown.sign_offs] == [False, False]
    assert "content changed" in shown.shown.sign_offs[1].verification
    with pytest.raises(Conflict, match="cannot be released: the document_version changed after it was reviewed"):
        team.run(team.quality, service.take_step, document.ref, StepIn(action="release"))


def test_links_are_checked_against_the_catalogue_and_the_controls(team):
    document = write(team)
    with pytest.raises(InvalidInput, match="no requirement 'iso9001-2015:99.9'"):
        team.run(
            team.engineer, service.set_links, document.ref, LinksIn(requirements=["iso9001-2015:99.9"], reason="x" * 3)
        )
    with pytest.raises(InvalidInput, match="no control 'CTL-NONE'"):
        team.run(team.engineer, service.set_links, document.ref, LinksIn(controls=["CTL-NONE"], reason="link"))
    with pytest.raises(InvalidInput, match="not a requirement reference"):
        write(team, requirements=["iso9001-2015 7.5.3"])


def test_the_list_filters_pages_and_takes_the_same_queries_whatever_its_length(team):
    for _ in range(3):
        write(team)
    effective(team, title="Information security policy", kind="policy")
    assert team.read(team.viewer, service.list_documents, DocumentQuery(kind="policy")).total == 1
    assert team.read(team.viewer, service.list_documents, DocumentQuery(search="DOC-0002")).rows[0].ref == "DOC-0002"
    first = team.read(team.viewer, service.list_documents, DocumentQuery(limit=2))
    assert [r.ref for r in first.rows] == ["DOC-0001", "DOC-0002"] and first.total == 4
    second = team.read(team.viewer, service.list_documents, DocumentQuery(limit=2, cursor=first.next_cursor))
    assert [r.ref for r in second.rows] == ["DOC-0003", "DOC-0004"] and second.next_cursor is None
    with query_counter(team.db) as few:
        team.read(team.viewer, service.list_documents, DocumentQuery(limit=1))
    with query_counter(team.db) as many:
        team.read(team.viewer, service.list_documents, DocumentQuery(limit=50))
    assert len(few) == len(many)


def test_an_export_keeps_formula_text_inert(team):
    write(team, title='=HYPERLINK("http://x")')
    exported = team.read(team.viewer, service.export_documents, "csv")
    assert "'=HYPERLINK" in exported.content.decode()


def test_another_organisation_finds_nothing(team):
    document = effective(team)
    with pytest.raises(NotFound):
        team.read(team.other_admin, service.get_document, document.ref)
    assert team.read(team.other_admin, service.list_documents).total == 0
    assert team.read(team.other_admin, service.documents_serving, [DOC_703]) == {DOC_703: []}


def test_a_viewer_writes_nothing(team):
    with pytest.raises(PermissionDenied):
        team.run(team.viewer, service.create_document, DocumentCreate(
            kind="form", title="F", change_reason="new form"))  # fmt: skip


def test_a_refused_self_approval_is_in_the_trail_and_nothing_is_signed(team):
    mine = team.run(team.quality, service.create_document,
                    DocumentCreate(kind="policy", title="Policy", content="x", change_reason="issue",
                                   approvers=["admin"]))  # fmt: skip
    team.run(team.quality, service.take_step, mine.ref, StepIn(action="submit"))
    with pytest.raises(PermissionDenied):
        team.run(team.quality, service.sign_version, mine.ref, Part.APPROVER, PASSWORD)
    with UnitOfWork(team.db) as uow:
        refused = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "signature_refused")).all()
        assert uow.session.scalar(select(func.count()).select_from(Signature)) == 0
        assert [(e.entity_label, e.actor_name) for e in refused] == [(f"{mine.ref} v1", "quinn")]
        assert "you wrote this version" in refused[0].after["refused"]
