"""Lotsen's tables. The schema itself is created and changed only by the migrations in `storage/migrations/`."""

from __future__ import annotations

import enum
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Double,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.application_data import ApplicationStatus, InformationItemStatus, MalmoRole

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


class TurnReplies(Base):
    """What the last turn of a conversation replied, kept so that it can be shown again.

    Written in the turn's own transaction and marked delivered once the connector took every reply. A row
    still undelivered when the next activity comes means the process stopped in between: the user may not
    have seen the last question, so Lotsen shows it again before it takes an answer (bot/turns.py).
    Keys are SHA-256 hex digests: conversation and activity ids are long and come from outside.
    """

    __tablename__ = "turn_replies"

    conversation_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    activity_key: Mapped[str] = mapped_column(String(64))
    replies: Mapped[str] = mapped_column(Text)  # JSON list of serialised Bot Framework activities
    awaiting_answer: Mapped[bool] = mapped_column(default=False, server_default=false())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now()
    )


class ProcessedActivity(Base):
    """An incoming activity already handled: Teams redelivers an activity after a timeout, and a
    redelivered one must have no second effect."""

    __tablename__ = "processed_activities"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of conversation and activity id
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, index=True)


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


# --- EU applications (issue 5) ---------------------------------------------------------------------------


class ApplicationEventKind(enum.StrEnum):
    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    INFORMATION_ITEM_SENT = "information_item_sent"
    KS_ADMINISTRATION_INFORMED = "ks_administration_informed"
    KS_ADMINISTRATION_NOT_REACHED = "ks_administration_not_reached"


def _in_values(column: str, enum_class: type[enum.Enum]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in _enum_values(enum_class))})"


def _money_check(prefix: str) -> CheckConstraint:
    """Amount and currency are both given or both absent; never a negative amount."""
    return CheckConstraint(
        f"({prefix}_minor IS NULL AND {prefix}_currency IS NULL) OR "
        f"({prefix}_minor IS NOT NULL AND {prefix}_currency IS NOT NULL "
        f"AND {prefix}_minor >= 0 AND {prefix}_currency IN ('SEK', 'EUR'))",
        name=prefix,
    )


class Application(Base):
    """A registered EU application: the answers of `ApplicationData`, one column each, and its life after.

    The owning nämnd or bolag is `organisation_id` (ApplicationData's `organisation_slug` is read back from
    it). Money is `<name>_minor` (öre or cent) with `<name>_currency`. `submission_key` makes a registration
    idempotent: a card submitted twice carries the same key and finds the first application.
    """

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(_in_values("status", ApplicationStatus), name="status"),
        CheckConstraint(_in_values("malmo_role", MalmoRole), name="malmo_role"),
        _money_check("total_budget"),
        _money_check("malmo_share"),
        _money_check("granted_amount"),
        CheckConstraint("eur_sek_rate IS NULL OR eur_sek_rate > 0", name="eur_sek_rate"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submission_key: Mapped[str] = mapped_column(String(200), unique=True)

    project_name: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    programme: Mapped[str | None] = mapped_column(String(100))
    programme_other: Mapped[str | None] = mapped_column(String(200))
    call_identifier: Mapped[str | None] = mapped_column(String(200))
    malmo_role: Mapped[MalmoRole | None] = mapped_column(
        Enum(MalmoRole, native_enum=False, length=16, values_callable=_enum_values)
    )
    total_budget_minor: Mapped[int | None] = mapped_column(BigInteger)
    total_budget_currency: Mapped[str | None] = mapped_column(String(3))
    malmo_share_minor: Mapped[int | None] = mapped_column(BigInteger)
    malmo_share_currency: Mapped[str | None] = mapped_column(String(3))
    planned_submission_date: Mapped[date | None] = mapped_column(Date)
    call_deadline: Mapped[date | None] = mapped_column(Date, index=True)
    expected_decision_date: Mapped[date | None] = mapped_column(Date)
    project_start: Mapped[date | None] = mapped_column(Date)
    project_end: Mapped[date | None] = mapped_column(Date)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_teams_user_id: Mapped[str | None] = mapped_column(String(512))
    aligned_with_policy: Mapped[bool | None] = mapped_column()
    decision_anchored: Mapped[bool | None] = mapped_column()
    decision_reference: Mapped[str | None] = mapped_column(String(100))
    # What the programme granted, asked for when the status becomes "beviljad" (for KS's compilation to KF).
    granted_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    granted_amount_currency: Mapped[str | None] = mapped_column(String(3))

    status: Mapped[ApplicationStatus] = mapped_column(
        Enum(ApplicationStatus, native_enum=False, length=16, values_callable=_enum_values),
        default=ApplicationStatus.DRAFT,
        server_default=ApplicationStatus.DRAFT.value,
    )
    # SEK per EUR used when a budget given in euro was converted (kept: the rate changes, the decision not).
    eur_sek_rate: Mapped[float | None] = mapped_column(Double)
    information_item_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    ks_administration_informed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now()
    )

    organisation: Mapped[Organisation] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(lazy="raise")
    information_item: Mapped[InformationItem | None] = relationship(
        back_populates="application", lazy="raise", uselist=False
    )

    def __repr__(self) -> str:
        return (
            f"Application(id={self.id!r}, organisation_id={self.organisation_id!r}, "
            f"status={self.status.value if self.status else None!r})"
        )


class InformationItem(Base):
    """The informationsärende to kommunstyrelsen that routine 4.1 asks for at a total budget ≥ the threshold."""

    __tablename__ = "information_items"
    __table_args__ = (
        CheckConstraint(_in_values("status", InformationItemStatus), name="status"),
        # A sent item has its date, an item still to do has none.
        CheckConstraint(
            "(status = 'todo' AND sent_on IS NULL) OR (status = 'sent' AND sent_on IS NOT NULL)", name="sent_on"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    status: Mapped[InformationItemStatus] = mapped_column(
        Enum(InformationItemStatus, native_enum=False, length=16, values_callable=_enum_values),
        default=InformationItemStatus.TO_SEND,
        server_default=InformationItemStatus.TO_SEND.value,
    )
    draft_text: Mapped[str | None] = mapped_column(Text)
    sent_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now()
    )

    application: Mapped[Application] = relationship(back_populates="information_item", lazy="raise")

    def __repr__(self) -> str:
        return f"InformationItem(application_id={self.application_id!r}, status={self.status.value!r})"


class ApplicationEvent(Base):
    """One line of an application's history: who did what, when (`details` says the rest, e.g. from/to)."""

    __tablename__ = "application_events"
    __table_args__ = (CheckConstraint(_in_values("kind", ApplicationEventKind), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[ApplicationEventKind] = mapped_column(
        Enum(ApplicationEventKind, native_enum=False, length=40, values_callable=_enum_values)
    )
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now(), index=True)

    actor: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"ApplicationEvent(application_id={self.application_id!r}, kind={self.kind.value!r})"


class RegistrationDraft(Base):
    """A registration not finished yet, one per user, so that it survives days and restarts.

    `data` is `ApplicationData.model_dump(mode="json")`; `progress` is the dialog's own bookkeeping (which
    question comes next and the like), stored as given and never read here.
    """

    __tablename__ = "registration_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    progress: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now()
    )

    def __repr__(self) -> str:
        return f"RegistrationDraft(user_id={self.user_id!r}, updated_at={self.updated_at!r})"


# --- Reminders (issue 6) ---------------------------------------------------------------------------------


class ReminderKind(enum.StrEnum):
    """What a reminder is about; each kind has its rule in reminders/data/rules.yaml."""

    APPLICATION_DEADLINE = "application_deadline"  # before the call deadline (4.1)
    INFORMATION_ITEM = "information_item"  # the informationsärende to KS, until it is sent (4.1)
    ANNUAL_REPORT = "annual_report"  # the nämnd's yearly report to KS (3.3, 4)
    MISSING_CONTACT_PERSON = "missing_contact_person"  # to KS coordinators: a nämnd without one (3.3)


class ReminderSubjectType(enum.StrEnum):
    APPLICATION = "application"
    INFORMATION_ITEM = "information_item"
    ORGANISATION = "organisation"


class ReminderState(enum.StrEnum):
    PENDING = "pending"  # waiting for its due time (and then for a scheduler to claim it)
    SENT = "sent"  # delivered; the card's "Klart" turns it done, "Påminn mig om en vecka" snoozed
    DONE = "done"  # the recipient said the thing is done
    SNOOZED = "snoozed"  # to be delivered again at due_at
    CANCELLED = "cancelled"  # no longer needed (the thing was done another way)
    FAILED = "failed"  # could not be delivered and will not be tried again


# A scheduler may claim these, when due.
CLAIMABLE_REMINDER_STATES = (ReminderState.PENDING, ReminderState.SNOOZED)


class Reminder(Base):
    """One message Lotsen will send (or has sent) to a user or to a channel/chat, at `due_at`.

    `idempotency_key` names the occurrence ("application_deadline:7:2027-03-15:14"): it is inserted once, so
    it is planned once, whoever plans it and however often, and delivered at least once (README, Reliability).
    `cycle` groups the reminders of one round of a duty (the deadline they lead up to): "Klart" on one of them
    cancels the rest of that round and no other. A scheduler claims a due reminder by setting `lease_owner` and `lease_expires_at`; a lease
    that runs out (the instance died mid-send) lets another instance claim it again. `details` holds what the
    message needs (project name, reference, deadline, source section, …), copied in when planned.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        CheckConstraint(_in_values("kind", ReminderKind), name="kind"),
        CheckConstraint(_in_values("subject_type", ReminderSubjectType), name="subject_type"),
        CheckConstraint(_in_values("state", ReminderState), name="state"),
        CheckConstraint(
            "(recipient_user_id IS NOT NULL AND recipient_conversation_id IS NULL) OR "
            "(recipient_user_id IS NULL AND recipient_conversation_id IS NOT NULL)",
            name="recipient",
        ),
        CheckConstraint("attempts >= 0", name="attempts"),
        # What a scheduler asks every few seconds: due reminders in a claimable state.
        Index("ix_reminders_state_due_at", "state", "due_at"),
        Index("ix_reminders_subject_type_subject_id", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ReminderKind] = mapped_column(
        Enum(ReminderKind, native_enum=False, length=40, values_callable=_enum_values)
    )
    subject_type: Mapped[ReminderSubjectType] = mapped_column(
        Enum(ReminderSubjectType, native_enum=False, length=32, values_callable=_enum_values)
    )
    subject_id: Mapped[int] = mapped_column(Integer)
    recipient_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # A channel or chat (e.g. KS förvaltning's), by its Teams conversation id.
    recipient_conversation_id: Mapped[str | None] = mapped_column(String(512))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[ReminderState] = mapped_column(
        Enum(ReminderState, native_enum=False, length=16, values_callable=_enum_values),
        default=ReminderState.PENDING,
        server_default=ReminderState.PENDING.value,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    cycle: Mapped[str] = mapped_column(String(64), default="", server_default="")
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now()
    )

    recipient_user: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return (
            f"Reminder(id={self.id!r}, kind={self.kind.value if self.kind else None!r}, "
            f"state={self.state.value if self.state else None!r}, due_at={self.due_at!r})"
        )


class ReminderPause(Base):
    """A kind of reminder a user has paused: none of that kind is delivered to them until they resume it."""

    __tablename__ = "reminder_pauses"
    __table_args__ = (
        CheckConstraint(_in_values("kind", ReminderKind), name="kind"),
        UniqueConstraint("user_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[ReminderKind] = mapped_column(
        Enum(ReminderKind, native_enum=False, length=40, values_callable=_enum_values)
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now())

    def __repr__(self) -> str:
        return f"ReminderPause(user_id={self.user_id!r}, kind={self.kind.value!r})"


# --- Notices: the outbox of what Lotsen must tell someone (issue 12) ----------------------------------------


class NoticeKind(enum.StrEnum):
    """What a notice tells; the Teams deliverer (bot/notice_delivery.py) knows how each one is posted."""

    KS_APPLICATION = "ks_application"  # an EU application, to KS förvaltning's channel (4.1)
    KS_ANNUAL_REPORT = "ks_annual_report"  # a submitted annual report, to KS förvaltning's channel (3.3)
    REVIEW_OUTCOME = "review_outcome"  # a report returned or approved, to whoever submitted it
    UNDELIVERED = "undelivered"  # to whoever caused a notice: it did not reach its recipient


class NoticeState(enum.StrEnum):
    PENDING = "pending"  # to be delivered (again) at due_at
    SENT = "sent"
    FAILED = "failed"  # given up: the recipient cannot be reached; whoever caused it was told


class Notice(Base):
    """One message Lotsen owes someone, recorded in the transaction of what it is about and posted after.

    The outbox (reminders/outbox.py) claims pending notices with a lease, as the reminder scheduler does,
    posts them and retries with backoff, so a crash between the commit and the post, or a channel that is
    down, delays a notice but never loses it. `card` is the Adaptive Card as it was composed when the thing
    happened; `details` what the deliverer and the outcome's record need (the subject's name, the sender's
    conversation and language). `subject_type`/`subject_id` name what it is about ("application", 7).
    """

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint(_in_values("kind", NoticeKind), name="kind"),
        CheckConstraint(_in_values("state", NoticeState), name="state"),
        CheckConstraint(
            "(recipient_user_id IS NOT NULL AND recipient_conversation_id IS NULL) OR "
            "(recipient_user_id IS NULL AND recipient_conversation_id IS NOT NULL)",
            name="recipient",
        ),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_notices_state_due_at", "state", "due_at"),
        Index("ix_notices_subject_type_subject_id", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(Enum(NoticeKind, native_enum=False, length=32, values_callable=_enum_values))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    # A person (their 1:1 chat with Lotsen) or a channel or chat, by its Teams conversation id.
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recipient_conversation_id: Mapped[str | None] = mapped_column(String(512))
    card: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    state: Mapped[NoticeState] = mapped_column(
        Enum(NoticeState, native_enum=False, length=16, values_callable=_enum_values),
        default=NoticeState.PENDING,
        server_default=NoticeState.PENDING.value,
    )
    due_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now()
    )

    recipient_user: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"Notice(id={self.id!r}, kind={self.kind!r}, state={self.state!r}, attempts={self.attempts!r})"


# --- Annual report of international work (issue 7) -------------------------------------------------------


class AnnualReportStatus(enum.StrEnum):
    """Where a nämnd's or bolag's yearly report stands ("ej påbörjad" is no row at all)."""

    DRAFT = "draft"  # utkast
    SUBMITTED = "submitted"  # inskickad: locked until KS förvaltning returns it
    RETURNED = "returned"  # returnerad för komplettering: open again
    APPROVED = "approved"  # godkänd


# Edits are allowed only in these; the others are locked.
OPEN_ANNUAL_REPORT_STATUSES = (AnnualReportStatus.DRAFT, AnnualReportStatus.RETURNED)


class AnnualReportItemKind(enum.StrEnum):
    """The kinds of international work the policy names in section 1."""

    EU_PROJECT = "eu_project"  # EU-funded projects (prefilled from the year's registered applications)
    NETWORK = "network"  # international organisations and networks
    PARTNER_CITY = "partner_city"  # partner city cooperation
    VISIT = "visit"  # international visits received and made
    CONFERENCE = "conference"  # congresses, seminars and expert groups
    INFLUENCE = "influence"  # monitoring of EU legislation and influence work


class FocusArea(enum.StrEnum):
    """The three focus areas of the policy's section 2."""

    BUSINESS_DEVELOPMENT = "2a"  # verksamhetsutveckling
    STRATEGIC_INFLUENCE = "2b"  # strategisk påverkan
    PROFILING = "2c"  # profilering


class AnnualReportEventKind(enum.StrEnum):
    CREATED = "created"
    ITEM_ADDED = "item_added"
    ITEM_UPDATED = "item_updated"
    ITEM_REMOVED = "item_removed"
    DETAILS_CHANGED = "details_changed"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class AnnualReport(Base):
    """One organisation's report of its international work for one calendar year (policy 3.3 and 4)."""

    __tablename__ = "annual_reports"
    __table_args__ = (
        CheckConstraint(_in_values("status", AnnualReportStatus), name="status"),
        CheckConstraint("year >= 2000 AND year <= 2200", name="year"),
        UniqueConstraint("organisation_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[AnnualReportStatus] = mapped_column(
        Enum(AnnualReportStatus, native_enum=False, length=16, values_callable=_enum_values),
        default=AnnualReportStatus.DRAFT,
        server_default=AnnualReportStatus.DRAFT.value,
    )
    # Section 4: is international work part of the organisation's verksamhetsplan? None: not answered yet.
    in_verksamhetsplan: Mapped[bool | None] = mapped_column()
    # The organisation's contact person for international questions (3.3), as the report names them.
    contact_name: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    returned_comment: Mapped[str | None] = mapped_column(Text)
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    returned_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now()
    )

    organisation: Mapped[Organisation] = relationship(lazy="raise")
    items: Mapped[list[AnnualReportItem]] = relationship(
        back_populates="report",
        lazy="raise",
        order_by="(AnnualReportItem.position, AnnualReportItem.id)",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return (
            f"AnnualReport(id={self.id!r}, organisation_id={self.organisation_id!r}, year={self.year!r}, "
            f"status={self.status.value if self.status else None!r})"
        )


class AnnualReportItem(Base):
    """One piece of international work in a report: an EU project, a network, a visit, …

    `focus_areas` is a list of FocusArea values ("2a", "2b", "2c"). An EU project prefilled from a registered
    application keeps its `application_id` (the application may be deleted later; the item stays).
    """

    __tablename__ = "annual_report_items"
    __table_args__ = (CheckConstraint(_in_values("kind", AnnualReportItemKind), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("annual_reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AnnualReportItemKind] = mapped_column(
        Enum(AnnualReportItemKind, native_enum=False, length=32, values_callable=_enum_values)
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    focus_areas: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    results: Mapped[str | None] = mapped_column(Text)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now())

    report: Mapped[AnnualReport] = relationship(back_populates="items", lazy="raise")

    def __repr__(self) -> str:
        return f"AnnualReportItem(id={self.id!r}, report_id={self.report_id!r}, kind={self.kind.value!r})"


class AnnualReportEvent(Base):
    """One line of a report's history: who did what, when (`details` says the rest)."""

    __tablename__ = "annual_report_events"
    __table_args__ = (CheckConstraint(_in_values("kind", AnnualReportEventKind), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("annual_reports.id", ondelete="CASCADE"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[AnnualReportEventKind] = mapped_column(
        Enum(AnnualReportEventKind, native_enum=False, length=40, values_callable=_enum_values)
    )
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now(), index=True)

    actor: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"AnnualReportEvent(report_id={self.report_id!r}, kind={self.kind.value!r})"


# --- Contact persons and the history of who may do what (issue 7) ----------------------------------------


class ContactPerson(Base):
    """An organisation's contact person for international questions (3.3), or a bolag's representative (3.4).

    One per organisation. `name` is what was given ("Anna Andersson"); `user_id` links the Lotsen user of that
    name in that organisation when there is exactly one, so reminders can reach them. Which of 3.3 / 3.4 applies
    follows from the organisation's kind.
    """

    __tablename__ = "contact_persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    set_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now()
    )

    organisation: Mapped[Organisation] = relationship(lazy="raise")
    user: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"ContactPerson(organisation_id={self.organisation_id!r}, user_id={self.user_id!r})"


class AuditEventKind(enum.StrEnum):
    CONTACT_PERSON_SET = "contact_person_set"
    CONTACT_PERSON_REMOVED = "contact_person_removed"
    ROLE_CHANGED = "role_changed"
    ORGANISATION_CHANGED = "organisation_changed"


class AuditSubjectType(enum.StrEnum):
    CONTACT_PERSON = "contact_person"  # subject_id: the organisation's id
    USER = "user"  # subject_id: the user's id


class AuditEvent(Base):
    """A change to a contact person or to a user's role or organisation: who (None: the operator's command
    line), what (`details`: from/to), when. Applications and annual reports keep their own event tables."""

    __tablename__ = "audit_events"
    __table_args__ = (
        CheckConstraint(_in_values("kind", AuditEventKind), name="kind"),
        CheckConstraint(_in_values("subject_type", AuditSubjectType), name="subject_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[AuditEventKind] = mapped_column(
        Enum(AuditEventKind, native_enum=False, length=40, values_callable=_enum_values)
    )
    subject_type: Mapped[AuditSubjectType] = mapped_column(
        Enum(AuditSubjectType, native_enum=False, length=32, values_callable=_enum_values)
    )
    subject_id: Mapped[int] = mapped_column(Integer)
    # The organisation the change concerns, so that the history can be read per organisation.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now(), index=True)

    actor: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"AuditEvent(kind={self.kind.value!r}, subject_id={self.subject_id!r})"


# --- Learning from use of the policy answers ---------------------------------------------------------------

# A coordinator's question as the policy module normalised it. Bounded (not Text) so that its index stays
# within PostgreSQL's limit for one btree entry (about 2700 bytes) whatever the characters.
NORMALISED_QUESTION_MAX_LENGTH = 500


class AnswerFeedback(Base):
    """A 👍 or 👎 on one policy answer card, for KS förvaltning to see which answers fail.

    Deliberately without any user identity, like `UnansweredQuestion`. `answer_ref` is the random id Lotsen
    puts on the card: pressing the other button of the same card changes this vote instead of adding one.
    """

    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_ref: Mapped[str] = mapped_column(String(64), unique=True)
    question: Mapped[str] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    helpful: Mapped[bool] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, server_default=func.now(), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, onupdate=utc_now, server_default=func.now()
    )

    def __repr__(self) -> str:
        return f"AnswerFeedback(id={self.id!r}, topic={self.topic!r}, helpful={self.helpful!r})"


class TaughtQuestion(Base):
    """A KS coordinator's teaching: questions normalised to `normalised` are about `topic`.

    Rows are only ever added, never updated or deleted: the newest row (highest id) of a `normalised` decides,
    and a row with `topic` None forgets the teaching. The table is its own history.
    """

    __tablename__ = "taught_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)  # as the coordinator wrote it
    normalised: Mapped[str] = mapped_column(String(NORMALISED_QUESTION_MAX_LENGTH), index=True)
    topic: Mapped[str | None] = mapped_column(String(64))  # None: forget this teaching
    taught_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    taught_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utc_now, server_default=func.now(), index=True
    )

    taught_by: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"TaughtQuestion(id={self.id!r}, topic={self.topic!r})"


class Clarification(Base):
    """A question Lotsen was unsure about: the topics it offered, and which one the asker chose.

    Without user identity. `ref` is the random id on the card of choices; the first choice is kept.
    """

    __tablename__ = "clarifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    question: Mapped[str] = mapped_column(Text)
    offered: Mapped[list[str]] = mapped_column(JsonDocument, default=list)  # topic ids, in the order shown
    chosen: Mapped[str | None] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, server_default=func.now(), index=True)
    chosen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    def __repr__(self) -> str:
        return f"Clarification(id={self.id!r}, chosen={self.chosen!r})"
