"""All ORM tables; importing this package registers every table on Base.metadata."""

from qtqms.models import catalog, esign, evidence, identity, lifecycle, org, pqc, quality, risk, workflow  # noqa: F401
