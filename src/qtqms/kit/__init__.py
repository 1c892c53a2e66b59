"""Slice-agnostic application toolkit: what every slice uses and no slice owns. Imports no slice."""
