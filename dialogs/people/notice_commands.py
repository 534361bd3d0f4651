"""KS coordinators see what Lotsen could not deliver (issue 12): "meddelanden som inte nått fram" lists the
notices of the outbox (reminders/outbox.py) still being tried and those given up, newest first, each with what
it is about, whom it was for, how many attempts, and the last error. KS coordinators and administrators only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.people.contact_commands import Words, match_phrase, phrases
from dialogs.common.turn import Turn
from dialogs.common.formatting import format_moment
from dialogs.common.turn_user import acting_user
from storage.access import can_see_all_organisations
from storage.models import Notice, NoticeKind, NoticeState
from storage.notices import list_undelivered
from storage.user_text import card_markdown
from texts import Language, text

LISTED = 20


@dataclass(frozen=True)
class UndeliveredRequest:
    pass


class NoticeCommands:
    """A `dialogs.common.chat_commands.ChatCommand`: the list of notices that have not reached their recipient."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    def recognise(self, message: str, value: object, lang: Language) -> UndeliveredRequest | None:
        words = Words.of(message or "")
        taken = match_phrase(words.folded, 0, phrases("notices.words.command"))
        return UndeliveredRequest() if taken and taken == len(words.folded) else None

    async def handle(self, turn: Turn, request: object) -> None:
        lang = turn.lang
        async with self._session_factory() as session:
            viewer = await acting_user(session, turn.context)
            if viewer is None or not can_see_all_organisations(viewer):
                await turn.context.send_activity(text("notices.not_allowed", lang))
                return
            notices = await list_undelivered(session, limit=LISTED)
        await turn.context.send_activity(undelivered_list(notices, lang))


def undelivered_list(notices: list[Notice], lang: Language) -> str:
    if not notices:
        return text("notices.all_delivered", lang)
    lines = [text("notices.list_title", lang, count=len(notices))]
    for notice in notices:
        lines.append(text("notices.line", lang, about=_about(notice, lang), state=_state(notice, lang),
                          attempts=notice.attempts, error=card_markdown(notice.last_error or "–")))
    return "\n\n".join(lines)


def _about(notice: Notice, lang: Language) -> str:
    details = notice.details or {}
    # Teams renders a message's text as Markdown: names typed by users are shown as written, never as links.
    return text(f"notices.about.{NoticeKind(notice.kind).value}", lang,
                subject=card_markdown(details.get("subject_name", "")),
                recipient=card_markdown(details.get("recipient_name", "")))


def _state(notice: Notice, lang: Language) -> str:
    if notice.state == NoticeState.FAILED:
        return text("notices.given_up", lang, when=format_moment(notice.updated_at, lang))
    return text("notices.trying", lang, when=format_moment(notice.due_at, lang))
