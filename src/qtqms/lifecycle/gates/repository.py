"""Queries of this lifecycle sub-slice (private to it)."""
