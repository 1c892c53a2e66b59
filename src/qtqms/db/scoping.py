"""The three things every repository does with an organisation's rows: filter by the scope, fetch one or say
which is missing, add one or say it already exists."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qtqms.kernel.errors import Conflict, NotFound
from qtqms.kernel.rbac import OrgScope

S = TypeVar("S", bound=Select)


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
