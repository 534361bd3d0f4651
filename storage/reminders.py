"""Reminders: scheduling them once, claiming the due ones without two instances taking the same, and their states.

Every function takes the caller's session and opens none of its own. The delivery path is
`claim_due` (commit at once, so that the lease is visible to every other instance) → send → `mark_sent`
(`mark_sent_many` for a batch), `mark_retry` or `mark_failed` by the same `owner`, in short transactions of
their own; or, instead of sending, `mark_skipped` (its deadline passed, or a later one of its pile goes
instead). Each occurrence is planned once (its `idempotency_key` is inserted at most once) and a claimed
reminder is leased to one owner, so two instances never send it at the same time. Delivery is at least once,
not exactly once: a lease that runs out before "sent" is recorded (the instance died between the post and the
commit) makes the reminder claimable again, and it is sent again — Teams' connector takes no idempotency key
for a proactive post.

Users act on the reminders sent to them ("Klart", "Påminn mig om en vecka"): `mark_done` and `snooze` check
that the user is the recipient (`storage.access.AccessDenied` otherwise).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, FromClause, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage._sql import dialect_insert
from storage import leases
from storage.leases import RELEASED, finish_lease, lease_is_free, release, shortened
from storage.leases import require_aware as _require_aware
from storage.access import AccessDenied, NotFound, can_see_all_organisations
from storage.application_data import ApplicationStatus, InformationItemStatus
from storage.models import (
    CLAIMABLE_REMINDER_STATES,
    OPEN_ANNUAL_REPORT_STATUSES,
    AnnualReport,
    Application,
    InformationItem,
    Organisation,
    Reminder,
    ReminderKind,
    ReminderPause,
    ReminderState,
    ReminderSubjectType,
    Role,
    User,
    utc_now,
)
from storage.contact_persons import contact_person_links, has_contact_person
from storage.organisations import OrganisationKind, kinds_that_must_appoint_contact, kinds_that_must_report

__all__ = [
    "AccessDenied",
    "NotFound",
    "Reminder",
    "ReminderKind",
    "ReminderPause",
    "ReminderSpec",
    "ReminderState",
    "ReminderSubjectType",
    "SkipReason",
    "application_ids_to_remind",
    "applications_to_remind",
    "cancel_for_subject",
    "cancel_resolved",
    "cancel_superseded",
    "claim_due",
    "contact_person_ids_by_organisation",
    "done_cycles",
    "due_alongside",
    "get_reminder",
    "ks_coordinator_ids",
    "list_reminders",
    "list_upcoming_for_user",
    "mark_done",
    "mark_failed",
    "mark_retry",
    "mark_sent",
    "mark_sent_many",
    "mark_skipped",
    "pause_kind",
    "paused_kinds",
    "resume_kind",
    "schedule",
    "schedule_many",
    "scheduled_keys",
    "skip_of",
    "snooze",
    "user_ids_by_teams_id",
]

IDEMPOTENCY_KEY_MAX_LENGTH = 200
CYCLE_MAX_LENGTH = 64
# Connector errors can be long (a whole HTML error page); the start says what went wrong.
_ERROR_MAX_LENGTH = 2000
# Keys per IN list in scheduled_keys: well under SQLite's and asyncpg's limits on bound parameters.
_INSERT_CHUNK = 200
# Ids per UPDATE in mark_sent_many: a whole claimed batch, well under the drivers' limits on bound parameters.
_MARK_CHUNK = 500
# Where a skipped reminder says why it was not sent: state cancelled (no new state, so no migration), and this.
SKIPPED_DETAILS_KEY = "skipped"


class SkipReason(enum.StrEnum):
    """Why a due reminder was cancelled instead of sent (`reminders.relevance` decides)."""

    DEADLINE_PASSED = "deadline_passed"  # the deadline it leads up to was over when it came to be sent
    SUPERSEDED = "superseded"  # a later one of its pile (recipient, subject, kind; deadline) went instead


@dataclass(frozen=True)
class ReminderSpec:
    """A reminder to be scheduled: what it is about, to whom, when, and the key that makes it happen once.

    Exactly one recipient: a Lotsen user (`recipient_user_id`) or a channel/chat (`recipient_conversation_id`).
    `cycle` names the round of the duty it belongs to (e.g. the deadline); "Klart" on one reminder cancels the
    others of the same subject, kind and cycle.
    """

    kind: str
    subject_type: str
    subject_id: int
    due_at: datetime
    idempotency_key: str
    details: dict[str, Any] = field(default_factory=dict)
    recipient_user_id: int | None = None
    recipient_conversation_id: str | None = None
    cycle: str = ""

    def __post_init__(self) -> None:
        ReminderKind(self.kind)  # ValueError for an unknown kind, before the database says it less clearly
        ReminderSubjectType(self.subject_type)
        _require_aware(self.due_at, "due_at")
        if (self.recipient_user_id is None) == (self.recipient_conversation_id is None):
            raise ValueError("A reminder goes to exactly one recipient: a user id or a conversation id")
        if not 0 < len(self.idempotency_key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
            raise ValueError(f"idempotency_key must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters")
        if len(self.cycle) > CYCLE_MAX_LENGTH:
            raise ValueError(f"cycle must be at most {CYCLE_MAX_LENGTH} characters")


def _row(spec: ReminderSpec, now: datetime) -> dict[str, Any]:
    return {
        "kind": ReminderKind(spec.kind).value,
        "subject_type": ReminderSubjectType(spec.subject_type).value,
        "subject_id": spec.subject_id,
        "recipient_user_id": spec.recipient_user_id,
        "recipient_conversation_id": spec.recipient_conversation_id,
        "due_at": spec.due_at,
        "state": ReminderState.PENDING.value,
        "attempts": 0,
        "idempotency_key": spec.idempotency_key,
        "cycle": spec.cycle,
        "details": spec.details,
        "created_at": now,
        "updated_at": now,
    }


# --- Scheduling ---------------------------------------------------------------------------------------------


async def schedule(session: AsyncSession, spec: ReminderSpec) -> bool:
    """Stores the reminder unless one with its idempotency key exists; True when it was new.

    One INSERT … ON CONFLICT (idempotency_key) DO NOTHING: planning the same reminder twice, or from two
    instances at once, leaves one row — whatever state that row is in by now (sent, done, cancelled).
    """
    table = Reminder.__table__
    statement = (
        dialect_insert(session, table)
        .values(**_row(spec, utc_now()))
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(table.c.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def schedule_many(session: AsyncSession, specs: Iterable[ReminderSpec]) -> int:
    """`schedule` for many reminders in a few statements; returns how many were new.

    Rows go in key order, so that two instances planning overlapping sets on PostgreSQL take the unique
    index's locks in the same order and never deadlock.
    """
    rows_by_key = {spec.idempotency_key: spec for spec in specs}
    if not rows_by_key:
        return 0
    now = utc_now()
    rows = [_row(rows_by_key[key], now) for key in sorted(rows_by_key)]
    table = Reminder.__table__
    # One statement, compiled once and cached, its rows sent as multi-row INSERTs by SQLAlchemy's
    # "insertmanyvalues" (a VALUES list of hundreds of rows compiled anew each call costs more than the insert).
    statement = (
        dialect_insert(session, table)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(table.c.id)
    )
    return len((await session.execute(statement, rows)).all())


# --- Claiming and delivery outcomes -------------------------------------------------------------------------


def _kind_not_paused(candidate: FromClause) -> ColumnElement[bool]:
    """The candidate's recipient has not paused reminders of its kind."""
    paused = (
        select(ReminderPause.id)
        .where(ReminderPause.user_id == candidate.c.recipient_user_id, ReminderPause.kind == candidate.c.kind)
        .exists()
    )
    return ~paused


async def claim_due(
    session: AsyncSession, *, now: datetime, owner: str, lease: timedelta, limit: int
) -> list[Reminder]:
    """Takes up to `limit` due reminders whose recipient has not paused their kind for `owner` until
    `now + lease` (`storage.leases.claim_due`: no two claimers get the same one); commit right after. They come
    back soonest first, `recipient_user` loaded."""
    return await leases.claim_due(session, Reminder, CLAIMABLE_REMINDER_STATES, now=now, owner=owner, lease=lease,
                                  limit=limit, also=_kind_not_paused)


async def _finish_lease(
    session: AsyncSession, reminder_id: int, owner: str, values: dict[str, Any], *, attempted: bool = True
) -> bool:
    """Applies `values` if `owner` still holds the reminder's lease; the lease is released either way it goes.
    `attempted`: a send was tried, and counts among the attempts."""
    return await finish_lease(session, Reminder, reminder_id, owner, CLAIMABLE_REMINDER_STATES, values,
                              attempted=attempted)


async def mark_sent(session: AsyncSession, reminder_id: int, *, owner: str, at: datetime) -> bool:
    """Delivered at `at`. False (nothing changed) when `owner` no longer holds the reminder: its lease ran out and
    another instance took it, or the user acted on it meanwhile."""
    _require_aware(at, "at")
    return await _finish_lease(session, reminder_id, owner, {"state": ReminderState.SENT, "sent_at": at})


async def mark_sent_many(
    session: AsyncSession, reminder_ids: Iterable[int], *, owner: str, at: datetime
) -> set[int]:
    """`mark_sent` for a batch: one UPDATE per `_MARK_CHUNK` ids, in the caller's transaction. Returns the ids
    marked; a reminder `owner` no longer holds (its lease ran out and another instance took it, or the user
    acted on it meanwhile) is left as it is, and is not among them."""
    _require_aware(at, "at")
    # In id order, so that two transactions touching the same rows (a user's "Klart") lock them in one order.
    ids = sorted(set(reminder_ids))
    table = Reminder.__table__
    marked: set[int] = set()
    for start in range(0, len(ids), _MARK_CHUNK):
        statement = (
            update(table)
            .where(
                table.c.id.in_(ids[start : start + _MARK_CHUNK]),
                table.c.lease_owner == owner,
                table.c.state.in_(list(CLAIMABLE_REMINDER_STATES)),
            )
            .values(state=ReminderState.SENT, sent_at=at, attempts=table.c.attempts + 1, updated_at=utc_now(),
                    **RELEASED)
            .returning(table.c.id)
        )
        marked.update((await session.scalars(statement)).all())
    return marked


async def mark_retry(
    session: AsyncSession, reminder_id: int, *, owner: str, error: str, retry_at: datetime
) -> bool:
    """Delivery failed for now (a 5xx, a timeout): try again at `retry_at`. The attempt is counted."""
    _require_aware(retry_at, "retry_at")
    return await _finish_lease(
        session,
        reminder_id,
        owner,
        {"state": ReminderState.PENDING, "due_at": retry_at, "last_error": _short(error)},
    )


async def mark_failed(session: AsyncSession, reminder_id: int, *, owner: str, error: str) -> bool:
    """Delivery can never succeed (the conversation is gone, the app uninstalled): stop trying."""
    return await _finish_lease(
        session, reminder_id, owner, {"state": ReminderState.FAILED, "last_error": _short(error)}
    )


def _short(error: str) -> str:
    return shortened(error, _ERROR_MAX_LENGTH)


def _skipped_details(
    reminder: Reminder, reason: SkipReason, at: datetime, superseded_by: int | None
) -> dict[str, Any]:
    """The reminder's details with why it was skipped added; what it was planned with stays as it was."""
    record: dict[str, Any] = {"reason": SkipReason(reason).value, "at": at.isoformat()}
    if superseded_by is not None:
        record["superseded_by"] = superseded_by
    return {**(reminder.details or {}), SKIPPED_DETAILS_KEY: record}


async def mark_skipped(
    session: AsyncSession,
    reminder: Reminder,
    *,
    owner: str,
    reason: SkipReason,
    at: datetime,
    superseded_by: int | None = None,
) -> bool:
    """Not sent, and never will be: cancelled, with `reason` (and the reminder sent instead) in
    `details["skipped"]`, so that a list shows what became of it. Only while `owner` holds the lease; no
    attempt is counted, since nothing was sent. False (nothing changed) when `owner` no longer holds it."""
    _require_aware(at, "at")
    values = {"state": ReminderState.CANCELLED, "details": _skipped_details(reminder, reason, at, superseded_by)}
    return await _finish_lease(session, reminder.id, owner, values, attempted=False)


def skip_of(reminder: Reminder) -> tuple[SkipReason, int | None] | None:
    """Why a cancelled reminder was skipped instead of sent, and the one sent instead; None if it was not."""
    record = (reminder.details or {}).get(SKIPPED_DETAILS_KEY)
    if not isinstance(record, dict):
        return None
    try:
        reason = SkipReason(record.get("reason"))
    except ValueError:
        return None
    superseded_by = record.get("superseded_by")
    return reason, superseded_by if isinstance(superseded_by, int) else None


async def due_alongside(session: AsyncSession, reminders: Sequence[Reminder], *, now: datetime) -> list[Reminder]:
    """The reminders about the same subjects, of the same kinds and to the same recipients as `reminders`, that
    are due at `now` too: still to send (whoever holds them) or sent since the earliest of `reminders` fell due.
    What a pile is made of, for `reminders.relevance.sort_out`; `reminders` themselves are among them."""
    _require_aware(now, "now")
    if not reminders:
        return []
    wanted = {_recipient_and_subject(reminder) for reminder in reminders}
    statement = select(Reminder).where(
        # Subject type and id together: what ix_reminders_subject_type_subject_id serves.
        Reminder.subject_type.in_(sorted({ReminderSubjectType(reminder.subject_type) for reminder in reminders})),
        Reminder.subject_id.in_(sorted({reminder.subject_id for reminder in reminders})),
        Reminder.kind.in_(sorted({ReminderKind(reminder.kind) for reminder in reminders})),
        Reminder.state.in_([*CLAIMABLE_REMINDER_STATES, ReminderState.SENT]),
        Reminder.due_at <= now,
        Reminder.due_at >= min(reminder.due_at for reminder in reminders),
    )
    found = (await session.scalars(statement)).all()
    return [reminder for reminder in found if _recipient_and_subject(reminder) in wanted]


def _recipient_and_subject(reminder: Reminder) -> tuple[Any, ...]:
    return (
        reminder.recipient_user_id,
        reminder.recipient_conversation_id,
        ReminderSubjectType(reminder.subject_type).value,
        reminder.subject_id,
        ReminderKind(reminder.kind).value,
    )


# --- What users do with their reminders ---------------------------------------------------------------------


async def get_reminder(session: AsyncSession, reminder_id: int) -> Reminder | None:
    return await session.scalar(
        select(Reminder)
        .where(Reminder.id == reminder_id)
        .options(selectinload(Reminder.recipient_user))
        .execution_options(populate_existing=True)
    )


async def _for_recipient(session: AsyncSession, reminder_id: int, user_id: int) -> Reminder:
    """The reminder, if `user_id` may act on it: its recipient; for one sent to a channel or chat, a KS
    coordinator or administrator (a channel has no single recipient to ask)."""
    reminder = await get_reminder(session, reminder_id)
    if reminder is None:
        raise NotFound(f"No reminder with id {reminder_id}")
    if reminder.recipient_user_id is not None:
        if reminder.recipient_user_id != user_id:
            raise AccessDenied(f"User {user_id} may not act on reminder {reminder_id}")
        return reminder
    user = await session.get(User, user_id)
    if user is None or not can_see_all_organisations(user):
        raise AccessDenied(f"User {user_id} may not act on reminder {reminder_id}")
    return reminder


async def mark_done(
    session: AsyncSession, reminder_id: int, *, user_id: int, at: datetime | None = None
) -> Reminder:
    """The recipient says the thing is done ("Klart"): this reminder is done, and the reminders still to come
    for the same subject, kind and cycle are cancelled — Lotsen reminds until it is done, not after.

    Pressing it again changes nothing. NotFound for an unknown id, AccessDenied for anyone but the recipient.
    """
    done_at = at or utc_now()
    _require_aware(done_at, "at")
    reminder = await _for_recipient(session, reminder_id, user_id)
    if reminder.state == ReminderState.DONE:
        return reminder
    reminder.state = ReminderState.DONE
    reminder.done_at = done_at
    release(reminder)
    await session.flush()
    await _cancel_still_to_come(
        session,
        Reminder.subject_type == reminder.subject_type,
        Reminder.subject_id == reminder.subject_id,
        Reminder.kind == reminder.kind,
        Reminder.cycle == reminder.cycle,
        Reminder.id != reminder.id,
    )
    return reminder


async def snooze(session: AsyncSession, reminder_id: int, *, user_id: int, until: datetime) -> Reminder:
    """"Påminn mig om en vecka": deliver the reminder again at `until`.

    A reminder that is done or cancelled stays so and is returned unchanged (check `state`): snoozing what
    a colleague has already finished must not bring it back. Recipient only, as for `mark_done`.
    """
    _require_aware(until, "until")
    reminder = await _for_recipient(session, reminder_id, user_id)
    if reminder.state in (ReminderState.DONE, ReminderState.CANCELLED):
        return reminder
    reminder.state = ReminderState.SNOOZED
    reminder.due_at = until
    release(reminder)
    await session.flush()
    return reminder


async def cancel_for_subject(
    session: AsyncSession, subject_type: str, subject_id: int, kinds: list[str] | None = None
) -> int:
    """Cancels the reminders still to come about a subject (of the given kinds, or all); returns how many.

    For the places where the thing gets done outside a reminder card: the informationsärende marked sent,
    the application submitted, the call deadline changed (cancel, then plan again).
    """
    conditions = [Reminder.subject_type == ReminderSubjectType(subject_type), Reminder.subject_id == subject_id]
    if kinds is not None:
        conditions.append(Reminder.kind.in_([ReminderKind(kind) for kind in kinds]))
    return await _cancel_still_to_come(session, *conditions)


async def _cancel_still_to_come(session: AsyncSession, *conditions: ColumnElement[bool]) -> int:
    """Cancels the reminders that meet `conditions` and are still to be sent (pending or snoozed), whoever
    holds them: their lease is given back, and a claimer's outcome then changes nothing. Returns how many."""
    result = await session.execute(
        update(Reminder)
        .where(*conditions, Reminder.state.in_(CLAIMABLE_REMINDER_STATES))
        .values(state=ReminderState.CANCELLED, updated_at=utc_now(), **RELEASED)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount  # type: ignore[attr-defined,no-any-return]


async def list_upcoming_for_user(session: AsyncSession, user_id: int, *, now: datetime) -> list[Reminder]:
    """What is still coming to the user ("mina påminnelser"), soonest first.

    Pending and snoozed reminders, including those of a paused kind (the chat can say they are paused) and
    overdue ones (they go out as soon as a scheduler runs), but not one being delivered at `now`.
    """
    _require_aware(now, "now")
    statement = (
        select(Reminder)
        .where(
            Reminder.recipient_user_id == user_id,
            Reminder.state.in_(CLAIMABLE_REMINDER_STATES),
            lease_is_free(Reminder.lease_expires_at, now),
        )
        .options(selectinload(Reminder.recipient_user))
        .order_by(Reminder.due_at, Reminder.id)
    )
    return list((await session.scalars(statement)).all())


async def list_reminders(
    session: AsyncSession, *, states: Iterable[str] | None = None, limit: int = 200
) -> list[Reminder]:
    """Reminders in any (or the given) states, soonest due first, for operations (`app.py reminders list`)."""
    statement = select(Reminder).options(selectinload(Reminder.recipient_user))
    if states is not None:
        statement = statement.where(Reminder.state.in_([ReminderState(state) for state in states]))
    statement = statement.order_by(Reminder.due_at, Reminder.id).limit(limit)
    return list((await session.scalars(statement)).all())


async def unreached_reminders(session: AsyncSession, *, since: datetime,
                              limit: int) -> tuple[list[Reminder], int]:
    """Reminders given up since `since` because their recipient could not be reached (no chat with Lotsen, and it
    could not be installed for them), newest first, with each recipient and their organisation; and how many
    there are in all. KS coordinators follow them up by hand."""
    _require_aware(since, "since")
    given_up = (Reminder.state == ReminderState.FAILED) & (Reminder.updated_at >= since)
    total = await session.scalar(select(func.count()).select_from(Reminder).where(given_up)) or 0
    rows = await session.scalars(
        select(Reminder)
        .options(selectinload(Reminder.recipient_user).selectinload(User.organisation))
        .where(given_up)
        .order_by(Reminder.updated_at.desc(), Reminder.id.desc())
        .limit(limit)
    )
    return list(rows.all()), total


async def pause_kind(session: AsyncSession, user_id: int, kind: str) -> bool:
    """Stops reminders of `kind` to the user until resumed (they stay pending); True when newly paused."""
    table = ReminderPause.__table__
    statement = (
        dialect_insert(session, table)
        .values(user_id=user_id, kind=ReminderKind(kind).value, created_at=utc_now())
        .on_conflict_do_nothing(index_elements=["user_id", "kind"])
        .returning(table.c.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def resume_kind(session: AsyncSession, user_id: int, kind: str, *, now: datetime | None = None) -> bool:
    """Delivers reminders of `kind` to the user again; True when the kind was paused.

    What fell due during the pause is not sent as a pile: of several overdue reminders about one subject only
    the latest goes out (`cancel_superseded`).
    """
    result = await session.execute(
        delete(ReminderPause).where(ReminderPause.user_id == user_id, ReminderPause.kind == ReminderKind(kind))
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        return False
    await cancel_superseded(session, now=now or utc_now(), user_id=user_id, kind=kind)
    return True


async def paused_kinds(session: AsyncSession, user_id: int) -> set[str]:
    kinds = await session.scalars(select(ReminderPause.kind).where(ReminderPause.user_id == user_id))
    return {ReminderKind(kind).value for kind in kinds}


async def cancel_superseded(
    session: AsyncSession, *, now: datetime, user_id: int | None = None, kind: str | None = None
) -> int:
    """Of several overdue, undelivered reminders to one recipient about the same subject and kind, keeps the
    latest and cancels the earlier ones ("7 days left" makes "14 days left" pointless); returns how many.

    For resuming a paused kind, so that the pile is gone from "mina påminnelser" at once; the scheduler makes
    the same choice itself as it sends (`reminders.relevance`). Reminders held by a claimer are left alone;
    the cancelled ones say why, as `mark_skipped` does.
    """
    _require_aware(now, "now")
    statement = select(Reminder).where(
        Reminder.state.in_(CLAIMABLE_REMINDER_STATES),
        Reminder.due_at <= now,
        lease_is_free(Reminder.lease_expires_at, now),
    )
    if user_id is not None:
        statement = statement.where(Reminder.recipient_user_id == user_id)
    if kind is not None:
        statement = statement.where(Reminder.kind == ReminderKind(kind))
    overdue = (await session.scalars(statement.order_by(Reminder.due_at.desc(), Reminder.id.desc()))).all()
    latest: dict[tuple[Any, ...], int] = {}
    cancelled = 0
    for reminder in overdue:
        group = _recipient_and_subject(reminder)
        if group not in latest:
            latest[group] = reminder.id
            continue
        result = await session.execute(
            update(Reminder)
            .where(Reminder.id == reminder.id, Reminder.state.in_(CLAIMABLE_REMINDER_STATES))
            .values(state=ReminderState.CANCELLED, updated_at=utc_now(),
                    details=_skipped_details(reminder, SkipReason.SUPERSEDED, now, latest[group]))
            .execution_options(synchronize_session="fetch")
        )
        cancelled += result.rowcount  # type: ignore[attr-defined]
    return cancelled


# --- What the planner reads, and what it tidies up ----------------------------------------------------------


async def contact_person_ids_by_organisation(session: AsyncSession) -> dict[int, list[int]]:
    """For each active organisation that has any: the ids of its contact persons (3.3, 3.4), sorted.

    The sources are `storage.contact_persons.contact_person_links`': the person chosen in the directory for the
    registry (the user with that Entra object id, whatever their name), or the user linked there by name (while
    still placed in that organisation: someone who moved on is no longer its contact), and users with role
    contact_person.
    """
    links = contact_person_links().subquery()
    rows = await session.execute(
        select(links.c.organisation_id, links.c.user_id)
        .join(Organisation, Organisation.id == links.c.organisation_id)
        .where(Organisation.active.is_(True))
        .order_by(links.c.organisation_id, links.c.user_id)
    )
    by_organisation: dict[int, list[int]] = {}
    for organisation_id, user_id in rows.all():
        by_organisation.setdefault(organisation_id, []).append(user_id)
    return by_organisation


async def ks_coordinator_ids(session: AsyncSession) -> list[int]:
    statement = select(User.id).where(User.role == Role.KS_COORDINATOR).order_by(User.id)
    return list((await session.scalars(statement)).all())


async def user_ids_by_teams_id(session: AsyncSession, teams_user_ids: Iterable[str]) -> dict[str, int]:
    wanted = sorted({teams_id for teams_id in teams_user_ids if teams_id})
    if not wanted:
        return {}
    rows = await session.execute(select(User.teams_user_id, User.id).where(User.teams_user_id.in_(wanted)))
    return {teams_id: user_id for teams_id, user_id in rows}


def _to_remind(today: date) -> ColumnElement[bool]:
    """Applications something may still be reminded of: drafts whose call deadline is today or later, and any
    whose informationsärende is still to do."""
    open_item = exists().where(
        InformationItem.application_id == Application.id, InformationItem.status == InformationItemStatus.TO_SEND
    )
    return ((Application.status == ApplicationStatus.DRAFT) & (Application.call_deadline >= today)) | open_item


async def application_ids_to_remind(session: AsyncSession, *, today: date) -> list[int]:
    """The ids of `applications_to_remind`, in order: two index lookups (drafts by call deadline, informationsärenden
    by status), however many applications the years have brought."""
    drafts = select(Application.id).where(
        Application.status == ApplicationStatus.DRAFT, Application.call_deadline >= today)
    open_items = select(InformationItem.application_id).where(InformationItem.status == InformationItemStatus.TO_SEND)
    return sorted(set((await session.scalars(drafts)).all()) | set((await session.scalars(open_items)).all()))


async def applications_to_remind(
    session: AsyncSession, *, today: date, ids: Sequence[int] | None = None
) -> list[Application]:
    """Applications something may still be reminded of (drafts whose call deadline is today or later, and any
    whose informationsärende is still to do), of `ids` only when given (a chunk of `application_ids_to_remind`).
    With organisation, creator and information item loaded, by id."""
    statement = select(Application).where(_to_remind(today))
    if ids is not None:
        statement = statement.where(Application.id.in_(list(ids)))
    statement = statement.options(
        selectinload(Application.organisation),
        selectinload(Application.created_by),
        selectinload(Application.information_item),
    ).order_by(Application.id)
    return list((await session.scalars(statement)).all())


async def done_cycles(
    session: AsyncSession, kinds: Iterable[str], subjects: Iterable[tuple[str, int]] | None = None
) -> set[tuple[str, int, str, str]]:
    """(subject_type, subject_id, kind, cycle) of every round somebody has marked done ("Klart"), for the
    planner: a round its recipient called done is not planned again. With `subjects` ((subject_type,
    subject_id) pairs: those being planned), only theirs are read, through the subject index."""
    statement = select(Reminder.subject_type, Reminder.subject_id, Reminder.kind, Reminder.cycle).where(
        Reminder.state == ReminderState.DONE, Reminder.kind.in_([ReminderKind(kind) for kind in kinds]))
    if subjects is None:
        rows = list((await session.execute(statement.distinct())).all())
    else:
        ids_by_type: dict[ReminderSubjectType, set[int]] = {}
        for subject_type, subject_id in subjects:
            ids_by_type.setdefault(ReminderSubjectType(subject_type), set()).add(subject_id)
        rows = []
        for subject_type, ids in sorted(ids_by_type.items()):
            rows += (await session.execute(statement.where(
                Reminder.subject_type == subject_type, Reminder.subject_id.in_(sorted(ids))).distinct())).all()
    return {
        (ReminderSubjectType(subject_type).value, subject_id, ReminderKind(kind).value, cycle)
        for subject_type, subject_id, kind, cycle in rows
    }


async def scheduled_keys(session: AsyncSession, keys: Iterable[str]) -> set[str]:
    """Which of the idempotency keys are stored already (in any state): what planning again would not add, read
    through the unique index so that a planner finding nothing new writes nothing."""
    wanted = sorted(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), _INSERT_CHUNK):
        found.update((await session.scalars(
            select(Reminder.idempotency_key).where(Reminder.idempotency_key.in_(wanted[start : start + _INSERT_CHUNK]))
        )).all())
    return found


async def cancel_resolved(session: AsyncSession) -> int:
    """Cancels reminders whose duty is visibly fulfilled in the data, however it got there; returns how many.

    - an application's deadline reminders, once the application is no longer a draft (it was submitted);
    - an informationsärende's reminders, once it is marked sent;
    - an organisation's missing-contact-person reminders, once it has a contact person (a row in the
      registry, or a user with role contact_person), and any about a kind of organisation that need not
      appoint one (a bolag, 3.4: planned before that was known, or its kind changed);
    - annual report reminders to an organisation that need not report (a bolag, 3.4) unless its voluntary
      report of the reminder's year is open (`storage.annual_reports.needs_report_reminder`);
    - an organisation's reminders of either kind, once it is no longer active.
    Only facts about subjects that exist count: a reminder whose subject is not found is left alone.
    """
    # Each a condition on the reminder's subject, looked up by its key for the reminders still to come of the
    # kind (ix_reminders_kind_state_subject_type_subject_id): a few rows, not every application or item.
    def application_is(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
        return exists().where(Application.id == Reminder.subject_id, *conditions)

    def item_is(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
        return exists().where(InformationItem.id == Reminder.subject_id, *conditions)

    def organisation_is(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
        return exists().where(Organisation.id == Reminder.subject_id, *conditions)

    inactive = organisation_is(Organisation.active.is_(False))
    conditions = [
        (ReminderKind.APPLICATION_DEADLINE, ReminderSubjectType.APPLICATION,
         application_is(Application.status != ApplicationStatus.DRAFT)),
        (ReminderKind.INFORMATION_ITEM, ReminderSubjectType.INFORMATION_ITEM,
         item_is(InformationItem.status == InformationItemStatus.SENT)),
        # A name in the registry is a contact person even before they use Lotsen; so is a contact_person user.
        (ReminderKind.MISSING_CONTACT_PERSON, ReminderSubjectType.ORGANISATION,
         organisation_is(has_contact_person(Organisation.id, unlinked_name_counts=True))),
        (ReminderKind.MISSING_CONTACT_PERSON, ReminderSubjectType.ORGANISATION, inactive),
        (ReminderKind.MISSING_CONTACT_PERSON, ReminderSubjectType.ORGANISATION,
         organisation_is(Organisation.kind.not_in(sorted(kinds_that_must_appoint_contact())))),
        (ReminderKind.ANNUAL_REPORT, ReminderSubjectType.ORGANISATION, inactive),
    ]
    cancelled = 0
    for kind, subject_type, resolved in conditions:
        cancelled += await _cancel_still_to_come(
            session, Reminder.kind == kind, Reminder.subject_type == subject_type, resolved)
    return cancelled + await _cancel_unasked_report_reminders(session)


def _report_year(cycle: str | None) -> int | None:
    """The year of the report an annual report reminder is about: its cycle is the deadline, in the year after."""
    try:
        return date.fromisoformat(cycle).year - 1 if cycle else None
    except ValueError:
        return None


async def _cancel_unasked_report_reminders(session: AsyncSession) -> int:
    """Cancels the annual report reminders to organisations that need not report (a bolag, 3.4) whose report of
    the reminder's year is not open: never started (no duty to remind of), or handed in (nothing left to do)."""
    voluntary_kinds = sorted(set(OrganisationKind) - kinds_that_must_report())
    if not voluntary_kinds:
        return 0
    rows = (
        await session.execute(
            select(Reminder.id, Reminder.subject_id, Reminder.cycle)
            .join(Organisation, Organisation.id == Reminder.subject_id)
            .where(
                Reminder.kind == ReminderKind.ANNUAL_REPORT,
                Reminder.subject_type == ReminderSubjectType.ORGANISATION,
                Reminder.state.in_(CLAIMABLE_REMINDER_STATES),
                Organisation.kind.in_(voluntary_kinds),
            )
        )
    ).all()
    if not rows:
        return 0
    open_reports = set(
        (
            await session.execute(
                select(AnnualReport.organisation_id, AnnualReport.year).where(
                    AnnualReport.organisation_id.in_({row.subject_id for row in rows}),
                    AnnualReport.status.in_([status.value for status in OPEN_ANNUAL_REPORT_STATUSES]),
                )
            )
        ).all()
    )
    unasked = [row.id for row in rows if (row.subject_id, _report_year(row.cycle)) not in open_reports]
    if not unasked:
        return 0
    return await _cancel_still_to_come(session, Reminder.id.in_(unasked))
