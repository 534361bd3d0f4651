"""Delivering reminders in Teams: each one's card, posted proactively to the conversation stored for it.

A reminder to a user goes to their 1:1 chat with Lotsen; one to a channel or chat to that conversation. No stored
reference, or a conversation of the terminal chat (nobody can be written to there later), is gone for good; what
the connector answers a post is read by `bot.proactive.classify`. With installation configured
(`bot.proactive_install`), a person without a 1:1 chat but known to the directory gets Lotsen installed and the
chat created first; the reminder is delivered only once it is posted there.

The scheduler sends thousands at a time, so a claimed batch's conversations are read in two queries
(`prepare`), and each card is posted as JSON (`bot.activity_json`) through the pooled connector client's
`JsonConnector` (`bot.connector`: its shared HTTP session and token), the one a turn's replies take: the same
call `continue_conversation` ends in, without a turn and msrest's model serializer around every post, which
cost several times the post itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from datetime import datetime
from typing import Any

from botbuilder.schema import Activity
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.activity_json import activity_json
from bot.adapter import LotsenAdapter
from bot.connector import JsonConnector
from bot.proactive import addressed_activity, can_post_to, classify, unreachable
from bot.proactive_install import (
    Place,
    ProactiveInstallation,
    ProactiveInstaller,
    can_install_for,
    proactive_installation,
)
from dialogs.common.replies import card_message
from dialogs.reminders.reminder_cards import reminder_card, reminder_title
from reminders.background import utc_clock
from reminders.calendar import local_date
from reminders.delivery import DeliveryOutcome
from reminders.scheduler import ReminderScheduler
from settings import Settings
from storage.conversations import conversation_references, personal_references_for_users
from storage.models import ConversationReferenceRecord, Reminder, User
from texts import language_of


class TeamsReminderDeliverer:
    """A `reminders.delivery.Deliverer` that posts through the bot's adapter's pooled connector clients."""

    def __init__(
        self,
        adapter: LotsenAdapter,
        session_factory: async_sessionmaker[AsyncSession],
        app_id: str,
        clock: Callable[[], datetime] = utc_clock,
        installation: ProactiveInstallation | None = None,
    ) -> None:
        """`clock` (UTC now) dates the card ("om 7 dagar"); tests and `run-due --now` pass a simulated one.
        `installation`: Lotsen is installed for recipients without a chat with it (None: they are unreachable)."""
        self._adapter = adapter
        self._session_factory = session_factory
        self._app_id = app_id or ""
        self._clock = clock
        self._installer = (ProactiveInstaller(installation, self.connector, session_factory, self._app_id)
                           if installation is not None else None)

    async def prepare(self, reminders: Sequence[Reminder]) -> TeamsReminderBatch:
        """Reads where each of the claimed `reminders` goes, in one query per kind of recipient."""
        async with self._session_factory() as session:
            by_user = await personal_references_for_users(
                session, (reminder.recipient_user_id for reminder in reminders
                          if reminder.recipient_user_id is not None))
            by_conversation = await conversation_references(
                session, (reminder.recipient_conversation_id for reminder in reminders
                          if reminder.recipient_user_id is None and reminder.recipient_conversation_id))
            # Where new chats are created: read only for a batch with someone to install Lotsen for.
            place = None
            if self._installer is not None and any(
                    reminder.recipient_user_id is not None and reminder.recipient_user_id not in by_user
                    and can_install_for(reminder.recipient_user) for reminder in reminders):
                place = await self._installer.place(session)
        return TeamsReminderBatch(self, dict(by_user), by_conversation, place)

    async def deliver(self, reminder: Reminder) -> DeliveryOutcome:
        return await (await self.prepare([reminder])).deliver(reminder)

    def card(self, reminder: Reminder) -> Activity:
        user = reminder.recipient_user
        lang = language_of(user.locale if user is not None else None)
        activity = card_message(reminder_card(reminder, lang, local_date(self._clock())))
        activity.summary = reminder_title(reminder, lang)  # what Teams shows in the notification
        return activity

    async def post(self, record: ConversationReferenceRecord, activity: Activity) -> DeliveryOutcome:
        """Posts `activity` into the conversation of `record` (a new message there, as a proactive one is)."""
        reference: dict[str, Any] = record.reference
        conversation_id = (reference.get("conversation") or {}).get("id") or record.conversation_id
        payload = {**activity_json(activity), **_addressed(reference)}
        try:
            connector = await self.connector(record.service_url)
            await connector.send(conversation_id, payload)
        except Exception as error:
            return classify(error)
        return DeliveryOutcome.delivered()

    async def connector(self, service_url: str) -> JsonConnector:
        """The pooled connector client's JSON calls for `service_url`: the ones a turn there replies through."""
        return await self._adapter.authentication.connector_pool.json_connector(service_url, self._app_id)

    async def installed_chat(self, user: User, place: Place) -> ConversationReferenceRecord | DeliveryOutcome:
        """Lotsen installed for `user` and their chat created (`bot.proactive_install`)."""
        assert self._installer is not None  # a batch has a place only with installation configured
        return await self._installer.reach(user, place)


class TeamsReminderBatch:
    """A claimed batch's reminders with their conversations read (`TeamsReminderDeliverer.prepare`)."""

    def __init__(self, deliverer: TeamsReminderDeliverer, by_user: MutableMapping[int, ConversationReferenceRecord],
                 by_conversation: Mapping[str, ConversationReferenceRecord], place: Place | None = None) -> None:
        """`place`: where chats are created for recipients without one (None: installation is not configured,
        or nobody in the batch needs it)."""
        self._deliverer = deliverer
        self._by_user = by_user
        self._by_conversation = by_conversation
        self._place = place
        # Installing for a user happens once a batch, however many of their reminders it holds.
        self._installing: dict[int, asyncio.Lock] = {}
        self._not_installed: dict[int, DeliveryOutcome] = {}

    async def deliver(self, reminder: Reminder) -> DeliveryOutcome:
        if reminder.recipient_user_id is not None:
            record = self._by_user.get(reminder.recipient_user_id)
            if record is None and self._place is not None and can_install_for(reminder.recipient_user):
                reached = await self._installed_chat(reminder.recipient_user)
                if isinstance(reached, DeliveryOutcome):
                    return reached
                record = reached
        else:
            record = self._by_conversation.get(reminder.recipient_conversation_id or "")
        if not can_post_to(record):
            return unreachable(record)
        activity = addressed_activity(self._deliverer.card(reminder), record)
        return await self._deliverer.post(record, activity)

    async def _installed_chat(self, user: User) -> ConversationReferenceRecord | DeliveryOutcome:
        assert self._place is not None
        async with self._installing.setdefault(user.id, asyncio.Lock()):
            record = self._by_user.get(user.id)
            if record is not None:  # another reminder of this batch to the same user installed it meanwhile
                return record
            if user.id in self._not_installed:
                return self._not_installed[user.id]
            reached = await self._deliverer.installed_chat(user, self._place)
            if isinstance(reached, DeliveryOutcome):
                self._not_installed[user.id] = reached
            else:
                self._by_user[user.id] = reached
            return reached


def _addressed(reference: dict[str, Any]) -> dict[str, Any]:
    """What `TurnContext.apply_conversation_reference` sets on an outgoing activity, read from the stored JSON of
    the reference (`ConversationReference.serialize()`) instead of a deserialized copy."""
    fields = {
        "channelId": reference.get("channelId"),
        "serviceUrl": reference.get("serviceUrl"),
        "conversation": reference.get("conversation"),
        "from": reference.get("bot"),
        "recipient": reference.get("user"),
        "locale": reference.get("locale"),
    }
    return {key: value for key, value in fields.items() if value is not None}


def build_reminder_scheduler(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    adapter: LotsenAdapter,
    *,
    owner: str | None = None,
    clock: Callable[[], datetime] | None = None,
) -> ReminderScheduler:
    """The scheduler as the app runs it: Teams delivery through `adapter`, the reminder settings applied."""
    clock = clock or utc_clock
    deliverer = TeamsReminderDeliverer(adapter, session_factory, settings.microsoft_app_id, clock=clock,
                                       installation=proactive_installation(settings))
    return ReminderScheduler(
        session_factory,
        deliverer,
        owner=owner,
        clock=clock,
        poll_seconds=settings.reminder_poll_seconds,
        deadline_mmdd=settings.annual_report_deadline,
        hour=settings.reminder_hour,
    )
