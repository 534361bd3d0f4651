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
from dialogs.common.routing import ROUTE_AGAIN, Interrupts, Route, Router, continue_running_dialog
from dialogs.common.turn import PERSONAL_ONLY, Scope, Turn
from settings import Settings
from texts import text
from tests.support.chat import button, chat_adapter, say, text_of

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
        Route("help", 10, *_says("hjälp", "Här är vad jag kan."), interrupts=Interrupts.AT_ONCE),
        Route("the running dialog", 50, lambda turn: turn.running_dialog, continue_running_dialog,
              interrupts=Interrupts.AT_ONCE),
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
    assert _refusal(await say(adapter, "mina"))[0] == text("personal_only", "sv")
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


def test_rows_answered_at_once_stand_above_the_running_dialog_and_only_they():
    table = _lotsen_table()
    names = [route.name for route in table]
    dialog = names.index("the running dialog")
    assert all(route.interrupts is Interrupts.AT_ONCE for route in table[:dialog + 1])
    assert not any(route.interrupts is Interrupts.AT_ONCE for route in table[dialog + 1:])
    assert len(set(names)) == len(names)


def test_what_starts_another_job_asks_before_leaving_a_dialog():
    asking = {route.name for route in _lotsen_table() if route.interrupts is Interrupts.ASKS_FIRST}
    assert asking == {"my applications, “öppna EU-…”", "register an application", "annual report"}


def test_what_concerns_one_organisation_is_served_in_personal_chats_only():
    personal = {route.name for route in _lotsen_table() if route.scopes == PERSONAL_ONLY}
    assert personal == {"my reminders", "registration card buttons", "my applications, “öppna EU-…”",
                        "register an application", "annual report", "users and roles", "directory mappings",
                        "history"}


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


def _refusal(replies) -> tuple[str, str]:
    """A personal job asked for in a channel: the card's text, and where its button leads."""
    [reply] = replies
    card = reply.attachments[0].content
    [action] = card["actions"]
    return card["body"][0]["text"], action["url"]


async def test_an_old_registration_button_in_a_channel_is_refused_as_personal(session_factory):
    adapter = _bot_adapter(session_factory, conversation_type="channel")
    said, link = _refusal(await say(adapter, "", {"action": "registration_discard"}))
    assert said == text("personal_only", "sv")
    # The button opens the personal chat with Lotsen (the bot's id, as the activity names its recipient).
    assert link.startswith("https://teams.microsoft.com/l/chat/0/0?users=")


async def test_the_annual_report_and_user_admin_say_personal_only_in_a_group_chat(session_factory):
    adapter = _bot_adapter(session_factory, conversation_type="groupChat")
    assert _refusal(await say(adapter, "årsredovisning"))[0] == text("personal_only", "sv")
    assert _refusal(await say(adapter, "användare"))[0] == text("user_admin.personal_only", "sv")
    assert _refusal(await say(adapter, "historik"))[0] == text("user_admin.personal_only", "sv")


# --- interruptions: one mechanism for every dialog ---------------------------------------------------------------

async def test_a_welcome_button_in_the_middle_of_a_registration_asks_before_leaving_it(session_factory):
    """"Mina ansökningar" pressed while the registration asks for the project's name is not taken as the name:
    Lotsen asks whether to leave the registration, whose draft is kept, and goes on only once told to."""
    adapter = _bot_adapter(session_factory)
    await say(adapter, "registrera ansökan")
    asked = await say(adapter, "mina ansökningar")
    assert text("interruption.title", "sv", dialog=text("interruption.dialogs.RegistrationDialog", "sv")) in str(
        asked[0].attachments[0].content)
    # "Fortsätt där jag var": the registration shows its form again, and the next message is for it.
    stayed = await say(adapter, "", button(asked, text("interruption.stay_button", "sv")))
    assert stayed[0].text == text("interruption.stay", "sv",
                                  dialog=text("interruption.dialogs.RegistrationDialog", "sv"))
    assert text("registration.form.title", "sv") in str(stayed[1].attachments[0].content)
    assert text_of(await say(adapter, "Gröna tak i Malmö")) == "Vad heter projektet?"  # typed: one at a time

    # "Lämna och gå vidare": the registration is left, its draft kept, and "mina ansökningar" is answered.
    asked = await say(adapter, "mina ansökningar")
    left = await say(adapter, "", button(asked, text("interruption.leave", "sv")))
    assert [reply.text for reply in left] == [
        text("interruption.left", "sv", dialog=text("interruption.dialogs.RegistrationDialog", "sv"),
             resume=text("interruption.resume.RegistrationDialog", "sv")),
        "Du har inga registrerade ansökningar än. Skriv ”registrera ansökan” för att registrera en."]


async def test_help_in_the_middle_of_a_registration_answers_and_the_registration_goes_on(session_factory):
    adapter = _bot_adapter(session_factory)
    first = text_of(await say(adapter, "registrera ansökan"))
    helped = await say(adapter, "hjälp")
    assert helped[0].attachments and "Lotsen" in str(helped[0].attachments[0].content)
    # The next message is still the answer to the registration's question, not a new command.
    assert first and text_of(await say(adapter, "Gröna tak i Malmö")) != text("interruption.nothing_running", "sv")


async def test_leave_pressed_when_nothing_runs_just_does_what_it_carries(session_factory):
    adapter = _bot_adapter(session_factory)
    replies = await say(adapter, "", {"action": "dialog_leave", "message": "hjälp"})
    assert replies[0].attachments  # the welcome card, as "hjälp" gives it
    assert text_of(await say(adapter, "", {"action": "dialog_stay"})) == text("interruption.nothing_running", "sv")


# --- the manifest's command lists offer what works where they are offered ---------------------------------------

def _manifest_commands(scope: str) -> list[str]:
    import json
    manifest = json.loads((ROUTES_FILE.parents[1] / "manifest" / "manifest.template.json").read_text(encoding="utf-8"))
    [bot] = manifest["bots"]
    return [command["title"] for command_list in bot["commandLists"] if scope in command_list["scopes"]
            for command in command_list["commands"]]


@pytest.mark.parametrize(("scope", "conversation_type"), [("team", "channel"), ("groupChat", "groupChat")])
async def test_every_command_offered_in_a_channel_or_group_chat_is_served_there(
        session_factory, scope, conversation_type):
    """Teams shows these when someone types @Lotsen there: none of them may be refused as personal-only."""
    commands = _manifest_commands(scope)
    assert commands
    refusals = {text("personal_only", "sv"), text("user_admin.personal_only", "sv")}
    for command in commands:
        adapter = _bot_adapter(session_factory, conversation_type=conversation_type)
        replies = await say(adapter, command)
        assert replies, command
        shown = " ".join((reply.text or "") + str(reply.attachments[0].content if reply.attachments else "")
                         for reply in replies)
        assert not any(refusal in shown for refusal in refusals), command


# --- the language of the answer: what the user writes when it tells, else the Teams locale -----------------------

@pytest.mark.parametrize(("locale", "written", "expected"), [
    ("en-US", "mina påminnelser", "sv"),  # English Teams, Swedish written: Swedish
    ("sv-SE", "show my reminders", "en"),
])
async def test_lotsen_answers_in_the_language_written_when_it_is_clear(session_factory, locale, written, expected):
    services = build_bot(Settings(_env_file=None), session_factory)
    adapter = chat_adapter(services.bot.on_turn, ANNA, locale=locale)
    assert text_of(await say(adapter, written)) == text("reminders.list.none", expected)


@pytest.mark.parametrize("locale", ["sv-SE", "en-US"])
async def test_a_message_that_does_not_tell_its_language_is_answered_in_the_teams_locale(session_factory, locale):
    services = build_bot(Settings(_env_file=None), session_factory)
    adapter = chat_adapter(services.bot.on_turn, ANNA, locale=locale)
    [reply] = await say(adapter, "meny")  # no word of either language: the welcome card, in the locale's
    assert reply.attachments[0].content["body"][0]["text"] == text("welcome.title", locale[:2])


async def test_help_in_a_channel_offers_only_what_works_there_and_the_way_to_the_personal_chat(session_factory):
    adapter = _bot_adapter(session_factory, conversation_type="channel")
    [reply] = await say(adapter, "hjälp")
    actions = reply.attachments[0].content["actions"]
    titles = [action["title"] for action in actions]
    assert titles == [text("welcome.actions.ask_inform_ks", "sv"), text("welcome.actions.ask_threshold", "sv"),
                      text("welcome.actions.help", "sv"), text("open_personal_chat", "sv")]
    assert actions[-1]["url"].startswith("https://teams.microsoft.com/l/chat/0/0?users=")
    # Every button but the link is served in the channel: none is refused as personal-only.
    for action in actions[:-1]:
        answered = await say(adapter, "", action["data"])
        assert text("personal_only", "sv") not in text_of(answered), action["title"]


async def test_staying_while_the_draft_is_offered_offers_it_again_and_never_overwrites_it(session_factory):
    """A registration left with its draft kept, begun again (Lotsen offers the draft), interrupted and stayed in:
    the offer is made again, with the draft's project; no fresh question whose answer would replace the draft."""
    adapter = _bot_adapter(session_factory)
    await say(adapter, "registrera ansökan")
    await say(adapter, "en fråga i taget")
    await say(adapter, "Gröna tak i Malmö")  # the project's name, kept in the draft
    asked = await say(adapter, "mina ansökningar")
    await say(adapter, "", button(asked, text("interruption.leave", "sv")))
    offered = text_of(await say(adapter, "registrera ansökan"))
    assert "Gröna tak i Malmö" in offered
    asked = await say(adapter, "mina ansökningar")
    stayed = text_of(await say(adapter, "", button(asked, text("interruption.stay_button", "sv"))))
    assert "Gröna tak i Malmö" in stayed and "Vad heter projektet?" not in stayed
