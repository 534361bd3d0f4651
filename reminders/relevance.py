"""Whether a claimed reminder is still worth sending; the scheduler asks just before it sends.

Two reasons not to send one. Each is recorded on the reminder (`storage.reminders.mark_skipped`: state
cancelled, why in `details["skipped"]`), so that no list shows it as still to come or as sent:

- **deadline passed** (`SkipReason.DEADLINE_PASSED`): the reminder leads up to a deadline (its rule counts
  `days_before` one: the call deadline, the annual report's) and that deadline lies before today in Malmö. It
  was due while Lotsen was down, or was retried, snoozed or paused past it: "the deadline is … before you
  submit" would be wrong, and the reminder no longer helps. The deadline day itself still counts. Reminders
  that go on until something is done have no deadline and are never dropped for this: the weekly
  informationsärende (it may go after the application is submitted, 4.1) and the monthly missing contact
  person; nor is an annual report reminder a KS coordinator asked for ("Påminn alla som inte har skickat
  in", `on_request`), which is meant for after the deadline too.
- **superseded** (`SkipReason.SUPERSEDED`): several reminders of one pile are due at once (after downtime:
  three weekly "the informationsärende is still missing"); only the latest is sent. A pile is one recipient's
  reminders about one subject of one kind; for a deadline reminder also of one deadline (its cycle), so that
  the reminders of two years' annual reports are two piles. Reminders whose deadline has passed are no one's
  latest, and one another instance is sending or has just sent counts as the latest when it is.

Pure: reminders in, decisions out; the scheduler reads the piles from the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from reminders.rules import get_rule
from storage.models import Reminder, ReminderKind, ReminderSubjectType
from storage.reminders import SkipReason

__all__ = ["Skip", "Sorting", "SkipReason", "deadline_of", "deadline_passed", "pile_of", "sort_out"]

PileKey = tuple[int | None, str | None, str, int, str, str]


@dataclass(frozen=True)
class Skip:
    reminder: Reminder
    reason: SkipReason
    superseded_by: int | None = None  # the reminder sent instead, for SUPERSEDED


@dataclass
class Sorting:
    to_send: list[Reminder] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)


def _leads_up_to_a_deadline(reminder: Reminder) -> bool:
    return get_rule(ReminderKind(reminder.kind)).deadline is not None


def deadline_of(reminder: Reminder) -> date | None:
    """The deadline the reminder leads up to; None for those that go on until done, or that KS asked for."""
    details: dict[str, Any] = reminder.details or {}
    if not _leads_up_to_a_deadline(reminder) or details.get("on_request") is True:
        return None
    # The planner puts the deadline in the details and in the cycle; either will do.
    for value in (details.get("deadline"), reminder.cycle):
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and value:
            try:
                return date.fromisoformat(value)
            except ValueError:
                continue
    return None


def deadline_passed(reminder: Reminder, today: date) -> bool:
    """True when the reminder's deadline was before `today` (Malmö's date); the deadline day still counts."""
    deadline = deadline_of(reminder)
    return deadline is not None and deadline < today


def pile_of(reminder: Reminder) -> PileKey:
    """What makes reminders one pile: recipient, subject, kind, and the deadline for a deadline reminder."""
    kind = ReminderKind(reminder.kind)
    return (
        reminder.recipient_user_id,
        reminder.recipient_conversation_id,
        ReminderSubjectType(reminder.subject_type).value,
        reminder.subject_id,
        kind.value,
        (reminder.cycle or "") if _leads_up_to_a_deadline(reminder) else "",
    )


def _order(reminder: Reminder) -> tuple[datetime, int]:
    return reminder.due_at, reminder.id


def _latest_by_pile(reminders: Iterable[Reminder], today: date) -> dict[PileKey, Reminder]:
    latest: dict[PileKey, Reminder] = {}
    for reminder in reminders:
        if deadline_passed(reminder, today):
            continue
        key = pile_of(reminder)
        if key not in latest or _order(reminder) > _order(latest[key]):
            latest[key] = reminder
    return latest


def sort_out(claimed: Sequence[Reminder], due_alongside: Iterable[Reminder], today: date) -> Sorting:
    """Which of the `claimed` reminders to send and which to skip, and why.

    `due_alongside`: the reminders of the same piles that are due too — still to send, whoever holds them, or
    already sent since (`storage.reminders.due_alongside`); the claimed ones may be among them.
    """
    candidates = {reminder.id: reminder for reminder in due_alongside}
    candidates.update((reminder.id, reminder) for reminder in claimed)
    latest = _latest_by_pile(candidates.values(), today)
    sorting = Sorting()
    for reminder in claimed:
        if deadline_passed(reminder, today):
            sorting.skips.append(Skip(reminder, SkipReason.DEADLINE_PASSED))
            continue
        keeper = latest[pile_of(reminder)]
        if keeper.id != reminder.id:
            sorting.skips.append(Skip(reminder, SkipReason.SUPERSEDED, superseded_by=keeper.id))
        else:
            sorting.to_send.append(reminder)
    return sorting
