"""Delivering a reminder in Teams: its card, posted proactively through the stored conversation reference.

A reminder to a user goes to their 1:1 chat with Lotsen; one to a channel or chat to that conversation. No stored
reference, or a conversation of the terminal chat (nobody can be written to there later), is gone for good; what
the connector answers a post is read by `bot.proactive.classify`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from botbuilder.core import BotAdapter
from botbuilder.schema import Activity
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.proactive import post_to_recipient
from dialogs.reminders.reminder_cards import reminder_card, reminder_title
from dialogs.common.replies import card_message
from reminders.background import utc_clock
from reminders.calendar import local_date
from reminders.delivery import DeliveryOutcome
from reminders.scheduler import ReminderScheduler
from settings import Settings
from storage.models import Reminder
from texts import language_of


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
        user = reminder.recipient_user
        lang = language_of(user.locale if user is not None else None)

        def card() -> Activity:
            activity = card_message(reminder_card(reminder, lang, local_date(self._clock())))
            activity.summary = reminder_title(reminder, lang)  # what Teams shows in the notification
            return activity

        return await post_to_recipient(self._adapter, self._session_factory, reminder, card, self._app_id)


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
        owner=owner,
        clock=clock,
        poll_seconds=settings.reminder_poll_seconds,
        deadline_mmdd=settings.annual_report_deadline,
        hour=settings.reminder_hour,
    )
