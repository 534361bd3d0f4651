"""How a message finds what answers it: one table of routes, walked in rank order, the first that selects the
turn handles it (bot/routes.py holds Lotsen's table).

A route is what the Microsoft 365 Agents SDK registers with `add_route(selector, handler, rank=…)`, plus two
things a Teams bot needs to know at a glance:
- `scopes`: the kinds of conversation it serves. Selected elsewhere (a personal matter typed in a channel), the
  turn is answered with the route's `elsewhere` text and nothing else happens;
- `interrupts`: whether it is taken while a dialog waits for an answer. While a dialog runs, only interrupting
  routes are tried; the running dialog is itself a route (`continue_running_dialog`), so what a dialog's answer
  cannot be is visible in the table, above it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dialogs.common.chat_commands import ChatCommand, passed_on
from dialogs.common.turn import EVERYWHERE, Scope, Turn
from texts import text


class RouteAgain:
    """What a handler returns when the turn should be routed afresh (a dialog ended on a message not for it)."""


ROUTE_AGAIN = RouteAgain()
Selector = Callable[[Turn], Any]
Handler = Callable[[Turn, Any], Awaitable[RouteAgain | None]]


@dataclass(frozen=True)
class Route:
    name: str
    rank: int
    selects: Selector  # the request (anything but None) when the turn is this route's, else None
    handles: Handler
    scopes: frozenset[Scope] = EVERYWHERE
    interrupts: bool = False
    elsewhere: str = "personal_only"  # text key answered in a scope the route does not serve


async def continue_running_dialog(turn: Turn, _request: object) -> RouteAgain | None:
    """The answer a dialog waits for. A dialog that ended on a message not for it has it routed afresh, so that
    it is answered rather than refused."""
    result = await turn.dialogs.continue_dialog()
    return ROUTE_AGAIN if passed_on(result) else None


def command_route(name: str, rank: int, command: ChatCommand, *, scopes: frozenset[Scope] = EVERYWHERE,
                  elsewhere: str = "personal_only") -> Route:
    """A chat command (dialogs/common/chat_commands.py) as a route."""

    return Route(name, rank, lambda turn: command.recognise(turn.message, turn.value, turn.lang), command.handle,
                 scopes=scopes, elsewhere=elsewhere)


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
                await turn.send(text(route.elsewhere, turn.lang))
                return taken
            if await route.handles(turn, request) is not ROUTE_AGAIN:
                return taken
        return taken

    def _select(self, turn: Turn) -> tuple[Route, object] | None:
        in_dialog = turn.running_dialog is not None
        for route in self.routes:
            if in_dialog and not route.interrupts:
                continue
            if (request := route.selects(turn)) is not None:
                return route, request
        return None
