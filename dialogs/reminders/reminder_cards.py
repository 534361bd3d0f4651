"""The reminder card, one shape per kind, and the words that name a reminder in replies and lists.

Everything a card says comes from the reminder's `details` (copied in when it was planned: project, reference,
deadline, organisation, the source section) and the catalog, so a card can be built from the reminder alone —
the scheduler needs no other lookup to send it. Every button carries the reminder's id ("Klart", "Påminn mig
om en vecka"), or the application's ("Öppna", handled by "mina ansökningar"), or the annual report's year
("Öppna" sends "årsredovisning 2026"), so an old card still acts on the reminder it was sent for.
"""

from __future__ import annotations

from datetime import date
from typing import Any


from dialogs.common.cards import Card, adaptive_card, send_text_action
from dialogs.applications.application_cards import OPEN_ACTION as OPEN_APPLICATION_ACTION
from dialogs.common.formatting import format_date
from policy import PolicyError, get_section
from reminders.rules import get_rule
from storage.models import Reminder, ReminderKind, ReminderSubjectType
from texts import Language, text

DONE_ACTION = "reminder_done"
SNOOZE_ACTION = "reminder_snooze"
ACTIONS = frozenset({DONE_ACTION, SNOOZE_ACTION})
# Kinds about one application: "Öppna" opens it in "mina ansökningar"; the others send a command instead.
APPLICATION_KINDS = frozenset({ReminderKind.APPLICATION_DEADLINE.value, ReminderKind.INFORMATION_ITEM.value})


def _kind(reminder: Reminder) -> str:
    return ReminderKind(reminder.kind).value


def _card_key(reminder: Reminder) -> str:
    """Which card texts: the kind's, or for a bolag's voluntary annual report (3.4) texts that say it is one."""
    kind = _kind(reminder)
    if kind == ReminderKind.ANNUAL_REPORT.value and (reminder.details or {}).get("voluntary") is True:
        return "annual_report_voluntary"
    return kind


def _deadline(reminder: Reminder) -> date | None:
    value = (reminder.details or {}).get("deadline")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _when(deadline: date, today: date, lang: Language) -> str:
    """"om 7 dagar", "i morgon", "i dag": counted on the day the card is sent, not the day it was planned."""
    days = (deadline - today).days
    if days > 1:
        return text("reminders.card.when.days", lang, days=days)
    if days == 1:
        return text("reminders.card.when.tomorrow", lang)
    if days == 0:
        return text("reminders.card.when.today", lang)
    return text("reminders.card.when.passed", lang)


def _values(reminder: Reminder, lang: Language, today: date | None = None) -> dict[str, str]:
    details: dict[str, Any] = reminder.details or {}
    deadline = _deadline(reminder)
    return {
        "project": str(details.get("project_name") or text("reminders.card.untitled", lang)),
        "reference": str(details.get("reference") or text("reminders.card.no_reference", lang)),
        "organisation": str(details.get("organisation") or text("reminders.card.unknown_organisation", lang)),
        "deadline": format_date(deadline, lang) if deadline else "–",
        "when": _when(deadline, today, lang) if deadline and today else "",
    }


def reminder_title(reminder: Reminder, lang: Language) -> str:
    return text(f"reminders.card.{_card_key(reminder)}.title", lang, **_values(reminder, lang))


def reminder_subject(reminder: Reminder, lang: Language) -> str:
    """What the reminder is about, for a sentence: "sista ansökningsdag för Gröna tak (EU-2026-0001)"."""
    return text(f"reminders.subject.{_kind(reminder)}", lang, **_values(reminder, lang))


def application_id_of(reminder: Reminder) -> int | None:
    """The application a reminder is about: its subject, or (for an informationsärende) the one in its details."""
    if ReminderSubjectType(reminder.subject_type) == ReminderSubjectType.APPLICATION:
        return reminder.subject_id
    value = (reminder.details or {}).get("application_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def source_section(reminder: Reminder) -> str:
    """The policy section the card cites: the one planned with the reminder, else the rule's first."""
    planned = (reminder.details or {}).get("source")
    if isinstance(planned, str) and planned and planned != "configuration":
        return planned
    return get_rule(_kind(reminder)).policy_sections[0]


def _source_line(reminder: Reminder, lang: Language) -> str:
    section = source_section(reminder)
    try:
        title = getattr(get_section(section).title, lang)
    except PolicyError:  # a section since renumbered: its number still tells where to look
        title = ""
    return text("reminders.card.source", lang, section=section, title=title).rstrip()


def report_year_of(reminder: Reminder) -> int | None:
    """The year of the annual report a reminder is about. One asked for by KS förvaltning says so
    (`report_year`); a planned one has the deadline's `year`, and the report is of the year before it."""
    details: dict[str, Any] = reminder.details or {}
    for key, offset in (("report_year", 0), ("year", 1)):
        value = details.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value - offset
    deadline = _deadline(reminder)
    return deadline.year - 1 if deadline is not None else None


def _open_action(reminder: Reminder, lang: Language) -> dict[str, Any] | None:
    title = text("reminders.card.buttons.open", lang)
    kind = _kind(reminder)
    if kind in APPLICATION_KINDS:
        application_id = application_id_of(reminder)
        if application_id is None:
            return None
        return {"type": "Action.Submit", "title": title,
                "data": {"action": OPEN_APPLICATION_ACTION, "application_id": application_id}}
    if kind == ReminderKind.ANNUAL_REPORT.value and (year := report_year_of(reminder)) is not None:
        # The report the reminder is about, not whichever year "årsredovisning" alone would open.
        return send_text_action(title, text("annual_report.open_command", lang, year=year))
    return send_text_action(title, text(f"reminders.card.open_messages.{kind}", lang))


def reminder_card(reminder: Reminder, lang: Language, today: date, *, pressed: str | None = None) -> Card:
    """The reminder as sent. With `pressed` (what "Klart" or "Påminn mig om en vecka" did) it is the card that
    replaces it once pressed: that line in place of those two buttons, "Öppna" kept."""
    values = _values(reminder, lang, today)
    key = _card_key(reminder)
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": text(f"reminders.card.{key}.title", lang, **values), "size": "Medium",
         "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": text(f"reminders.card.{key}.body", lang, **values), "wrap": True},
    ]
    body.append({"type": "TextBlock", "text": _source_line(reminder, lang), "isSubtle": True, "size": "Small",
                 "wrap": True, "spacing": "Small"})
    if pressed is not None:
        body.append({"type": "TextBlock", "text": pressed, "wrap": True, "weight": "Bolder", "color": "Good"})
    done = ("reminders.card.buttons.done_information_item" if _kind(reminder) == ReminderKind.INFORMATION_ITEM.value
            else "reminders.card.buttons.done")
    actions = [] if pressed is not None else [
        {"type": "Action.Submit", "title": text(done, lang),
         "data": {"action": DONE_ACTION, "reminder_id": reminder.id}},
        {"type": "Action.Submit", "title": text("reminders.card.buttons.snooze", lang),
         "data": {"action": SNOOZE_ACTION, "reminder_id": reminder.id}},
    ]
    if (open_action := _open_action(reminder, lang)) is not None:
        actions.append(open_action)
    return adaptive_card(body, actions)
