"""For KS coordinators, one list of what did not reach people: "Det som inte nått fram", whichever of its words
they write ("ej nådda", "meddelanden som inte nått fram", …). One card, two sections: the reminders given up in
the last UNREACHED_DAYS days because their recipient could not be reached (who, organisation, what, when, why),
and the notices of the outbox (reminders/outbox.py) still being tried or given up (what about, for whom, trying
or given up and when, attempts, last error), each cut at LISTED with the rest counted. KS coordinators and
administrators only (`can_see_all_organisations`), to follow up by hand.

Names that users typed reach the card as written: `adaptive_card` escapes every TextBlock (storage.user_text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.common.cards import Card, adaptive_card
from dialogs.common.formatting import format_moment
from dialogs.reminders.reminder_cards import reminder_subject
from storage.access import can_see_all_organisations
from storage.models import Notice, NoticeKind, NoticeState, Reminder, User
from storage.notices import count_undelivered, list_undelivered
from storage.reminders import unreached_reminders
from texts import Language, text

_TEXTS = "reminders.undelivered"
WORDS = f"{_TEXTS}.words"  # every word for the list: the reminders' ("ej nådda") and the notices' of before
UNREACHED_DAYS = 30  # how far back the reminders look: about one round of every kind of reminder
LISTED = 20  # a card in Teams must stay small: each section shows this many and counts the rest
# What a reminder's stored delivery error says about why it was given up (bot/proactive.py, bot/proactive_install.py):
# the first that matches names the reason a coordinator reads.
_UNREACHED_REASONS = (("could not be installed", "not_installed"), ("no stored conversation", "never_wrote"))


@dataclass(frozen=True)
class Undelivered:
    """What did not reach people: the newest of each kind, and how many there are in all."""

    reminders: list[Reminder]
    reminders_total: int
    notices: list[Notice]
    notices_total: int

    @property
    def empty(self) -> bool:
        return not self.reminders_total and not self.notices_total


async def find_undelivered(session: AsyncSession, *, now: datetime) -> Undelivered:
    reminders, reminders_total = await unreached_reminders(session, since=now - timedelta(days=UNREACHED_DAYS),
                                                           limit=LISTED)
    notices = await list_undelivered(session, limit=LISTED)
    # Counted only when the section is full: a short list is its own count.
    notices_total = await count_undelivered(session) if len(notices) == LISTED else len(notices)
    return Undelivered(reminders, reminders_total, notices, notices_total)


async def undelivered_reply(session: AsyncSession, viewer: User | None, lang: Language, *,
                            now: datetime) -> str | Card:
    """The list's card for a KS coordinator or administrator (its first text, the title, is what Teams previews);
    the refusal for anyone else; one sentence when nothing is undelivered."""
    if viewer is None or not can_see_all_organisations(viewer):
        return text(f"{_TEXTS}.coordinators_only", lang)
    found = await find_undelivered(session, now=now)
    if found.empty:
        return text(f"{_TEXTS}.none", lang, days=UNREACHED_DAYS)
    return undelivered_card(found, lang)


def undelivered_card(found: Undelivered, lang: Language) -> Card:
    body: list[dict[str, Any]] = [_block(text(f"{_TEXTS}.title", lang), size="Medium", weight="Bolder")]
    body += _reminders_section(found, lang)
    body += _notices_section(found, lang)
    return adaptive_card(body)


def _reminders_section(found: Undelivered, lang: Language) -> list[dict[str, Any]]:
    section = [_heading(text(f"{_TEXTS}.reminders.title", lang, total=found.reminders_total))]
    if not found.reminders:
        return section + [_block(text(f"{_TEXTS}.reminders.none", lang, days=UNREACHED_DAYS), isSubtle=True)]
    section.append(_block(text(f"{_TEXTS}.reminders.intro", lang, days=UNREACHED_DAYS)))
    for reminder in found.reminders:
        section.append(_block("• " + text(f"{_TEXTS}.reminders.item", lang, who=_recipient(reminder, lang),
                                          subject=reminder_subject(reminder, lang),
                                          when=format_moment(reminder.updated_at, lang)), spacing="Small"))
        section.append(_block(text(f"{_TEXTS}.reminders.reason.{_unreached_reason(reminder)}", lang),
                              spacing="None", isSubtle=True))
    section += _more(len(found.reminders), found.reminders_total, lang)
    section.append(_block(text(f"{_TEXTS}.reminders.hint", lang), isSubtle=True))
    return section


def _notices_section(found: Undelivered, lang: Language) -> list[dict[str, Any]]:
    section = [_heading(text(f"{_TEXTS}.notices.title", lang, total=found.notices_total))]
    if not found.notices:
        return section + [_block(text(f"{_TEXTS}.notices.none", lang), isSubtle=True)]
    section.append(_block(text(f"{_TEXTS}.notices.intro", lang)))
    for notice in found.notices:
        section.append(_block("• " + _about(notice, lang), spacing="Small"))
        section.append(_block(text(f"{_TEXTS}.notices.item", lang, state=_state(notice, lang),
                                   attempts=notice.attempts, error=notice.last_error or "–"),
                              spacing="None", isSubtle=True))
    section += _more(len(found.notices), found.notices_total, lang)
    return section


def _recipient(reminder: Reminder, lang: Language) -> str:
    recipient = reminder.recipient_user
    if recipient is None:
        return text(f"{_TEXTS}.reminders.unknown_recipient", lang)
    organisation = recipient.organisation.name if recipient.organisation else None
    return f"{recipient.name} ({organisation})" if organisation else recipient.name


def _unreached_reason(reminder: Reminder) -> str:
    error = reminder.last_error or ""
    return next((reason for marker, reason in _UNREACHED_REASONS if marker in error), "refused")


def _about(notice: Notice, lang: Language) -> str:
    details = notice.details or {}
    return text(f"{_TEXTS}.notices.about.{NoticeKind(notice.kind).value}", lang,
                subject=details.get("subject_name", ""), recipient=details.get("recipient_name", ""))


def _state(notice: Notice, lang: Language) -> str:
    if notice.state == NoticeState.FAILED:
        return text(f"{_TEXTS}.notices.given_up", lang, when=format_moment(notice.updated_at, lang))
    return text(f"{_TEXTS}.notices.trying", lang, when=format_moment(notice.due_at, lang))


def _more(shown: int, total: int, lang: Language) -> list[dict[str, Any]]:
    if total <= shown:
        return []
    return [_block(text(f"{_TEXTS}.more", lang, shown=shown, total=total), isSubtle=True)]


def _heading(title: str) -> dict[str, Any]:
    # Each section opens with a line across the card, so that on a phone the two kinds are told apart at a glance.
    return _block(title, weight="Bolder", separator=True, spacing="Large")


def _block(content: str, **style: object) -> dict[str, Any]:
    return {"type": "TextBlock", "text": content, "wrap": True, **style}
