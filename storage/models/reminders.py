"""Reminders (issue 6): what Lotsen will send to whom and when, and the kinds a user has paused."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import (
    Base,
    JsonDocument,
    LeaseColumns,
    OneRecipient,
    UtcDateTime,
    in_values,
    lease_queue_args,
    now_on_insert,
    now_on_write,
    one_recipient_check,
    text_enum,
)


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


class Reminder(OneRecipient, LeaseColumns, Base):
    """One message Lotsen will send (or has sent) to a user or to a channel/chat, at `due_at`.

    `idempotency_key` names the occurrence ("application_deadline:7:2027-03-15:14"): it is inserted once, so
    it is planned once, whoever plans it and however often, and delivered at least once (README, Reliability).
    `cycle` groups the reminders of one round of a duty (the deadline they lead up to): "Klart" on one of them
    cancels the rest of that round and no other. A scheduler claims a due reminder by setting `lease_owner` and
    `lease_expires_at` (`LeaseColumns`); a lease that runs out (the instance died mid-send) lets another
    instance claim it again. `details` holds what the message needs (project name, reference, deadline, source
    section, …), copied in when planned.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        CheckConstraint(in_values("kind", ReminderKind), name="kind"),
        CheckConstraint(in_values("subject_type", ReminderSubjectType), name="subject_type"),
        CheckConstraint(in_values("state", ReminderState), name="state"),
        one_recipient_check(),
        *lease_queue_args(__tablename__),
        Index("ix_reminders_subject_type_subject_id", "subject_type", "subject_id"),
        # What the planner cancels once resolved: the reminders of one kind still to come, by subject.
        Index("ix_reminders_kind_state_subject_type_subject_id", "kind", "state", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ReminderKind] = mapped_column(text_enum(ReminderKind, 40))
    subject_type: Mapped[ReminderSubjectType] = mapped_column(text_enum(ReminderSubjectType, 32))
    subject_id: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[ReminderState] = mapped_column(
        text_enum(ReminderState, 16), default=ReminderState.PENDING, server_default=ReminderState.PENDING.value
    )
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    cycle: Mapped[str] = mapped_column(String(64), default="", server_default="")
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    created_at: Mapped[datetime] = now_on_insert()
    updated_at: Mapped[datetime] = now_on_write()

    def __repr__(self) -> str:
        return (
            f"Reminder(id={self.id!r}, kind={self.kind.value if self.kind else None!r}, "
            f"state={self.state.value if self.state else None!r}, due_at={self.due_at!r})"
        )


class ReminderPause(Base):
    """A kind of reminder a user has paused: none of that kind is delivered to them until they resume it."""

    __tablename__ = "reminder_pauses"
    __table_args__ = (
        CheckConstraint(in_values("kind", ReminderKind), name="kind"),
        UniqueConstraint("user_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[ReminderKind] = mapped_column(text_enum(ReminderKind, 40))
    created_at: Mapped[datetime] = now_on_insert()

    def __repr__(self) -> str:
        return f"ReminderPause(user_id={self.user_id!r}, kind={self.kind.value!r})"
