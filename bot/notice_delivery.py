"""Delivering a notice of the outbox (reminders/outbox.py) in Teams: the card composed when the thing happened,
or, for a follow-up to whoever caused a notice that could not be delivered, a message saying so, or, to an
administrator, that the directory could not place a user (dialogs/people/directory_commands.py words it).

Posted proactively, as reminders are (`bot.proactive.post_to_recipient`), and the connector's answer is
read the same way: 403/404, no stored conversation or a terminal chat are gone for good; the rest is tried again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from botbuilder.core import BotAdapter, MessageFactory
from botbuilder.schema import Activity
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.proactive import post_to_recipient
from dialogs.common.replies import card_message
from dialogs.people.directory_commands import unplaced_notice_text
from reminders.delivery import DeliveryOutcome
from reminders.outbox import NoticeOutbox
from settings import Settings
from storage.models import Notice, NoticeKind
from storage.user_text import card_markdown
from texts import Language, language_of, text


class TeamsNoticeDeliverer:
    """A `reminders.outbox.NoticeDeliverer` that posts through the bot's adapter."""

    def __init__(self, adapter: BotAdapter, session_factory: async_sessionmaker[AsyncSession], app_id: str) -> None:
        self._adapter = adapter
        self._session_factory = session_factory
        self._app_id = app_id or None

    async def deliver(self, notice: Notice) -> DeliveryOutcome:
        return await post_to_recipient(self._adapter, self._session_factory, notice, lambda: notice_activity(notice),
                                       self._app_id)


def notice_activity(notice: Notice) -> Activity:
    if notice.card is not None:
        return card_message(notice.card["content"])
    if notice.kind == NoticeKind.DIRECTORY_UNPLACED:
        return MessageFactory.text(unplaced_notice_text(notice.details or {}))
    return MessageFactory.text(undelivered_text(notice))


def undelivered_text(notice: Notice) -> str:
    """The follow-up: which notice did not arrive, why in a word, and what to do instead."""
    details = notice.details or {}
    lang: Language = language_of(details.get("lang"))
    about = details.get("about", NoticeKind.KS_APPLICATION.value)
    # Teams renders a message's text as Markdown: the names (typed by users) are shown as written, never as links.
    return text(f"notices.undelivered.{about}", lang, subject=card_markdown(details.get("subject_name", "")),
                recipient=card_markdown(details.get("recipient_name", "")))


def build_notice_outbox(settings: Settings, session_factory: async_sessionmaker[AsyncSession], adapter: BotAdapter,
                        *, owner: str | None = None, clock: Callable[[], datetime] | None = None) -> NoticeOutbox:
    """The outbox as the app runs it: Teams delivery through `adapter`, retried every `notice_poll_seconds`."""
    return NoticeOutbox(session_factory, TeamsNoticeDeliverer(adapter, session_factory, settings.microsoft_app_id),
                        owner=owner, clock=clock,
                        poll_seconds=settings.notice_poll_seconds,
                        lease=timedelta(seconds=settings.notice_lease_seconds))
