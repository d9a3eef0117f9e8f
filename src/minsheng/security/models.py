"""Users, API tokens and login attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minsheng.store.base import Base, BigId, utcnow


class User(Base):
    """用户 — a person who logs in: one role, one region scope (a GB/T 2260 code)."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(64), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    region_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="zh")
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Bumped on password change or disable: sessions signed with an older value stop working.
    session_epoch: Mapped[int] = mapped_column(default=0, nullable=False)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    __table_args__ = (CheckConstraint("language in ('zh', 'en')", name="language"),)


class ApiToken(Base):
    """接口令牌 — a machine's bearer token; only its sha256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)  # shown in lists to tell tokens apart
    scopes: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    region_code: Mapped[str] = mapped_column(String(6), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User | None] = relationship(back_populates="tokens")


class LoginAttempt(Base):
    """登录尝试 — every attempt, for the rate limit and the lockout."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, nullable=False)
    remote_address: Mapped[str | None] = mapped_column(String(64))
