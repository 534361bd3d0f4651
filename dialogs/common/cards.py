"""Adaptive Cards as plain data: `adaptive_card` is where every card's text becomes Markdown, and the cards the
bot itself shows (welcome and help) are here. Dialogs build their own cards in their own files, all through
`adaptive_card`; a card is a dict (`Card`) until `dialogs.common.replies.card_message` makes it an activity to send,
so that no card code depends on the Bot Framework SDK."""

from __future__ import annotations

from typing import Any

from storage.user_text import card_markdown
from texts import Language, lookup, text

ADAPTIVE_CARD_VERSION = "1.5"
ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# An Adaptive Card's JSON, as Teams takes it in an attachment's content.
Card = dict[str, Any]
WELCOME_ACTIONS = ("register", "my_applications", "annual_report", "my_reminders", "ask_inform_ks", "ask_threshold",
                   "help")


def adaptive_card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> Card:
    """A card of `body` and `actions`, built from plain text: user text is shown as written, never as Markdown."""
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": ADAPTIVE_CARD_VERSION,
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return _as_markdown(card)


def _as_markdown(element: Any) -> Any:
    """The one place where card text becomes Markdown: a TextBlock's text and a Fact's title and value are the
    only texts a card renders as Markdown (Teams: links, bold, italic, lists), so a project called
    "[logga in](https://…)" is escaped there, wherever on whichever card it is shown. Lotsen's own texts (the
    catalogs, the policy) contain nothing the escaping changes; a test keeps it so. Inputs' values, labels and
    button titles are not Markdown, and are left as they are."""
    if isinstance(element, list):
        return [_as_markdown(item) for item in element]
    if not isinstance(element, dict):
        return element
    # What a button sends back and an input's value are data, never shown: kept exactly.
    shown = {key: value if key in ("data", "value") else _as_markdown(value) for key, value in element.items()}
    kind = element.get("type")
    if kind == "TextBlock" and isinstance(element.get("text"), str):
        shown["text"] = card_markdown(element["text"])
    elif kind == "FactSet":
        shown["facts"] = [{**fact, **{key: card_markdown(fact[key]) for key in ("title", "value")
                                      if isinstance(fact.get(key), str)}}
                          for fact in element.get("facts") or []]
    return shown


def send_text_action(title: str, message: str) -> dict[str, Any]:
    """A button that sends `message` as if the user had typed it (Teams' imBack), so typing works the same."""
    return {"type": "Action.Submit", "title": title, "data": {"msteams": {"type": "imBack", "value": message}}}


def welcome_card(lang: Language, in_group: bool = False) -> Card:
    jobs = lookup("welcome.jobs", lang)
    body = [
        {"type": "TextBlock", "text": text("welcome.title", lang), "size": "Large", "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": text("welcome.intro", lang), "wrap": True},
        {"type": "TextBlock", "text": text("welcome.jobs_heading", lang), "weight": "Bolder", "wrap": True},
        *({"type": "TextBlock", "text": f"• {job}", "wrap": True, "spacing": "Small"} for job in jobs),
        {"type": "TextBlock", "text": text("welcome.ask_hint", lang), "wrap": True, "isSubtle": True},
    ]
    if in_group:
        body.append({"type": "TextBlock", "text": text("welcome.channel_hint", lang), "wrap": True, "isSubtle": True})
    return adaptive_card(body, [welcome_action(name, lang) for name in WELCOME_ACTIONS])


def welcome_action(name: str, lang: Language) -> dict[str, Any]:
    """One of the welcome card's buttons ("register", "my_applications", …): other cards that start the same
    thing (an answer that offers to register the application, say) show the very same button."""
    message = text("welcome.help_command", lang) if name == "help" else text(f"welcome.questions.{name}", lang)
    return send_text_action(text(f"welcome.actions.{name}", lang), message)
