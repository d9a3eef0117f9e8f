"""The HTTP API: app factory, error handling; each domain brings its own router."""
