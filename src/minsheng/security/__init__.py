"""Users, roles, region scope, password hashing, PII encryption and masking."""
