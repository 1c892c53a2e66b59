"""Paging the audit trail by keyset: every event once, newest first, no empty last page, constant query count."""

from __future__ import annotations

from qtqms.db.uow import UnitOfWork
from qtqms.trail import service
from tests.builders import make_org, make_user, query_counter


def test_pages_cover_every_event_once_and_the_last_full_page_points_nowhere(db):
    admin = make_org(db)
    for index in range(5):
        make_user(db, admin, f"user{index}", "viewer")
    with UnitOfWork(db, actor=admin) as uow:
        everything = service.list_events(uow, admin, limit=service.MAX_PAGE)
        total = len(everything.events)
        # A page that holds exactly the events left is the last: it used to point to an empty page after it.
        assert service.list_events(uow, admin, limit=total).next_before_seq is None
        seen, before, counts = [], None, []
        while True:
            with query_counter(db) as statements:
                page = service.list_events(uow, admin, limit=3, before_seq=before)
            counts.append(len(statements))
            seen += [event.seq for event in page.events]
            before = page.next_before_seq
            if before is None:
                break
    assert seen == sorted(seen, reverse=True) == [event.seq for event in everything.events]
    assert len(set(counts)) == 1
