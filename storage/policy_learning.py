"""Learning from use of the policy answers: what people think of an answer, what KS coordinators teach, and
which topic people pick when Lotsen was unsure.

- Feedback (👍/👎) and clarifications keep no user identity, like the unanswered questions: what is asked and
  how it went matters, not who asked. They are for KS förvaltning to review (`python -m cli unanswered`).
- Teaching is done by KS coordinators (and administrators, or the operator's command line with actor None)
  and records who taught. `taught_questions` is append-only: the newest row (highest id) of a normalised
  question decides, a row without topic forgets the teaching, and the rows together are the history.

Every function adds to the caller's transaction (flush, never commit), so what the user is shown and what is
stored agree. Question texts are cut to `MAX_QUESTION_LENGTH`, as for the unanswered questions.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage._sql import dialect_insert
from storage.access import AccessDenied, can_see_all_organisations
from storage.models import (
    NORMALISED_QUESTION_MAX_LENGTH,
    AnswerFeedback,
    Clarification,
    TaughtQuestion,
    User,
    utc_now,
)
from storage.questions import MAX_QUESTION_LENGTH

__all__ = [
    "AnswerFeedback",
    "Clarification",
    "NORMALISED_QUESTION_MAX_LENGTH",
    "REF_MAX_LENGTH",
    "TaughtQuestion",
    "active_teachings",
    "get_clarification",
    "list_bad_answers",
    "list_clarifications",
    "record_clarification",
    "record_clarification_choice",
    "record_feedback",
    "teach",
    "teaching_generation",
    "teaching_history",
    "teaching_key",
]

# The column lengths of answer_ref/ref, topic ids and language codes. Checked here so that SQLite (which does
# not enforce lengths) refuses what PostgreSQL would refuse, with the same ValueError.
REF_MAX_LENGTH = 64
TOPIC_MAX_LENGTH = 64
LANG_MAX_LENGTH = 8


def _bounded(value: str, name: str, maximum: int) -> str:
    if not value:
        raise ValueError(f"{name} is required")
    if len(value) > maximum:
        raise ValueError(f"{name} is longer than {maximum} characters")
    return value


def _topic(topic: str | None) -> str | None:
    return None if topic is None else _bounded(topic, "topic", TOPIC_MAX_LENGTH)


def _limit(limit: int) -> int:
    # A negative LIMIT is an error on PostgreSQL and "no limit" on SQLite: refuse it on both.
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    return limit


# --- 👍 / 👎 on answers ---------------------------------------------------------------------------------


async def record_feedback(
    session: AsyncSession,
    *,
    answer_ref: str,
    question: str,
    topic: str | None,
    lang: str,
    helpful: bool,
) -> AnswerFeedback:
    """Records the vote on one answer card; a second press on the same card changes the vote.

    One INSERT … ON CONFLICT (answer_ref) DO UPDATE, as the other upserts in `storage/` do: the database
    settles two presses arriving at once (the second waits for the first and updates its row), so no
    select-then-insert race and no SAVEPOINT is needed. A SAVEPOINT would not be safe here anyway: with the
    SQLite driver's default transaction handling (see storage/db.py) a SAVEPOINT opened before the turn's
    first write starts the transaction itself, and releasing it would commit the turn's work early.
    Only `helpful` and `updated_at` change on a second press; question, topic and language are the card's.
    """
    now = utc_now()
    statement = dialect_insert(session, AnswerFeedback).values(
        answer_ref=_bounded(answer_ref, "answer_ref", REF_MAX_LENGTH),
        question=question[:MAX_QUESTION_LENGTH],
        topic=_topic(topic),
        lang=_bounded(lang, "lang", LANG_MAX_LENGTH),
        helpful=helpful,
        created_at=now,
        updated_at=now,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[AnswerFeedback.__table__.c.answer_ref],
        set_={"helpful": statement.excluded.helpful, "updated_at": statement.excluded.updated_at},
    ).returning(AnswerFeedback)
    # populate_existing: a row of this card loaded earlier in the session must show the vote just written.
    result = await session.execute(statement, execution_options={"populate_existing": True})
    return result.scalar_one()


async def list_bad_answers(session: AsyncSession, limit: int = 100) -> list[AnswerFeedback]:
    """The answers whose (latest) vote is 👎, the most recently answered first: what KS förvaltning should
    look at to improve the policy module."""
    result = await session.execute(
        select(AnswerFeedback)
        .where(AnswerFeedback.helpful.is_(False))
        .order_by(AnswerFeedback.created_at.desc(), AnswerFeedback.id.desc())
        .limit(_limit(limit))
    )
    return list(result.scalars())


# --- Questions taught by KS coordinators ----------------------------------------------------------------


def teaching_key(normalised: str) -> str:
    """The key a normalised question is stored (and must be looked up) under: cut to the column's length.

    Callers that match a user's normalised question against `active_teachings` compare `teaching_key(theirs)`
    with `TaughtQuestion.normalised`; only questions longer than NORMALISED_QUESTION_MAX_LENGTH differ.
    """
    return normalised[:NORMALISED_QUESTION_MAX_LENGTH]


async def _serialise_teachings(session: AsyncSession) -> None:
    """On PostgreSQL, makes teaching transactions take their ids one after the other.

    `teaching_generation` is the highest id. With two teachings in flight, the one with the higher id could
    commit first; an instance reading the generation in between would then never see the lower one. Holding
    this lock (which only other teachings wait for; readers do not) until commit means ids are taken in
    commit order. SQLite has one writer at a time already.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("LOCK TABLE taught_questions IN SHARE ROW EXCLUSIVE MODE"))


async def teach(
    session: AsyncSession,
    *,
    question: str,
    normalised: str,
    topic: str | None,
    actor: User | None,
) -> TaughtQuestion:
    """Teaches that questions normalised to `normalised` are about `topic`; `topic` None forgets that.

    A new row every time (never an update), so the history of who taught what stays. `actor` is the KS
    coordinator or administrator who taught it, None for the operator's command line; anyone else gets
    AccessDenied. `normalised` comes from the caller (the policy module's normalisation) and is stored as
    `teaching_key(normalised)`.
    """
    if actor is not None and not can_see_all_organisations(actor):
        raise AccessDenied(f"User {actor.id} may not teach the policy module")
    key = teaching_key(normalised)
    if not key.strip():
        raise ValueError("normalised is required")
    await _serialise_teachings(session)
    row = TaughtQuestion(
        question=question[:MAX_QUESTION_LENGTH],
        normalised=key,
        topic=_topic(topic),
        taught_by_user_id=actor.id if actor is not None else None,
        taught_at=utc_now(),
    )
    session.add(row)
    await session.flush()
    return row


async def active_teachings(session: AsyncSession) -> list[TaughtQuestion]:
    """What is taught now: the newest row of each normalised question, without the forgotten ones, oldest
    first. "Newest" is the highest id (ids follow commit order, see `_serialise_teachings`), not
    `taught_at`, so that clocks of different instances cannot change which teaching wins."""
    newest = select(func.max(TaughtQuestion.id)).group_by(TaughtQuestion.normalised)
    result = await session.execute(
        select(TaughtQuestion)
        .where(TaughtQuestion.id.in_(newest), TaughtQuestion.topic.is_not(None))
        .order_by(TaughtQuestion.id)
    )
    return list(result.scalars())


async def teaching_generation(session: AsyncSession) -> int:
    """The highest id of `taught_questions`, 0 when nothing was ever taught.

    Every teach or forget adds a row, so this number changes with each of them: an instance that keeps the
    active teachings in memory asks this one cheap query (an index-only max of the primary key) to know
    whether it must read them again.
    """
    return int(await session.scalar(_GENERATION) or 0)


# Asked before every policy question: built once, on the table rather than the mapped class, so that a turn only
# runs it (building it and going through the ORM cost more than the query).
_GENERATION = select(func.coalesce(func.max(TaughtQuestion.__table__.c.id), 0))


async def teaching_history(session: AsyncSession, limit: int = 100) -> list[TaughtQuestion]:
    """Every teaching and forgetting, newest first, with `taught_by` loaded (None: the operator, or a user
    since deleted), so that callers can show who taught what without further queries."""
    result = await session.execute(
        select(TaughtQuestion)
        .options(selectinload(TaughtQuestion.taught_by))
        .order_by(TaughtQuestion.id.desc())
        .limit(_limit(limit))
        # A row added earlier in this session has `taught_by` unloaded: load it now.
        .execution_options(populate_existing=True)
    )
    return list(result.scalars())


# --- Clarifications: the choice offered when Lotsen was unsure --------------------------------------------


async def record_clarification(
    session: AsyncSession,
    *,
    ref: str,
    question: str,
    offered: Sequence[str],
    lang: str,
) -> Clarification:
    """Records that Lotsen asked which of `offered` (topic ids, in the order shown) the question is about.

    `ref` is the random id on the card of choices; `record_clarification_choice` finds the row by it.
    """
    row = Clarification(
        ref=_bounded(ref, "ref", REF_MAX_LENGTH),
        question=question[:MAX_QUESTION_LENGTH],
        offered=list(offered),
        lang=_bounded(lang, "lang", LANG_MAX_LENGTH),
        asked_at=utc_now(),
    )
    session.add(row)
    await session.flush()
    return row


async def get_clarification(session: AsyncSession, ref: str) -> Clarification | None:
    """The clarification recorded for the card `ref`, None when there is none: the bot reads what was asked
    and offered from here when a choice is pressed, rather than from the press."""
    result = await session.execute(select(Clarification).where(Clarification.ref == ref))
    return result.scalar_one_or_none()


async def record_clarification_choice(session: AsyncSession, *, ref: str, chosen: str) -> Clarification | None:
    """Records which topic was chosen on the card `ref`; None when no such card was recorded.

    The first choice wins: a later press on the same card (or a second press racing the first) leaves the
    recorded choice as it is. One conditional UPDATE decides that, so it holds across instances too. The
    caller decides what counts as a choice (it is not checked against `offered`).
    """
    _bounded(chosen, "chosen", TOPIC_MAX_LENGTH)
    await session.execute(
        update(Clarification)
        .where(Clarification.ref == ref, Clarification.chosen.is_(None))
        .values(chosen=chosen, chosen_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(
        select(Clarification).where(Clarification.ref == ref).execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def list_clarifications(session: AsyncSession, limit: int = 100) -> list[Clarification]:
    """The clarifications asked, newest first, with what was offered and chosen (chosen None: no choice)."""
    result = await session.execute(
        select(Clarification)
        .order_by(Clarification.asked_at.desc(), Clarification.id.desc())
        .limit(_limit(limit))
    )
    return list(result.scalars())
