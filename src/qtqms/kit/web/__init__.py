"""Web toolkit: request dependencies, errors, security, forms, page rendering, downloads."""
