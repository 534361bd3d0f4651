"""Administrators in chat decide where the directory's values lead (directory/mapping.py):

- "katalogkopplingar" lists the mappings of the source Lotsen reads (DIRECTORY_SOURCE), the shipped ones and
  those administrators added;
- "katalogkoppling Miljöförvaltningen: Miljönämnden" maps a value to a nämnd or bolag (again: moves it);
- "ta bort katalogkoppling Miljöförvaltningen" removes an administrator's mapping (the shipped one, if any,
  applies again).

Only administrators (`storage.access.can_manage_users`), in private chats. The mappings are stored in the
database (storage/directory_mappings.py): every instance of Lotsen reads the same ones. Also here: the text of
the notice an administrator gets when the directory could not place a user (bot/notice_delivery.py posts it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.common.turn import Turn
from dialogs.common.turn_user import acting_user
from dialogs.people.contact_commands import (
    Words,
    is_question,
    match_phrase,
    phrases,
    split_at_colon,
    starts_with_question_word,
)
from directory.mapping import MappingRule, MappingTable, mapping_table
from storage.access import can_manage_users
from storage.directory_mappings import VALUE_MAX_LENGTH, remove_mapping, set_mapping
from storage.models import DirectorySource, User
from storage.organisations import find_organisation, list_organisations
from storage.user_text import card_markdown
from texts import Language, language_of, text

Action = Literal["list", "map", "unmap"]


@dataclass(frozen=True)
class DirectoryRequest:
    action: Action
    value: str = ""  # the directory value, as typed
    organisation: str = ""  # as typed


def source_label(source: DirectorySource | str, lang: Language) -> str:
    return text(f"directory.sources.{DirectorySource(source).value}", lang)


class DirectoryCommands:
    """A `dialogs.common.chat_commands.ChatCommand`; see the module's doc."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], source: DirectorySource,
                 file_rules: Sequence[MappingRule], *, in_use: bool) -> None:
        self._session_factory = session_factory
        self._source = DirectorySource(source)
        self._file_rules = tuple(file_rules)
        self._in_use = in_use  # whether Lotsen reads the directory at all (Graph configured)

    def recognise(self, message: str, value: object, lang: Language) -> DirectoryRequest | None:
        words = Words.of(message or "")
        if not words.folded:
            return None
        if match_phrase(words.folded, 0, phrases("directory.words.list")) == len(words.folded):
            return DirectoryRequest("list")
        taken = match_phrase(words.folded, 0, phrases("directory.words.unmap"))
        if taken:
            return DirectoryRequest("unmap", value=words.typed_from(taken))
        taken = match_phrase(words.folded, 0, phrases("directory.words.map"))
        if not taken:
            return None
        split = split_at_colon(" ".join(message.split()))
        if split is None:
            return DirectoryRequest("map", value=words.typed_from(taken))
        head, organisation = split
        if is_question(organisation) or starts_with_question_word(organisation):
            return None
        return DirectoryRequest("map", value=Words.of(head).typed_from(taken), organisation=organisation)

    async def handle(self, turn: Turn, request: object) -> None:
        assert isinstance(request, DirectoryRequest)
        lang = turn.lang
        async with self._session_factory.begin() as session:
            actor = await acting_user(session, turn.context)
            if actor is None or not can_manage_users(actor):
                reply = text("directory.not_allowed", lang)
            elif request.action == "list":
                reply = await self._list(session, lang)
            elif not request.value or (request.action == "map" and not request.organisation):
                reply = text("directory.missing_value", lang)
            elif len(request.value) > VALUE_MAX_LENGTH:
                reply = text("directory.too_long", lang, max=VALUE_MAX_LENGTH)
            elif request.action == "map":
                reply = await self._map(session, actor, request, lang)
            else:
                reply = await self._unmap(session, request, lang)
        await turn.send(reply)

    async def _map(self, session: AsyncSession, actor: User, request: DirectoryRequest, lang: Language) -> str:
        organisation = await find_organisation(session, request.organisation)
        if organisation is None:
            return text("directory.unknown_organisation", lang, name=card_markdown(request.organisation))
        if not organisation.active:
            return text("directory.inactive_organisation", lang, organisation=organisation.name)
        before = (await mapping_table(session, self._file_rules)).rule_for(self._source, request.value)
        await set_mapping(session, self._source, request.value, organisation, actor)
        shown = {"source": source_label(self._source, lang), "value": card_markdown(request.value),
                 "organisation": organisation.name}
        if before is not None and before.organisations != (organisation.slug,):
            return text("directory.mapped_changed", lang, **shown,
                        previous=await _names(session, before.organisations))
        return text("directory.mapped", lang, **shown)

    async def _unmap(self, session: AsyncSession, request: DirectoryRequest, lang: Language) -> str:
        shown = {"source": source_label(self._source, lang), "value": card_markdown(request.value)}
        if not await remove_mapping(session, self._source, request.value):
            return text("directory.not_mapped", lang, **shown)
        default = MappingTable(self._file_rules).rule_for(self._source, request.value)
        if default is not None:
            return text("directory.unmapped_default_remains", lang, **shown,
                        organisations=await _names(session, default.organisations))
        return text("directory.unmapped", lang, **shown)

    async def _list(self, session: AsyncSession, lang: Language) -> str:
        rules = (await mapping_table(session, self._file_rules)).rules(self._source)
        source = source_label(self._source, lang)
        lines = [] if self._in_use else [text("directory.not_in_use", lang)]
        if not rules:
            return "\n\n".join([*lines, text("directory.list_none", lang, source=source)])
        names = await _organisation_names(session)
        lines.append(text("directory.list_title", lang, source=source))
        for rule in rules:
            key = "directory.list_entry_admin" if rule.origin == "admin" else "directory.list_entry"
            lines.append(text(key, lang, value=card_markdown(rule.value),
                              organisations=", ".join(names.get(slug, slug) for slug in rule.organisations)))
        lines.append(text("directory.list_more", lang))
        return "\n\n".join(lines)


async def _organisation_names(session: AsyncSession) -> dict[str, str]:
    return {organisation.slug: organisation.name
            for organisation in await list_organisations(session, include_inactive=True)}


async def _names(session: AsyncSession, slugs: Sequence[str]) -> str:
    names = await _organisation_names(session)
    return ", ".join(names.get(slug, slug) for slug in slugs)


def unplaced_notice_text(details: dict[str, Any]) -> str:
    """The notice to an administrator that the directory could not place a user (directory/placement.py), in
    their language; the names and values come from the directory and users, and are shown as written."""
    lang: Language = language_of(details.get("lang"))
    name = card_markdown(str(details.get("subject_name", "")))
    source = source_label(details.get("source", DirectorySource.DEPARTMENT.value), lang)
    if details.get("outcome") == "ambiguous":
        matches = "; ".join(
            text("directory.unplaced.match", lang, source=source, value=card_markdown(str(match["value"])),
                 organisations=", ".join(match["organisations"]))
            for match in details.get("matches", []))
        return text("directory.unplaced.ambiguous", lang, name=name, matches=matches)
    values = [text("directory.unplaced.value", lang, value=card_markdown(str(value)))
              for value in details.get("values", [])]
    if not values:
        return text("directory.unplaced.no_value", lang, name=name, source=source)
    if details.get("more_values"):
        values.append(text("directory.unplaced.more_values", lang, count=details["more_values"]))
    return text("directory.unplaced.no_match", lang, name=name, values=f"{source} " + ", ".join(values))
