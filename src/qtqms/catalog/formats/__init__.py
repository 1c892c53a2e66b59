"""File formats of the catalogue: OSCAL and CSV/XLSX frameworks."""
