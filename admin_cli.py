"""`python app.py users …`: who belongs to which nämnd or bolag, and who is a KS coordinator or an admin.

Roles and organisations are set here, by whoever runs the service, never by what a user types in chat: they
decide what a user may see (officials their own organisation's applications, coordinators all).
"""

from __future__ import annotations

import argparse

from settings import Settings
from storage.db import create_engine, create_session_factory
from storage.models import Organisation, Role, User
from storage.organisations import find_organisation
from storage.users import find_users, list_users, set_user_organisation, set_user_role


def add_arguments(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help="list users, grant roles, place users in an organisation")
    actions = users.add_subparsers(dest="users_command", required=True)
    actions.add_parser("list", help="every user Lotsen has met, with role and organisation")
    grant = actions.add_parser("grant", help="give a user a role: " + ", ".join(role.value for role in Role))
    grant.add_argument("role", choices=[role.value for role in Role])
    grant.add_argument("user", help="Teams user id, Entra object id, e-mail or display name")
    place = actions.add_parser("organisation", help="place a user in a nämnd or bolag")
    place.add_argument("user", help="Teams user id, Entra object id, e-mail or display name")
    place.add_argument("organisation", help='the name or slug, e.g. "Miljönämnden" or miljonamnden')


async def users_command(settings: Settings, args: argparse.Namespace) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            if args.users_command == "list":
                for user in await list_users(session):
                    organisation = await session.get(Organisation, user.organisation_id) if user.organisation_id else None
                    print(f"{user.name:30} {user.role.value:15} {organisation.name if organisation else '-':40} "
                          f"{user.teams_user_id}")
                return 0
            user = await _one_user(session, args.user)
            if user is None:
                return 2
            if args.users_command == "grant":
                await set_user_role(session, user, Role(args.role))
                print(f"{user.name}: {args.role}")
                return 0
            organisation = await find_organisation(session, args.organisation)
            if organisation is None:
                print(f"no organisation called {args.organisation!r} (see storage/data/organisations.yaml)")
                return 2
            await set_user_organisation(session, user, organisation)
            print(f"{user.name}: {organisation.name}")
            return 0
    finally:
        await engine.dispose()


async def _one_user(session, who: str) -> User | None:
    users = await find_users(session, who)
    if len(users) == 1:
        return users[0]
    if not users:
        print(f"no user {who!r}: a user appears once they have written to Lotsen")
    else:
        print(f"{len(users)} users match {who!r}; give the Teams user id instead:")
        for user in users:
            print(f"  {user.teams_user_id}  {user.name}")
    return None
