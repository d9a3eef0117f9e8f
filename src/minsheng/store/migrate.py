"""Schema migrations through Alembic. Each domain owns a branch (its label is the domain's name)
rooted at the foundation revision, so `upgrade` goes to every head."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config

from minsheng.config import get_settings


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("minsheng.store") / "migrations"))
    config.set_main_option("sqlalchemy.url", url or get_settings().resolved_database_url)
    return config


def upgrade(url: str | None = None) -> None:
    command.upgrade(alembic_config(url), "heads")


def downgrade_to_base(url: str | None = None) -> None:
    command.downgrade(alembic_config(url), "base")


def revision(message: str, url: str | None = None, branch: str | None = None, head: str = "heads") -> None:
    """Autogenerate a revision from the models (developers only)."""
    command.revision(
        alembic_config(url),
        message=message,
        autogenerate=True,
        head=head,
        branch_label=branch,
        rev_id=None,
    )
