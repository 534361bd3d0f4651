"""Administrators managing users in chat ("användare", "roll …: …", "organisation …: …"), through the whole bot
and botbuilder's TestAdapter, on real storage and both databases."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import AuditEvent, AuditEventKind, Role, User
from storage.organisations import get_organisation
from tests.support.people_chat import ADA, ANNA, BO, KARIN, NILS, ask, mentioning_lotsen, seed_people
from tests.support.people import make_user


async def _user(session_factory, teams_id: str) -> User:
    async with session_factory() as session:
        return await session.scalar(select(User).where(User.teams_user_id == teams_id))


async def _chat_events(session_factory, kind: AuditEventKind) -> list[AuditEvent]:
    """The audit events of `kind` made by someone in chat (the seeding is the operator's: actor None)."""
    async with session_factory() as session:
        statement = (select(AuditEvent).where(AuditEvent.kind == kind, AuditEvent.actor_user_id.is_not(None))
                     .order_by(AuditEvent.id))
        return list((await session.scalars(statement)).all())


async def test_an_admin_lists_the_users_with_role_and_organisation(session_factory):
    await seed_people(session_factory)
    listing = (await ask(session_factory, ADA, "användare")).splitlines()
    assert listing[0] == "Lotsens användare"
    assert listing[1].startswith("5 användare.")
    assert "Anna Andersson: tjänsteperson, Miljönämnden" in listing
    assert "Karin Karlsson: KS-samordnare, Kommunstyrelsen" in listing
    assert "Ada Admin: administratör, Kommunstyrelsen" in listing
    assert "Nils Nilsson: tjänsteperson, utan nämnd eller bolag" in listing
    assert "Teams-id 29:bo" in listing


async def test_others_are_refused_and_see_nobody(session_factory):
    people = await seed_people(session_factory)
    refusal = ("Bara en administratör kan se Lotsens användare och ändra deras roller och organisationer. "
               "Jag har inte ändrat något.")
    for user in (ANNA, KARIN):
        assert await ask(session_factory, user, "användare") == refusal
        assert await ask(session_factory, user, "roll Bo Berg: samordnare") == refusal
        assert await ask(session_factory, user, "organisation Bo Berg: Miljönämnden") == refusal
    bo = await _user(session_factory, BO.id)
    assert (bo.role, bo.organisation_id) == (Role.OFFICIAL, people.bo.organisation_id)
    assert await _chat_events(session_factory, AuditEventKind.ROLE_CHANGED) == []
    assert await _chat_events(session_factory, AuditEventKind.ORGANISATION_CHANGED) == []


async def test_an_admin_gives_a_role_and_the_change_is_stored_and_audited(session_factory):
    people = await seed_people(session_factory)
    answer = await ask(session_factory, ADA, "roll Bo Berg: samordnare")
    assert answer == "Klart: Bo Berg har nu rollen KS-samordnare (tidigare tjänsteperson)."
    assert (await _user(session_factory, BO.id)).role == Role.KS_COORDINATOR
    [event] = await _chat_events(session_factory, AuditEventKind.ROLE_CHANGED)
    assert (event.actor_user_id, event.subject_id) == (people.ada.id, people.bo.id)
    assert event.details == {"from": "official", "to": "ks_coordinator"}

    assert await ask(session_factory, ADA, "roll bo berg: KS-samordnare") == "Bo Berg har redan rollen KS-samordnare."
    answer = await ask(session_factory, ADA, "roll Bo Berg: kontaktperson")
    assert answer == "Klart: Bo Berg har nu rollen kontaktperson (tidigare KS-samordnare)."
    assert len(await _chat_events(session_factory, AuditEventKind.ROLE_CHANGED)) == 2


async def test_making_someone_an_admin_in_chat_is_refused_with_the_reason(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, ADA, "roll Bo Berg: administratör")
    assert answer.startswith("Administratörer utses inte i chatten")
    assert "python -m cli users grant admin ANVÄNDARE" in answer
    answer = await ask(session_factory, ADA, "roll Ada Admin: tjänsteperson")  # an admin's role, the own too
    assert answer.startswith("Ada Admin är administratör.")
    assert (await _user(session_factory, BO.id)).role == Role.OFFICIAL
    assert (await _user(session_factory, ADA.id)).role == Role.ADMIN
    assert await _chat_events(session_factory, AuditEventKind.ROLE_CHANGED) == []


async def test_unknown_roles_users_and_missing_values_get_an_example(session_factory):
    await seed_people(session_factory)
    assert await ask(session_factory, ADA, "roll Bo Berg: chef") == (
        "Jag känner inte igen rollen ”chef”. Välj tjänsteperson, kontaktperson eller samordnare, till exempel "
        "”roll Anna Andersson: samordnare”.")
    assert (await ask(session_factory, ADA, "roll Bo Berg:")).startswith("Skriv rollen efter kolonet")
    assert (await ask(session_factory, ADA, "roll Greta Garbo: samordnare")).startswith(
        "Jag hittar ingen användare som heter ”Greta Garbo”.")
    assert (await ask(session_factory, ADA, "organisation Bo Berg: Miljönämden")).startswith(
        "Jag hittar ingen nämnd eller inget bolag som heter ”Miljönämden”.")
    assert await _chat_events(session_factory, AuditEventKind.ROLE_CHANGED) == []


async def test_several_users_of_one_name_are_listed_and_the_teams_id_picks_one(session_factory):
    await seed_people(session_factory)
    async with session_factory.begin() as session:
        await make_user(session, "29:anna-2", "Anna Andersson", await get_organisation(session, "kulturnamnden"))
    answer = await ask(session_factory, ADA, "roll Anna Andersson: kontaktperson")
    assert answer.startswith("Det finns 2 användare som heter ”Anna Andersson”. Skriv Teams-id:t i stället")
    assert "• Anna Andersson, tjänsteperson, Miljönämnden: Teams-id 29:anna" in answer
    assert "• Anna Andersson, tjänsteperson, Kulturnämnden: Teams-id 29:anna-2" in answer
    assert (await _user(session_factory, "29:anna-2")).role == Role.OFFICIAL

    answer = await ask(session_factory, ADA, "roll 29:anna-2: kontaktperson")
    assert answer == "Klart: Anna Andersson har nu rollen kontaktperson (tidigare tjänsteperson)."
    assert (await _user(session_factory, "29:anna-2")).role == Role.CONTACT_PERSON
    assert (await _user(session_factory, ANNA.id)).role == Role.OFFICIAL


async def test_an_admin_places_a_user_in_an_organisation_and_out_of_it(session_factory):
    people = await seed_people(session_factory)
    answer = await ask(session_factory, ADA, "organisation Nils Nilsson: miljönämnden")
    assert answer == ("Klart: Nils Nilsson tillhör nu Miljönämnden (tidigare inte placerad i någon nämnd eller "
                      "något bolag).")
    environment_id = people.anna.organisation_id
    assert (await _user(session_factory, NILS.id)).organisation_id == environment_id
    [event] = await _chat_events(session_factory, AuditEventKind.ORGANISATION_CHANGED)
    assert (event.actor_user_id, event.subject_id, event.organisation_id) == (people.ada.id, people.nils.id,
                                                                             environment_id)
    assert event.details["from"] is None and event.details["to"] == "Miljönämnden"

    assert await ask(session_factory, ADA, "organisation Nils Nilsson: Miljönämnden") == (
        "Nils Nilsson tillhör redan Miljönämnden.")
    answer = await ask(session_factory, ADA, "organisation Nils Nilsson: ingen")
    assert answer == ("Klart: Nils Nilsson är inte längre placerad i någon nämnd eller något bolag "
                      "(tidigare Miljönämnden).")
    assert (await _user(session_factory, NILS.id)).organisation_id is None
    assert await ask(session_factory, ADA, "organisation Nils Nilsson: ingen nämnd") == (
        "Nils Nilsson är inte placerad i någon nämnd eller något bolag, så det finns inget att ändra.")
    assert len(await _chat_events(session_factory, AuditEventKind.ORGANISATION_CHANGED)) == 2


async def test_user_management_answers_only_in_a_private_chat(session_factory):
    await seed_people(session_factory)
    personal_only = ("Användare, roller och historiken tar jag bara i en privat chatt med dig, eftersom alla i "
                     "kanalen annars ser dem. Skriv till mig i en chatt med Lotsen.\n[Öppna chatten med Lotsen]")
    for message in ("användare", "roll Bo Berg: samordnare"):
        answer = await ask(session_factory, ADA, mentioning_lotsen(message), conversation_type="channel")
        assert answer == personal_only
    assert await ask(session_factory, ADA, "organisation Bo Berg: Miljönämnden",
                       conversation_type="groupChat") == personal_only
    assert (await _user(session_factory, BO.id)).role == Role.OFFICIAL
    assert await _chat_events(session_factory, AuditEventKind.ROLE_CHANGED) == []
    assert await _chat_events(session_factory, AuditEventKind.ORGANISATION_CHANGED) == []


async def test_english(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, ADA, "role Bo Berg: coordinator", locale="en-US")
    assert answer == "Done: Bo Berg now has the role KS coordinator (before: official)."
    answer = await ask(session_factory, ADA, "role Nils Nilsson: admin", locale="en-US")
    assert answer.startswith("Administrators are not appointed in the chat")
    assert "python -m cli users grant admin USER" in answer
    answer = await ask(session_factory, ANNA, "users", locale="en-US")
    assert answer.startswith("Only an administrator can see Lotsen's users")
    listing = await ask(session_factory, ADA, "users", locale="en-US")
    assert "Bo Berg: KS coordinator, Fritidsnämnden" in listing


async def test_out_of_an_organisation_in_english(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, ADA, "organisation Bo Berg: none", locale="en-US")
    assert answer == "Done: Bo Berg is no longer placed in any committee or company (before: Fritidsnämnden)."
    answer = await ask(session_factory, ADA, "organisation Bo Berg: Kulturnämnden", locale="en-US")
    assert answer == "Done: Bo Berg now belongs to Kulturnämnden (before: not placed in any committee or company)."


async def test_policy_questions_with_a_colon_are_not_taken_for_commands(session_factory):
    people = await seed_people(session_factory)
    for question in ("Roll i EU-projekt: vad innebär det att vara lead partner",
                     "Organisation av det internationella arbetet: hur ser den ut",
                     "roll för kommunstyrelsen: vilken är den",
                     "Role of the lead partner: what is it"):
        answer = await ask(session_factory, ADA, question)
        assert answer and not answer.startswith(("Jag hittar ingen", "Skriv", "Klart")), (question, answer)
        # Not even the refusal an official would get for a command of administrators.
        assert not (await ask(session_factory, ANNA, question)).startswith("Bara en administratör"), question
    assert (await _user(session_factory, BO.id)).organisation_id == people.bo.organisation_id
    assert await _chat_events(session_factory, AuditEventKind.ROLE_CHANGED) == []
    assert await _chat_events(session_factory, AuditEventKind.ORGANISATION_CHANGED) == []
