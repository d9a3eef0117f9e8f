"""Users, lockout, tokens and demo users against SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minsheng.api.errors import Conflict, DomainError
from minsheng.config import get_settings
from minsheng.security import service
from minsheng.security.models import User
from minsheng.security.roles import ROLES
from minsheng.store import audit
from minsheng.store.base import utcnow
from minsheng.store.db import unit_of_work

PASSWORD = "correct-horse-9"


def _add(engine, login="clerk", role="registry_clerk", region="150426"):
    with unit_of_work(engine) as session:
        service.create_user(session, login=login, password=PASSWORD, role=role, region_code=region)


def test_password_is_stored_as_argon2_and_checked(engine):
    _add(engine)
    with unit_of_work(engine) as session:
        user = service.get_user(session, "clerk")
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert service.authenticate(session, "clerk", PASSWORD).ok
        assert not service.authenticate(session, "clerk", "wrong-password-1").ok
        assert not service.authenticate(session, "nobody", PASSWORD).ok


def test_bad_user_input_names_the_field_and_changes_nothing(engine):
    with unit_of_work(engine) as session:
        for kwargs, field in [
            ({"role": "king"}, "role"),
            ({"region_code": "110101"}, "region_code"),
            ({"password": "short1"}, "password"),
            ({"password": "onlyletterslong"}, "password"),
        ]:
            arguments = {"login": "x", "password": PASSWORD, "role": "auditor", "region_code": "150426"}
            with pytest.raises(DomainError) as problem:
                service.create_user(session, **(arguments | kwargs))
            assert problem.value.fields[0].field == field
        assert service.list_users(session) == []
    _add(engine)
    with pytest.raises(Conflict), unit_of_work(engine) as session:
        service.create_user(session, login="clerk", password=PASSWORD, role="auditor", region_code="150426")


def test_lockout_after_max_failures_even_with_the_right_password_then_expires(engine):
    _add(engine)
    settings = get_settings()
    now = utcnow()
    with unit_of_work(engine) as session:
        for i in range(settings.login_max_failures - 1):
            result = service.authenticate(session, "clerk", "bad-password-1", "10.0.0.1", now)
            assert result.locked_until is None, i
        result = service.authenticate(session, "clerk", "bad-password-1", "10.0.0.1", now)
        assert result.locked_until is not None
        assert not service.authenticate(session, "clerk", PASSWORD, "10.0.0.1", now).ok
        later = now + timedelta(minutes=settings.login_lockout_minutes, seconds=1)
        assert service.authenticate(session, "clerk", PASSWORD, "10.0.0.1", later).ok


def test_success_resets_the_failure_count(engine):
    _add(engine)
    now = utcnow()
    with unit_of_work(engine) as session:
        for _ in range(get_settings().login_max_failures - 1):
            service.authenticate(session, "clerk", "bad-password-1", None, now)
        assert service.authenticate(session, "clerk", PASSWORD, None, now + timedelta(seconds=1)).ok
        later = now + timedelta(seconds=2)
        assert service.authenticate(session, "clerk", "bad-password-1", None, later).locked_until is None


def test_disabled_user_cannot_log_in_and_sessions_are_invalidated(engine):
    _add(engine)
    with unit_of_work(engine) as session:
        epoch = service.get_user(session, "clerk").session_epoch
        service.set_disabled(session, "clerk", True)
        assert service.get_user(session, "clerk").session_epoch == epoch + 1
        assert not service.authenticate(session, "clerk", PASSWORD).ok
        service.set_password(session, "clerk", "another-secret-2")
        service.set_disabled(session, "clerk", False)
        assert service.authenticate(session, "clerk", "another-secret-2").ok


def test_token_is_stored_hashed_scoped_and_revocable(engine):
    with unit_of_work(engine) as session:
        token, secret = service.issue_token(
            session, name="旗医院 HIS", scopes=["medical.write"], region_code="150426"
        )
        token_id = token.id
    with unit_of_work(engine) as session:
        stored = service.list_tokens(session)[0]
        assert secret not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
        principal = service.principal_of_token(session, secret)
        assert principal.can("medical.write") and not principal.can("registry.read")
        assert principal.scope.code == "150426"
        assert service.principal_of_token(session, secret + "x") is None
        service.revoke_token(session, token_id)
        assert service.principal_of_token(session, secret) is None
    with pytest.raises(DomainError), unit_of_work(engine) as session:
        service.issue_token(session, name="bad", scopes=["users.manage"], region_code="150426")


def test_expired_token_is_refused(engine):
    with unit_of_work(engine) as session:
        _, secret = service.issue_token(
            session, name="t", scopes=["registry.read"], region_code="150000", expires_days=1
        )
        assert service.principal_of_token(session, secret) is not None
        assert service.principal_of_token(session, secret, utcnow() + timedelta(days=2)) is None


def test_demo_users_one_per_role_in_two_banners_and_idempotent(engine):
    with unit_of_work(engine) as session:
        first = service.create_demo_users(session)
    with unit_of_work(engine) as session:
        second = service.create_demo_users(session)
        users = service.list_users(session)
    assert first == second
    assert len(users) == 2 * len(ROLES) + 2
    for banner in ("150426", "150102"):
        assert {u.role for u in users if u.region_code == banner} == set(ROLES)
    assert {(u.role, u.region_code) for u in users if u.region_code in ("150400", "150000")} == {
        ("assistance_approver", "150400"),
        ("administrator", "150000"),
    }
    login, password, _role, _region = first[0]
    with unit_of_work(engine) as session:
        assert service.authenticate(session, login, password).ok


def test_user_writes_are_audited_and_chain_verifies(engine):
    _add(engine)
    with unit_of_work(engine) as session:
        service.set_password(session, "clerk", "another-secret-2")
        assert audit.verify(session).ok
        actions = [r.action for r in session.query(audit.AuditRecord).order_by(audit.AuditRecord.id)]
        assert actions == ["user.create", "user.set_password"]
        assert session.query(User).count() == 1


def test_rotation_reencrypts_under_the_newest_key_and_lookups_still_work(engine, monkeypatch):
    import base64

    from minsheng import idcard
    from minsheng.registry import service as registry
    from minsheng.registry.models import Person
    from minsheng.registry.schemas import HouseholdIn
    from minsheng.security import pii
    from minsheng.security.scope import REGION_WIDE

    number = idcard.make("150426", __import__("datetime").date(1990, 1, 2), 55)
    member = {
        "id_number": number, "name": "甲", "relationship_to_head": "head", "hukou": "rural",
        "hukou_region": "150426", "residence_region": "150426",
    }  # fmt: skip
    with unit_of_work(engine) as session:
        registry.register_household(
            session,
            HouseholdIn.model_validate({"banner_code": "150426", "hukou": "rural", "members": [member]}),
            actor="t",
        )
    old_key = get_settings().encryption_keys()[1]
    new_key = base64.b64encode(b"k" * 32).decode()
    monkeypatch.setenv("MINSHENG_PII_KEYS", f"1:{base64.b64encode(old_key).decode()},2:{new_key}")
    get_settings.cache_clear()
    pii.reset_caches()
    try:
        with unit_of_work(engine) as session:
            assert service.rotate_id_numbers(session) == 1
            assert service.rotate_id_numbers(session) == 0
        with unit_of_work(engine) as session:
            person = session.query(Person).one()
            assert pii.key_version_of(person.id_number_cipher) == 2
            assert pii.decrypt(person.id_number_cipher) == number
            assert registry.find_person_by_id_number(session, REGION_WIDE, number).id == person.id
    finally:
        monkeypatch.delenv("MINSHENG_PII_KEYS")
        get_settings.cache_clear()
        pii.reset_caches()
