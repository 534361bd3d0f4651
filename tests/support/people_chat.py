"""What the tests of the people commands stand on (contact persons, user administration, history): five users
in their organisations and roles, and the whole bot (bot.assembly.build_bot) as each of them reaches it."""

from __future__ import annotations

from dataclasses import dataclass

from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, Entity

from bot.assembly import build_bot
from settings import Settings
from storage.models import Role, User
from storage.organisations import get_organisation
from tests.support.chat import chat_adapter, say, text_of
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
    conversation_id = None if conversation_type == "personal" else "19:channel@thread"
    return chat_adapter(services.bot.on_turn, user, conversation_id=conversation_id,
                        conversation_type=conversation_type, locale=locale)


def mentioning_lotsen(message: str) -> Activity:
    """A channel message that @mentions Lotsen, with the mention entity Teams adds."""
    mention = Entity(type="mention").deserialize(
        {"type": "mention", "text": "<at>Lotsen</at>", "mentioned": {"id": "28:lotsen", "name": "Lotsen"}})
    return Activity(type=ActivityTypes.message, text=f"<at>Lotsen</at> {message}", entities=[mention])


async def ask(session_factory, user: ChannelAccount, message: str | Activity, **options) -> str:
    """Everything Lotsen answers `user` (in a new chat, see `chat`), as the terminal chat prints it."""
    return text_of(await say(chat(session_factory, user, **options), message))


async def said(adapter: TestAdapter, message: str | Activity) -> str:
    """What Lotsen answers one message in an ongoing chat (see `chat`): for answers that need the next turn."""
    return text_of(await say(adapter, message))
