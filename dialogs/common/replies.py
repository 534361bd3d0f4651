"""A card (plain data, dialogs/common/cards.py) as the Bot Framework activity that carries it: the one place where card
code meets the SDK."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import Activity, Attachment

from dialogs.common.cards import ADAPTIVE_CARD_CONTENT_TYPE, Card
from storage.conversations import is_terminal
from storage.user_text import fit

# Long enough for a title and its subject; Teams cuts a notification's preview itself after a line or two.
SUMMARY_LENGTH = 120
_MARKDOWN_ESCAPE = re.compile(r"\\(.)")


class CardAttachment(Attachment):
    """An Adaptive Card attachment that a copy shares. botbuilder deep-copies every activity it sends
    (`TurnContext.send_activities`), which walked the whole card, every turn; a card is never changed once built (a
    changed card is a new one, `update_activity`), so the copy is the card itself."""

    def __deepcopy__(self, memo: dict[int, object]) -> CardAttachment:
        return self


def card_attachment(card: Card) -> Attachment:
    return CardAttachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content=card)


def card_message(card: Card, summary: str | None = None) -> Activity:
    """A message that shows `card`. Its `summary` is what Teams shows in the chat list, a channel's preview and
    the notification (without one they say "Sent a card"): the card's first text unless another is given."""
    activity = MessageFactory.attachment(card_attachment(card))
    activity.summary = summary or card_summary(card)
    return activity


def card_summary(card: Card) -> str | None:
    """The card's first text as plain text on one line (its Markdown escapes undone: a preview is not Markdown)."""
    for element in _elements(card.get("body") or []):
        if element.get("type") == "TextBlock" and isinstance(element.get("text"), str) and element["text"].strip():
            plain = " ".join(_MARKDOWN_ESCAPE.sub(r"\1", element["text"]).split())
            return fit(plain, SUMMARY_LENGTH)
    return None


def _elements(node: Any) -> Iterator[dict[str, Any]]:
    """Every element of a card's body in reading order, inside containers and columns too."""
    if isinstance(node, list):
        for item in node:
            yield from _elements(item)
    elif isinstance(node, dict):
        yield node
        for key in ("items", "columns"):
            yield from _elements(node.get(key))


async def replace_pressed_card(context: TurnContext, card: Card) -> bool:
    """Replaces the card whose button made this turn by `card`, which says what was done, so that nobody reading
    the conversation later takes it for pending and no old button acts again. Teams gives a button press the id
    of the message with the card as `replyToId`; a typed command has none, and nothing is replaced. The update
    goes out with the turn's replies, after its commit (bot/turns.py)."""
    activity = context.activity
    if activity.value is None or not activity.reply_to_id:
        return False
    replacement = card_message(card)
    replacement.id = activity.reply_to_id
    await context.update_activity(replacement)
    return True


def supports_forms(activity: Activity) -> bool:
    """Teams and web chats render Adaptive Card inputs; the terminal chat and plain channels do not."""
    return activity.channel_id in ("msteams", "webchat", "directline") and not is_terminal(activity.service_url)
