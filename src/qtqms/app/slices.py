"""Every slice the application mounts, in dependency order. Adding a slice adds one line here."""

from qtqms.catalog.slice import SLICE as CATALOG
from qtqms.esign.slice import SLICE as ESIGN
from qtqms.evidence.slice import SLICE as EVIDENCE
from qtqms.identity.slice import SLICE as IDENTITY
from qtqms.kernel.rbac import Permission
from qtqms.kit.slices import NavItem, Slice
from qtqms.lifecycle.slice import SLICES as LIFECYCLE
from qtqms.org.slice import SLICE as ORG
from qtqms.pqc.slice import SLICE as PQC
from qtqms.quality.slice import SLICE as QUALITY
from qtqms.risk.slice import SLICE as RISK
from qtqms.trail.slice import SLICE as TRAIL

SLICES: tuple[Slice, ...] = (IDENTITY, TRAIL, ESIGN, EVIDENCE, ORG, CATALOG, RISK, PQC, QUALITY, *LIFECYCLE)

# The dashboard, and the areas still to come: shown as such (not as links) so the layout does not change as
# slices arrive.
NAVIGATION = (NavItem("Dashboard", "/", 0, Permission.READ),)
