"""`python -m cli users contact|contact-remove|contacts`: the registry of contact persons (3.3) and bolag
representatives (3.4), kept by the operator beside what KS coordinators keep in chat."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.contact_persons import (
    contact_persons_by_organisation,
    remove_contact_person,
    set_contact_person,
)
from storage.models import Organisation, Role
from storage.organisations import duties_of, list_organisations
from storage.reminders import contact_person_ids_by_organisation
from storage.users import list_users
from storage.user_text import terminal_line

MISSING = "saknas"
# A bolag without a representative: nothing is missing, the policy only gives it the opportunity (3.4).
NOT_APPOINTED = "ingen utsedd (frivilligt, {section})"


async def list_contacts(session: AsyncSession) -> int:
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


async def set_contact(session: AsyncSession, organisation: Organisation, name: str) -> int:
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


async def remove_contact(session: AsyncSession, organisation: Organisation) -> int:
    if await remove_contact_person(session, organisation, actor=None):
        print(f"{organisation.name}: contact person removed")
    else:
        print(f"{organisation.name}: had no contact person")
    return 0
