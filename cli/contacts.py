"""`python -m cli users contact|contact-remove|contacts`: the registry of contact persons (3.3) and bolag
representatives (3.4), kept by the operator beside what KS coordinators keep in chat.

`users contact ORG PERSON`: PERSON is a name ("Anna Andersson"), or the person's Entra object id (a GUID), whose
name is then read from the directory when Graph is configured; words after the GUID are the name to store when
it is not (or when the directory does not answer). `users contacts` shows each row's object id ("-": named).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from directory.people import DirectoryUnavailable, build_people_directory, is_object_id
from settings import Settings
from storage.contact_persons import (
    NAME_MAX_LENGTH,
    contact_persons_by_organisation,
    remove_contact_person,
    set_contact_person,
)
from storage.models import ContactPerson, Organisation, Role
from storage.organisations import duties_of, list_organisations
from storage.reminders import contact_person_ids_by_organisation
from storage.users import list_users
from storage.user_text import terminal_line

MISSING = "saknas"
NO_OBJECT_ID = "-"
OBJECT_ID_WIDTH = 36  # a GUID
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
        link = _link(row) if row is not None else ""
        also = f"; contact_person: {', '.join(role_users)}" if role_users else ""
        object_id = row.aad_object_id if row is not None and row.aad_object_id else NO_OBJECT_ID
        print(f"{organisation.name:45} {organisation.kind.value:6} {object_id:{OBJECT_ID_WIDTH}} {named}{link}{also}")
    return 0


def _link(row: ContactPerson) -> str:
    """Whom in Lotsen the row reaches, after its name."""
    reached = ", ".join(terminal_line(user.teams_user_id) for user in row.reached_users)
    if reached:
        return f" (Lotsen: {reached})"
    return " (not in Lotsen yet)" if row.aad_object_id is not None else ""


async def set_contact(session: AsyncSession, organisation: Organisation, person: str, settings: Settings) -> int:
    """PERSON a name, or an object id (and optionally the name to store without the directory)."""
    object_id, _, given = person.partition(" ")
    if not is_object_id(object_id):
        object_id, name = "", person
    else:
        found = await _directory_name(object_id.lower(), given, settings)
        if isinstance(found, int):
            return found
        name = found
    try:
        row = await set_contact_person(session, organisation, name[:NAME_MAX_LENGTH], actor=None,
                                       aad_object_id=object_id or None)
    except ValueError:
        print('give the contact person\'s name, 1 to 200 characters, e.g. "Anna Andersson", or their Entra object id')
        return 2
    if row.aad_object_id is not None:
        reached = ", ".join(terminal_line(user.teams_user_id) for user in row.reached_users)
        print(f"{organisation.name}: {terminal_line(row.name)} (object id {row.aad_object_id}; "
              + (f"Lotsen user {reached})" if reached else "not in Lotsen yet: reached from their first message)"))
    elif row.user is not None:
        print(f"{organisation.name}: {terminal_line(row.name)} (Lotsen user {terminal_line(row.user.teams_user_id)})")
    else:
        print(f"{organisation.name}: {terminal_line(row.name)} (not linked: no single Lotsen user of that name in "
              f"{organisation.name}; placing them there links them)")
    return 0


async def _directory_name(object_id: str, given: str, settings: Settings) -> str | int:
    """The person's displayName in the directory, else the name `given` after the object id; an exit status when
    there is neither, or when the directory has nobody with that id."""
    directory = build_people_directory(settings)
    if directory is None:
        if given:
            return given
        print("Graph is not configured (GRAPH_ENABLED and the bot's credentials), so the name cannot be read from "
              f"the directory: give it after the object id, e.g. {object_id} Anna Andersson")
        return 2
    try:
        person = await directory.person(object_id)
    except DirectoryUnavailable as error:
        if given:
            print(f"the directory (Microsoft Graph) did not answer ({error}): the name given is stored")
            return given
        print(f"the directory (Microsoft Graph) did not answer: {error}; give the name after the object id")
        return 1
    if person is None:
        print(f"nobody in the directory has the object id {object_id}")
        return 2
    return person.name


async def remove_contact(session: AsyncSession, organisation: Organisation) -> int:
    if await remove_contact_person(session, organisation, actor=None):
        print(f"{organisation.name}: contact person removed")
    else:
        print(f"{organisation.name}: had no contact person")
    return 0
