"""Reminders in chat: the card's "Klart" and "Påminn mig om en vecka", "mina påminnelser", pausing and resuming;
and for KS coordinators "ej nådda" (or "meddelanden som inte nått fram"): the one list of what did not reach people,
reminders and notices alike (dialogs/reminders/undelivered.py), to follow up by hand.

A pressed card is replaced by one that says what was done, without those two buttons. "Klart" on an
informationsärende's reminder ("Skickat i dag") marks the informationsärende sent with today's date, as
"mina ansökningar" would, and so ends its reminders (4.1: the nämnd sends it; Lotsen keeps count).

Each of these is answered within its turn and keeps no dialog state, so it is a handler rather than a dialog:
the bot asks `ReminderCommands.recognise` whether a turn is one of these, and hands it to `handle`. Who may
act on a reminder is decided in `storage.reminders` (its recipient; for a channel, a KS coordinator).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal

from botbuilder.core import TurnContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.common.cards import Card, adaptive_card
from dialogs.common.turn import Turn
from dialogs.common.card_values import record_id
from dialogs.common.formatting import format_date, format_moment
from dialogs.common.input_parsing import command_words, plain, split_after
from dialogs.reminders.reminder_cards import (
    DONE_ACTION,
    SNOOZE_ACTION,
    application_id_of,
    reminder_card,
    reminder_subject,
)
from dialogs.reminders.undelivered import WORDS as UNDELIVERED_WORDS, undelivered_reply
from dialogs.common.turn_user import acting_user
from dialogs.common.replies import card_message, replace_pressed_card
from reminders.calendar import local_date, send_time, workday_on_or_before
from storage.access import AccessDenied, NotFound
from storage.applications import get_application, mark_information_item_sent
from storage.models import InformationItemStatus, Reminder, ReminderKind, ReminderState, User
from storage.reminders import (
    get_reminder,
    list_upcoming_for_user,
    mark_done,
    pause_kind,
    paused_kinds,
    resume_kind,
    snooze,
)
from texts import Language, text

Action = Literal["done", "snooze", "list", "unreached", "pause", "resume"]
SNOOZE_DAYS = 7
LIST_LIMIT = 20  # a card in Teams must stay small; the rest is counted


@dataclass(frozen=True)
class ReminderRequest:
    action: Action
    reminder_id: int | None = None
    kind: str | None = None  # pause/resume: the kind named, None when the words named none we know


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def kind_named(words: str) -> str | None:
    """The kind of reminder `words` name ("informationsärenden", "annual report"), or None."""
    wanted = plain(words)
    for kind in ReminderKind:
        if wanted in command_words(f"reminders.kind_words.{kind.value}"):
            return kind.value
    return None


def snooze_until(now: datetime, hour: int) -> datetime:
    """A week from today at the reminder hour, on the working day before if that day is a holiday."""
    return send_time(workday_on_or_before(local_date(now) + timedelta(days=SNOOZE_DAYS)), hour)


class ReminderCommands:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        hour: int,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._session_factory = session_factory
        self._hour = hour
        self._clock = clock

    @staticmethod
    def recognise(message: str, value: object = None) -> ReminderRequest | None:
        """The request when a turn is a reminder button or command, else None (the turn is for someone else)."""
        if isinstance(value, dict) and value.get("action") in (DONE_ACTION, SNOOZE_ACTION):
            action: Action = "done" if value["action"] == DONE_ACTION else "snooze"
            return ReminderRequest(action, reminder_id=record_id(value.get("reminder_id")))
        command = plain(message or "")
        if not command:
            return None
        if command in command_words("reminders.words.my_reminders"):
            return ReminderRequest("list")
        if command in command_words(UNDELIVERED_WORDS):
            return ReminderRequest("unreached")
        for action in ("pause", "resume"):
            found = split_after(command, command_words(f"reminders.words.{action}"))
            if found is None:
                continue
            phrase, rest = found
            kind = kind_named(rest) if rest else None
            # A bare verb ("pausa", "resume") is ours only with a kind after it; "pausa påminnelser …" always.
            if len(phrase.split()) == 1 and kind is None:
                return None
            return ReminderRequest(action, kind=kind)  # type: ignore[arg-type]
        return None

    async def handle(self, turn: Turn, request: ReminderRequest) -> None:
        turn_context, lang = turn.context, turn.lang
        if request.action in ("done", "snooze"):
            pressed: list[Card] = []
            if request.action == "done":
                reply = await self._done(turn_context, request.reminder_id, lang, pressed)
            else:
                reply = await self._snooze(turn_context, request.reminder_id, lang, pressed)
            if pressed:
                await replace_pressed_card(turn_context, pressed[0])
        elif request.action == "list":
            await self._list(turn_context, lang)
            return
        elif request.action == "unreached":
            await turn_context.send_activity(await self._undelivered(turn_context, lang))
            return
        else:
            reply = await self._pause_or_resume(turn_context, request, lang)
        await turn_context.send_activity(reply)

    # --- the card's buttons ---------------------------------------------------------------------------------

    async def _done(self, turn_context: TurnContext, reminder_id: int | None, lang: Language,
                    pressed: list[Card]) -> str:
        """Marks the reminder done; `pressed` gets the card that replaces the one pressed."""
        now = self._clock()
        async with self._session_factory.begin() as session:
            user = await acting_user(session, turn_context)
            before = await get_reminder(session, reminder_id) if reminder_id is not None else None
            if before is None:
                return text("reminders.not_found", lang)
            if user is None:
                return text("reminders.not_yours", lang)
            already_done = before.state == ReminderState.DONE
            try:
                reminder = await mark_done(session, before.id, user_id=user.id, at=self._clock())
            except NotFound:
                return text("reminders.not_found", lang)
            except AccessDenied:
                return text("reminders.not_yours", lang)
            subject = reminder_subject(reminder, lang)
            today = local_date(now)
            if not already_done and await self._information_item_sent(session, reminder, user, today):
                pressed.append(reminder_card(reminder, lang, today, pressed=text(
                    "reminders.card.pressed.information_item_sent", lang, date=format_date(today, lang))))
                return text("reminders.information_item_sent", lang, subject=subject,
                            date=format_date(today, lang))
            pressed.append(reminder_card(reminder, lang, today, pressed=text(
                "reminders.card.pressed.done", lang, when=format_moment(reminder.done_at or now, lang))))
        return text("reminders.already_done" if already_done else "reminders.done", lang, subject=subject)

    @staticmethod
    async def _information_item_sent(session: AsyncSession, reminder: Reminder, user: User, today: date) -> bool:
        """"Klart" on an informationsärende's reminder: it is marked sent today, unless it is marked already (its
        date is not changed) or the user may not change the application (then only the reminder is done)."""
        if ReminderKind(reminder.kind) is not ReminderKind.INFORMATION_ITEM:
            return False
        application_id = application_id_of(reminder)
        if application_id is None:
            return False
        try:
            application = await get_application(session, application_id, user)
            item = application.information_item
            if item is None or item.status is InformationItemStatus.SENT:
                return False
            await mark_information_item_sent(session, application, user, today)
        except (AccessDenied, NotFound):
            return False
        return True

    async def _snooze(self, turn_context: TurnContext, reminder_id: int | None, lang: Language,
                      pressed: list[Card]) -> str:
        """Puts the reminder off a week; `pressed` gets the card that replaces the one pressed."""
        now = self._clock()
        until = snooze_until(now, self._hour)
        async with self._session_factory.begin() as session:
            user = await acting_user(session, turn_context)
            if reminder_id is None or await get_reminder(session, reminder_id) is None:
                return text("reminders.not_found", lang)
            if user is None:
                return text("reminders.not_yours", lang)
            try:
                reminder = await snooze(session, reminder_id, user_id=user.id, until=until)
            except NotFound:
                return text("reminders.not_found", lang)
            except AccessDenied:
                return text("reminders.not_yours", lang)
            subject = reminder_subject(reminder, lang)
            if reminder.state != ReminderState.SNOOZED:
                return text("reminders.not_snoozable", lang, subject=subject)
            pressed.append(reminder_card(reminder, lang, local_date(now), pressed=text(
                "reminders.card.pressed.snoozed", lang, date=format_date(local_date(until), lang))))
        return text("reminders.snoozed", lang, date=format_date(local_date(until), lang), subject=subject)

    # --- "mina påminnelser" -------------------------------------------------------------------------------

    async def _list(self, turn_context: TurnContext, lang: Language) -> None:
        async with self._session_factory() as session:
            user = await acting_user(session, turn_context)
            upcoming: list[Reminder] = []
            paused: set[str] = set()
            if user is not None:
                upcoming = await list_upcoming_for_user(session, user.id, now=self._clock())
                paused = await paused_kinds(session, user.id)
        if not upcoming:
            reply = text("reminders.list.none", lang)
            if paused:
                reply += " " + self._paused_line(paused, lang)
            await turn_context.send_activity(reply)
            return
        await turn_context.send_activity(card_message(self._list_card(upcoming, paused, lang)))

    def _list_card(self, upcoming: list[Reminder], paused: set[str], lang: Language):
        body: list[dict[str, Any]] = [
            {"type": "TextBlock", "text": text("reminders.list.title", lang), "size": "Medium", "weight": "Bolder",
             "wrap": True},
            {"type": "TextBlock", "text": text("reminders.list.intro", lang), "wrap": True},
        ]
        for reminder in upcoming[:LIST_LIMIT]:
            item = text("reminders.list.item", lang, when=format_moment(reminder.due_at, lang),
                        subject=reminder_subject(reminder, lang))
            if ReminderKind(reminder.kind).value in paused:
                item = text("reminders.list.paused_item", lang, item=item)
            body.append({"type": "TextBlock", "text": f"• {item}", "wrap": True, "spacing": "Small"})
        if len(upcoming) > LIST_LIMIT:
            body.append({"type": "TextBlock", "isSubtle": True, "wrap": True,
                         "text": text("reminders.list.more", lang, shown=LIST_LIMIT, total=len(upcoming))})
        hint = self._paused_line(paused, lang) if paused else text("reminders.list.hint", lang)
        body.append({"type": "TextBlock", "text": hint, "isSubtle": True, "wrap": True})
        return adaptive_card(body)

    # --- what reached nobody (KS coordinators) --------------------------------------------------------------

    async def _undelivered(self, turn_context: TurnContext, lang: Language) -> Any:
        async with self._session_factory() as session:
            viewer = await acting_user(session, turn_context)
            reply = await undelivered_reply(session, viewer, lang, now=self._clock())
        return card_message(reply) if isinstance(reply, dict) else reply

    @staticmethod
    def _paused_line(paused: set[str], lang: Language) -> str:
        ordered = [kind.value for kind in ReminderKind if kind.value in paused]
        return text("reminders.list.paused", lang, kinds=_joined([_kind_words(kind, lang) for kind in ordered], lang),
                    example=_kind_words(ordered[0], lang))

    # --- pausing and resuming a kind ------------------------------------------------------------------------

    async def _pause_or_resume(self, turn_context: TurnContext, request: ReminderRequest, lang: Language) -> str:
        if request.kind is None:
            kinds = [_kind_words(kind.value, lang) for kind in ReminderKind]
            return text("reminders.which_kind", lang, command=text(f"reminders.commands.{request.action}", lang),
                        example=_kind_words(ReminderKind.INFORMATION_ITEM.value, lang), kinds=_joined(kinds, lang))
        kind_words = _kind_words(request.kind, lang)
        async with self._session_factory.begin() as session:
            user = await acting_user(session, turn_context)
            if user is None:
                return text("reminders.unknown_user", lang)
            if request.action == "pause":
                changed = await pause_kind(session, user.id, request.kind)
                key = "reminders.paused" if changed else "reminders.already_paused"
            else:
                changed = await resume_kind(session, user.id, request.kind, now=self._clock())
                key = "reminders.resumed" if changed else "reminders.not_paused"
        return text(key, lang, kind=kind_words)


def _kind_words(kind: str, lang: Language) -> str:
    return text(f"reminders.kinds.{kind}", lang)


def _joined(items: list[str], lang: Language) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {text('reminders.and', lang)} {items[-1]}"
