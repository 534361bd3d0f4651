"""`python app.py users …` and `python app.py history`: the operator's command line.

Roles and organisations are set here, by whoever runs the service, never by what a user types in chat: they
decide what a user may see (officials their own organisation's applications, coordinators all). Only here
is anyone made an administrator. Every change is recorded in the audit trail with the operator (actor None)
as its author. The contact-person registry (3.3 / 3.4) can be kept here too, and the history read.

The operator reads the history of every organisation: `history_command` passes `storage.history.OPERATOR`
as the viewer, which only this command line does.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncSession

from policy.dates import MALMO_TIME
from settings import Settings
from storage.contact_persons import (
    contact_persons_by_organisation,
    remove_contact_person,
    set_contact_person,
)
from storage.db import create_engine, create_session_factory
from storage.history import MAX_LIMIT, OPERATOR, read_history
from storage.models import Organisation, Role, User
from storage.organisations import duties_of, find_organisation, list_organisations
from storage.reminders import contact_person_ids_by_organisation
from storage.users import find_users, list_users, set_user_organisation, set_user_role
from storage.user_text import clean, terminal_line

MISSING = "saknas"
# A bolag without a representative: nothing is missing, the policy only gives it the opportunity (3.4).
NOT_APPOINTED = "ingen utsedd (frivilligt, {section})"
# `users organisation USER ingen` takes the user out of every organisation, as "organisation USER: ingen" in chat.
NO_ORGANISATION = frozenset({"ingen", "inget", "none", "-"})


def add_arguments(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser(
        "users", help="list users, grant roles, place users in an organisation, keep the contact persons"
    )
    actions = users.add_subparsers(dest="users_command", required=True)
    actions.add_parser("list", help="every user Lotsen has met, with role and organisation")
    grant = actions.add_parser("grant", help="give a user a role: " + ", ".join(role.value for role in Role))
    grant.add_argument("role", choices=[role.value for role in Role])
    grant.add_argument("user", help="Teams user id, Entra object id, e-mail or display name")
    place = actions.add_parser("organisation", help="place a user in a nämnd or bolag, or in none")
    place.add_argument("user", help="Teams user id, Entra object id, e-mail or display name")
    place.add_argument("organisation", help='the name or slug, e.g. "Miljönämnden" or miljonamnden; '
                                            '"ingen", "none" or "-" for none')
    contact = actions.add_parser(
        "contact", help="name a nämnd's contact person (3.3) or a bolag's representative (3.4)"
    )
    contact.add_argument("organisation", help='the name or slug, e.g. "Miljönämnden" or miljonamnden')
    contact.add_argument("name", nargs="+", help='the person\'s name, e.g. "Anna Andersson"')
    uncontact = actions.add_parser("contact-remove", help="remove an organisation's contact person")
    uncontact.add_argument("organisation", help='the name or slug, e.g. "Miljönämnden" or miljonamnden')
    actions.add_parser("contacts", help="every active organisation with its contact person, or 'saknas'")

    history = commands.add_parser(
        "history", help="what happened to applications, annual reports, contact persons and roles, newest first"
    )
    history.add_argument("--organisation", help='only this organisation, e.g. "Miljönämnden" or miljonamnden')
    history.add_argument("--limit", type=int, default=50, help=f"how many events (1 to {MAX_LIMIT}, default 50)")


async def users_command(settings: Settings, args: argparse.Namespace) -> int:
    engine = create_engine(settings.database_url, timeouts=settings.database_timeouts)
    try:
        async with create_session_factory(engine).begin() as session:
            if args.users_command == "list":
                return await _list(session)
            if args.users_command == "contacts":
                return await _contacts(session)
            if args.users_command in ("contact", "contact-remove"):
                organisation = await _organisation(session, args.organisation)
                if organisation is None:
                    return 2
                if args.users_command == "contact-remove":
                    return await _remove_contact(session, organisation)
                return await _set_contact(session, organisation, clean(" ".join(args.name)))
            user = await one_user(session, args.user)
            if user is None:
                return 2
            if args.users_command == "grant":
                await set_user_role(session, user, Role(args.role), actor=None)
                print(f"{terminal_line(user.name)}: {args.role}")
                return 0
            if args.organisation.strip().casefold() in NO_ORGANISATION:
                await set_user_organisation(session, user, None, actor=None)
                print(f"{terminal_line(user.name)}: no organisation")
                return 0
            organisation = await _organisation(session, args.organisation)
            if organisation is None:
                return 2
            await set_user_organisation(session, user, organisation, actor=None)
            print(f"{terminal_line(user.name)}: {organisation.name}")
            return 0
    finally:
        await engine.dispose()


async def history_command(settings: Settings, args: argparse.Namespace) -> int:
    """Prints the history, newest first, times in Europe/Stockholm, as the operator (every organisation)."""
    if not 1 <= args.limit <= MAX_LIMIT:
        print(f"--limit must be 1 to {MAX_LIMIT}, e.g. --limit 100")
        return 2
    engine = create_engine(settings.database_url, timeouts=settings.database_timeouts)
    try:
        async with create_session_factory(engine)() as session:
            organisation_id = None
            if args.organisation is not None:
                organisation = await _organisation(session, args.organisation)
                if organisation is None:
                    return 2
                organisation_id = organisation.id
            entries = await read_history(session, OPERATOR, organisation_id=organisation_id, limit=args.limit)
    finally:
        await engine.dispose()
    for entry in entries:
        at = entry.at.astimezone(MALMO_TIME).strftime("%Y-%m-%d %H:%M")
        details = terminal_line(json.dumps(entry.details, ensure_ascii=False, sort_keys=True))
        print(
            f"{at}  {entry.source:14} {entry.kind:30} {terminal_line(entry.subject):25} "
            f"{entry.organisation_name or '-':35} {terminal_line(entry.actor_name or 'operator/Lotsen'):25} {details}"
        )
    if not entries:
        print("no history yet")
    return 0


async def _list(session: AsyncSession) -> int:
    for user in await list_users(session):
        organisation = await session.get(Organisation, user.organisation_id) if user.organisation_id else None
        print(f"{terminal_line(user.name):30} {user.role.value:15} {organisation.name if organisation else '-':40} "
              f"{terminal_line(user.teams_user_id)}")
    return 0


async def _contacts(session: AsyncSession) -> int:
    """Every active organisation: the registry's name (and the Lotsen user it reaches), users with role
    contact_person, or when there is neither "saknas" for one that must appoint a contact person (a nämnd, 3.3)
    and "ingen utsedd (frivilligt, 3.4)" for one that need not (a bolag's representative)."""
    registry = await contact_persons_by_organisation(session)
    reached = await contact_person_ids_by_organisation(session)
    users = {user.id: user for user in await list_users(session)}
    for organisation in await list_organisations(session):
        row = registry.get(organisation.id)
        duty = duties_of(organisation.kind).contact
        named = (terminal_line(row.name) if row is not None
                 else MISSING if duty.required else NOT_APPOINTED.format(section=duty.section))
        role_users = [
            terminal_line(users[user_id].name)
            for user_id in reached.get(organisation.id, [])
            if users[user_id].role == Role.CONTACT_PERSON
        ]
        link = f" (Lotsen: {terminal_line(row.user.teams_user_id)})" if row is not None and row.user is not None else ""
        also = f"; contact_person: {', '.join(role_users)}" if role_users else ""
        print(f"{organisation.name:45} {organisation.kind.value:6} {named}{link}{also}")
    return 0


async def _set_contact(session: AsyncSession, organisation: Organisation, name: str) -> int:
    try:
        row = await set_contact_person(session, organisation, name, actor=None)
    except ValueError:
        print('give the contact person\'s name, 1 to 200 characters, e.g. "Anna Andersson"')
        return 2
    if row.user is not None:
        print(f"{organisation.name}: {terminal_line(row.name)} (Lotsen user {terminal_line(row.user.teams_user_id)})")
    else:
        print(f"{organisation.name}: {terminal_line(row.name)} (not linked: no single Lotsen user of that name in "
              f"{organisation.name}; placing them there links them)")
    return 0


async def _remove_contact(session: AsyncSession, organisation: Organisation) -> int:
    if await remove_contact_person(session, organisation, actor=None):
        print(f"{organisation.name}: contact person removed")
    else:
        print(f"{organisation.name}: had no contact person")
    return 0


async def _organisation(session: AsyncSession, text: str) -> Organisation | None:
    organisation = await find_organisation(session, text)
    if organisation is None:
        print(f"no organisation called {text!r} (see storage/data/organisations.yaml), e.g. \"Miljönämnden\"")
    return organisation


async def one_user(session: AsyncSession, who: str, *, stream: TextIO | None = None) -> User | None:
    """The one user `who` names; else None, after saying on `stream` (default stdout) why and what to give."""
    users = await find_users(session, who)
    if len(users) == 1:
        return users[0]
    if not users:
        print(f"no user {who!r}: a user appears once they have written to Lotsen", file=stream)
    else:
        print(f"{len(users)} users match {who!r}; give the Teams user id instead:", file=stream)
        for user in users:
            print(f"  {terminal_line(user.teams_user_id)}  {terminal_line(user.name)}", file=stream)
    return None
