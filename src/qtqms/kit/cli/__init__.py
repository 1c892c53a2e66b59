"""CLI toolkit: the use-case context and output (tables, JSON, one-line errors, exit codes)."""
