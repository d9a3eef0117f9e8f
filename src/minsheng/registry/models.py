"""Registry tables. A person belongs to at most one household (its `household_id`); history is
the audit chain, whose records carry the household as their subject."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minsheng.store.base import Base, BigId, Fen, Versioned, utcnow


class Household(Versioned, Base):
    """家庭户 — a household as the assistance rules count it (共同生活的家庭成员)."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    household_number: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    hukou: Mapped[str] = mapped_column(String(8), nullable=False)
    address: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    dissolved_on: Mapped[date | None] = mapped_column(Date)

    members: Mapped[list[Person]] = relationship(back_populates="household", order_by="Person.id")
    assets: Mapped[list[Asset]] = relationship(back_populates="household", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("hukou in ('urban', 'rural')", name="hukou"),)

    @property
    def head(self) -> Person | None:
        return next((m for m in self.members if m.relationship_to_head == "head"), None)


class Person(Versioned, Base):
    """人员 — one record per ID number: the person's file (一人一档)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    id_number_cipher: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    id_number_masked: Mapped[str] = mapped_column(String(18), nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    sex: Mapped[str] = mapped_column(String(1), nullable=False)
    birth_date: Mapped[date] = mapped_column(Date, nullable=False)
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    hukou: Mapped[str] = mapped_column(String(8), nullable=False)
    hukou_region: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    residence_region: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    phone: Mapped[str | None] = mapped_column(String(20))
    bank_account: Mapped[str | None] = mapped_column(String(32))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    relationship_to_head: Mapped[str | None] = mapped_column(String(16))
    education: Mapped[str | None] = mapped_column(String(16))
    employment_status: Mapped[str | None] = mapped_column(String(16))
    disability_type: Mapped[str | None] = mapped_column(String(16))
    disability_grade: Mapped[int | None] = mapped_column(Integer)
    serious_illness: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    adl_items_lost: Mapped[int] = mapped_column(Integer, default=0, nullable=False)  # of the 6 ADL items
    death_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    household: Mapped[Household | None] = relationship(back_populates="members")
    incomes: Mapped[list[Income]] = relationship(back_populates="person", cascade="all, delete-orphan")
    expenses: Mapped[list[Expense]] = relationship(back_populates="person", cascade="all, delete-orphan")
    tags: Mapped[list[PersonTag]] = relationship(back_populates="person", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("sex in ('M', 'F')", name="sex"),
        CheckConstraint("hukou in ('urban', 'rural')", name="hukou"),
        CheckConstraint("disability_grade is null or disability_grade between 1 and 4", name="grade"),
        CheckConstraint("adl_items_lost between 0 and 6", name="adl"),
    )


class Income(Base):
    """收入 — a monthly amount of one category, valid over [effective_from, effective_to)."""

    __tablename__ = "income"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(16), nullable=False)
    monthly_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    effective_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(64))  # declared, tax, social insurance …

    person: Mapped[Person] = relationship(back_populates="incomes")

    __table_args__ = (CheckConstraint("monthly_fen >= 0", name="not_negative"),)


class Expense(Base):
    """支出 — employment cost and rigid expenses per month, valid over [effective_from, effective_to)."""

    __tablename__ = "expense"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20), nullable=False)
    monthly_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    effective_to: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="expenses")

    __table_args__ = (CheckConstraint("monthly_fen >= 0", name="not_negative"),)


class Asset(Base):
    """财产 — what the household owns; `exempt` marks what daily life or production needs."""

    __tablename__ = "asset"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    value_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    exempt: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    note: Mapped[str | None] = mapped_column(String(200))

    household: Mapped[Household] = relationship(back_populates="assets")

    __table_args__ = (CheckConstraint("value_fen >= 0", name="not_negative"),)


class PersonTag(Base):
    """重点群体标签 — key-group membership (graduate, veteran, 脱贫人口 …)."""

    __tablename__ = "person_tag"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(32), primary_key=True)
    since: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="tags")
