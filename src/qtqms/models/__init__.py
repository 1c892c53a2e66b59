"""All ORM tables; importing this package registers every table on Base.metadata."""

from qtqms.models import identity, org, trail  # noqa: F401
