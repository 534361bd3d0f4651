"""Conversation state: where each conversation lives, botbuilder's stored state, and what the last turn replied
(with the activities already handled), so that a turn and what its user saw agree."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, JsonDocument, UtcDateTime, now_on_write, utc_now

# Longest storage key botbuilder may hand us ("msteams/conversations/<conversation id>/" and the like).
STATE_KEY_MAX_LENGTH = 1024


class ConversationType(enum.StrEnum):
    """The values Teams sends in `conversation.conversationType` (stored as plain text, not constrained)."""

    PERSONAL = "personal"
    CHANNEL = "channel"
    GROUP_CHAT = "groupChat"


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
    updated_at: Mapped[datetime] = now_on_write()

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
    updated_at: Mapped[datetime] = now_on_write()


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
    updated_at: Mapped[datetime] = now_on_write()


class ProcessedActivity(Base):
    """An incoming activity already handled: Teams redelivers an activity after a timeout, and a
    redelivered one must have no second effect."""

    __tablename__ = "processed_activities"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of conversation and activity id
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, index=True)
