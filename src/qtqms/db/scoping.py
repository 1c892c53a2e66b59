"""The things every repository does with an organisation's rows: filter by the scope (in the query, or on rows
fetched by id), fetch one or say which is missing, add one or say it already exists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qtqms.kernel.errors import Conflict, NotFound
from qtqms.kernel.rbac import OrgScope

S = TypeVar("S", bound=Select)
R = TypeVar("R")


def scoped(stmt: S, model: Any, scope: OrgScope) -> S:
    """`stmt` limited to the scope's organisation's rows of `model`."""
    return stmt.where(model.organisation_id == scope.organisation_id)


def one_or_404(session: Session, stmt: Select, what: str) -> Any:
    """The one row `stmt` selects, or NotFound naming `what` (e.g. "risk R-0042 not found", the words every
    slice's refusals already used)."""
    row = session.scalars(stmt.limit(1)).first()
    if row is None:
        raise NotFound(f"{what} not found")
    return row


def add_unique(session: Session, row: Any, what: str) -> Any:
    """Insert `row`, or Conflict naming `what` when a unique key already holds it; the session stays usable."""
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(f"{what} already exists") from None
    return row


def owned(rows: Iterable[R], scope: OrgScope) -> list[R]:
    """Those of `rows` in the scope's organisation, checked on the rows. For look-ups by the ids of records already
    in scope (a risk's acceptances, a control's links, a page of risks by id): with the organisation in the WHERE
    clause as well, SQLite, which keeps no statistics, walks the organisation's index instead of the id's."""
    return [row for row in rows if row.organisation_id == scope.organisation_id]


def delete_unreferenced(session: Session, row: Any, what: str) -> None:
    """Delete `row`, or Conflict naming `what` and how many records of each kind still refer to it (found from
    the schema's foreign keys, so no slice needs to know who cites its records)."""
    table = row.__table__
    citing: list[str] = []
    for other in table.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table is table and not key.ondelete:
                count = session.scalar(select(func.count()).select_from(other).where(key.parent == row.id)) or 0
                if count:
                    citing.append(f"{count} {other.name.replace('_', ' ')}{'s' if count != 1 else ''}")
    if citing:
        raise Conflict(f"{what} is still referred to by {', '.join(citing)}: remove or move those first")
    session.delete(row)
    session.flush()
