"""Alembic environment: always runs on a connection handed over by qtqms.db.migrate."""

from __future__ import annotations

from alembic import context

import qtqms.db.audit  # noqa: F401  registers the trail tables
import qtqms.db.numbering  # noqa: F401  registers the reference counters
import qtqms.models  # noqa: F401  registers every other table
from qtqms.db.base import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
