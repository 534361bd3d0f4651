"""Delivering a reminder in Teams: its card, posted proactively through the stored conversation reference.

A reminder to a user goes to their 1:1 chat with Lotsen; one to a channel or chat to that conversation. What
the connector answers decides what happens next (`reminders.delivery.DeliveryOutcome`):

- 403 and 404 (the bot was removed, the conversation deleted, the user left the tenant), no stored reference,
  or a conversation of the terminal chat (nobody can be written to there later): gone, never tried again;
- 429, 5xx, timeouts and connection failures: try again later (429's Retry-After is passed on);
- anything else (a 400 or 401 that may pass, a bug): try again too, until the attempts run out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
from botbuilder.core import BotAdapter, MessageFactory, TurnContext
from botbuilder.schema import Activity, ConversationReference
from msrest.exceptions import ClientRequestError, HttpOperationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import language_of
from bot.proactive import is_terminal
from dialogs.reminder_cards import reminder_card, reminder_title
from reminders.calendar import local_date
from reminders.delivery import DeliveryOutcome
from reminders.scheduler import ReminderScheduler, default_owner, utc_clock
from settings import Settings
from storage.conversations import get_conversation_reference, get_personal_reference_for_user
from storage.models import ConversationReferenceRecord, ConversationType, Notice, Reminder

logger = logging.getLogger("lotsen.reminders.teams")

GONE_STATUSES = frozenset({403, 404})
# The longest Retry-After honoured: a channel asking for more is tried again after this long.
MAX_RETRY_AFTER = timedelta(hours=1)


class TeamsReminderDeliverer:
    """A `reminders.delivery.Deliverer` that sends through the bot's adapter (`continue_conversation`)."""

    def __init__(
        self,
        adapter: BotAdapter,
        session_factory: async_sessionmaker[AsyncSession],
        app_id: str,
        clock: Callable[[], datetime] = utc_clock,
    ) -> None:
        """`clock` (UTC now) dates the card ("om 7 dagar"); tests and `run-due --now` pass a simulated one."""
        self._adapter = adapter
        self._session_factory = session_factory
        self._app_id = app_id or None
        self._clock = clock

    async def deliver(self, reminder: Reminder) -> DeliveryOutcome:
        async with self._session_factory() as session:
            record = await reference_for(session, reminder)
        if record is None:
            return DeliveryOutcome.gone("no stored conversation to write to (Lotsen not installed there)")
        if is_terminal(record.service_url):
            return DeliveryOutcome.gone("the conversation is a terminal chat, which cannot be written to later")
        reference = ConversationReference().deserialize(record.reference)
        user = reminder.recipient_user
        lang = language_of(user.locale if user is not None else None)
        activity = MessageFactory.attachment(reminder_card(reminder, lang, local_date(self._clock())))
        activity.summary = reminder_title(reminder, lang)  # what Teams shows in the notification
        if record.conversation_type == ConversationType.PERSONAL.value:
            activity.channel_data = {"notification": {"alert": True}}  # into the user's activity feed too
        return await post_proactively(self._adapter, reference, activity, self._app_id)


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


async def reference_for(session: AsyncSession, recipient: Reminder | Notice) -> ConversationReferenceRecord | None:
    """Where a reminder or notice goes: its user's 1:1 chat with Lotsen, or its channel or chat."""
    if recipient.recipient_user_id is not None:
        return await get_personal_reference_for_user(session, recipient.recipient_user_id)
    if recipient.recipient_conversation_id:
        return await get_conversation_reference(session, recipient.recipient_conversation_id)
    return None


def classify(error: BaseException) -> DeliveryOutcome:
    """What a failed send means for the reminder: gone for good, or worth another try."""
    description = f"{type(error).__name__}: {error}"
    if isinstance(error, HttpOperationError):
        status = _status_of(error.response)
        description = f"HTTP {status}: {error}"
        if status in GONE_STATUSES:
            return DeliveryOutcome.gone(description)
        return DeliveryOutcome.retry(description, _retry_after(error.response) if status == 429 else None)
    if isinstance(error, (aiohttp.ClientError, asyncio.TimeoutError, ClientRequestError, OSError)):
        return DeliveryOutcome.retry(description)
    logger.warning("unexpected error while delivering a reminder: %s", description)
    return DeliveryOutcome.retry(description)


def _status_of(response: Any) -> int | None:
    # msrest keeps the driver's response: aiohttp's has `status`, msrest's own wrappers `status_code`.
    for name in ("status_code", "status"):
        value = getattr(response, name, None)
        if isinstance(value, int):
            return value
    return None


def _retry_after(response: Any) -> timedelta | None:
    """Retry-After in seconds or as an HTTP date; None when absent or unreadable."""
    headers = getattr(response, "headers", None) or {}
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
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


def build_reminder_scheduler(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    adapter: BotAdapter,
    *,
    owner: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> ReminderScheduler:
    """The scheduler as the app runs it: Teams delivery through `adapter`, the reminder settings applied."""
    clock = clock or utc_clock
    deliverer = TeamsReminderDeliverer(adapter, session_factory, settings.microsoft_app_id, clock=clock)
    return ReminderScheduler(
        session_factory,
        deliverer,
        owner=owner or default_owner(),
        clock=clock,
        poll_seconds=settings.reminder_poll_seconds,
        deadline_mmdd=settings.annual_report_deadline,
        hour=settings.reminder_hour,
    )
