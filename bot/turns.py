"""One turn, atomic with what the user is shown.

A turn runs under its conversation's lock (every instance, storage/unit_of_work.py) in one transaction.
Its replies are held back (`ReplyBuffer`, filled by `LotsenAdapter.send_activities`) and stored in that same
transaction with the state they belong to; they reach the connector only after the commit, and are marked
delivered after that. So whatever moment the process dies:

- before the commit: nothing is stored and nothing was shown; the user's message is simply not answered
  (Teams redelivers it, or the user writes it again) and the previous question is still the pending one;
- after the commit, before the replies are marked delivered: the next activity finds them undelivered. A
  redelivery of the same activity delivers them; any other activity may have been written while the user
  still saw the previous question, so Lotsen shows the replies again and, when they end in a question,
  asks for the answer again instead of filing this one under a question the user may not have seen.

A failed turn is rolled back whole; the user is told, and the pending question is repeated so that a retry
answers it and not the next one. An activity delivered twice (same id) has one effect.

On SQLite, where one instance serves the database, the mark "delivered" is not a transaction of its own: the process
remembers it (`DeliveryMarks`) and writes it with the next turn's transaction, whichever conversation's, or on its own a
moment later when no turn comes, and when the process stops. A turn is then one transaction. Killed before the mark is
written, Lotsen shows those replies again with the conversation's next activity, as after any uncertain delivery. On
PostgreSQL, where another instance may take the conversation's next turn, the mark is written at once, before the
conversation's lock is let go.

A card replaced in place (a decision, a save: `TurnContext.update_activity`) is held and stored the same way,
next to the replies, and its PUT goes out after the commit, before them. Replacing a card is idempotent, so
when the replies are shown again (a redelivery, an uncertain previous turn) the replacement is made again too.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import timedelta

from botbuilder.core import Bot, InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activity_json import activity_json
from storage.models import utc_now
from storage.turns import (
    LastReplies,
    activity_key,
    claim_activity,
    conversation_key,
    forget_processed_before,
    last_replies,
    mark_delivered,
    mark_delivered_many,
    record_replies,
)
from storage.unit_of_work import SerialisedTurn, TurnSessions, after_commit
from texts import language_of, text

logger = logging.getLogger("lotsen.turns")

# Set by the bot at the end of a turn: True when a dialog waits for the user's next answer.
AWAITING_ANSWER = "lotsen.awaiting_answer"
# How long handled activity ids are remembered; Teams redelivers within minutes.
PROCESSED_ACTIVITIES_KEPT = timedelta(days=2)
_PRUNE_EVERY_TURNS = 500
# How long a delivery mark may wait for a turn's transaction to carry it before it is written on its own.
DELIVERY_MARK_DELAY_SECONDS = 2.0

Logic = Callable[[TurnContext], Awaitable[None]]
Process = Callable[[Logic], Awaitable[InvokeResponse | None]]


@dataclass
class ReplyBuffer:
    """The replies of the running turn, held until its transaction has committed."""

    previous: LastReplies | None = None
    context: TurnContext | None = None
    activities: list[Activity] = field(default_factory=list)
    # Cards replaced in place: each activity carries the id of the message it replaces.
    updates: list[Activity] = field(default_factory=list)
    awaiting_answer: bool = False
    failed: bool = False
    # The replies' JSON as recorded with the turn: what is posted once it committed (made once, not twice).
    payloads: list[dict[str, object]] | None = None

    def holds(self, context: TurnContext) -> bool:
        return context is self.context

    def fail(self) -> None:
        """The turn failed: what it meant to say is dropped with its transaction."""
        self.failed = True
        self.activities.clear()
        self.updates.clear()
        self.payloads = None

    @property
    def anything(self) -> bool:
        return bool(self.activities or self.updates)


current_replies: ContextVar[ReplyBuffer | None] = ContextVar("lotsen_replies", default=None)


class DeliveryMarks:
    """Replies this process delivered whose mark "delivered" is not written yet (SQLite, one instance: see the module's
    docstring). Each turn's transaction writes all of them; what no turn carries is written on its own after
    DELIVERY_MARK_DELAY_SECONDS, and when the process stops."""

    def __init__(self, sessions: TurnSessions, delay: float | None = None) -> None:
        self._sessions = sessions
        self._delay = DELIVERY_MARK_DELAY_SECONDS if delay is None else delay
        self._pending: dict[str, str] = {}  # conversation → the activity whose replies were delivered
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: asyncio.Task[None] | None = None
        self._closed = False

    def note(self, conversation: str, activity: str) -> None:
        self._pending[conversation] = activity
        if self._timer is None and not self._closed:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(self._delay, self._flush_soon)

    def known(self, conversation: str, previous: LastReplies | None) -> LastReplies | None:
        """The conversation's last replies as this process knows them: delivered, though not yet marked so."""
        if previous is not None and not previous.delivered and self._pending.get(conversation) == previous.activity_key:
            return replace(previous, delivered=True)
        return previous

    async def write_with(self, session: AsyncSession) -> None:
        """Writes every pending mark in the running turn's transaction; they are forgotten once it has committed."""
        if not self._pending:
            return
        marks = list(self._pending.items())
        await mark_delivered_many(session, marks)
        after_commit(lambda: self._forget(marks))

    async def flush(self) -> None:
        """Writes the pending marks in a transaction of their own."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        marks = list(self._pending.items())
        if not marks:
            return
        async with self._sessions.writer_gate(), self._sessions.factory.begin() as session:
            await mark_delivered_many(session, marks)
        self._forget(marks)

    async def close(self) -> None:
        self._closed = True
        if self._flushing is not None:
            await asyncio.gather(self._flushing, return_exceptions=True)
        # Failing here, the process stops anyway: those replies are shown again with their conversations' next messages.
        await self._flush_logged()

    def _forget(self, marks: list[tuple[str, str]]) -> None:
        for conversation, activity in marks:
            if self._pending.get(conversation) == activity:  # not a newer turn's, noted since
                del self._pending[conversation]

    def _flush_soon(self) -> None:
        self._timer = None
        self._flushing = asyncio.ensure_future(self._flush_logged())

    async def _flush_logged(self) -> None:
        try:
            await self.flush()
        except Exception:
            # Kept: the next turn's transaction writes them; until then this process knows they were delivered.
            logger.warning("could not write the delivery marks of %d conversations", len(self._pending), exc_info=True)


class _TurnFailed(Exception):
    """Raised inside the turn's transaction to roll it back after the bot reported a failure."""


class TurnPipeline:
    def __init__(self, bot: Bot, sessions: TurnSessions,
                 deliver: Callable[[TurnContext, list[Activity], list[dict[str, object]] | None], Awaitable[None]],
                 replace: Callable[[TurnContext, list[Activity]], Awaitable[None]]) -> None:
        self._bot = bot
        self._sessions = sessions
        self._deliver = deliver
        self._replace = replace
        self._turns = 0
        self._marks = DeliveryMarks(sessions) if sessions.single_instance else None

    async def close(self) -> None:
        """Writes what is only known in this process (delivery marks) before it stops."""
        if self._marks is not None:
            await self._marks.close()

    async def run(self, activity: Activity, process: Process) -> InvokeResponse | None:
        conversation = conversation_key(activity.channel_id or "", activity.conversation.id)
        # An activity without an id cannot be recognised when it comes again; it still gets a key of its own.
        this_activity = activity_key(conversation, activity.id or f"no-id:{uuid.uuid4()}")
        buffer = ReplyBuffer()
        response: InvokeResponse | None = None
        async with self._sessions.serialised(conversation) as turn:
            try:
                async with turn.transaction() as session:
                    buffer.previous = await last_replies(session, conversation)
                    if self._marks is not None:
                        buffer.previous = self._marks.known(conversation, buffer.previous)
                        await self._marks.write_with(session)
                    if activity.id and not await claim_activity(session, this_activity):
                        redelivered = True
                    else:
                        redelivered = False
                        response = await self._run_turn(buffer, process)
                        if buffer.failed:
                            raise _TurnFailed
                        if buffer.anything:
                            buffer.payloads = [activity_json(reply) for reply in buffer.activities]
                            await record_replies(session, conversation, this_activity,
                                                 _stored(buffer.payloads, buffer.updates),
                                                 awaiting_answer=buffer.awaiting_answer)
                        await self._prune(session)
            except _TurnFailed:
                # Nothing of the turn was stored; the error text (and the pending question) go out as they are.
                await self._send(buffer)
                return response
            if redelivered:
                return await self._redeliver(turn, buffer.previous, conversation, this_activity, process)
            if buffer.anything:
                if not await self._send_committed(buffer):
                    return response
                if self._marks is not None:
                    self._marks.note(conversation, this_activity)
                else:
                    async with turn.transaction() as session:
                        await mark_delivered(session, conversation, this_activity)
        return response

    async def _send_committed(self, buffer: ReplyBuffer) -> bool:
        """Delivers a committed turn's replies; when the connector refuses them they stay undelivered, to be
        shown again with the conversation's next activity, and the user is told something went wrong."""
        try:
            await self._send(buffer)
            return True
        except Exception:
            logger.exception("the replies of a committed turn could not be delivered")
        assert buffer.context is not None
        apology = Activity(type=ActivityTypes.message,
                           text=text("turn_error", language_of(buffer.context.activity.locale)))
        try:
            await self._deliver(buffer.context, [TurnContext.apply_conversation_reference(
                apology, TurnContext.get_conversation_reference(buffer.context.activity))], None)
        except Exception:
            logger.exception("could not tell the user that the replies were not delivered")
        return False

    async def _run_turn(self, buffer: ReplyBuffer, process: Process) -> InvokeResponse | None:
        previous = buffer.previous
        uncertain = previous is not None and not previous.delivered

        async def logic(context: TurnContext) -> None:
            buffer.context = context
            if uncertain:
                assert previous is not None
                lang = language_of(context.activity.locale)
                await context.send_activity(text("replies_repeated", lang))
                await _show_again(context, previous)
                if previous.awaiting_answer and context.activity.type in _USER_ACTIONS:
                    # This message may answer the question before the one repeated: it is not filed anywhere.
                    await context.send_activity(text("replies_repeated_answer_again", lang))
                    buffer.awaiting_answer = True
                    await _acknowledge_invoke(context)
                    return
            await self._bot.on_turn(context)
            buffer.awaiting_answer = bool(context.turn_state.get(AWAITING_ANSWER))

        token = current_replies.set(buffer)
        try:
            return await process(logic)
        finally:
            current_replies.reset(token)

    async def _redeliver(self, turn: SerialisedTurn, previous: LastReplies | None, conversation: str,
                         this_activity: str, process: Process) -> InvokeResponse | None:
        """The same activity again: its replies are delivered if they were not; nothing else happens."""
        if previous is None or previous.activity_key != this_activity or previous.delivered:
            logger.info("activity delivered again; already handled")
            return None
        buffer = ReplyBuffer()

        async def logic(context: TurnContext) -> None:
            buffer.context = context
            await _show_again(context, previous)
            await _acknowledge_invoke(context)

        token = current_replies.set(buffer)
        try:
            response = await process(logic)
        finally:
            current_replies.reset(token)
        await self._send(buffer)
        async with turn.transaction() as session:
            await mark_delivered(session, conversation, this_activity)
        return response

    async def _send(self, buffer: ReplyBuffer) -> None:
        if buffer.context is None:
            return
        # The pressed card first: by the time the answer arrives, the card no longer offers what was done.
        if buffer.updates:
            await self._replace(buffer.context, buffer.updates)
        if buffer.activities:
            await self._deliver(buffer.context, buffer.activities, buffer.payloads)

    async def _prune(self, session: AsyncSession) -> None:
        self._turns += 1
        if self._turns % _PRUNE_EVERY_TURNS == 0:
            await forget_processed_before(session, utc_now() - PROCESSED_ACTIVITIES_KEPT)


_USER_ACTIONS = frozenset({ActivityTypes.message, ActivityTypes.invoke})


# How a replaced card is told apart from a reply among a turn's stored replies.
_REPLACES = "lotsenReplaces"


def _stored(payloads: list[dict[str, object]], updates: list[Activity]) -> list[dict[str, object]]:
    """What a turn records: its replies' JSON, then each card it replaced in place."""
    return [*payloads, *({_REPLACES: activity_json(update)} for update in updates)]


def _restored(previous: LastReplies) -> tuple[list[Activity], list[Activity]]:
    """The stored replies (without their old ids, to be sent anew) and the cards they replaced."""
    replies, updates = [], []
    for stored in previous.replies:
        if _REPLACES in stored:
            updates.append(Activity().deserialize(stored[_REPLACES]))
            continue
        activity = Activity().deserialize(stored)
        activity.id = None
        replies.append(activity)
    return replies, updates


async def _show_again(context: TurnContext, previous: LastReplies) -> None:
    replies, updates = _restored(previous)
    for update in updates:
        await context.update_activity(update)
    if replies:
        await context.send_activities(replies)


async def _acknowledge_invoke(context: TurnContext) -> None:
    if context.activity.type == ActivityTypes.invoke:
        await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=200)))


async def repeat_pending_question(context: TurnContext, buffer: ReplyBuffer | None) -> None:
    """After a failed turn: the question the user is answering, again, so that a retry lands in its field."""
    previous = buffer.previous if buffer is not None else None
    if previous is None or not previous.awaiting_answer:
        return
    await context.send_activity(text("turn_error_repeat", language_of(context.activity.locale)))
    await _show_again(context, previous)
