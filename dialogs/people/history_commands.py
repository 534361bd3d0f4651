"""The history in chat (issue 7): "historik" shows the latest events of every kind, "historik Miljönämnden"
those of one organisation: applications, annual reports, contact persons, roles and organisations.

KS coordinators and administrators only (`storage.history.read_history` decides); private chats only, as the
history names people and what they did.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.people.contact_commands import Words, looks_like_organisation, match_phrase, phrases
from dialogs.common.turn import Turn
from dialogs.people.people_cards import history_card
from dialogs.common.turn_user import acting_user
from dialogs.common.cards import Card
from dialogs.common.replies import card_message
from storage.access import AccessDenied, can_see_all_organisations
from storage.history import read_history
from storage.models import User
from storage.organisations import find_organisation
from texts import Language, text

HISTORY_LIMIT = 20


@dataclass(frozen=True)
class HistoryRequest:
    organisation: str | None = None  # as typed; None: every organisation


class HistoryCommands:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], limit: int = HISTORY_LIMIT) -> None:
        self._session_factory = session_factory
        self._limit = limit

    def recognise(self, message: str, value: object, lang: Language) -> HistoryRequest | None:
        words = Words.of(message or "")
        taken = match_phrase(words.folded, 0, phrases("event_history.words.command"))
        if not taken:
            return None
        taken += match_phrase(words.folded, taken, phrases("event_history.words.of"))
        organisation = words.typed_from(taken) or None
        if organisation is not None and not looks_like_organisation(organisation):
            return None  # "historik om EU-samarbetet?": for the policy answers
        return HistoryRequest(organisation)

    async def handle(self, turn: Turn, request: object) -> None:
        assert isinstance(request, HistoryRequest)
        lang, turn_context = turn.lang, turn.context
        async with self._session_factory.begin() as session:
            reply = await self._reply(session, await acting_user(session, turn_context), request, lang)
        if isinstance(reply, str):
            await turn_context.send_activity(reply)
        else:
            await turn_context.send_activity(card_message(reply))

    async def _reply(self, session: AsyncSession, viewer: User | None, request: HistoryRequest,
                     lang: Language) -> str | Card:
        # Refused before anything is looked up, so that a refusal says nothing about what exists.
        if viewer is None or not can_see_all_organisations(viewer):
            return text("event_history.not_allowed", lang)
        organisation = None
        if request.organisation is not None:
            organisation = await find_organisation(session, request.organisation)
            if organisation is None:
                return text("event_history.unknown_organisation", lang, name=request.organisation)
        try:
            entries = await read_history(session, viewer, limit=self._limit,
                                         organisation_id=organisation.id if organisation else None)
        except AccessDenied:
            return text("event_history.not_allowed", lang)
        return history_card(entries, organisation.name if organisation else None, lang)
