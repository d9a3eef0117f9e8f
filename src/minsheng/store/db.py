"""Engines and the unit of work: one transaction per use case, committed or rolled back whole."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from minsheng.config import get_settings


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database_path = url.removeprefix("sqlite:///")
        if database_path and database_path != ":memory:":
            Path(database_path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):  # foreign keys are off by default in SQLite
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


_engine: Engine | None = None
_planned_once: dict[str, Engine] = {}
_planned_once_lock = threading.Lock()


def planned_once(engine: Engine) -> Engine:
    """For a hot path of a few statements run thousands of times: on PostgreSQL, a pool of the same
    database whose connections plan each prepared statement once (a generic plan), not at every run.
    PostgreSQL kept re-planning the settlement's lookup of facts, 1.3 ms of its CPU each time, for the
    plan it always chose; other queries keep their plans per value. Its connections are not pinged before
    use (a round trip each time): its user runs again on a new connection if one was dropped. Elsewhere,
    the engine itself."""
    if engine.dialect.name != "postgresql":
        return engine
    url = engine.url.render_as_string(hide_password=False)
    with _planned_once_lock:
        if url not in _planned_once:
            _planned_once[url] = create_engine(
                engine.url,
                pool_size=5,
                max_overflow=10,
                connect_args={"options": "-c plan_cache_mode=force_generic_plan"},
            )
        return _planned_once[url]


def default_engine() -> Engine:
    """The engine of the configured database, made on first use."""
    global _engine
    if _engine is None:
        _engine = make_engine(get_settings().resolved_database_url)
    return _engine


def set_default_engine(engine: Engine | None) -> None:
    """Point the application at another database (tests, the CLI's --database option)."""
    global _engine
    _engine = engine


@cache
def _session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """A session whose work is committed when the block ends and rolled back if it raises."""
    session = _session_factory(engine or default_engine())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
