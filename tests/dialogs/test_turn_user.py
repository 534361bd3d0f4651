"""Which Lotsen user a turn is from (dialogs/common/turn_user.py), on turns through botbuilder's TestAdapter and real
storage on both databases."""

from __future__ import annotations

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount
from sqlalchemy import func, select

from dialogs.common.turn_user import acting_user, acting_user_recorded
from storage.models import Role, User
from storage.organisations import get_organisation
from tests.support.chat import chat_adapter
from tests.support.people import make_user

ANNA = ChannelAccount(id="29:anna", name="Anna Andersson")
NEWCOMER = ChannelAccount(id="29:ny", name="Nina Ny", aad_object_id="aad-nina")


async def _found_in_turn(session_factory, user: ChannelAccount, *, record: bool = False,
                         activity: Activity | str = "hej", locale: str = "sv-SE") -> User | None:
    """Whom the lookup finds in a turn from `user` (one transaction, as a dialog's turn has)."""
    found: list[User | None] = []

    async def on_turn(turn_context: TurnContext) -> None:
        async with session_factory.begin() as session:
            lookup = acting_user_recorded if record else acting_user
            found.append(await lookup(session, turn_context))

    await chat_adapter(on_turn, user, locale=locale).send(activity)
    return found[0]


async def _users(session_factory) -> int:
    async with session_factory() as session:
        return (await session.execute(select(func.count()).select_from(User))).scalar_one()


async def test_a_recorded_user_is_found_and_nobody_else(session_factory):
    async with session_factory.begin() as session:
        anna = await make_user(session, ANNA.id, ANNA.name, await get_organisation(session, "miljonamnden"),
                               Role.KS_COORDINATOR)
    found = await _found_in_turn(session_factory, ANNA)
    assert found is not None and (found.id, found.role) == (anna.id, Role.KS_COORDINATOR)
    assert await _found_in_turn(session_factory, NEWCOMER) is None
    assert await _users(session_factory) == 1  # only looked up: nobody recorded


async def test_a_turn_without_a_sender_id_is_from_no_user(session_factory):
    async with session_factory.begin() as session:
        await make_user(session, ANNA.id, ANNA.name, None)
    nobody = Activity(type=ActivityTypes.message, text="hej", from_property=ChannelAccount(id="", name=""))
    assert await _found_in_turn(session_factory, ANNA, activity=nobody) is None
    assert await _found_in_turn(session_factory, ANNA) is not None  # the same chat, Anna writing


async def test_a_newcomer_is_recorded_with_name_entra_id_and_language_and_then_found_again(session_factory):
    recorded = await _found_in_turn(session_factory, NEWCOMER, record=True, locale="en-US")
    assert recorded is not None and recorded.id is not None
    async with session_factory() as session:
        stored = await session.get_one(User, recorded.id)
    assert (stored.teams_user_id, stored.name, stored.aad_object_id, stored.locale) == (
        "29:ny", "Nina Ny", "aad-nina", "en-US")
    again = await _found_in_turn(session_factory, NEWCOMER, record=True)
    assert again is not None and again.id == recorded.id
    assert await _users(session_factory) == 1
