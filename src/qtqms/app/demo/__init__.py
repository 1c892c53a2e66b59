"""The fictional demo organisation."""
