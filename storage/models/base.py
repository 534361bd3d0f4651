"""What every table shares: the declarative base with its naming convention, the column types, the timestamp
columns, and the columns of the rows that are delivered under a lease (reminders and notices)."""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, declared_attr, mapped_column, relationship

if TYPE_CHECKING:
    from storage.models.organisations import User

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both databases.

    PostgreSQL keeps `timestamptz`; SQLite has no time zones, so the value is stored as naive UTC and given
    its `tzinfo` back when read. Naive datetimes are refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"Refusing naive datetime {value!r}: store timezone-aware UTC times")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# JSON on SQLite, JSONB on PostgreSQL: for documents nobody depends on the key order of.
JsonDocument = JSON().with_variant(JSONB(), "postgresql")


def enum_values(enum_class: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in enum_class]


def text_enum(enum_class: type[enum.Enum], length: int) -> Enum:
    """An enum stored as its values in a plain string column (no database enum type to migrate), which the
    table's CHECK constraint (`in_values`) keeps to those values."""
    return Enum(enum_class, native_enum=False, length=length, values_callable=enum_values)


def in_values(column: str, enum_class: type[enum.Enum]) -> str:
    """The text of a CHECK constraint that keeps `column` to the values of `enum_class`."""
    return f"{column} IN ({', '.join(repr(value) for value in enum_values(enum_class))})"


def now_on_insert(**options: Any) -> MappedColumn[datetime]:
    """A UTC timestamp set when the row is inserted, by Lotsen or, for a raw INSERT, by the database."""
    return mapped_column(UtcDateTime(), default=utc_now, server_default=func.now(), **options)


def now_on_write() -> MappedColumn[datetime]:
    """A UTC timestamp set when the row is inserted and again whenever the ORM updates it."""
    return mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- Rows delivered one at a time by whichever instance holds their lease (storage/leases.py) --------------


class OneRecipient:
    """A message to exactly one recipient: a Lotsen user (their 1:1 chat) or a channel or chat, by its Teams
    conversation id. Use `one_recipient_check()` in the table's `__table_args__`."""

    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_conversation_id: Mapped[str | None] = mapped_column(String(512))

    @declared_attr
    def recipient_user(cls) -> Mapped[User | None]:
        return relationship("User", lazy="raise")


def one_recipient_check() -> CheckConstraint:
    return CheckConstraint(
        "(recipient_user_id IS NOT NULL AND recipient_conversation_id IS NULL) OR "
        "(recipient_user_id IS NULL AND recipient_conversation_id IS NOT NULL)",
        name="recipient",
    )


class LeaseColumns:
    """What `storage.leases` claims and releases: who holds the row and until when, and how its attempts went.

    The table also needs `id`, `state`, `due_at` and `updated_at`; `lease_queue_args` gives it the index the
    claimers ask and the check on `attempts`.
    """

    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


def lease_queue_args(table_name: str) -> tuple[CheckConstraint, Index]:
    """`attempts` is never negative; and the index of what claimers ask every few seconds: due rows by state."""
    return (
        CheckConstraint("attempts >= 0", name="attempts"),
        Index(f"ix_{table_name}_state_due_at", "state", "due_at"),
    )
