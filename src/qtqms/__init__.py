"""qtqms: Quantum Technology Quality Management System."""

__version__ = "0.1.0"
