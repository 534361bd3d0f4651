"""The registry of contact persons: a nämnd's contact person for international questions (policy 3.3), a helägt
bolag's representative (3.4). Which of the two a row is follows from the organisation's kind.

One row per organisation. A person chosen in the directory (Entra ID) is stored with their object id and
displayName, and reaches the Lotsen user with that object id, whatever their name and wherever Lotsen has placed
them, from the first message they write on: the link is resolved when read (`registry_reaches`), never stored. A
name given without the directory ("Anna Andersson") is linked to the Lotsen user of that name placed in that
organisation when there is exactly one. Users with role contact_person count as contact persons of their
organisation too (the role came first), so "who is the contact person" is answered from all of these, in SQL by
`registry_reaches`, `placed_contact_person` (is this user one of the organisation they are in),
`has_contact_person` (has this organisation one) and `contact_person_links` (who is reached for which), which
every query of it uses. Every change is recorded in the audit trail (with the object id when the person was
chosen in the directory); the operator's command line acts with actor None.

Only a kind of organisation that must appoint one (`storage.organisations.must_appoint_contact`: a nämnd, 3.3)
is ever "without a contact person"; one that may (a bolag, 3.4) is "without a representative", which is no gap.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, delete, exists, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage._sql import dialect_insert
from storage.access import AccessDenied, can_see_all_organisations
from storage.audit import record_audit
from storage.models import (
    AuditEventKind,
    AuditSubjectType,
    ContactPerson,
    Organisation,
    Role,
    User,
    utc_now,
)
from storage.organisations import OrganisationKind, duties_of, kinds_that_must_appoint_contact, swedish_sort_key

__all__ = [
    "NAME_MAX_LENGTH",
    "ContactPerson",
    "can_set_contact_person",
    "clean_name",
    "clean_object_id",
    "contact_person_links",
    "contact_persons_by_organisation",
    "get_contact_person",
    "has_contact_person",
    "is_contact_person",
    "organisations_without_contact_person",
    "organisations_without_representative",
    "placed_contact_person",
    "registry_reaches",
    "remove_contact_person",
    "set_contact_person",
]

NAME_MAX_LENGTH = 200
OBJECT_ID_MAX_LENGTH = 64


def registry_reaches() -> ColumnElement[bool]:
    """A condition on `ContactPerson` and `User` together: the registry row reaches this Lotsen user.

    A person chosen in the directory is the user with their Entra object id, whatever their name and wherever
    Lotsen has placed them (the organisation chose that very person). A name given without the directory is the
    user linked by it while placed in that organisation: someone linked who has moved on is no longer its contact.
    """
    chosen = ContactPerson.aad_object_id.is_not(None) & (User.aad_object_id == ContactPerson.aad_object_id)
    named = (ContactPerson.aad_object_id.is_(None) & (ContactPerson.user_id == User.id)
             & (ContactPerson.organisation_id == User.organisation_id))
    return chosen | named


def placed_contact_person() -> ColumnElement[bool]:
    """A condition on `User`: the user is a contact person of the organisation they are placed in, by role
    contact_person or reached by its registry row (`registry_reaches`)."""
    linked = exists().where(ContactPerson.organisation_id == User.organisation_id, registry_reaches())
    return (User.role == Role.CONTACT_PERSON) | linked


def contact_person_links() -> CompoundSelect:
    """(organisation_id, user_id) of every contact person in Lotsen, each pair once: users with role
    contact_person for the organisation they are placed in, and the users registry rows reach
    (`registry_reaches`) for the row's organisation. Whether the organisation is active is the caller's to ask."""
    by_role = select(User.organisation_id.label("organisation_id"), User.id.label("user_id")).where(
        User.role == Role.CONTACT_PERSON, User.organisation_id.is_not(None))
    by_registry = select(ContactPerson.organisation_id.label("organisation_id"), User.id.label("user_id")).join(
        User, registry_reaches())
    return union(by_role, by_registry)


def has_contact_person(organisation_id: ColumnElement[int], *, unlinked_name_counts: bool) -> ColumnElement[bool]:
    """A condition on an organisation id: the organisation has a contact person (3.3) or representative (3.4).

    `unlinked_name_counts=True`: a name in the registry counts even when no Lotsen user is linked to it, as
    does a user with role contact_person (whether an organisation is *missing* one). False: only a Lotsen user
    who is one of the organisation's contact persons (`contact_person_links`) counts (whether anyone can be
    reached). The organisation's kind is not looked at: the caller asks about the kinds it means.
    """
    by_role = exists().where(User.organisation_id == organisation_id, User.role == Role.CONTACT_PERSON)
    if unlinked_name_counts:
        return exists().where(ContactPerson.organisation_id == organisation_id) | by_role
    reached = exists().where(ContactPerson.organisation_id == organisation_id, registry_reaches())
    return reached | by_role


def can_set_contact_person(user: User, organisation_id: int) -> bool:
    """The organisation's own users (any role) name its contact person; KS coordinators and admins any's."""
    if can_see_all_organisations(user):
        return True
    return user.organisation_id is not None and user.organisation_id == organisation_id


def clean_name(name: str) -> str:
    """The name with single spaces; ValueError unless it is 1 to NAME_MAX_LENGTH characters."""
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > NAME_MAX_LENGTH:
        raise ValueError(f"A contact person's name must be 1 to {NAME_MAX_LENGTH} characters")
    return cleaned


def clean_object_id(object_id: str) -> str:
    """An Entra object id as stored: stripped, lower case; ValueError for anything else than 1 to
    OBJECT_ID_MAX_LENGTH characters of letters, digits and hyphens (a GUID, as Teams and Graph give it)."""
    cleaned = object_id.strip().lower()
    if not 0 < len(cleaned) <= OBJECT_ID_MAX_LENGTH or not all(char.isalnum() or char == "-" for char in cleaned):
        raise ValueError("An Entra object id is a GUID")
    return cleaned


async def set_contact_person(
    session: AsyncSession, organisation: Organisation, name: str, actor: User | None,
    aad_object_id: str | None = None,
) -> ContactPerson:
    """Names the organisation's contact person (3.3) or representative (3.4); actor None is the operator.

    With `aad_object_id` the person was chosen in the directory (`name`: their displayName there) and is reached
    by that id (`registry_reaches`); without it, by `name` as given. The same name given again without an id
    keeps the person chosen in the directory: it names nobody else.

    The row is inserted with INSERT … ON CONFLICT DO NOTHING and then updated under a row lock, so two people
    setting it at once leave one row, and the second's audit event says what the first had set ("from").
    Nothing changes, and nothing is recorded, when the name, the object id and the linked user are what is stored.
    """
    _require_access(actor, organisation)
    cleaned = clean_name(name)
    object_id = clean_object_id(aad_object_id) if aad_object_id is not None else None
    if object_id is None:
        linked = await _user_named(session, organisation.id, cleaned)
        linked_id = linked.id if linked is not None else None
    else:
        linked_id = None  # reached by the object id, read with the row
    now = utc_now()
    table = ContactPerson.__table__
    inserted = (
        await session.execute(
            dialect_insert(session, table)
            .values(
                organisation_id=organisation.id,
                name=cleaned,
                user_id=linked_id,
                aad_object_id=object_id,
                set_by_user_id=actor.id if actor is not None else None,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["organisation_id"])
            .returning(table.c.id)
        )
    ).scalar_one_or_none()

    previous_name: str | None = None
    if inserted is None:
        row = await session.scalar(
            select(ContactPerson)
            .where(ContactPerson.organisation_id == organisation.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if row is None:  # removed by someone else between our insert and this read: set it anew
            return await set_contact_person(session, organisation, name, actor, aad_object_id)
        if object_id is None and row.aad_object_id is not None and row.name.casefold() == cleaned.casefold():
            return await _load(session, organisation.id)  # the person chosen in the directory, named again
        if row.name == cleaned and row.user_id == linked_id and row.aad_object_id == object_id:
            return await _load(session, organisation.id)
        previous_name = row.name
        row.name = cleaned
        row.user_id = linked_id
        row.aad_object_id = object_id
        row.set_by_user_id = actor.id if actor is not None else None
        row.updated_at = now
    details: dict[str, Any] = {"from": previous_name, "to": cleaned, "user_id": linked_id}
    if object_id is not None:  # chosen in the directory; a name alone is recorded as it always was
        details["aad_object_id"] = object_id
    _record_change(session, AuditEventKind.CONTACT_PERSON_SET, organisation.id, actor, details)
    await session.flush()
    return await _load(session, organisation.id)


async def remove_contact_person(session: AsyncSession, organisation: Organisation, actor: User | None) -> bool:
    """Removes the organisation's contact person; False (and nothing recorded) when there was none."""
    _require_access(actor, organisation)
    # DELETE … RETURNING: of two removing at once, only the one that deleted the row records it.
    removed = (
        await session.execute(
            delete(ContactPerson)
            .where(ContactPerson.organisation_id == organisation.id)
            .returning(ContactPerson.name, ContactPerson.user_id, ContactPerson.aad_object_id)
            .execution_options(synchronize_session="fetch")
        )
    ).one_or_none()
    if removed is None:
        return False
    details: dict[str, Any] = {"from": removed.name, "user_id": removed.user_id}
    if removed.aad_object_id is not None:
        details["aad_object_id"] = removed.aad_object_id
    _record_change(session, AuditEventKind.CONTACT_PERSON_REMOVED, organisation.id, actor, details)
    await session.flush()
    return True


async def get_contact_person(session: AsyncSession, organisation_id: int) -> ContactPerson | None:
    """The registry row, with organisation, linked user and directory users loaded; None when none is named."""
    statement = select(ContactPerson).where(ContactPerson.organisation_id == organisation_id)
    return await session.scalar(_with_details(statement))


async def contact_persons_by_organisation(session: AsyncSession) -> dict[int, ContactPerson]:
    """The registry rows of the active organisations, by organisation id."""
    rows = await session.scalars(
        _with_details(
            select(ContactPerson)
            .join(Organisation, Organisation.id == ContactPerson.organisation_id)
            .where(Organisation.active.is_(True))
        )
    )
    return {row.organisation_id: row for row in rows.all()}


async def organisations_without_contact_person(session: AsyncSession) -> list[Organisation]:
    """Active organisations that must appoint a contact person (3.3) and have neither a registry row nor a user
    with role contact_person, in Swedish order. A bolag is never among them: it may appoint one (3.4)."""
    return await _without_contact(session, kinds_that_must_appoint_contact())


async def organisations_without_representative(session: AsyncSession) -> list[Organisation]:
    """Active organisations that may but need not appoint someone (a bolag's representative, 3.4) and have not,
    in Swedish order: for overviews that show them apart from the missing ones, never for reminders."""
    optional = frozenset(kind for kind in OrganisationKind
                         if duties_of(kind).contact.allowed and not duties_of(kind).must_appoint_contact)
    return await _without_contact(session, optional)


async def _without_contact(session: AsyncSession, kinds: frozenset[OrganisationKind]) -> list[Organisation]:
    if not kinds:
        return []
    organisations = await session.scalars(
        select(Organisation).where(
            Organisation.active.is_(True),
            Organisation.kind.in_(sorted(kinds)),
            ~has_contact_person(Organisation.id, unlinked_name_counts=True),
        )
    )
    return sorted(organisations.all(), key=lambda organisation: swedish_sort_key(organisation.name))


async def is_contact_person(session: AsyncSession, user: User) -> bool:
    """Role contact_person, or linked in the registry as the contact person of the organisation they are in
    (`placed_contact_person`)."""
    found = await session.scalar(select(User.id).where(User.id == user.id, placed_contact_person()))
    return found is not None


async def link_placed_user(session: AsyncSession, user: User, actor: User | None) -> ContactPerson | None:
    """Links `user` to their organisation's registry entry when it names them and nobody is linked yet.

    Called when an administrator places a user in an organisation: the contact person named in chat before
    they had ever written to Lotsen then starts getting the organisation's reminders without being named again.
    """
    if user.organisation_id is None:
        return None
    row = await get_contact_person(session, user.organisation_id)
    if row is None or row.user_id is not None or row.aad_object_id is not None:
        return None  # linked already, or chosen in the directory (reached by object id, not by name)
    named = await _user_named(session, user.organisation_id, row.name)
    if named is None or named.id != user.id:
        return None  # another name, or several users of this name: no guessing
    row.user_id = user.id
    _record_change(session, AuditEventKind.CONTACT_PERSON_SET, user.organisation_id, actor,
                   {"from": row.name, "to": row.name, "user_id": user.id})
    await session.flush()
    return await _load(session, user.organisation_id)


async def _user_named(session: AsyncSession, organisation_id: int, name: str) -> User | None:
    """The one user of that name (case and spacing aside) placed in the organisation; None for none or several.

    Compared in Python: SQLite's lower() folds ASCII only, and "Åsa Öberg" must match "åsa öberg".
    """
    wanted = name.casefold()
    users = (await session.scalars(select(User).where(User.organisation_id == organisation_id))).all()
    matches = [user for user in users if " ".join(user.name.split()).casefold() == wanted]
    return matches[0] if len(matches) == 1 else None


def _record_change(session: AsyncSession, kind: AuditEventKind, organisation_id: int, actor: User | None,
                   details: dict[str, Any]) -> None:
    """Adds the audit event of a change to the organisation's contact person: its subject is the organisation."""
    record_audit(session, kind, AuditSubjectType.CONTACT_PERSON, organisation_id, organisation_id=organisation_id,
                 actor=actor, details=details)


def _require_access(actor: User | None, organisation: Organisation) -> None:
    if organisation.id is None:
        raise ValueError("The organisation must be stored before it can have a contact person")
    if actor is not None and not can_set_contact_person(actor, organisation.id):
        raise AccessDenied(f"User {actor.id} may not set the contact person of organisation {organisation.id}")


def _with_details(statement: Select[tuple[ContactPerson]]) -> Select[tuple[ContactPerson]]:
    # populate_existing: a row loaded earlier in the session must show what was just written.
    return statement.options(
        selectinload(ContactPerson.organisation), selectinload(ContactPerson.user),
        selectinload(ContactPerson.directory_users),
    ).execution_options(populate_existing=True)


async def _load(session: AsyncSession, organisation_id: int) -> ContactPerson:
    row = await get_contact_person(session, organisation_id)
    assert row is not None  # written above, in this transaction
    return row


async def users_with_contact_role(session: AsyncSession, organisation_id: int | None = None) -> dict[int, list[User]]:
    """The users given the contact person role, by the organisation they are placed in, in name order: shown in
    the report status beside the registry's name, or instead of it when the registry names nobody."""
    statement = (select(User).where(User.role == Role.CONTACT_PERSON, User.organisation_id.is_not(None))
                 .order_by(User.name, User.id))
    if organisation_id is not None:
        statement = statement.where(User.organisation_id == organisation_id)
    by_organisation: dict[int, list[User]] = {}
    for user in (await session.scalars(statement)).all():
        by_organisation.setdefault(user.organisation_id, []).append(user)  # type: ignore[arg-type]
    return by_organisation
