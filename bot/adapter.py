"""The adapter between HTTP and the bot: authentication, tenant check, one turn, errors handled.

`BotEndpoint.process` is what `POST /api/messages` calls; it raises `InvalidActivity`, `AuthenticationFailed`
or `TenantNotAllowed` for the HTTP layer to turn into 400, 401 and 403, and never lets a traceback out.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass
from typing import Any

from botbuilder.core import Bot, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ActivityTypes

from bot.activity import parse_activity, tenant_id_of
from bot.authentication import AuthenticationFailed, LotsenAuthentication
from bot.i18n import language_of, text

logger = logging.getLogger("lotsen.adapter")


class TenantNotAllowed(Exception):
    """The activity comes from a Microsoft 365 tenant that is not on ALLOWED_TENANT_IDS."""


@dataclass(frozen=True)
class TurnResult:
    status: int
    body: Any = None


class LotsenAdapter(CloudAdapter):
    def __init__(self, authentication: LotsenAuthentication) -> None:
        super().__init__(authentication)
        self.authentication = authentication
        self.on_turn_error = self._on_turn_error

    async def _on_turn_error(self, turn_context: TurnContext, error: Exception) -> None:
        activity = turn_context.activity
        logger.error(
            "turn failed: activity id=%s type=%s conversation=%s",
            activity.id,
            activity.type,
            activity.conversation.id if activity.conversation else None,
            exc_info=error,
        )
        # The user hears about it; the stored state is left alone (the turn's changes are simply not saved),
        # so a draft the user was filling in survives the failure.
        if activity.type == ActivityTypes.message:
            try:
                await turn_context.send_activity(text("turn_error", language_of(activity.locale)))
            except Exception:  # the connector itself may be what failed
                logger.exception("could not tell the user about the failed turn %s", activity.id)


class BotEndpoint:
    def __init__(self, adapter: LotsenAdapter, bot: Bot, allowed_tenant_ids: frozenset[str]) -> None:
        self._adapter = adapter
        self._bot = bot
        self._allowed_tenant_ids = allowed_tenant_ids
        # One turn at a time per conversation in this process: a double-click or two quick messages then
        # queue instead of racing for the same conversation state (which the e_tag would refuse).
        self._conversation_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    @property
    def adapter(self) -> LotsenAdapter:
        """For proactive messages (reminders): the same adapter, and so the same pooled connector clients."""
        return self._adapter

    async def process(self, body: Any, auth_header: str) -> TurnResult:
        activity = parse_activity(body)
        result = await self._adapter.authentication.authenticate_request(activity, auth_header)
        if self._allowed_tenant_ids and tenant_id_of(activity) not in self._allowed_tenant_ids:
            raise TenantNotAllowed(tenant_id_of(activity) or "(none)")
        lock = self._conversation_locks.get(activity.conversation.id)
        if lock is None:
            lock = self._conversation_locks[activity.conversation.id] = asyncio.Lock()
        async with lock:
            invoke_response = await self._adapter.process_activity(result, activity, self._bot.on_turn)
        if invoke_response:
            return TurnResult(invoke_response.status, invoke_response.body)
        return TurnResult(201)

    async def close(self) -> None:
        await self._adapter.authentication.close()


__all__ = ["AuthenticationFailed", "BotEndpoint", "LotsenAdapter", "TenantNotAllowed", "TurnResult"]
