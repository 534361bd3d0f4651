"""Informing kommunstyrelsens förvaltning (policy 4.1) by posting a card in its configured Teams conversation.

The message is proactive: it goes through the conversation reference stored when Lotsen was installed in
that channel or chat. Whether it reached them, or why not, is recorded in the application's history.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import Attachment, ConversationReference
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from settings import Settings
from storage.applications import record_ks_administration_informed, record_ks_administration_not_reached
from storage.conversations import get_conversation_reference
from storage.models import Application

logger = logging.getLogger("lotsen.ks_notification")


@dataclass(frozen=True)
class NotificationOutcome:
    informed_at: datetime | None  # when the card was posted; None when it was not
    reason: str | None  # why not, in Swedish, for the official and the history


async def notify_ks_administration(
    context: TurnContext,
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    application_id: int,
    card: Attachment,
) -> NotificationOutcome:
    conversation_id = settings.ks_administration_conversation_id
    reason: str | None = None
    async with session_factory() as session:
        record = await get_conversation_reference(session, conversation_id) if conversation_id else None
    if not conversation_id:
        reason = "ingen kanal för kommunstyrelsens förvaltning är inställd"
    elif record is None:
        reason = "Lotsen är inte installerad i kommunstyrelsens förvaltnings kanal"
    else:
        reference = ConversationReference().deserialize(record.reference)

        async def post(turn_context: TurnContext) -> None:
            await turn_context.send_activity(MessageFactory.attachment(card))

        try:
            await context.adapter.continue_conversation(reference, post, settings.microsoft_app_id or None)
        except Exception as error:  # the connector refused or was unreachable
            logger.warning("could not inform KS förvaltning about application %s: %s", application_id, error)
            reason = "kanalen gick inte att nå"
    informed_at = datetime.now(timezone.utc) if reason is None else None
    async with session_factory.begin() as session:
        application = await session.get_one(Application, application_id)
        if informed_at is not None:
            await record_ks_administration_informed(session, application, at=informed_at, actor=None)
        else:
            await record_ks_administration_not_reached(session, application, reason=reason, actor=None)
    return NotificationOutcome(informed_at, reason)
