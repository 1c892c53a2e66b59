"""interop: external formats (OSCAL, CSV/XLSX) to and from the domain models."""
