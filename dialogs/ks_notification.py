"""Informing kommunstyrelsens förvaltning (policy 4.1) by posting a card in its configured Teams conversation.

The message is proactive: it goes through the conversation reference stored when Lotsen was installed in
that channel or chat. For an application, whether it reached them, or why not, is recorded in its history;
other senders (the annual report) post with `post_to_ks_administration` and keep their own record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import Attachment, ConversationReference
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import text
from bot.proactive import is_terminal, send_proactively
from settings import Settings
from storage.applications import record_ks_administration_informed, record_ks_administration_not_reached
from storage.conversations import get_conversation_reference
from storage.models import Application


@dataclass(frozen=True)
class NotificationOutcome:
    informed_at: datetime | None  # when the card was posted; None when it was not
    reason: str | None  # why not: a key of registration.ks_reasons in the catalogs


async def notify_ks_administration(
    context: TurnContext,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    application_id: int,
    card: Attachment,
) -> NotificationOutcome:
    reason = await post_to_ks_administration(context, session_factory, settings, card)
    informed_at = datetime.now(timezone.utc) if reason is None else None
    async with session_factory.begin() as session:
        application = await session.get_one(Application, application_id)
        if informed_at is not None:
            await record_ks_administration_informed(session, application, at=informed_at, actor=None)
        else:
            # The history is read by KS förvaltning: the reason is kept in Swedish.
            await record_ks_administration_not_reached(
                session, application, reason=text(f"registration.ks_reasons.{reason}", "sv"), actor=None)
    return NotificationOutcome(informed_at, reason)


async def post_to_ks_administration(context: TurnContext, session_factory: async_sessionmaker[AsyncSession],
                                    settings: Settings, card: Attachment) -> str | None:
    """Posts the card in KS förvaltning's conversation; returns None when it got there, else why not (a key of
    registration.ks_reasons in the catalogs). Records nothing: the caller keeps its own history."""
    if is_terminal(context.activity.service_url):
        return "terminal"
    conversation_id = settings.ks_administration_conversation_id
    if not conversation_id:
        return "not_configured"
    async with session_factory() as session:
        record = await get_conversation_reference(session, conversation_id)
    if record is None:
        return "not_installed"
    delivered = await send_proactively(context.adapter, ConversationReference().deserialize(record.reference),
                                       MessageFactory.attachment(card), settings.microsoft_app_id)
    return None if delivered else "unreachable"
