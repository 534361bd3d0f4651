"""The user or organisation an operator names on the command line, or why there is none to act on."""

from __future__ import annotations

from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Organisation, User
from storage.organisations import find_organisation
from storage.users import find_users
from storage.user_text import terminal_line

USER_HELP = "Teams user id, Entra object id, e-mail or display name"
ORGANISATION_HELP = 'the name or slug, e.g. "Miljönämnden" or miljonamnden'


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


async def named_organisation(session: AsyncSession, text: str) -> Organisation | None:
    """The organisation `text` names; else None, after saying so on stdout with an example."""
    organisation = await find_organisation(session, text)
    if organisation is None:
        print(f"no organisation called {text!r} (see storage/data/organisations.yaml), e.g. \"Miljönämnden\"")
    return organisation
