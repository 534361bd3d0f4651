"""How a message finds what answers it: one table of routes, walked in rank order, the first that selects the
turn handles it (bot/routes.py holds Lotsen's table).

A route is what the Microsoft 365 Agents SDK registers with `add_route(selector, handler, rank=…)`, plus two
things a Teams bot needs to know at a glance:
- `scopes`: the kinds of conversation it serves. Selected elsewhere (a personal matter typed in a channel), the
  turn is answered with the route's `elsewhere` text and nothing else happens;
- `interrupts`: what it does while a dialog waits for an answer (`Interrupts`). Answered at once (help, a
  reminder's button, "avbryt"): the dialog waits on. Starting something else (registering, "mina ansökningar",
  the annual report): Lotsen first asks whether to leave the dialog, whose draft is kept, and does it only then
  — a welcome card's button pressed in the middle of a registration is never taken for the question's answer.
  Rows that never interrupt are tried only when no dialog runs. The running dialog is itself a route
  (`continue_running_dialog`), so what a dialog's answer cannot be is visible in the table.

One mechanism for every dialog, declared on the dialog's class: `asks_before_leaving = True` (a registration
half filled in) is left for something else only after the user agrees; any other dialog is left at once (the
annual report, which saves every answer, saying that its draft is saved).
`answers_cancel = True`: "avbryt" is the dialog's own to answer rather than the router's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from dialogs.common.cards import adaptive_card, personal_chat_link
from dialogs.common.chat_commands import ChatCommand, passed_on
from dialogs.common.replies import card_message
from dialogs.common.turn import EVERYWHERE, Scope, Turn
from texts import Language, text

# The buttons of the question "leave what you are doing?": what they send back.
LEAVE_ACTION = "dialog_leave"
STAY_ACTION = "dialog_stay"


class RouteAgain:
    """What a handler returns when the turn should be routed afresh (a dialog ended on a message not for it)."""


ROUTE_AGAIN = RouteAgain()
Selector = Callable[[Turn], Any]
Handler = Callable[[Turn, Any], Awaitable[RouteAgain | None]]


class Interrupts(Enum):
    """What a route does while a dialog waits for an answer."""

    NEVER = "never"  # tried only when no dialog runs
    AT_ONCE = "at once"  # answered at once; the dialog waits on
    ASKS_FIRST = "asks first"  # starts something else: only once the user agrees to leave the dialog


@dataclass(frozen=True)
class Route:
    name: str
    rank: int
    selects: Selector  # the request (anything but None) when the turn is this route's, else None
    handles: Handler
    scopes: frozenset[Scope] = EVERYWHERE
    interrupts: Interrupts = Interrupts.NEVER
    elsewhere: str = "personal_only"  # text key answered in a scope the route does not serve
    starts: str | None = None  # the dialog it begins: while that dialog runs, the turn is the dialog's own

    @property
    def continues_the_dialog(self) -> bool:
        return self.handles is continue_running_dialog


async def continue_running_dialog(turn: Turn, _request: object) -> RouteAgain | None:
    """The answer a dialog waits for. A dialog that ended on a message not for it has it routed afresh, so that
    it is answered rather than refused."""
    result = await turn.dialogs.continue_dialog()
    return ROUTE_AGAIN if passed_on(result) else None


def command_route(name: str, rank: int, command: ChatCommand, *, scopes: frozenset[Scope] = EVERYWHERE,
                  interrupts: Interrupts = Interrupts.NEVER, elsewhere: str = "personal_only",
                  starts: str | None = None) -> Route:
    """A chat command (dialogs/common/chat_commands.py) as a route."""

    return Route(name, rank, lambda turn: command.recognise(turn.message, turn.value, turn.lang), command.handle,
                 scopes=scopes, interrupts=interrupts, elsewhere=elsewhere, starts=starts)


# --- leaving a dialog for something else --------------------------------------------------------------------------

def asks_before_leaving(turn: Turn) -> bool:
    """Whether the running dialog holds work the user would want to be asked about before it is left."""
    return _declares(turn, "asks_before_leaving")


def answers_cancel(turn: Turn) -> bool:
    """Whether the running dialog answers "avbryt" itself (it asks first, or says where its draft is)."""
    return _declares(turn, "answers_cancel")


def _declares(turn: Turn, attribute: str) -> bool:
    running = turn.running_dialog
    return running is not None and getattr(turn.dialogs.find_dialog_sync(running), attribute, False) is True


def leave_or_stay(turn: Turn) -> str | None:
    """The answer to "leave what you are doing?", when the turn is one."""
    return turn.action if turn.action in (LEAVE_ACTION, STAY_ACTION) else None


async def answer_leave_or_stay(turn: Turn, answer: str) -> RouteAgain | None:
    """"Lämna": the dialog ends (its draft is kept) and what the user asked for is done. "Stanna": the dialog goes
    on, showing its pending question again."""
    running = turn.running_dialog
    if answer == STAY_ACTION:
        key = "interruption.stay" if running is not None else "interruption.nothing_running"
        await turn.send(text(key, turn.lang, dialog=_dialog_name(running, turn.lang)))
        if asks_before_leaving(turn):
            # The dialog shows its pending question again (it reads the press as "show it again").
            await turn.dialogs.continue_dialog()
        return None
    asked = turn.value.get("message") if isinstance(turn.value, dict) else None
    if running is not None:
        await turn.dialogs.cancel_all_dialogs()
        await turn.send(text("interruption.left", turn.lang, dialog=_dialog_name(running, turn.lang),
                             resume=text(f"interruption.resume.{running}", turn.lang)))
    if not isinstance(asked, str) or not asked:
        return None
    turn.retarget(asked)
    return ROUTE_AGAIN


async def _ask_before_leaving(turn: Turn) -> None:
    running = turn.running_dialog
    dialog = _dialog_name(running, turn.lang)
    card = adaptive_card(
        [{"type": "TextBlock", "text": text("interruption.title", turn.lang, dialog=dialog), "weight": "Bolder",
          "wrap": True},
         {"type": "TextBlock", "text": text("interruption.body", turn.lang, asked=turn.message), "wrap": True}],
        [{"type": "Action.Submit", "title": text("interruption.leave", turn.lang),
          "data": {"action": LEAVE_ACTION, "message": turn.message}},
         {"type": "Action.Submit", "title": text("interruption.stay_button", turn.lang),
          "data": {"action": STAY_ACTION}}])
    await turn.send(card_message(card))


async def _say_elsewhere(turn: Turn, route: Route) -> None:
    """A personal job asked for where others read along: why not here, and a button that opens the personal chat
    with Lotsen (Teams' deep link to a chat with the bot, whose id the activity names as its recipient)."""
    said = text(route.elsewhere, turn.lang)
    bot_id = turn.context.activity.recipient.id if turn.context.activity.recipient else None
    if not bot_id:
        await turn.send(said)
        return
    await turn.send(card_message(adaptive_card(
        [{"type": "TextBlock", "text": said, "wrap": True}],
        [{"type": "Action.OpenUrl", "title": text("open_personal_chat", turn.lang),
          "url": personal_chat_link(bot_id)}])))


def _dialog_name(dialog_id: str | None, lang: Language) -> str:
    return text(f"interruption.dialogs.{dialog_id}" if dialog_id else "interruption.dialogs.other", lang)


class Router:
    """Walks the routes in rank order; the first whose selector returns something handles the turn."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = tuple(sorted(routes, key=lambda route: route.rank))
        ranks = [route.rank for route in self.routes]
        if len(set(ranks)) != len(ranks):
            raise ValueError("two routes share a rank: their order would be an accident")

    async def route(self, turn: Turn) -> str | None:
        """Handles the turn; returns the name of the route that took it last (None when none did)."""
        taken: str | None = None
        for _pass in range(2):  # routed afresh at most once: a dialog that ended is not running the second time
            found = self._select(turn)
            if found is None:
                return taken
            route, request = found
            taken = route.name
            if turn.scope not in route.scopes:
                await _say_elsewhere(turn, route)
                return taken
            if (running := turn.running_dialog) is not None and route.interrupts is Interrupts.ASKS_FIRST:
                if asks_before_leaving(turn):
                    await _ask_before_leaving(turn)
                    return taken
                # Left at once; a dialog whose work is saved as it goes says where it is.
                says_where = answers_cancel(turn)
                await turn.dialogs.cancel_all_dialogs()
                if says_where:
                    await turn.send(text(f"interruption.resume.{running}", turn.lang))
            if await route.handles(turn, request) is not ROUTE_AGAIN:
                return taken
        return taken

    def _select(self, turn: Turn) -> tuple[Route, object] | None:
        running = turn.running_dialog
        if running is None:
            candidates: Iterable[Route] = self.routes
        else:
            # The dialog takes its answer only after every row that may interrupt it has declined the turn; what
            # would begin the running dialog itself (its own cards' buttons, its command) is left to it.
            candidates = [*(route for route in self.routes
                            if (route.interrupts is Interrupts.AT_ONCE and not route.continues_the_dialog)
                            or (route.interrupts is Interrupts.ASKS_FIRST and route.starts != running)),
                          *(route for route in self.routes if route.continues_the_dialog)]
        for route in candidates:
            if (request := route.selects(turn)) is not None:
                return route, request
        return None
