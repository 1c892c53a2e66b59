"""Pages of a list: one page shape, one keyset cursor, and page numbers for the lists that show them.

Keyset paging ("the rows after this key") costs the same on page 500 as on page 1, so long lists use it; page
numbers ("page 3 of 9") need an offset, which is fine for lists a person pages through by number.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from math import ceil
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, tuple_
from sqlalchemy.orm import Session

from qtqms.kernel import hashchain
from qtqms.kernel.errors import InvalidInput, Problem

RowT = TypeVar("RowT")


class Page(BaseModel, Generic[RowT]):
    """One page of a list: its rows, how many rows match, and where the next page starts."""

    rows: list[RowT]
    total: int = Field(description="Rows matching the filters, counted up to a cap")
    total_capped: bool = Field(default=False, description="True when more than `total` rows match")
    next_cursor: str | None = Field(default=None, description="Give it as `cursor` for the next page; null on the last")


# --- the keyset cursor -----------------------------------------------------------------------------


def encode_cursor(key: Sequence[Any]) -> str:
    """The key of the last row shown (its sort value, then its unique tie-breaker) as one opaque, URL-safe text."""
    return base64.urlsafe_b64encode(hashchain.canonical(list(key))).decode()


def decode_cursor(cursor: str, kinds: Sequence[type]) -> tuple[Any, ...]:
    """The key `encode_cursor` wrote, each value checked against (and turned back into) the type of its column:
    a cursor edited by hand is refused as bad input rather than reaching the database."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError("wrong length")
        return tuple(_typed(value, kind) for value, kind in zip(values, kinds, strict=True))
    except (ValueError, TypeError, binascii.Error):
        message = "not a cursor this list returned"
        raise InvalidInput(f"cursor: {message}", [Problem(message, field="cursor")]) from None


_JSON_TYPES: dict[type, tuple[type, ...]] = {int: (int,), float: (int, float), str: (str,)}


def _typed(value: Any, kind: type) -> Any:
    if value is None:
        return None
    if kind in (datetime, date):
        return kind.fromisoformat(value)
    allowed = _JSON_TYPES.get(kind)
    if allowed and (isinstance(value, bool) or not isinstance(value, allowed)):
        raise ValueError(f"not a {kind.__name__}")
    return value


def _column_type(column: ColumnElement[Any]) -> type:
    stored = getattr(column.type, "impl_instance", column.type)  # a TypeDecorator stores values as its impl does
    try:
        return stored.python_type
    except NotImplementedError:
        return object


def keyset_page(
    session: Session,
    stmt: Select[Any],
    order: Sequence[ColumnElement[Any]],
    *,
    descending: bool,
    cursor: str | None,
    limit: int,
) -> tuple[list[Any], str | None]:
    """One page of `stmt` ordered by `order` (its last column unique, e.g. the row's number), starting after the
    row `cursor` names: (the rows, the cursor of the next page or None on the last). One query: it reads one row
    more than the page to know whether another page follows, so the count of queries never grows with the list.
    Every column of `order` must be among the statement's columns, under its own name."""
    key = tuple_(*order) if len(order) > 1 else order[0]
    if cursor is not None:
        after = decode_cursor(cursor, [_column_type(column) for column in order])
        bound = tuple_(*after) if len(order) > 1 else after[0]
        stmt = stmt.where(key < bound if descending else key > bound)
    stmt = stmt.order_by(*(column.desc() if descending else column.asc() for column in order))
    found = list(session.execute(stmt.limit(limit + 1)))
    rows = found[:limit]
    if len(found) <= limit:
        return rows, None
    return rows, encode_cursor([getattr(rows[-1], column.key) for column in order])


def following(found: Sequence[RowT], limit: int) -> tuple[list[RowT], RowT | None]:
    """For a query that read `limit` + 1 rows: (the page's rows, its last row when another page follows)."""
    rows = list(found[:limit])
    return rows, (rows[-1] if len(found) > limit and rows else None)


# --- page numbers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageNumbers:
    """Where a numbered page is: the page shown (1-based), how many pages there are, and its first row."""

    page: int
    pages: int
    offset: int


def page_numbers(asked: int, total: int, size: int) -> PageNumbers:
    """The page asked for, brought within the pages there are (an empty list still has page 1)."""
    pages = max(1, ceil(total / size))
    page = min(max(asked, 1), pages)
    return PageNumbers(page=page, pages=pages, offset=(page - 1) * size)
