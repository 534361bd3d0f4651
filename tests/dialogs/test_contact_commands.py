"""Contact persons (3.3) and representatives (3.4) in chat, through the whole bot (bot.assembly.build_bot) and
botbuilder's TestAdapter, on real storage and both databases.

The users and the chat are tests/support/people_chat.py's, shared with the admin and history command tests.
"""

from __future__ import annotations

from botbuilder.schema import ChannelAccount
from sqlalchemy import select

from dialogs.people.contact_commands import ContactCommands
from dialogs.common.formatting import format_date
from policy.dates import MALMO_TIME
from storage.models import AuditEvent, AuditEventKind, ContactPerson, Role
from storage.organisations import OrganisationKind, get_organisation, list_organisations
from tests.support.people import make_user
from tests.support.phone_cards import unbroken
from tests.support.people_chat import (
    ADA,
    ANNA,
    BO,
    KARIN,
    NILS,
    ask,
    chat,
    mentioning_lotsen,
    said,
    seed_people,
)


async def _contact(session_factory, slug: str) -> ContactPerson | None:
    async with session_factory() as session:
        organisation = await get_organisation(session, slug)
        return await session.scalar(select(ContactPerson).where(ContactPerson.organisation_id == organisation.id))


async def _contact_events(session_factory) -> list[AuditEvent]:
    async with session_factory() as session:
        statement = (select(AuditEvent).where(AuditEvent.kind == AuditEventKind.CONTACT_PERSON_SET)
                     .order_by(AuditEvent.id))
        return list((await session.scalars(statement)).all())


def _malmo_date(contact: ContactPerson) -> str:
    return format_date(contact.updated_at.astimezone(MALMO_TIME).date(), "sv")


# --- setting -------------------------------------------------------------------------------------------------


async def test_an_official_names_the_own_nämnds_contact_person_who_is_linked_to_the_lotsen_user(session_factory):
    people = await seed_people(session_factory)
    answer = await ask(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")
    assert answer.startswith("Klart: kontaktperson för internationella frågor i Miljönämnden är nu Anna Andersson.")
    assert "avsnitt 3.3" in answer
    assert "Anna Andersson använder Lotsen och är placerad i Miljönämnden" in answer

    contact = await _contact(session_factory, "miljonamnden")
    assert (contact.name, contact.user_id, contact.set_by_user_id) == ("Anna Andersson", people.anna.id, people.anna.id)
    [event] = await _contact_events(session_factory)
    assert event.actor_user_id == people.anna.id
    assert event.details["to"] == "Anna Andersson" and event.details["from"] is None


async def test_a_name_no_lotsen_user_has_is_registered_and_the_answer_says_reminders_do_not_reach_them_yet(
        session_factory):
    people = await seed_people(session_factory)
    answer = await ask(session_factory, ANNA, "kontaktperson: Sara Svensson")  # the writer's own organisation
    assert "i Miljönämnden är nu Sara Svensson" in answer
    assert "mina påminnelser når inte Sara Svensson än" in answer
    assert "en administratör har placerat Sara Svensson i Miljönämnden" in answer
    contact = await _contact(session_factory, "miljonamnden")
    assert (contact.name, contact.user_id) == ("Sara Svensson", None)

    # Replaced by another: the answer says who it was before, and the history has both changes.
    answer = await ask(session_factory, ANNA, "Kontaktperson för Miljönämnden: Anna Andersson")
    assert "är nu Anna Andersson. " in answer and "Tidigare: Sara Svensson." in answer
    assert (await _contact(session_factory, "miljonamnden")).user_id == people.anna.id
    assert [(event.details["from"], event.details["to"]) for event in await _contact_events(session_factory)] == [
        (None, "Sara Svensson"), ("Sara Svensson", "Anna Andersson")]

    # The same again changes nothing and says so.
    answer = await ask(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")
    assert answer.startswith("Anna Andersson är redan registrerad som kontaktperson")
    assert len(await _contact_events(session_factory)) == 2


async def test_a_ks_coordinator_names_a_bolags_representative_under_3_4(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, KARIN, "representant Malmö Stadsteater AB: Bo Berg")
    assert answer.startswith("Klart: representant för internationella frågor i Malmö Stadsteater AB är nu Bo Berg.")
    assert "avsnitt 3.4" in answer and "helägda bolag" in answer
    # Bo Berg is a Lotsen user, but placed in Fritidsnämnden, not in the bolag: not linked.
    assert "mina påminnelser når inte Bo Berg än" in answer
    contact = await _contact(session_factory, "malmo-stadsteater-ab")
    assert (contact.name, contact.user_id) == ("Bo Berg", None)


async def test_a_bolags_own_official_names_its_representative_and_is_told_about_3_4_not_3_3(session_factory):
    await seed_people(session_factory)
    async with session_factory.begin() as session:
        await make_user(session, "29:mats", "Mats Berg", await get_organisation(session, "mkb-fastighets-ab"))
    mats = ChannelAccount(id="29:mats", name="Mats Berg")
    answer = await ask(session_factory, mats, "representant: Mats Berg")  # the writer's own bolag
    assert answer.startswith("Klart: representant för internationella frågor i MKB Fastighets AB är nu Mats Berg.")
    assert "avsnitt 3.4" in answer and "3.3" not in answer and "varje nämnd" not in answer
    # Linked: the reminders it reaches are the bolag's (a voluntary report), not a nämnd's yearly duty.
    assert "mina påminnelser till representanten, till exempel om en frivillig årsredovisning" in answer
    assert "den årliga redovisningen" not in answer
    # Someone else's bolag: refused, naming the representative, not a contact person.
    answer = await ask(session_factory, BO, "representant MKB Fastighets AB: Bo Berg")
    assert answer.startswith("Du kan bara registrera representant för den nämnd eller det bolag du själv tillhör")


async def test_an_official_of_another_organisation_is_refused_and_nothing_is_stored(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, BO, "kontaktperson Miljönämnden: Bo Berg")
    assert answer == ("Du kan bara registrera kontaktperson för den nämnd eller det bolag du själv tillhör "
                      "(Fritidsnämnden). Be någon i Miljönämnden, en KS-samordnare eller en administratör "
                      "att göra det.")
    answer = await ask(session_factory, NILS, "kontaktperson Miljönämnden: Nils Nilsson")
    assert "ingen administratör har placerat dig i någon än" in answer
    assert await _contact(session_factory, "miljonamnden") is None
    assert await _contact_events(session_factory) == []


async def test_an_unknown_organisation_or_a_missing_name_is_answered_with_an_example(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, KARIN, "kontaktperson Miljönämden: Anna Andersson")
    assert answer.startswith("Jag hittar ingen nämnd eller inget bolag som heter ”Miljönämden”.")
    assert "”kontaktperson Miljönämnden: Anna Andersson”" in answer
    assert (await ask(session_factory, ANNA, "kontaktperson Miljönämnden:")).startswith("Skriv namnet efter kolonet")
    answer = await ask(session_factory, NILS, "kontaktperson: Nils Nilsson")  # no organisation of one's own
    assert answer.startswith("Jag vet inte vilken nämnd eller vilket bolag du tillhör")
    assert await _contact_events(session_factory) == []


# --- looking up ----------------------------------------------------------------------------------------------


async def test_anyone_may_ask_who_the_contact_person_is_and_since_when(session_factory):
    await seed_people(session_factory)
    await ask(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")
    contact = await _contact(session_factory, "miljonamnden")
    expected = (f"Kontaktperson för internationella frågor i Miljönämnden (avsnitt 3.3): Anna Andersson, "
                f"registrerad {_malmo_date(contact)}.")
    assert await ask(session_factory, BO, "vem är kontaktperson för Miljönämnden?") == expected
    assert await ask(session_factory, ANNA, "Vem är vår kontaktperson?") == expected
    assert await ask(session_factory, NILS, "vem är kontaktpersonen för miljonamnden") == expected


async def test_no_contact_person_yet_says_how_to_register_one(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, ANNA, "vem är kontaktperson för Fritidsnämnden?")
    assert answer.startswith("Fritidsnämnden har ingen kontaktperson för internationella frågor registrerad i Lotsen.")
    assert "”kontaktperson Fritidsnämnden: Anna Andersson”" in answer
    answer = await ask(session_factory, ANNA, "vem är representant för Malmö Stadsteater AB?")
    assert answer.startswith("Malmö Stadsteater AB har ingen representant") and "avsnitt 3.4" in answer
    assert (await ask(session_factory, NILS, "vem är vår kontaktperson?")).startswith(
        "Jag vet inte vilken nämnd eller vilket bolag du tillhör")
    # A name shaped like a nämnd that the city does not have: said so, with an example of one that works.
    answer = await ask(session_factory, ANNA, "vem är kontaktperson för Teaternämnden?")
    assert answer.startswith("Jag hittar ingen nämnd eller inget bolag som heter ”Teaternämnden”.")
    assert "”kontaktperson Miljönämnden: Anna Andersson”" in answer


async def test_the_förvaltning_serving_a_nämnd_is_looked_up_and_set_as_the_nämnd(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, ANNA, "vem är kontaktperson för internationella frågor på fritidsförvaltningen?")
    assert answer.startswith("Fritidsnämnden har ingen kontaktperson för internationella frågor registrerad i Lotsen.")
    answer = await ask(session_factory, ANNA, "kontaktperson Miljöförvaltningen: Anna Andersson")
    assert answer.startswith("Klart: kontaktperson för internationella frågor i Miljönämnden är nu Anna Andersson.")
    assert (await _contact(session_factory, "miljonamnden")).name == "Anna Andersson"


async def test_a_user_with_the_contact_person_role_counts_as_the_contact_person(session_factory):
    async with session_factory.begin() as session:
        await make_user(session, "29:siv", "Siv Sjöberg", await get_organisation(session, "kulturnamnden"),
                        Role.CONTACT_PERSON)
    answer = await ask(session_factory, ANNA, "vem är kontaktperson för Kulturnämnden")
    assert answer == ("Kontaktperson för internationella frågor i Kulturnämnden (avsnitt 3.3): Siv Sjöberg "
                      "(har rollen kontaktperson i Lotsen).")


async def test_the_overview_lists_those_without_a_contact_person_first_for_coordinators(session_factory):
    await seed_people(session_factory)
    await ask(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")
    await ask(session_factory, KARIN, "representant Malmö Stadsteater AB: Bo Berg")
    contact = await _contact(session_factory, "miljonamnden")
    async with session_factory() as session:
        namnder = len(await list_organisations(session, OrganisationKind.NAMND))
        bolag = len(await list_organisations(session, OrganisationKind.BOLAG))
    for user in (KARIN, ADA):
        overview = (await ask(session_factory, user, "kontaktpersoner")).splitlines()
        assert overview[0] == "Kontaktpersoner och representanter för internationella frågor"
        # Only a nämnd is to appoint a contact person (3.3): the bolag without a representative come apart, as
        # the opportunity 3.4 gives them, not as missing.
        missing = overview.index(f"Nämnder utan kontaktperson ({namnder - 1})")
        optional = overview.index(f"Bolag utan representant, frivilligt enligt avsnitt 3.4 ({bolag - 1})")
        present = overview.index("Med kontaktperson eller representant (2)")
        assert missing < overview.index("Fritidsnämnden") < optional < present
        assert overview[optional + 1].startswith("Boplats Syd AB, Malmö Kommuns Parkerings AB, ")
        assert "Malmö Stadsteater AB" not in overview[optional + 1]
        assert not [line for line in overview[missing:optional] if " AB" in line]
        assert f"Miljönämnden: Anna Andersson, sedan {unbroken(_malmo_date(contact))}" in overview[present:]
        assert any(line.startswith("Malmö Stadsteater AB: Bo Berg") for line in overview[present:])
        assert "Miljönämnden" not in overview[missing:optional]
    # An official gets the one line of the own organisation.
    assert (await ask(session_factory, BO, "kontaktpersoner")).startswith("Fritidsnämnden har ingen kontaktperson")


async def test_contact_look_ups_answer_in_a_channel_too(session_factory):
    await seed_people(session_factory)
    await ask(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")
    answer = await ask(session_factory, BO, mentioning_lotsen("vem är kontaktperson för Miljönämnden?"),
                         conversation_type="channel")
    assert answer.startswith("Kontaktperson för internationella frågor i Miljönämnden (avsnitt 3.3): Anna Andersson")


async def test_english(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, ANNA, "contact person for Miljönämnden: Anna Andersson", locale="en-US")
    assert answer.startswith(
        "Done: the contact person for international questions of Miljönämnden is now Anna Andersson.")
    assert "section 3.3" in answer and "reach Anna Andersson in Teams" in answer
    answer = await ask(session_factory, BO, "who is the contact person for Miljönämnden?", locale="en-US")
    assert answer.startswith(
        "Contact person for international questions of Miljönämnden (section 3.3): Anna Andersson,")
    answer = await ask(session_factory, BO, "contact person Miljönämnden: Bo Berg", locale="en-US")
    assert answer.startswith("You can only register the contact person of the committee or company you belong to")


async def test_questions_about_contact_persons_are_left_to_the_policy_answers(session_factory):
    commands = ContactCommands(session_factory)
    for question in ("vad gör en kontaktperson?", "Måste nämnden ha en kontaktperson?",
                     "vem är kontaktperson och vad gör den?", "vem är kontaktperson för EU-nätverket?",
                     "Kontaktperson: vad betyder det?", "what does a contact person do?"):
        assert commands.recognise(question, None, "sv") is None, question
    assert commands.recognise("vem är kontaktperson för Miljönämnden?", None, "sv") is not None


# --- questions with a colon, and replacing a registered contact person ---------------------------------------


async def _bo_registered(session_factory) -> None:
    """Fritidsnämnden's contact person is Bo Berg, registered by himself."""
    await seed_people(session_factory)
    assert (await ask(session_factory, BO, "kontaktperson Fritidsnämnden: Bo Berg")).startswith("Klart")


async def test_a_question_after_the_colon_is_answered_and_leaves_the_registry_alone(session_factory):
    await _bo_registered(session_factory)
    commands = ContactCommands(session_factory)
    for question in ("kontaktperson: vad innebär det",
                     "kontaktperson för internationella frågor: vem utser den och vad gör den",
                     "Kontaktperson: Måste vi ha en",
                     "kontaktperson: vi har ingen än",
                     "kontaktperson: inte bestämt",
                     "kontaktperson: 2 personer",
                     "representant för bolagen: vad gäller",
                     "contact person: what does that mean"):
        assert commands.recognise(question, None, "sv") is None, question
        answer = await ask(session_factory, BO, question)
        assert answer and not answer.startswith(("Klart", "Ska jag registrera", "Jag hittar ingen")), (question, answer)
    assert (await _contact(session_factory, "fritidsnamnden")).name == "Bo Berg"
    assert len(await _contact_events(session_factory)) == 1
    # A name that begins like a question word but is written as a name is still a name.
    assert commands.recognise("kontaktperson Miljönämnden: May Andersson", None, "sv").name == "May Andersson"


async def test_replacing_the_own_organisations_contact_person_asks_first_and_ja_replaces(session_factory):
    await _bo_registered(session_factory)
    bo = chat(session_factory, BO)
    assert await said(bo, "kontaktperson: Anna Andersson") == (
        "Ska jag registrera ”Anna Andersson” som kontaktperson för Fritidsnämnden i stället för Bo Berg? "
        "Svara ja eller nej.")
    assert (await _contact(session_factory, "fritidsnamnden")).name == "Bo Berg"
    answer = await said(chat(session_factory, BO), "ja")  # the next turn, even after a restart
    assert answer.startswith("Klart: kontaktperson för internationella frågor i Fritidsnämnden är nu Anna Andersson.")
    assert "Tidigare: Bo Berg." in answer
    assert (await _contact(session_factory, "fritidsnamnden")).name == "Anna Andersson"
    assert [event.details["to"] for event in await _contact_events(session_factory)] == ["Bo Berg", "Anna Andersson"]
    # The question is over: a further "ja" is no answer to it.
    assert not (await said(bo, "ja")).startswith("Klart")
    assert len(await _contact_events(session_factory)) == 2


async def test_nej_or_another_message_keeps_the_registered_contact_person(session_factory):
    await _bo_registered(session_factory)
    bo = chat(session_factory, BO)
    assert (await said(bo, "kontaktperson: Anna Andersson")).startswith("Ska jag registrera")
    assert await said(bo, "nej") == (
        "Okej, jag har inte ändrat något: Bo Berg är kvar som kontaktperson för Fritidsnämnden.")

    assert (await said(bo, "kontaktperson: Anna Andersson")).startswith("Ska jag registrera")
    answer = await said(bo, "vem är kontaktperson för Miljönämnden?")
    # Not an answer to the question: the registry stays, and the message is answered as itself.
    assert answer.startswith("Jag har inte registrerat ”Anna Andersson”: Bo Berg är kvar som kontaktperson för "
                             "Fritidsnämnden.")
    assert "Miljönämnden har ingen kontaktperson för internationella frågor registrerad i Lotsen." in answer
    assert (await _contact(session_factory, "fritidsnamnden")).name == "Bo Berg"
    assert len(await _contact_events(session_factory)) == 1


async def test_the_same_name_or_a_named_organisation_sets_without_asking(session_factory):
    await _bo_registered(session_factory)
    assert (await ask(session_factory, BO, "kontaktperson: bo berg")).startswith(
        "Klart: kontaktperson för internationella frågor i Fritidsnämnden är nu bo berg.")
    answer = await ask(session_factory, BO, "kontaktperson Fritidsnämnden: Anna Andersson")  # explicit
    assert answer.startswith("Klart") and "Tidigare: bo berg." in answer
    assert (await _contact(session_factory, "fritidsnamnden")).name == "Anna Andersson"


async def test_in_a_channel_the_replacement_is_not_asked_but_explained(session_factory):
    await _bo_registered(session_factory)
    channel = chat(session_factory, BO, conversation_type="channel")
    assert await said(channel, mentioning_lotsen("kontaktperson: Anna Andersson")) == (
        "Bo Berg är redan registrerad som kontaktperson för Fritidsnämnden. Vill du byta till Anna Andersson, skriv "
        "”kontaktperson Fritidsnämnden: Anna Andersson”.")
    assert not (await said(channel, mentioning_lotsen("ja"))).startswith("Klart")
    assert (await _contact(session_factory, "fritidsnamnden")).name == "Bo Berg"


async def test_replacing_in_english(session_factory):
    await _bo_registered(session_factory)
    bo = chat(session_factory, BO, locale="en-US")
    assert await said(bo, "contact person: Anna Andersson") == (
        "Shall I register “Anna Andersson” as the contact person of Fritidsnämnden instead of Bo Berg? "
        "Answer yes or no.")
    assert (await said(bo, "yes")).startswith(
        "Done: the contact person for international questions of Fritidsnämnden is now Anna Andersson.")


# --- looking up by the start of a name -----------------------------------------------------------------------


async def test_a_look_up_finds_the_one_organisation_whose_name_starts_so(session_factory):
    await seed_people(session_factory)
    await ask(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")
    assert (await ask(session_factory, BO, "vem är kontaktperson för Miljö?")).startswith(
        "Kontaktperson för internationella frågor i Miljönämnden (avsnitt 3.3): Anna Andersson")
    assert (await ask(session_factory, BO, "vem är kontaktperson för MKB?")).startswith(
        "MKB Fastighets AB har ingen representant för internationella frågor registrerad i Lotsen.")
    answer = await ask(session_factory, BO, "vem är representant för Malmö?")
    assert answer.startswith("Flera nämnder och bolag börjar med ”Malmö”: ")
    assert "Malmö Stadsteater AB" in answer and "Malmö Live Konserthus AB" in answer
    assert "”vem är kontaktperson för " in answer
    answer = await ask(session_factory, BO, "vem är kontaktperson för XYZ?")  # an acronym of none
    assert answer.startswith("Jag hittar ingen nämnd eller inget bolag som heter ”XYZ”.")
    commands = ContactCommands(session_factory)
    # Words that begin no organisation's name whole are a question for the policy answers.
    for question in ("vem är kontaktperson för Malmö stad?", "vem är kontaktperson för EU?"):
        assert commands.recognise(question, None, "sv") is None, question
    # Setting takes no shortened name: it changes the registry.
    assert (await ask(session_factory, KARIN, "kontaktperson MKB: Bo Berg")).startswith(
        "Jag hittar ingen nämnd eller inget bolag som heter ”MKB”.")
