"""Electronic signatures: sign a subject with a meaning after re-entering the password, verify it later."""
