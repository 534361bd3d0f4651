"""Contact persons (3.3) and representatives (3.4) in chat, through the whole bot (bot.assembly.build_bot) and
botbuilder's TestAdapter, on real storage and both databases.

The chat helpers at the top (`People`, `chat`, `say`, `shown`) are used by the admin and history command tests too.
"""

from __future__ import annotations

from dataclasses import dataclass

from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount, Entity
from sqlalchemy import select

from bot.assembly import build_bot
from bot.card_text import render_attachment
from dialogs.contact_commands import ContactCommands
from dialogs.formatting import format_date
from dialogs.people_cards import STOCKHOLM
from settings import Settings
from storage.models import AuditEvent, AuditEventKind, ContactPerson, Role, User
from storage.organisations import get_organisation, list_organisations
from tests.support.people import make_user

ANNA = ChannelAccount(id="29:anna", name="Anna Andersson")  # official, Miljönämnden
BO = ChannelAccount(id="29:bo", name="Bo Berg")  # official, Fritidsnämnden
KARIN = ChannelAccount(id="29:karin", name="Karin Karlsson")  # KS coordinator, Kommunstyrelsen
ADA = ChannelAccount(id="29:ada", name="Ada Admin")  # administrator, Kommunstyrelsen
NILS = ChannelAccount(id="29:nils", name="Nils Nilsson")  # official placed in no organisation yet


@dataclass
class People:
    anna: User
    bo: User
    karin: User
    ada: User
    nils: User


async def seed_people(session_factory) -> People:
    async with session_factory.begin() as session:
        environment = await get_organisation(session, "miljonamnden")
        leisure = await get_organisation(session, "fritidsnamnden")
        board = await get_organisation(session, "kommunstyrelsen")
        return People(
            anna=await make_user(session, ANNA.id, ANNA.name, environment),
            bo=await make_user(session, BO.id, BO.name, leisure),
            karin=await make_user(session, KARIN.id, KARIN.name, board, Role.KS_COORDINATOR),
            ada=await make_user(session, ADA.id, ADA.name, board, Role.ADMIN),
            nils=await make_user(session, NILS.id, NILS.name, None),
        )


def chat(session_factory, user: ChannelAccount, *, locale: str = "sv-SE",
         conversation_type: str = "personal") -> TestAdapter:
    """The whole bot, as Teams talks to it: `user` writing in a private chat (or a channel / group chat)."""
    services = build_bot(Settings(_env_file=None), session_factory)
    conversation_id = f"{conversation_type}-{user.id}" if conversation_type == "personal" else "19:channel@thread"
    template = Activity(
        channel_id="msteams",
        service_url="https://smba.example/emea/",
        conversation=ConversationAccount(id=conversation_id, conversation_type=conversation_type),
        from_property=user,
        recipient=ChannelAccount(id="28:lotsen", name="Lotsen"),
        locale=locale,
    )
    return TestAdapter(services.bot.on_turn, template_or_conversation=template)


def mentioning_lotsen(message: str) -> Activity:
    """A channel message that @mentions Lotsen, with the mention entity Teams adds."""
    mention = Entity(type="mention").deserialize(
        {"type": "mention", "text": "<at>Lotsen</at>", "mentioned": {"id": "28:lotsen", "name": "Lotsen"}})
    return Activity(type=ActivityTypes.message, text=f"<at>Lotsen</at> {message}", entities=[mention])


async def say(adapter: TestAdapter, message: str | Activity) -> str:
    """Everything Lotsen answers to `message`, as the terminal chat prints it (cards rendered as text)."""
    await adapter.send(message)
    lines = []
    while (reply := adapter.get_next_activity()) is not None:
        if reply.text:
            lines.append(reply.text)
        for attachment in reply.attachments or []:
            rendered = render_attachment(attachment.content_type, attachment.content)
            lines.extend(rendered.lines)
            lines.extend(f"[{choice.label}]" for choice in rendered.choices)
    return "\n".join(lines)


async def shown(session_factory, user: ChannelAccount, message: str | Activity, **options) -> str:
    return await say(chat(session_factory, user, **options), message)


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
    return format_date(contact.updated_at.astimezone(STOCKHOLM).date(), "sv")


# --- setting -------------------------------------------------------------------------------------------------


async def test_an_official_names_the_own_nämnds_contact_person_who_is_linked_to_the_lotsen_user(session_factory):
    people = await seed_people(session_factory)
    answer = await shown(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")
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
    answer = await shown(session_factory, ANNA, "kontaktperson: Sara Svensson")  # the writer's own organisation
    assert "i Miljönämnden är nu Sara Svensson" in answer
    assert "mina påminnelser når inte Sara Svensson än" in answer
    assert "en administratör har placerat Sara Svensson i Miljönämnden" in answer
    contact = await _contact(session_factory, "miljonamnden")
    assert (contact.name, contact.user_id) == ("Sara Svensson", None)

    # Replaced by another: the answer says who it was before, and the history has both changes.
    answer = await shown(session_factory, ANNA, "Kontaktperson för Miljönämnden: Anna Andersson")
    assert "är nu Anna Andersson. " in answer and "Tidigare: Sara Svensson." in answer
    assert (await _contact(session_factory, "miljonamnden")).user_id == people.anna.id
    assert [(event.details["from"], event.details["to"]) for event in await _contact_events(session_factory)] == [
        (None, "Sara Svensson"), ("Sara Svensson", "Anna Andersson")]

    # The same again changes nothing and says so.
    answer = await shown(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")
    assert answer.startswith("Anna Andersson är redan registrerad som kontaktperson")
    assert len(await _contact_events(session_factory)) == 2


async def test_a_ks_coordinator_names_a_bolags_representative_under_3_4(session_factory):
    await seed_people(session_factory)
    answer = await shown(session_factory, KARIN, "representant Malmö Stadsteater AB: Bo Berg")
    assert answer.startswith("Klart: representant för internationella frågor i Malmö Stadsteater AB är nu Bo Berg.")
    assert "avsnitt 3.4" in answer and "helägda bolag" in answer
    # Bo Berg is a Lotsen user, but placed in Fritidsnämnden, not in the bolag: not linked.
    assert "mina påminnelser når inte Bo Berg än" in answer
    contact = await _contact(session_factory, "malmo-stadsteater-ab")
    assert (contact.name, contact.user_id) == ("Bo Berg", None)


async def test_an_official_of_another_organisation_is_refused_and_nothing_is_stored(session_factory):
    await seed_people(session_factory)
    answer = await shown(session_factory, BO, "kontaktperson Miljönämnden: Bo Berg")
    assert answer == ("Du kan bara registrera kontaktperson för den nämnd eller det bolag du själv tillhör "
                      "(Fritidsnämnden). Be någon i Miljönämnden, en KS-samordnare eller en administratör "
                      "att göra det.")
    answer = await shown(session_factory, NILS, "kontaktperson Miljönämnden: Nils Nilsson")
    assert "ingen administratör har placerat dig i någon än" in answer
    assert await _contact(session_factory, "miljonamnden") is None
    assert await _contact_events(session_factory) == []


async def test_an_unknown_organisation_or_a_missing_name_is_answered_with_an_example(session_factory):
    await seed_people(session_factory)
    answer = await shown(session_factory, KARIN, "kontaktperson Miljönämden: Anna Andersson")
    assert answer.startswith("Jag hittar ingen nämnd eller inget bolag som heter ”Miljönämden”.")
    assert "”kontaktperson Miljönämnden: Anna Andersson”" in answer
    assert (await shown(session_factory, ANNA, "kontaktperson Miljönämnden:")).startswith("Skriv namnet efter kolonet")
    answer = await shown(session_factory, NILS, "kontaktperson: Nils Nilsson")  # no organisation of one's own
    assert answer.startswith("Jag vet inte vilken nämnd eller vilket bolag du tillhör")
    assert await _contact_events(session_factory) == []


# --- looking up ----------------------------------------------------------------------------------------------


async def test_anyone_may_ask_who_the_contact_person_is_and_since_when(session_factory):
    await seed_people(session_factory)
    await shown(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")
    contact = await _contact(session_factory, "miljonamnden")
    expected = (f"Kontaktperson för internationella frågor i Miljönämnden (avsnitt 3.3): Anna Andersson, "
                f"registrerad {_malmo_date(contact)}.")
    assert await shown(session_factory, BO, "vem är kontaktperson för Miljönämnden?") == expected
    assert await shown(session_factory, ANNA, "Vem är vår kontaktperson?") == expected
    assert await shown(session_factory, NILS, "vem är kontaktpersonen för miljonamnden") == expected


async def test_no_contact_person_yet_says_how_to_register_one(session_factory):
    await seed_people(session_factory)
    answer = await shown(session_factory, ANNA, "vem är kontaktperson för Fritidsnämnden?")
    assert answer.startswith("Fritidsnämnden har ingen kontaktperson för internationella frågor registrerad i Lotsen.")
    assert "”kontaktperson Fritidsnämnden: Anna Andersson”" in answer
    answer = await shown(session_factory, ANNA, "vem är representant för Malmö Stadsteater AB?")
    assert answer.startswith("Malmö Stadsteater AB har ingen representant") and "avsnitt 3.4" in answer
    assert (await shown(session_factory, NILS, "vem är vår kontaktperson?")).startswith(
        "Jag vet inte vilken nämnd eller vilket bolag du tillhör")
    # A name shaped like a nämnd that the city does not have: said so, with an example of one that works.
    answer = await shown(session_factory, ANNA, "vem är kontaktperson för Teaternämnden?")
    assert answer.startswith("Jag hittar ingen nämnd eller inget bolag som heter ”Teaternämnden”.")
    assert "”kontaktperson Miljönämnden: Anna Andersson”" in answer


async def test_a_user_with_the_contact_person_role_counts_as_the_contact_person(session_factory):
    async with session_factory.begin() as session:
        await make_user(session, "29:siv", "Siv Sjöberg", await get_organisation(session, "kulturnamnden"),
                        Role.CONTACT_PERSON)
    answer = await shown(session_factory, ANNA, "vem är kontaktperson för Kulturnämnden")
    assert answer == ("Kontaktperson för internationella frågor i Kulturnämnden (avsnitt 3.3): Siv Sjöberg "
                      "(har rollen kontaktperson i Lotsen).")


async def test_the_overview_lists_those_without_a_contact_person_first_for_coordinators(session_factory):
    await seed_people(session_factory)
    await shown(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")
    await shown(session_factory, KARIN, "representant Malmö Stadsteater AB: Bo Berg")
    contact = await _contact(session_factory, "miljonamnden")
    async with session_factory() as session:
        active = len(await list_organisations(session))
    for user in (KARIN, ADA):
        overview = (await shown(session_factory, user, "kontaktpersoner")).splitlines()
        assert overview[0] == "Kontaktpersoner och representanter för internationella frågor"
        missing = overview.index(f"Utan kontaktperson eller representant ({active - 2})")
        present = overview.index("Med kontaktperson eller representant (2)")
        # In Swedish name order, nämnder and bolag together.
        assert missing < overview.index("Boplats Syd AB (bolag)") < overview.index("Fritidsnämnden (nämnd)") < present
        assert f"Miljönämnden: Anna Andersson, sedan {_malmo_date(contact)}" in overview[present:]
        assert "Miljönämnden (nämnd)" not in overview
    # An official gets the one line of the own organisation.
    assert (await shown(session_factory, BO, "kontaktpersoner")).startswith("Fritidsnämnden har ingen kontaktperson")


async def test_contact_look_ups_answer_in_a_channel_too(session_factory):
    await seed_people(session_factory)
    await shown(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")
    answer = await shown(session_factory, BO, mentioning_lotsen("vem är kontaktperson för Miljönämnden?"),
                         conversation_type="channel")
    assert answer.startswith("Kontaktperson för internationella frågor i Miljönämnden (avsnitt 3.3): Anna Andersson")


async def test_english(session_factory):
    await seed_people(session_factory)
    answer = await shown(session_factory, ANNA, "contact person for Miljönämnden: Anna Andersson", locale="en-US")
    assert answer.startswith(
        "Done: the contact person for international questions of Miljönämnden is now Anna Andersson.")
    assert "section 3.3" in answer and "reach Anna Andersson in Teams" in answer
    answer = await shown(session_factory, BO, "who is the contact person for Miljönämnden?", locale="en-US")
    assert answer.startswith(
        "Contact person for international questions of Miljönämnden (section 3.3): Anna Andersson,")
    answer = await shown(session_factory, BO, "contact person Miljönämnden: Bo Berg", locale="en-US")
    assert answer.startswith("You can only register the contact person of the committee or company you belong to")


async def test_questions_about_contact_persons_are_left_to_the_policy_answers(session_factory):
    commands = ContactCommands(session_factory)
    for question in ("vad gör en kontaktperson?", "Måste nämnden ha en kontaktperson?",
                     "vem är kontaktperson och vad gör den?", "vem är kontaktperson för EU-nätverket?",
                     "Kontaktperson: vad betyder det?", "what does a contact person do?"):
        assert commands.recognise(question, None, "sv") is None, question
    assert commands.recognise("vem är kontaktperson för Miljönämnden?", None, "sv") is not None
