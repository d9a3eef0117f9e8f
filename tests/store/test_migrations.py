from sqlalchemy import inspect

from minsheng.store.base import all_models


def test_migrations_create_every_model_table(engine):
    tables = set(inspect(engine).get_table_names())
    assert set(all_models().tables) <= tables
    assert "alembic_version" in tables
