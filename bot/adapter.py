"""The adapter between HTTP and the bot: authentication, tenant check, one turn, errors handled.

`BotEndpoint.process` is what `POST /api/messages` calls; it raises `InvalidActivity`, `AuthenticationFailed`
or `TenantNotAllowed` for the HTTP layer to turn into 400, 401 and 403, and never lets a traceback out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from botbuilder.core import Bot, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse

from bot.activity import parse_activity, tenant_id_of
from bot.activity_json import activity_json
from bot.authentication import AuthenticationFailed, LotsenAuthentication
from bot.connector import JsonConnector
from bot.turns import TurnPipeline, current_replies, repeat_pending_question
from storage.unit_of_work import TurnSessions
from texts import language_of, text

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
        # The turn's transaction is rolled back whole (bot/turns.py), so a draft the user was filling in is as
        # it was. The user hears about it, and is shown the question they are answering again.
        buffer = current_replies.get()
        if buffer is not None and buffer.holds(turn_context):
            buffer.fail()
        if activity.type == ActivityTypes.message:
            try:
                await turn_context.send_activity(text("turn_error", language_of(activity.locale)))
                await repeat_pending_question(turn_context, buffer)
            except Exception:  # the connector itself may be what failed
                logger.exception("could not tell the user about the failed turn %s", activity.id)

    async def send_activities(self, context: TurnContext, activities: list[Activity]) -> list[ResourceResponse]:
        """Replies of a running turn are held until its transaction commits (bot/turns.py); everything else
        (proactive messages, invoke responses) goes at once."""
        buffer = current_replies.get()
        if buffer is None or not buffer.holds(context):
            return await super().send_activities(context, activities)
        responses: list[ResourceResponse] = []
        for activity in activities:
            if activity.type in _SENT_AT_ONCE:
                responses.extend(await super().send_activities(context, [activity]))
            else:
                buffer.activities.append(activity)
                responses.append(ResourceResponse(id=""))
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity) -> ResourceResponse | None:
        """A card replaced in place during a turn is held with its replies (bot/turns.py); at other times it goes
        at once."""
        buffer = current_replies.get()
        if buffer is None or not buffer.holds(context):
            return await super().update_activity(context, activity)
        buffer.updates.append(activity)
        return ResourceResponse(id=activity.id)

    async def deliver(self, context: TurnContext, activities: list[Activity],
                      payloads: list[dict[str, Any]] | None = None) -> None:
        """Sends held replies through the connector of the turn they belong to; `payloads`, when given, are their
        JSON (without ids) as the turn recorded them."""
        connector = _json_connector(context)
        if connector is None:  # not a connector of ours (botbuilder's TestAdapter)
            await super().send_activities(context, activities)
            return
        if payloads is not None and len(payloads) != len(activities):
            payloads = None
        for index, activity in enumerate(activities):
            activity.id = None
            payload = payloads[index] if payloads is not None else activity_json(activity)
            if activity.reply_to_id:
                await connector.reply(activity.conversation.id, activity.reply_to_id, payload)
            else:
                await connector.send(activity.conversation.id, payload)

    async def replace(self, context: TurnContext, activities: list[Activity]) -> None:
        """Replaces held cards in place. A card that cannot be replaced (deleted in Teams, too old) keeps its old
        face: the turn's answer still goes out, and a press on it later is answered from the current state."""
        connector = _json_connector(context)
        for activity in activities:
            try:
                if connector is None:
                    await super().update_activity(context, activity)
                else:
                    await connector.update(activity.conversation.id, activity.id, activity_json(activity))
            except Exception:
                logger.warning("could not replace card %s in conversation %s", activity.id,
                               activity.conversation.id if activity.conversation else None, exc_info=True)


def _json_connector(context: TurnContext) -> JsonConnector | None:
    client = context.turn_state.get(CloudAdapter.BOT_CONNECTOR_CLIENT_KEY)
    return getattr(client, "json_connector", None)


# Not messages to the user: the invoke response is the HTTP answer itself, a trace and a delay send nothing.
_SENT_AT_ONCE = frozenset({ActivityTypes.invoke_response, ActivityTypes.trace, "delay"})


class BotEndpoint:
    def __init__(self, adapter: LotsenAdapter, bot: Bot, sessions: TurnSessions,
                 allowed_tenant_ids: frozenset[str]) -> None:
        self._adapter = adapter
        self._allowed_tenant_ids = allowed_tenant_ids
        # One turn at a time per conversation, on every instance, atomic with its replies (bot/turns.py).
        self._turns = TurnPipeline(bot, sessions, adapter.deliver, adapter.replace)

    @property
    def adapter(self) -> LotsenAdapter:
        """For proactive messages (reminders): the same adapter, and so the same pooled connector clients."""
        return self._adapter

    async def process(self, body: Any, auth_header: str) -> TurnResult:
        activity = parse_activity(body)
        result = await self._adapter.authentication.authenticate_request(activity, auth_header)
        if self._allowed_tenant_ids and tenant_id_of(activity) not in self._allowed_tenant_ids:
            raise TenantNotAllowed(tenant_id_of(activity) or "(none)")
        invoke_response = await self._turns.run(
            activity, lambda logic: self._adapter.process_activity(result, activity, logic))
        if invoke_response:
            return TurnResult(invoke_response.status, invoke_response.body)
        return TurnResult(201)

    async def close(self) -> None:
        await self._turns.close()
        await self._adapter.authentication.close()


__all__ = ["AuthenticationFailed", "BotEndpoint", "LotsenAdapter", "TenantNotAllowed", "TurnResult"]
