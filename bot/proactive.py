"""Proactive messages: an activity posted into a conversation Lotsen is not answering in, through the conversation
reference stored when Lotsen was installed there or first written to."""

from __future__ import annotations

import logging

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ConversationReference

logger = logging.getLogger("lotsen.proactive")

# The terminal chat's conversations (bot/terminal_chat.py) have this scheme: nobody listens there later.
TERMINAL_SCHEME = "terminal:"


def is_terminal(service_url: str | None) -> bool:
    """Whether the conversation is the terminal chat's, where nothing can be posted later."""
    return (service_url or "").startswith(TERMINAL_SCHEME)


async def send_proactively(
    adapter: BotAdapter, reference: ConversationReference, activity: Activity, app_id: str | None
) -> bool:
    """Posts `activity` in the conversation of `reference`; True when it went out, False when it did not (the
    reason is logged). Never raises for a failed send: the caller says so and records it as it needs."""
    delivered = False

    async def post(turn_context: TurnContext) -> None:
        nonlocal delivered
        await turn_context.send_activity(activity)
        delivered = True

    try:
        # A failed send inside the proactive turn is handled (and swallowed) by the adapter's turn-error handler,
        # so whether the activity went out is read from `delivered`, not from an exception.
        await adapter.continue_conversation(reference, post, app_id or None)
    except Exception as error:  # before the turn: the connector client or its token could not be had
        conversation = reference.conversation.id if reference.conversation is not None else None
        logger.warning("could not reach conversation %s: %s", conversation, error)
    return delivered
