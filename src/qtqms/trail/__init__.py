"""trail."""
