"""Human reference numbers (R-0042): one counter row per organisation and kind of record, moved atomically.

`max(number) + 1` gives two concurrent transactions the same number, so one of them failed. An upsert that
increments the counter and returns the new value takes the counter row's lock until its transaction ends (on
SQLite, the write lock): concurrent creations wait their turn and never collide. A rolled-back creation gives its
number back, so numbers have no gaps.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from qtqms.db.base import Base
from qtqms.kernel.rbac import OrgScope


class ReferenceCounter(Base):
    __tablename__ = "reference_counter"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


def next_number(session: Session, scope: OrgScope, kind: str) -> int:
    """The next number of `kind` (a record type, e.g. "risk") in the scope's organisation: 1 for its first record."""
    organisation_id = scope.organisation_id
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    stmt = upsert(ReferenceCounter).values(organisation_id=organisation_id, kind=kind, last_number=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["organisation_id", "kind"], set_={"last_number": ReferenceCounter.last_number + 1}
    ).returning(ReferenceCounter.last_number)
    return session.execute(stmt).scalar_one()
