"""All ORM tables; importing this package registers every table on Base.metadata."""

from qtqms.models import identity, org, risk, trail  # noqa: F401
