"""A local stand-in for the Bot Framework connector service: it receives what the bot sends, and keeps it.

Activities that name this server as their `serviceUrl` get their replies here, the way Teams' connector
would receive them, so tests (and bench/) can read exactly what a user would have been shown.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Received:
    method: str
    conversation_id: str
    reply_to_id: str | None
    activity: dict[str, Any]
    authorization: str | None


@dataclass
class ConnectorStandIn:
    """Records every activity; `fail_with` makes the next calls answer with an error status instead."""

    received: list[Received] = field(default_factory=list)
    fail_with: list[int] = field(default_factory=list)
    # Conversations that answer every post with the given status (403: Lotsen was removed from there).
    refuse: dict[str, int] = field(default_factory=dict)
    # Conversations whose posts are taken in but never answered (a connector that hangs).
    hang: set[str] = field(default_factory=set)
    delay_seconds: float = 0.0  # a slow connector: keeps a turn open long enough for another to overlap it
    # Called with each activity as it arrives, before the bot gets its answer (tests kill the bot there).
    on_receive: Callable[[Received], None] | None = None
    # The bodies of `POST /v3/conversations` (a chat created); `create_fail_with` answers the next ones with errors.
    created: list[dict[str, Any]] = field(default_factory=list)
    create_fail_with: list[int] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _arrived: asyncio.Event | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", self._send)
        app.router.add_put("/v3/conversations/{conversation_id}/activities/{activity_id}", self._send)
        return app

    async def _create(self, request: web.Request) -> web.Response:
        """A 1:1 chat created: its id, one per member (as Teams keeps one chat per user and bot)."""
        if self.create_fail_with:
            return web.json_response({"error": {"code": "Failure"}}, status=self.create_fail_with.pop(0))
        body = await request.json()
        self.created.append(body)
        return web.json_response({"id": f"a:created-{body['members'][0]['id']}"}, status=201)

    async def _send(self, request: web.Request) -> web.Response:
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if request.match_info["conversation_id"] in self.hang:
            await asyncio.Event().wait()  # until the stand-in is shut down
        status = self.refuse.get(request.match_info["conversation_id"])
        if status is None and self.fail_with:
            status = self.fail_with.pop(0)
        if status is not None:
            return web.json_response({"error": {"code": "Failure", "message": "stand-in failure"}}, status=status)
        activity = await request.json()
        self.received.append(
            Received(
                method=request.method,
                conversation_id=request.match_info["conversation_id"],
                reply_to_id=request.match_info.get("activity_id"),
                activity=activity,
                authorization=request.headers.get("Authorization"),
            )
        )
        if self._arrived is not None:
            self._arrived.set()
        if self.on_receive is not None:
            self.on_receive(self.received[-1])
        return web.json_response({"id": f"reply-{next(self._ids)}"}, status=200)

    @property
    def activities(self) -> list[dict[str, Any]]:
        return [item.activity for item in self.received]

    def texts(self) -> list[str]:
        return [activity.get("text") or "" for activity in self.activities]

    def cards(self) -> list[dict[str, Any]]:
        return [
            attachment["content"]
            for activity in self.activities
            for attachment in activity.get("attachments") or []
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    def clear(self) -> None:
        self.received.clear()

    async def wait_for(self, count: int, timeout: float = 10.0) -> None:
        """For proactive sends that happen after the request returned: wait until `count` have arrived."""
        await self.wait_until(lambda: len(self.received) >= count, timeout)

    async def wait_for_in(self, conversation_id: str, count: int = 1, timeout: float = 10.0) -> list[Received]:
        """Waits until `count` activities have arrived in `conversation_id` (notices are posted after the turn
        that added them has answered); returns those there."""
        def there() -> list[Received]:
            return [item for item in self.received if item.conversation_id == conversation_id]
        await self.wait_until(lambda: len(there()) >= count, timeout)
        return there()

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        self._arrived = asyncio.Event()
        async with asyncio.timeout(timeout):
            while not condition():
                self._arrived.clear()
                await self._arrived.wait()
