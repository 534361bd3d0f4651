"""Lotsen's tables. The schema itself is created and changed only by the migrations in `storage/migrations/`."""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    func,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Longest storage key botbuilder may hand us ("msteams/conversations/<conversation id>/" and the like).
STATE_KEY_MAX_LENGTH = 1024


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


class Role(enum.StrEnum):
    OFFICIAL = "official"
    CONTACT_PERSON = "contact_person"
    KS_COORDINATOR = "ks_coordinator"
    ADMIN = "admin"


class OrganisationKind(enum.StrEnum):
    NAMND = "namnd"
    BOLAG = "bolag"


class ConversationType(enum.StrEnum):
    """The values Teams sends in `conversation.conversationType` (stored as plain text, not constrained)."""

    PERSONAL = "personal"
    CHANNEL = "channel"
    GROUP_CHAT = "groupChat"


def _enum_values(enum_class: type[enum.Enum]) -> list[str]:
    return [str(member.value) for member in enum_class]


# JSON on SQLite, JSONB on PostgreSQL: for documents nobody depends on the key order of.
JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint("kind IN ('namnd', 'bolag')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        Enum(OrganisationKind, native_enum=False, length=16, values_callable=_enum_values)
    )
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now())

    def __repr__(self) -> str:
        return f"Organisation(slug={self.slug!r}, name={self.name!r}, kind={self.kind.value!r})"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('official', 'contact_person', 'ks_coordinator', 'admin')", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teams_user_id: Mapped[str] = mapped_column(String(512), unique=True)
    aad_object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str | None] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=32, values_callable=_enum_values),
        default=Role.OFFICIAL,
        server_default=Role.OFFICIAL.value,
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now()
    )

    organisation: Mapped[Organisation | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, teams_user_id={self.teams_user_id!r}, role={self.role.value!r})"


class ConversationReferenceRecord(Base):
    """Where a conversation lives, kept so that Lotsen can write to it later (reminders)."""

    __tablename__ = "conversation_references"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(512), unique=True)
    conversation_type: Mapped[str] = mapped_column(String(32))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    service_url: Mapped[str] = mapped_column(String(512))
    channel_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The serialized botbuilder ConversationReference (`ConversationReference.serialize()`).
    reference: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now()
    )

    def __repr__(self) -> str:
        return (
            f"ConversationReferenceRecord(conversation_id={self.conversation_id!r}, "
            f"conversation_type={self.conversation_type!r}, user_id={self.user_id!r})"
        )


class BotStateRecord(Base):
    """One item of botbuilder's Storage: the JSON text of the item and its e_tag.

    `data` is text, not JSON/JSONB, on purpose: jsonpickle's `py/id` back-references depend on the order of
    keys, which JSONB does not keep, and the text is never queried into.
    """

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(STATE_KEY_MAX_LENGTH), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    e_tag: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now()
    )


class UnansweredQuestion(Base):
    """A question the policy module could not answer, kept for KS förvaltning to review.

    Deliberately without any user identity: what is asked matters, not who asked it.
    """

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now(), index=True)

    def __repr__(self) -> str:
        return f"UnansweredQuestion(id={self.id!r}, lang={self.lang!r})"
