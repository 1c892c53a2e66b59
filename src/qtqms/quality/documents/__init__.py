"""Controlled documents: numbered, versioned, reviewed and approved with e-signatures, acknowledged."""
