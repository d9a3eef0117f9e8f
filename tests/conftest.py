"""Test fixtures: a fresh database per test session on SQLite and on PostgreSQL.

PostgreSQL tests read the server from MINSHENG_TEST_DATABASE_URL and create their own database on
it; without the variable they skip with a message, and under CI (MINSHENG_REQUIRE_POSTGRES=1) an
unreachable server fails the run instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

TEST_SECRET = "minsheng-test-secret"
os.environ.setdefault("MINSHENG_SECRET_KEY", TEST_SECRET)

from minsheng.config import get_settings  # noqa: E402
from minsheng.security import pii  # noqa: E402
from minsheng.store import db  # noqa: E402
from minsheng.store.base import all_models  # noqa: E402
from minsheng.store.migrate import upgrade  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    var = tmp_path_factory.mktemp("var")
    os.environ["MINSHENG_VAR_DIR"] = str(var)
    get_settings.cache_clear()
    pii.reset_caches()
    yield


def _postgres_server_url() -> str | None:
    return os.environ.get("MINSHENG_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A new, empty database on the test server, dropped at the end of the session."""
    server = _postgres_server_url()
    if not server:
        pytest.skip("MINSHENG_TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    server_url = make_url(server).set(drivername="postgresql+psycopg")
    name = f"minsheng_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as problem:
        admin.dispose()
        if os.environ.get("MINSHENG_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL at {server_url.render_as_string()} unreachable: {problem}")
        pytest.skip(f"PostgreSQL unreachable ({problem}); PostgreSQL tests skipped")
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'minsheng.db'}"


_migrated: dict[str, Engine] = {}


def _engine_for(url: str) -> Engine:
    if url not in _migrated:
        upgrade(url)
        _migrated[url] = db.make_engine(url)
    return _migrated[url]


def _empty_all_tables(engine: Engine) -> None:
    tables = [t.name for t in reversed(all_models().sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An empty, migrated database, on SQLite and on PostgreSQL; the app uses it for the test."""
    url = request.getfixturevalue(f"{request.param}_url")
    engine = _engine_for(url)
    _empty_all_tables(engine)
    db.set_default_engine(engine)
    yield engine
    db.set_default_engine(None)


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    """SQLite only: for tests of logic that does not depend on the database."""
    engine = _engine_for(sqlite_url)
    _empty_all_tables(engine)
    db.set_default_engine(engine)
    yield engine
    db.set_default_engine(None)
