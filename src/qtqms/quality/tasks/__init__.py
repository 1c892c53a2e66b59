"""Everyone's tasks: what waits for a person across the slices, overdue first."""
