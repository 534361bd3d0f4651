"""The routing table (bot/routes.py) and how it is walked (dialogs/common/routing.py): the order a reader sees is the order
the bot tries, interrupting rows stand above the running dialog, and scopes are kept; driven through botbuilder's
TestAdapter with real dialogs, and with the whole bot for what a user sees."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from botbuilder.core import ConversationState, MemoryStorage, TurnContext
from botbuilder.dialogs import (
    ComponentDialog,
    DialogSet,
    TextPrompt,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.prompts import PromptOptions
from botbuilder.schema import Activity, ChannelAccount
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from bot.assembly import build_bot
from bot.routes import RouteTargets
from dialogs.common.chat_commands import PASSED_ON
from dialogs.common.routing import ROUTE_AGAIN, Route, Router, continue_running_dialog
from dialogs.common.turn import PERSONAL_ONLY, Scope, Turn
from settings import Settings
from texts import text
from tests.support.chat import chat_adapter, say, text_of

ANNA = ChannelAccount(id="29:anna", name="Anna Andersson")
ROUTES_FILE = Path(__file__).resolve().parents[2] / "bot" / "routes.py"


class _Questions(ComponentDialog):
    """Asks one question; "klar" is its answer, anything else is passed on (as the annual report's steps do)."""

    def __init__(self) -> None:
        super().__init__("Questions")
        self.add_dialog(TextPrompt("prompt"))
        self.add_dialog(WaterfallDialog("steps", [self._ask, self._read]))
        self.initial_dialog_id = "steps"

    async def _ask(self, step: WaterfallStepContext):
        return await step.prompt("prompt", PromptOptions(prompt=Activity(type="message", text="Vad heter projektet?")))

    async def _read(self, step: WaterfallStepContext):
        if step.result == "klar":
            await step.context.send_activity("Tack, sparat.")
            return await step.end_dialog()
        return await step.end_dialog({PASSED_ON: True})


def _router_adapter(routes: list[Route], conversation_type: str = "personal"):
    """`routes` behind the same turn the bot builds: a Turn over a real dialog stack, state kept between turns."""
    conversation_state = ConversationState(MemoryStorage())
    dialogs = DialogSet(conversation_state.create_property("DialogState"))
    dialogs.add(_Questions())
    router = Router(routes)
    taken: list[str | None] = []

    async def on_turn(turn_context: TurnContext) -> None:
        taken.append(await router.route(Turn.of(await dialogs.create_context(turn_context))))
        await conversation_state.save_changes(turn_context)

    return chat_adapter(on_turn, ANNA, conversation_type=conversation_type), taken


def _says(words: str, reply: str):
    """A selector for one exact message, and a handler that says `reply`."""
    async def handles(turn: Turn, _request: object) -> None:
        await turn.send(reply)
    return (lambda turn: True if turn.message == words else None), handles


async def _begin(turn: Turn, _request: object) -> None:
    await turn.dialogs.begin_dialog("Questions")


def _everything_else(reply: str) -> Route:
    async def handles(turn: Turn, _request: object) -> None:
        await turn.send(f"{reply}: {turn.message}")
    return Route("everything else", 1000, lambda turn: turn.message or None, handles)


def _example_routes() -> list[Route]:
    return [
        Route("help", 10, *_says("hjälp", "Här är vad jag kan."), interrupts=True),
        Route("the running dialog", 50, lambda turn: turn.running_dialog, continue_running_dialog, interrupts=True),
        Route("start", 60, (lambda turn: True if turn.message == "börja" else None), _begin),
        Route("mine", 70, *_says("mina", "Dina ansökningar."), scopes=PERSONAL_ONLY),
        _everything_else("Svar"),
    ]


async def test_the_first_row_that_selects_the_turn_handles_it_and_nothing_below_is_asked():
    adapter, taken = _router_adapter(_example_routes())
    assert text_of(await say(adapter, "mina")) == "Dina ansökningar."
    assert text_of(await say(adapter, "vad gäller för EU-ansökningar?")) == "Svar: vad gäller för EU-ansökningar?"
    assert taken == ["mine", "everything else"]


async def test_while_a_dialog_waits_only_interrupting_rows_are_tried_and_the_dialog_goes_on():
    adapter, taken = _router_adapter(_example_routes())
    assert text_of(await say(adapter, "börja")) == "Vad heter projektet?"
    # "hjälp" interrupts; the question is still open afterwards.
    assert text_of(await say(adapter, "hjälp")) == "Här är vad jag kan."
    # "mina" is a row below the dialog: while the dialog waits it is the dialog's answer, not that row's.
    assert text_of(await say(adapter, "klar")) == "Tack, sparat."
    assert taken == ["start", "help", "the running dialog"]


async def test_a_message_a_dialog_passes_on_is_routed_afresh_once():
    adapter, taken = _router_adapter(_example_routes())
    await say(adapter, "börja")
    assert text_of(await say(adapter, "mina")) == "Dina ansökningar."
    assert taken == ["start", "mine"]


async def test_a_personal_row_selected_in_a_channel_says_so_and_does_nothing_else():
    adapter, taken = _router_adapter(_example_routes(), conversation_type="channel")
    assert text_of(await say(adapter, "mina")) == text("personal_only", "sv")
    assert taken == ["mine"]


async def test_a_row_that_routes_again_forever_is_stopped_after_one_more_pass():
    async def again(turn: Turn, _request: object):
        await turn.send("igen")
        return ROUTE_AGAIN

    adapter, taken = _router_adapter([Route("loop", 10, lambda turn: True, again)])
    assert text_of(await say(adapter, "x")) == "igen\nigen"
    assert taken == ["loop"]


def test_two_rows_with_one_rank_are_refused():
    route = _everything_else("Svar")
    with pytest.raises(ValueError, match="rank"):
        Router([route, Route("other", route.rank, route.selects, route.handles)])


def test_scope_of_a_teams_conversation_type():
    assert Scope.of("channel") is Scope.CHANNEL and Scope.of("groupChat") is Scope.GROUP_CHAT
    assert Scope.of("personal") is Scope.PERSONAL and Scope.of(None) is Scope.PERSONAL


# --- Lotsen's own table ------------------------------------------------------------------------------------------

def _lotsen_table() -> list[Route]:
    """The table as the bot is built with it; building opens no database session."""
    sessions = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
    return list(build_bot(Settings(_env_file=None), sessions).router.routes)


def test_the_table_in_the_file_is_in_rank_order():
    """A reader of bot/routes.py sees the order the bot tries: the rows are written in rank order."""
    tree = ast.parse(ROUTES_FILE.read_text(encoding="utf-8"))
    [table] = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "lotsen_routes"]
    ranks = [call.args[1].value for call in ast.walk(table)
             if isinstance(call, ast.Call) and getattr(call.func, "id", "") in ("Route", "command_route")]
    assert ranks == sorted(ranks) and len(ranks) == len(_lotsen_table())


def test_interrupting_rows_stand_above_the_running_dialog_and_only_they():
    table = _lotsen_table()
    names = [route.name for route in table]
    dialog = names.index("the running dialog")
    assert all(route.interrupts for route in table[:dialog + 1])
    assert not any(route.interrupts for route in table[dialog + 1:])
    assert len(set(names)) == len(names)


def test_what_concerns_one_organisation_is_served_in_personal_chats_only():
    personal = {route.name for route in _lotsen_table() if route.scopes == PERSONAL_ONLY}
    assert personal == {"my reminders", "registration card buttons", "my applications, “öppna EU-…”",
                        "register an application", "annual report", "users and roles", "history"}


def test_the_table_names_every_target():
    """Every field of RouteTargets is handed turns by some row: nothing built is left unreachable."""
    source = ROUTES_FILE.read_text(encoding="utf-8")
    for field in RouteTargets.__dataclass_fields__:
        assert f"t.{field}" in source, field


# --- what a user sees, through the whole bot ---------------------------------------------------------------------

def _bot_adapter(session_factory, conversation_type: str = "personal"):
    services = build_bot(Settings(_env_file=None), session_factory)
    return chat_adapter(services.bot.on_turn, ANNA, conversation_type=conversation_type)


async def test_an_old_registration_button_after_the_registration_ended_says_so(session_factory):
    adapter = _bot_adapter(session_factory)
    reply = text_of(await say(adapter, "", {"action": "registration_edit", "field": "title"}))
    assert reply == text("registration.not_running", "sv")


async def test_an_old_registration_button_in_a_channel_is_refused_as_personal(session_factory):
    adapter = _bot_adapter(session_factory, conversation_type="channel")
    assert text_of(await say(adapter, "", {"action": "registration_discard"})) == text("personal_only", "sv")


async def test_the_annual_report_and_user_admin_say_personal_only_in_a_group_chat(session_factory):
    adapter = _bot_adapter(session_factory, conversation_type="groupChat")
    assert text_of(await say(adapter, "årsredovisning")) == text("personal_only", "sv")
    assert text_of(await say(adapter, "användare")) == text("user_admin.personal_only", "sv")
    assert text_of(await say(adapter, "historik")) == text("user_admin.personal_only", "sv")
