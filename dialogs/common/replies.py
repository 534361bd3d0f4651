"""A card (plain data, dialogs/common/cards.py) as the Bot Framework activity that carries it: the one place where card
code meets the SDK."""

from __future__ import annotations

from botbuilder.core import MessageFactory
from botbuilder.schema import Activity, Attachment

from dialogs.common.cards import ADAPTIVE_CARD_CONTENT_TYPE, Card
from storage.conversations import is_terminal


def card_attachment(card: Card) -> Attachment:
    return Attachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content=card)


def card_message(card: Card) -> Activity:
    """A message that shows `card`."""
    return MessageFactory.attachment(card_attachment(card))


def supports_forms(activity: Activity) -> bool:
    """Teams and web chats render Adaptive Card inputs; the terminal chat and plain channels do not."""
    return activity.channel_id in ("msteams", "webchat", "directline") and not is_terminal(activity.service_url)
