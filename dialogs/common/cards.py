"""Adaptive Cards as plain data: `adaptive_card` is where every card's text becomes Markdown and every card is made
to work on a phone, and the cards the bot itself shows (welcome and help) are here. Dialogs build their own cards
in their own files, all through `adaptive_card`; a card is a dict (`Card`) until
`dialogs.common.replies.card_message` makes it an activity to send, so that no card code depends on the Bot
Framework SDK."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from policy.formatting import keep_together
from storage.user_text import card_markdown
from texts import Language, lookup, text

ADAPTIVE_CARD_VERSION = "1.5"
ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# An Adaptive Card's JSON, as Teams takes it in an attachment's content.
Card = dict[str, Any]
# Teams shows at most this many buttons in a row of actions (more hide behind "…"), and cuts longer titles (the
# narrower the window, the sooner).
MAX_ACTIONS = 6
BUTTON_TITLE_MAX_LENGTH = 36
# A cut title ends at a word when that loses at most this many more characters ("Ändra: Gröna tak…").
_TITLE_WORD_SLACK = 10
# After the label of an input that must be filled in (Teams' own marker for `isRequired`, which 1.2 does not show).
REQUIRED_MARK = " *"
WELCOME_ACTIONS = ("register", "my_applications", "annual_report", "my_reminders", "ask_inform_ks", "help")
# Where others read along, only what is served there: the personal jobs are a button away, in the personal chat.
GROUP_WELCOME_ACTIONS = ("ask_inform_ks", "ask_threshold", "help")


def adaptive_card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> Card:
    """A card of `body` and `actions`, built from plain text: user text is shown as written, never as Markdown, and
    the card reads on a phone (`_for_phones`). A row of more than MAX_ACTIONS buttons, or a title longer than
    BUTTON_TITLE_MAX_LENGTH, is a mistake of the card's builder (ValueError): a title that holds a text of any length
    goes through `button_title`."""
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": ADAPTIVE_CARD_VERSION,
        "body": _for_phones(body),
    }
    if actions:
        card["actions"] = _checked_actions(actions)
    return _as_markdown(card)


def button_title(title: str) -> str:
    """`title` as a button shows it whole: at most BUTTON_TITLE_MAX_LENGTH characters, else cut (at the end of a word
    when that loses little) and ended with "…". For a title that holds what someone typed ("Ändra: <project>") or a
    text of any length (a follow-up question): the card's body names it in full, or the button sends it in full."""
    title = " ".join(title.split())
    if len(title) <= BUTTON_TITLE_MAX_LENGTH:
        return title
    cut = title[:BUTTON_TITLE_MAX_LENGTH - 1]
    if title[len(cut)] != " ":  # cut inside a word
        word_end = cut.rfind(" ")
        if word_end >= len(cut) - _TITLE_WORD_SLACK:
            cut = cut[:word_end]
    return cut.rstrip(" ,.;:–-·") + "…"


# --- on a phone -------------------------------------------------------------------------------------------------
# Teams on a phone renders Adaptive Cards up to version 1.2 whatever a card's "version" says: an input's `label`
# (1.3) is not shown there, and a toggle's title is cut unless it wraps. So each label becomes a TextBlock before
# its input (Teams on the desktop would show both, so the `label` goes), every TextBlock and toggle wraps, and
# amounts and dates are kept on one line (`policy.formatting.keep_together`, in `_as_markdown`).


def _for_phones(elements: list[Any]) -> list[Any]:
    """A list of card elements (a body, a Container's or Column's items) as a phone shows them."""
    shown: list[Any] = []
    for element in elements:
        if not isinstance(element, dict):
            shown.append(element)
            continue
        element = _for_phone(element)
        if str(element.get("type", "")).startswith("Input.") and "label" in element:
            label = element.pop("label") + (REQUIRED_MARK if element.get("isRequired") else "")
            block: dict[str, Any] = {"type": "TextBlock", "text": label, "wrap": True, "weight": "Bolder"}
            for key in ("spacing", "separator"):  # the label opens the input's place on the card
                if key in element:
                    block[key] = element.pop(key)
            element["spacing"] = "Small"
            shown.append(block)
        shown.append(element)
    return shown


def _for_phone(element: dict[str, Any]) -> dict[str, Any]:
    element = dict(element)
    kind = element.get("type")
    if kind == "TextBlock":
        element.setdefault("wrap", True)
    elif kind == "Input.Toggle":
        element["wrap"] = True
    elif kind == "ColumnSet":
        element["columns"] = [_for_phone(column) if isinstance(column, dict) else column
                              for column in element.get("columns") or []]
    elif kind == "ActionSet":
        element["actions"] = _checked_actions(element.get("actions") or [])
    if isinstance(element.get("items"), list):
        element["items"] = _for_phones(element["items"])
    return element


def _checked_actions(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(actions) > MAX_ACTIONS:
        titles = [action.get("title") for action in actions]
        raise ValueError(f"{len(actions)} buttons in one row, Teams shows at most {MAX_ACTIONS}: {titles}")
    checked = []
    for action in actions:
        title = action.get("title")
        if isinstance(title, str) and len(title) > BUTTON_TITLE_MAX_LENGTH:
            raise ValueError(f"a button title of {len(title)} characters, Teams shows at most "
                             f"{BUTTON_TITLE_MAX_LENGTH} (use button_title): {title!r}")
        if action.get("type") == "Action.ShowCard" and isinstance(action.get("card"), dict):
            card = dict(action["card"])
            card["body"] = _for_phones(card.get("body") or [])
            if card.get("actions"):
                card["actions"] = _checked_actions(card["actions"])
            action = {**action, "card": card}
        checked.append(action)
    return checked


def _as_markdown(element: Any) -> Any:
    """The one place where card text becomes Markdown: a TextBlock's text and a Fact's title and value are the
    only texts a card renders as Markdown (Teams: links, bold, italic, lists), so a project called
    "[logga in](https://…)" is escaped there, wherever on whichever card it is shown. Lotsen's own texts (the
    catalogs, the policy) contain nothing the escaping changes; a test keeps it so. The same texts keep their
    amounts and dates on one line (`keep_together`). Inputs' values and button titles are not Markdown, and are
    left as they are."""
    if isinstance(element, list):
        return [_as_markdown(item) for item in element]
    if not isinstance(element, dict):
        return element
    # What a button sends back and an input's value are data, never shown: kept exactly.
    shown = {key: value if key in ("data", "value") else _as_markdown(value) for key, value in element.items()}
    kind = element.get("type")
    if kind == "TextBlock" and isinstance(element.get("text"), str):
        shown["text"] = _shown_text(element["text"])
    elif kind == "FactSet":
        shown["facts"] = [{**fact, **{key: _shown_text(fact[key]) for key in ("title", "value")
                                      if isinstance(fact.get(key), str)}}
                          for fact in element.get("facts") or []]
    return shown


@lru_cache(maxsize=4096)
def _shown_text(text: str) -> str:
    """A text as a card shows it. Most of a card's texts are Lotsen's own (policy quotes, catalog texts) and come
    again on every card of their kind: made once, not per card."""
    return card_markdown(keep_together(text))


# The `action` of a send_text_action button's data; bot/activity.py makes its `text` the message.
SEND_TEXT_ACTION = "send_text"


def send_text_action(title: str, message: str) -> dict[str, Any]:
    """A button that sends `message` as if the user had typed it, so typing works the same. Plain data, which Teams
    and Agents Playground both post as the message's value; bot/activity.py reads it as the typed text. (Data with
    Teams' `msteams` imBack or messageBack is dead in Agents Playground 0.2.28: "Cannot add property msTeams".)"""
    return {"type": "Action.Submit", "title": title, "data": {"action": SEND_TEXT_ACTION, "text": message}}


def personal_chat_link(bot_id: str) -> str:
    """Teams' deep link that opens the personal chat with the bot whose id (28:…) is `bot_id`."""
    return f"https://teams.microsoft.com/l/chat/0/0?users={quote(bot_id, safe=':')}"


def welcome_card(lang: Language, in_group: bool = False, bot_id: str | None = None) -> Card:
    """What Lotsen does, with a button per job. In a group chat or channel it offers only what works there, and
    (given the bot's id) a button that opens the personal chat for the rest. Every "hjälp" shows it: it is made
    once per language and kind of chat, and each caller gets a copy of its own."""
    return _copied(_welcome_card(lang, in_group, bot_id))


def _copied(node: Any) -> Any:
    """A copy of a card's JSON (dicts, lists and plain values), several times cheaper than `copy.deepcopy`."""
    if isinstance(node, dict):
        return {key: _copied(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_copied(item) for item in node]
    return node


@lru_cache(maxsize=64)
def _welcome_card(lang: Language, in_group: bool, bot_id: str | None) -> Card:
    jobs = lookup("welcome.jobs", lang)
    body = [
        {"type": "TextBlock", "text": text("welcome.title", lang), "size": "Large", "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": text("welcome.intro", lang), "wrap": True},
        {"type": "TextBlock", "text": text("welcome.jobs_heading", lang), "weight": "Bolder", "wrap": True},
        *({"type": "TextBlock", "text": f"• {job}", "wrap": True, "spacing": "Small"} for job in jobs),
        {"type": "TextBlock", "text": text("welcome.ask_hint", lang), "wrap": True, "isSubtle": True},
    ]
    if not in_group:
        return adaptive_card(body, [welcome_action(name, lang) for name in WELCOME_ACTIONS])
    body.append({"type": "TextBlock", "text": text("welcome.channel_hint", lang), "wrap": True, "isSubtle": True})
    actions = [welcome_action(name, lang) for name in GROUP_WELCOME_ACTIONS]
    if bot_id:
        actions.append({"type": "Action.OpenUrl", "title": text("open_personal_chat", lang),
                        "url": personal_chat_link(bot_id)})
    return adaptive_card(body, actions)


def welcome_action(name: str, lang: Language) -> dict[str, Any]:
    """One of the welcome card's buttons ("register", "my_applications", …): other cards that start the same
    thing (an answer that offers to register the application, say) show the very same button."""
    message = text("welcome.help_command", lang) if name == "help" else text(f"welcome.questions.{name}", lang)
    return send_text_action(text(f"welcome.actions.{name}", lang), message)
