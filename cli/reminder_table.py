"""`python -m cli reminders list`'s table: one reminder a row, who it goes to and, for one skipped instead of
sent, why (reminders/relevance.py). Names are user text, shown as a terminal may show them."""

from __future__ import annotations

from cli.output import local_minute
from storage.models import Reminder, ReminderKind, ReminderState
from storage.reminders import SkipReason, skip_of
from storage.user_text import terminal_line

COLUMNS = ("id", "kind", "recipient", "due (Europe/Stockholm)", "state", "attempts")


def _recipient(reminder: Reminder) -> str:
    """Who a reminder goes to, as the terminal may show it (a name is user text)."""
    user = reminder.recipient_user
    if user is not None:
        shown = f"{user.name} ({user.teams_user_id})" if user.name else user.teams_user_id
        return terminal_line(shown)
    if reminder.recipient_conversation_id:
        return f"conversation {terminal_line(reminder.recipient_conversation_id)}"
    return "–"


def _state(reminder: Reminder) -> str:
    """The state, and for a reminder skipped instead of sent, why."""
    state = ReminderState(reminder.state).value
    skipped = skip_of(reminder)
    if skipped is None:
        return state
    reason, superseded_by = skipped
    if reason is SkipReason.SUPERSEDED:
        return f"{state} (superseded by {superseded_by})" if superseded_by else f"{state} (superseded)"
    return f"{state} (deadline passed)"


def format_table(reminders: list[Reminder]) -> str:
    """A plain-text table, one reminder a row; "no reminders" when there are none."""
    if not reminders:
        return "no reminders"
    rows = [
        (str(reminder.id), ReminderKind(reminder.kind).value, _recipient(reminder), local_minute(reminder.due_at),
         _state(reminder), str(reminder.attempts))
        for reminder in reminders
    ]
    widths = [max(len(column), *(len(row[index]) for row in rows)) for index, column in enumerate(COLUMNS)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(COLUMNS, widths)).rstrip(),
             "  ".join("-" * width for width in widths)]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)
