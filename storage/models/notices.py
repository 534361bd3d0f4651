"""Notices: the outbox of what Lotsen must tell someone (issue 12), stored with the change it is about."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer, String
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
    utc_now,
)


class NoticeKind(enum.StrEnum):
    """What a notice tells; the Teams deliverer (bot/notice_delivery.py) knows how each one is posted."""

    KS_APPLICATION = "ks_application"  # an EU application, to KS förvaltning's channel (4.1)
    KS_ANNUAL_REPORT = "ks_annual_report"  # a submitted annual report, to KS förvaltning's channel (3.3)
    REVIEW_OUTCOME = "review_outcome"  # a report returned or approved, to whoever submitted it
    UNDELIVERED = "undelivered"  # to whoever caused a notice: it did not reach its recipient
    DIRECTORY_UNPLACED = "directory_unplaced"  # to an administrator: the directory could not place a user


class NoticeState(enum.StrEnum):
    PENDING = "pending"  # to be delivered (again) at due_at
    SENT = "sent"
    FAILED = "failed"  # given up: the recipient cannot be reached; whoever caused it was told


class Notice(OneRecipient, LeaseColumns, Base):
    """One message Lotsen owes someone, recorded in the transaction of what it is about and posted after.

    The outbox (reminders/outbox.py) claims pending notices with a lease, as the reminder scheduler does,
    posts them and retries with backoff, so a crash between the commit and the post, or a channel that is
    down, delays a notice but never loses it. `card` is the Adaptive Card as it was composed when the thing
    happened; `details` what the deliverer and the outcome's record need (the subject's name, the sender's
    conversation and language). `subject_type`/`subject_id` name what it is about ("application", 7).
    """

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint(in_values("kind", NoticeKind), name="kind"),
        CheckConstraint(in_values("state", NoticeState), name="state"),
        one_recipient_check(),
        *lease_queue_args(__tablename__),
        Index("ix_notices_subject_type_subject_id", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(text_enum(NoticeKind, 32))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    card: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    state: Mapped[NoticeState] = mapped_column(
        text_enum(NoticeState, 16), default=NoticeState.PENDING, server_default=NoticeState.PENDING.value
    )
    due_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = now_on_insert()
    updated_at: Mapped[datetime] = now_on_write()

    def __repr__(self) -> str:
        return f"Notice(id={self.id!r}, kind={self.kind!r}, state={self.state!r}, attempts={self.attempts!r})"
