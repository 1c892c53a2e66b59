"""All ORM tables; importing this package registers every table on Base.metadata."""

from qtqms.models import catalog, esign, identity, org, pqc, risk  # noqa: F401
