"""Web fixtures: the app over the test database, users in two banners, a league and the region."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import pytest
from fastapi.testclient import TestClient

from minsheng.api.app import create_app
from minsheng.security import passwords, service
from minsheng.store.db import unit_of_work

PASSWORD = "web-test-pass-1"
_cached_hash = cache(passwords.hash_password)
USERS = {
    "clerk_a": ("registry_clerk", "150426"),
    "clerk_b": ("registry_clerk", "150102"),
    "league": ("assistance_approver", "150400"),
    "auditor_a": ("auditor", "150426"),
    "auditor_all": ("auditor", "150000"),
    "medic_a": ("medical_officer", "150426"),
}


@pytest.fixture
def engine(sqlite_engine):
    """Pages on SQLite only: the queries under them are tested on both databases by their domains."""
    return sqlite_engine


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch):
    """One argon2 hash per password for the whole run: the pages, not the hashing, are under test."""
    monkeypatch.setattr(passwords, "hash_password", _cached_hash)


@pytest.fixture
def users(engine) -> dict[str, tuple[str, str]]:
    with unit_of_work(engine) as session:
        for login, (role, region) in USERS.items():
            service.create_user(session, login=login, password=PASSWORD, role=role, region_code=region)
    return USERS


@pytest.fixture
def app(engine):
    return create_app()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def login(app, users) -> Callable[[str], TestClient]:
    """A client logged in as one of USERS."""

    def log_in(name: str, password: str = PASSWORD) -> TestClient:
        client = TestClient(app)
        token = csrf_of(client.get("/login").text)
        answer = client.post(
            "/login",
            data={"login": name, "password": password, "csrf_token": token, "next": "/"},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        return client

    return log_in


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def csrf() -> Callable[[str], str]:
    return csrf_of
