"""The crypto scanner engine: walk a tree, find the cryptography in it, judge it against a policy (no database)."""
