"""The technology lifecycle."""
