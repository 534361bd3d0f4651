"""Administrators in chat: "användare" lists the users, "roll Anna Andersson: samordnare" gives a role,
"organisation Anna Andersson: Miljönämnden" places a user in a nämnd or bolag ("…: ingen" in none).

Only administrators (`storage.access.can_manage_users`); nobody is made an administrator here, and an
administrator's own role is not changed here: that is the operator's command line. Every change is recorded in
the audit trail by `storage.users`. A user is named as `storage.users.find_users` understands it (name, Teams
id, e-mail); several users of one name are listed with their Teams ids so that the next try names one.
Private chats only: the answers name people and their roles.

A sentence with a colon is a question, not this command, when what follows the colon begins with a question word
("Roll i EU-projekt: vad innebär det att vara lead partner") or the "user" begins with a preposition
("Organisation av det internationella arbetet: …"): the policy answers get it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.people.contact_commands import (
    Words,
    is_question,
    match_phrase,
    phrases,
    split_at_colon,
    starts_with_question_word,
    word_set,
)
from dialogs.common.turn import Turn
from dialogs.common.input_parsing import plain
from dialogs.people.people_cards import organisation_label, role_label, users_card
from dialogs.common.turn_user import acting_user
from dialogs.common.cards import Card
from dialogs.common.replies import card_message
from storage.access import AccessDenied, can_manage_users
from storage.models import Organisation, Role, User
from storage.organisations import find_organisation, list_organisations
from storage.users import find_users, grant_role, list_users, place_user
from texts import Language, lookup, text

Action = Literal["list", "role", "organisation"]


@dataclass(frozen=True)
class AdminRequest:
    action: Action
    who: str = ""  # the user, as typed
    value: str = ""  # the role or organisation, as typed ("" when missing)


def role_named(value: str) -> Role | None:
    """The role `value` names ("samordnare", "KS-samordnare", "coordinator", "admin"…), or None."""
    wanted = tuple(plain(value).split())
    for role in Role:
        if wanted in phrases(f"user_admin.role_words.{role.value}"):
            return role
        if wanted == tuple(plain(role.value.replace("_", " ")).split()):
            return role
    return None


def _means_no_organisation(value: str) -> bool:
    return tuple(plain(value).split()) in phrases("user_admin.words.no_organisation")


class AdminCommands:
    """Lists users and changes their role or organisation; see the module's doc."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    def recognise(self, message: str, value: object, lang: Language) -> AdminRequest | None:
        message = " ".join((message or "").split())
        if not message:
            return None
        if tuple(plain(message).split()) in phrases("user_admin.words.list"):
            return AdminRequest("list")
        split = split_at_colon(message)
        if split is None:
            return None
        head, typed_value = split
        if is_question(typed_value) or starts_with_question_word(typed_value):
            return None
        words = Words.of(head)
        for action in ("role", "organisation"):
            taken = match_phrase(words.folded, 0, phrases(f"user_admin.words.{action}"))
            # A user must be named: "Organisation: …" alone is a sentence, not this command, and so is
            # "Roll i EU-projekt: …" (nobody's name begins with "i").
            if taken and taken < len(words.folded) and words.folded[taken] not in word_set(
                    "user_admin.words.prepositions"):
                who = " ".join(words.typed[taken:])
                return AdminRequest(action, who=who, value=" ".join(typed_value.split()))  # type: ignore[arg-type]
        return None

    async def handle(self, turn: Turn, request: object) -> None:
        assert isinstance(request, AdminRequest)
        lang, turn_context = turn.lang, turn.context
        async with self._session_factory.begin() as session:
            actor = await acting_user(session, turn_context)
            if actor is None or not can_manage_users(actor):
                reply: str | Card = text("user_admin.not_allowed", lang)
            elif request.action == "list":
                reply = users_card(await list_users(session), await _organisation_names(session), lang)
            elif not request.value:
                reply = text(f"user_admin.missing_value.{request.action}", lang)
            elif request.action == "role":
                reply = await self._grant(session, actor, request, lang)
            else:
                reply = await self._place(session, actor, request, lang)
        if isinstance(reply, str):
            await turn_context.send_activity(reply)
        else:
            await turn_context.send_activity(card_message(reply))

    @staticmethod
    async def _grant(session: AsyncSession, actor: User, request: AdminRequest, lang: Language) -> str:
        role = role_named(request.value)
        if role is None:
            return text("user_admin.unknown_role", lang, role=request.value)
        if role == Role.ADMIN:
            return text("user_admin.admin_refused", lang)
        target = await _one_user(session, request, lang)
        if isinstance(target, str):
            return target
        if target.role == Role.ADMIN:
            return text("user_admin.admin_target_refused", lang, name=target.name)
        before = target.role
        if before == role:
            return text("user_admin.role_unchanged", lang, name=target.name, role=role_label(role, lang))
        try:
            await grant_role(session, target, role, actor)
        except AccessDenied:
            return text("user_admin.not_allowed", lang)
        return text("user_admin.role_changed", lang, name=target.name, to=role_label(role, lang),
                    **{"from": role_label(before, lang)})

    @staticmethod
    async def _place(session: AsyncSession, actor: User, request: AdminRequest, lang: Language) -> str:
        organisation: Organisation | None = None
        if not _means_no_organisation(request.value):
            organisation = await find_organisation(session, request.value)
            if organisation is None:
                return text("user_admin.unknown_organisation", lang, name=request.value)
            if not organisation.active:
                return text("user_admin.inactive_organisation", lang, organisation=organisation.name)
        target = await _one_user(session, request, lang)
        if isinstance(target, str):
            return target
        names = await _organisation_names(session)
        before = names.get(target.organisation_id) if target.organisation_id is not None else None
        after = organisation.name if organisation is not None else None
        if target.organisation_id == (organisation.id if organisation is not None else None):
            if after is None:
                return text("user_admin.organisation_unchanged_none", lang, name=target.name)
            return text("user_admin.organisation_unchanged", lang, name=target.name, organisation=after)
        try:
            await place_user(session, target, organisation, actor)
        except AccessDenied:
            return text("user_admin.not_allowed", lang)
        # "tillhör nu ingen" is no Swedish: leaving every organisation, or coming from none, has its own sentence.
        if after is None:
            return text("user_admin.organisation_removed", lang, name=target.name, **{"from": before})
        if before is None:
            return text("user_admin.organisation_placed", lang, name=target.name, to=after)
        return text("user_admin.organisation_changed", lang, name=target.name, to=after, **{"from": before})


async def _organisation_names(session: AsyncSession) -> dict[int, str]:
    return {organisation.id: organisation.name
            for organisation in await list_organisations(session, include_inactive=True)}


async def _one_user(session: AsyncSession, request: AdminRequest, lang: Language) -> User | str:
    """The one user the request names, or the reply: none found, or several (listed with their Teams ids)."""
    found = await find_users(session, request.who)
    if not found:
        return text("user_admin.no_user", lang, who=request.who)
    if len(found) == 1:
        return found[0]
    names = await _organisation_names(session)
    command = lookup(f"user_admin.words.{request.action}", lang)[0]
    example = f"{command} {found[0].teams_user_id}: {request.value}"
    lines = [text("user_admin.several_users", lang, count=len(found), who=request.who, example=example)]
    for user in sorted(found, key=lambda user: user.teams_user_id):
        organisation = names.get(user.organisation_id) if user.organisation_id is not None else None
        lines.append("• " + text("user_admin.several_users_entry", lang, name=user.name,
                                 role=role_label(user.role, lang),
                                 organisation=organisation_label(organisation, lang),
                                 teams_id=user.teams_user_id))
    return "\n\n".join(lines)

