"""Adaptive Cards (and hero cards) as readable text with numbered choices, for the terminal chat.

Every card a dialog shows in Teams can so be tried in a terminal: the text reads top to bottom, and each
button becomes a numbered choice that, when picked, does what the button would have done in Teams.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dialogs.common.cards import SEND_TEXT_ACTION

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
HERO_CARD = "application/vnd.microsoft.card.hero"
# A Markdown backslash escape (dialogs/common/cards.py escapes user text on cards): the terminal shows the character itself.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _plain(markdown: object) -> str:
    return _ESCAPED.sub(r"\1", str(markdown))


@dataclass
class Choice:
    """What picking a numbered choice does: send a message, submit data, open a link or reveal more text."""

    label: str
    message: str | None = None
    value: dict[str, Any] | None = None
    url: str | None = None
    reveal: list[str] = field(default_factory=list)
    # A button of an ActionSet in the card's body stands where the card shows it: after this many of the
    # rendered lines. None: at the end, with the card's own actions.
    after_line: int | None = None


@dataclass
class RenderedCard:
    lines: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)


def render_attachment(content_type: str, content: Any) -> RenderedCard:
    if content_type == ADAPTIVE_CARD and isinstance(content, dict):
        return _AdaptiveRenderer(content).render()
    if content_type == HERO_CARD and isinstance(content, dict):
        return _render_hero(content)
    return RenderedCard(lines=[f"[bilaga: {content_type}]"])


def _render_hero(card: dict[str, Any]) -> RenderedCard:
    rendered = RenderedCard(lines=[part for part in (card.get("title"), card.get("subtitle"), card.get("text")) if part])
    for button in card.get("buttons") or []:
        kind, value = button.get("type"), button.get("value")
        if kind == "openUrl":
            rendered.choices.append(Choice(button.get("title", ""), url=value))
        elif kind == "messageBack":
            rendered.choices.append(Choice(button.get("title", ""), message=button.get("text"), value=value))
        elif isinstance(value, dict):
            rendered.choices.append(Choice(button.get("title", ""), value=value))
        else:
            rendered.choices.append(Choice(button.get("title", ""), message=str(value)))
    return rendered


class _AdaptiveRenderer:
    def __init__(self, card: dict[str, Any]) -> None:
        self._card = card
        self._hidden: dict[str, list[str]] = {}
        self._rendered = RenderedCard()

    def render(self) -> RenderedCard:
        self._elements(self._card.get("body") or [], self._rendered.lines)
        self._actions(self._card.get("actions") or [])
        return self._rendered

    def _elements(self, elements: list[dict[str, Any]], out: list[str]) -> None:
        for element in elements:
            target = out
            if element.get("isVisible") is False and element.get("id"):
                target = self._hidden.setdefault(element["id"], [])
            self._element(element, target)

    def _element(self, element: dict[str, Any], out: list[str]) -> None:
        kind = element.get("type", "")
        if kind == "TextBlock":
            out.append(_plain(element.get("text", "")))
        elif kind == "RichTextBlock":
            out.append("".join(str(inline.get("text", "")) for inline in element.get("inlines") or []))
        elif kind == "FactSet":
            out.extend(f"{_plain(fact.get('title', ''))}: {_plain(fact.get('value', ''))}"
                       for fact in element.get("facts") or [])
        elif kind in ("Container", "Column"):
            self._elements(element.get("items") or [], out)
        elif kind == "ColumnSet" and _is_table_row(element):
            # A table's row (a name and its value, one text each) reads as a fact does: "name: value".
            out.append(": ".join(_plain(column["items"][0].get("text", "")) for column in element["columns"]))
        elif kind == "ColumnSet":
            for column in element.get("columns") or []:
                self._element(column, out)
        elif kind == "ActionSet":
            visible = out is self._rendered.lines
            self._actions(element.get("actions") or [], after_line=len(out) if visible else None)
        elif kind == "Image":
            out.append(f"[bild: {element.get('altText', '')}]")
        elif kind.startswith("Input."):
            out.append(self._input(element))

    @staticmethod
    def _input(element: dict[str, Any]) -> str:
        # Lotsen's cards put an input's label in a TextBlock before it (dialogs/common/cards.py): the line above.
        label = element.get("label") or element.get("placeholder") or ""
        if element.get("type") == "Input.ChoiceSet":
            options = ", ".join(choice.get("title", "") for choice in element.get("choices") or [])
            return f"{label} ({options})".strip()
        return f"{label}: ____" if label else "____"

    def _actions(self, actions: list[dict[str, Any]], after_line: int | None = None) -> None:
        for action in actions:
            choice = self._choice(action)
            choice.after_line = after_line
            self._rendered.choices.append(choice)

    def _choice(self, action: dict[str, Any]) -> Choice:
        kind, title = action.get("type"), action.get("title", "")
        if kind == "Action.OpenUrl":
            return Choice(title, url=action.get("url"))
        if kind == "Action.ShowCard":
            nested = _AdaptiveRenderer(action.get("card") or {}).render()
            return Choice(title, reveal=nested.lines)
        if kind == "Action.ToggleVisibility":
            ids = [t if isinstance(t, str) else t.get("elementId", "") for t in action.get("targetElements") or []]
            return Choice(title, reveal=[line for element_id in ids for line in self._hidden.get(element_id, [])])
        data = action.get("data") if isinstance(action.get("data"), dict) else {}
        if kind == "Action.Submit" and data.get("action") == SEND_TEXT_ACTION and isinstance(data.get("text"), str):
            return Choice(title, message=data["text"])  # sent as if typed, as bot/activity.py reads it
        teams = data.get("msteams") if isinstance(data.get("msteams"), dict) else {}
        if teams.get("type") == "imBack":
            return Choice(title, message=str(teams.get("value", "")))
        if teams.get("type") == "messageBack":
            return Choice(title, message=teams.get("text"), value={k: v for k, v in data.items() if k != "msteams"})
        if kind == "Action.Execute":
            return Choice(title, value={"action": {"verb": action.get("verb"), "data": data}})
        return Choice(title, value=data)


def _is_table_row(element: dict[str, Any]) -> bool:
    columns = element.get("columns") or []
    return len(columns) > 1 and all(
        len(column.get("items") or []) == 1 and column["items"][0].get("type") == "TextBlock" for column in columns)
