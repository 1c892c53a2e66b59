"""Evidence: files and URLs attached to any record, files kept once by content and checked on every read."""
