"""Nonconformities and CAPA: containment, root cause, corrective actions, a signed effectiveness check."""
