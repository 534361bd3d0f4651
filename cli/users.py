"""`python -m cli users …`: the operator's say over who may see what.

Roles and organisations are set here, by whoever runs the service, never by what a user types in chat: they
decide what a user may see (officials their own organisation's applications, coordinators all). Only here is
anyone made an administrator. Every change is recorded in the audit trail with the operator (actor None) as its
author. The contact-person registry (3.3 / 3.4) is kept here too (cli/contacts.py).
"""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from cli import contacts
from cli.command import Command
from cli.database import database_session
from cli.lookup import ORGANISATION_HELP, USER_HELP, named_organisation, one_user
from settings import Settings
from storage.models import Organisation, Role
from storage.users import list_users, set_user_organisation, set_user_role
from storage.user_text import clean, terminal_line

# `users organisation USER ingen` takes the user out of every organisation, as "organisation USER: ingen" in chat.
NO_ORGANISATION = frozenset({"ingen", "inget", "none", "-"})


def _arguments(users: argparse.ArgumentParser) -> None:
    actions = users.add_subparsers(dest="users_command", required=True)
    actions.add_parser("list", help="every user Lotsen has met, with role and organisation")
    grant = actions.add_parser("grant", help="give a user a role: " + ", ".join(role.value for role in Role))
    grant.add_argument("role", choices=[role.value for role in Role])
    grant.add_argument("user", help=USER_HELP)
    place = actions.add_parser("organisation", help="place a user in a nämnd or bolag, or in none")
    place.add_argument("user", help=USER_HELP)
    place.add_argument("organisation", help=ORGANISATION_HELP + '; "ingen", "none" or "-" for none')
    contact = actions.add_parser(
        "contact", help="name a nämnd's contact person (3.3) or a bolag's representative (3.4)"
    )
    contact.add_argument("organisation", help=ORGANISATION_HELP)
    contact.add_argument("name", nargs="+", metavar="person",
                         help='the person\'s name, e.g. "Anna Andersson", or their Entra object id (a GUID; the '
                              'name is read from the directory when Graph is configured, else give it after the id)')
    uncontact = actions.add_parser("contact-remove", help="remove an organisation's contact person")
    uncontact.add_argument("organisation", help=ORGANISATION_HELP)
    actions.add_parser("contacts", help="every active organisation with its contact person, or 'saknas'")


async def _users_command(settings: Settings, args: argparse.Namespace) -> int:
    """One transaction: a change and its audit event are stored together or not at all."""
    async with database_session(settings, write=True) as session:
        if args.users_command == "list":
            return await _list(session)
        if args.users_command == "contacts":
            return await contacts.list_contacts(session)
        if args.users_command in ("contact", "contact-remove"):
            organisation = await named_organisation(session, args.organisation)
            if organisation is None:
                return 2
            if args.users_command == "contact-remove":
                return await contacts.remove_contact(session, organisation)
            return await contacts.set_contact(session, organisation, clean(" ".join(args.name)), settings)
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
        organisation = await named_organisation(session, args.organisation)
        if organisation is None:
            return 2
        await set_user_organisation(session, user, organisation, actor=None)
        print(f"{terminal_line(user.name)}: {organisation.name}")
        return 0


async def _list(session: AsyncSession) -> int:
    for user in await list_users(session):
        organisation = await session.get(Organisation, user.organisation_id) if user.organisation_id else None
        print(f"{terminal_line(user.name):30} {user.role.value:15} {organisation.name if organisation else '-':40} "
              f"{terminal_line(user.teams_user_id)}")
    return 0


def _users(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_users_command(settings, args))


USERS = Command("users", "list users, grant roles, place users in an organisation, keep the contact persons",
                _users, _arguments)
