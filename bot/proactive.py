"""Proactive messages: an activity posted into a conversation Lotsen is not answering in, through the conversation
reference stored when Lotsen was installed there or first written to; what the connector answered, read as what
a sender (the reminder scheduler, the notice outbox) should do next (`reminders.delivery.DeliveryOutcome`):

- 403 and 404 (the bot was removed, the conversation deleted, the user left the tenant): gone, never tried again;
- 429, 5xx, timeouts and connection failures: try again later (429's Retry-After is passed on);
- anything else (a 400 or 401 that may pass, a bug): try again too, until the attempts run out.

The connector's answer comes as `bot.connector.ConnectorRefused` from the JSON calls (reminders, chats created
for them) and as msrest's `HttpOperationError` from botbuilder's client (`continue_conversation`: notices); both
are read alike.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, TypeGuard

import aiohttp
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ConversationReference
from msrest.exceptions import ClientRequestError, HttpOperationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.connector import ConnectorRefused
from reminders.delivery import DeliveryOutcome
from storage.conversations import get_conversation_reference, get_personal_reference_for_user, is_terminal
from storage.models import ConversationReferenceRecord, ConversationType, Notice, Reminder

logger = logging.getLogger("lotsen.proactive")

GONE_STATUSES = frozenset({403, 404})
# The longest Retry-After honoured: a channel asking for more is tried again after this long.
MAX_RETRY_AFTER = timedelta(hours=1)


async def post_proactively(adapter: BotAdapter, reference: ConversationReference, activity: Activity,
                           app_id: str | None) -> DeliveryOutcome:
    """Posts `activity` into the conversation of `reference`; what came of it, for a scheduler or the outbox
    to act on (`classify`)."""
    failure: list[BaseException] = []

    async def post(turn_context: TurnContext) -> None:
        # Caught here: the adapter's turn-error handler would otherwise log and swallow it.
        try:
            await turn_context.send_activity(activity)
        except Exception as error:
            failure.append(error)

    try:
        await adapter.continue_conversation(reference, post, app_id)
    except Exception as error:  # before the turn: the connector client or its token could not be had
        failure.append(error)
    if not failure:
        return DeliveryOutcome.delivered()
    return classify(failure[0])


async def post_to_recipient(adapter: BotAdapter, session_factory: async_sessionmaker[AsyncSession],
                            recipient: Reminder | Notice, activity_for: Callable[[], Activity],
                            app_id: str | None) -> DeliveryOutcome:
    """Posts what `activity_for` builds to a reminder's or notice's recipient: a person (their 1:1 chat, in
    their activity feed too) or a channel or chat. Gone for good where no conversation is stored or it is the
    terminal chat's."""
    async with session_factory() as session:
        record = await reference_for(session, recipient)
    if not can_post_to(record):
        return unreachable(record)
    activity = addressed_activity(activity_for(), record)
    reference = ConversationReference().deserialize(record.reference)
    return await post_proactively(adapter, reference, activity, app_id)


def can_post_to(record: ConversationReferenceRecord | None) -> TypeGuard[ConversationReferenceRecord]:
    """A conversation is stored, and it is not the terminal chat's (nobody can be written to there later)."""
    return record is not None and not is_terminal(record.service_url)


def unreachable(record: ConversationReferenceRecord | None) -> DeliveryOutcome:
    """Why nothing can be posted to `record` (`can_post_to` said so): gone for good."""
    if record is None:
        return DeliveryOutcome.gone("no stored conversation to write to (Lotsen not installed there)")
    return DeliveryOutcome.gone("the conversation is a terminal chat, which cannot be written to later")


def addressed_activity(activity: Activity, record: ConversationReferenceRecord) -> Activity:
    """`activity` as it goes to the conversation of `record`: to a person, into their activity feed too."""
    if record.conversation_type == ConversationType.PERSONAL.value:
        activity.channel_data = {"notification": {"alert": True}}
    return activity


async def reference_for(session: AsyncSession, recipient: Reminder | Notice) -> ConversationReferenceRecord | None:
    """Where a reminder or notice goes: its user's 1:1 chat with Lotsen, or its channel or chat."""
    if recipient.recipient_user_id is not None:
        return await get_personal_reference_for_user(session, recipient.recipient_user_id)
    if recipient.recipient_conversation_id:
        return await get_conversation_reference(session, recipient.recipient_conversation_id)
    return None


def classify(error: BaseException) -> DeliveryOutcome:
    """What a failed send means for a reminder or notice: gone for good, or worth another try."""
    if isinstance(error, ConnectorRefused):
        return _answered(error.status, f"HTTP {error.status}: {error.detail}", error.retry_after)
    if isinstance(error, HttpOperationError):
        status = _status_of(error.response)
        return _answered(status, f"HTTP {status}: {error}", _retry_after_header(error.response))
    description = f"{type(error).__name__}: {error}"
    if isinstance(error, (aiohttp.ClientError, asyncio.TimeoutError, ClientRequestError, OSError)):
        return DeliveryOutcome.retry(description)
    logger.warning("unexpected error while delivering a reminder: %s", description)
    return DeliveryOutcome.retry(description)


def _answered(status: int | None, description: str, retry_after: str | None) -> DeliveryOutcome:
    """What the connector's error `status` means; `retry_after` (its header) counts for a 429 only."""
    if status in GONE_STATUSES:
        return DeliveryOutcome.gone(description)
    return DeliveryOutcome.retry(description, _retry_after(retry_after) if status == 429 else None)


def _status_of(response: Any) -> int | None:
    # msrest keeps the driver's response: aiohttp's has `status`, msrest's own wrappers `status_code`.
    for name in ("status_code", "status"):
        value = getattr(response, name, None)
        if isinstance(value, int):
            return value
    return None


def _retry_after_header(response: Any) -> str | None:
    headers = getattr(response, "headers", None) or {}
    return headers.get("Retry-After") if hasattr(headers, "get") else None


def _retry_after(value: str | None) -> timedelta | None:
    """Retry-After in seconds or as an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    try:
        delay = timedelta(seconds=max(0, int(value)))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:  # "-0000": a date in UTC without saying so
            moment = moment.replace(tzinfo=timezone.utc)
        delay = max(moment - datetime.now(timezone.utc), timedelta(0))
    return min(delay, MAX_RETRY_AFTER)
