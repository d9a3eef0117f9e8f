"""The operational store: SQLAlchemy models, sessions (unit of work), migrations, the audit chain."""
