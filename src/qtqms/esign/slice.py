"""The e-signature slice as the composition root mounts it."""

from qtqms.kit.slices import Slice

SLICE = Slice(name="esign", package="qtqms.esign", api="qtqms.esign.api:router")
