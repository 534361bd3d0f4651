"""A card (plain data, dialogs/cards.py) as the Bot Framework activity that carries it: the one place where card
code meets the SDK."""

from __future__ import annotations

from botbuilder.core import MessageFactory
from botbuilder.schema import Activity, Attachment

from dialogs.cards import ADAPTIVE_CARD_CONTENT_TYPE, Card


def card_attachment(card: Card) -> Attachment:
    return Attachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content=card)


def card_message(card: Card) -> Activity:
    """A message that shows `card`."""
    return MessageFactory.attachment(card_attachment(card))
