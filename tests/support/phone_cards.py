"""What a card must be to work in Teams on a phone and in a narrow window, checked on the cards a flow shows.

Teams on a phone renders Adaptive Cards up to version 1.2: an input's `label` (1.3) is not shown there, so each
input's label is a TextBlock right before it; a toggle's title and every text wrap instead of being cut; a row
shows at most six buttons (more hide behind "…"), a button's title is cut after about 36 characters, and a fact's
title has at most 150 px, so a long word there (a nämnd's name) breaks in the middle. The
figures are Teams', written here as Teams has them, not taken from the code under test.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from botbuilder.schema import Activity

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
TEAMS_MAX_ACTIONS = 6
TEAMS_MAX_TITLE = 36
# Teams gives a FactSet's titles at most 150 px; a longer word than this (about 8 px a letter) breaks mid-word.
FACT_TITLE_LONGEST_WORD = 18


def adaptive_cards(replies: Iterable[Activity]) -> list[dict[str, Any]]:
    """The Adaptive Cards among the replies, in order."""
    return [attachment.content for reply in replies for attachment in reply.attachments or []
            if attachment.content_type == ADAPTIVE_CARD]


def phone_problems(card: dict[str, Any]) -> list[str]:
    """Everything on `card` that a phone would not show as meant (empty when it fits)."""
    problems: list[str] = []
    _elements(card.get("body") or [], problems)
    _actions(card.get("actions") or [], problems)
    return problems


def assert_fits_a_phone(cards: Iterable[dict[str, Any]]) -> None:
    checked = list(cards)
    assert checked, "no card to check"
    problems = [problem for card in checked for problem in phone_problems(card)]
    assert problems == []


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card's inputs by id, wherever they stand in its body."""
    return {element["id"]: element for element in _all(card.get("body") or [])
            if str(element.get("type", "")).startswith("Input.")}


def text_after(card: dict[str, Any], input_id: str) -> str | None:
    """The problem said right after the input `input_id` (a form's error: a TextBlock in the Attention colour),
    if any."""
    for elements in _lists(card.get("body") or []):
        for position, element in enumerate(elements[:-1]):
            following = elements[position + 1]
            if (element.get("id") == input_id and following.get("type") == "TextBlock"
                    and following.get("color") == "Attention"):
                return following["text"]
    return None


def _elements(elements: list[dict[str, Any]], problems: list[str]) -> None:
    for position, element in enumerate(elements):
        kind = str(element.get("type", ""))
        where = element.get("id") or element.get("text") or kind
        if kind == "TextBlock" and element.get("wrap") is not True:
            problems.append(f"a TextBlock that does not wrap: {where!r}")
        if kind == "Input.Toggle" and element.get("wrap") is not True:
            problems.append(f"a toggle whose title does not wrap: {where!r}")
        if kind.startswith("Input.") and "label" in element:
            problems.append(f"a label a phone does not show: {where!r}")
        if (kind.startswith("Input.") and kind != "Input.Toggle"
                and (position == 0 or elements[position - 1].get("type") != "TextBlock")):
            problems.append(f"an input without a TextBlock before it: {where!r}")
        if kind == "ActionSet":
            _actions(element.get("actions") or [], problems)
        if kind == "FactSet":
            problems.extend(f"a fact's title that breaks mid-word: {fact['title']!r}" for fact in element["facts"]
                            if max(map(len, str(fact.get("title", "")).split()), default=0) > FACT_TITLE_LONGEST_WORD)
        for column in element.get("columns") or []:
            _elements(column.get("items") or [], problems)
        _elements(element.get("items") or [], problems)


def _actions(actions: list[dict[str, Any]], problems: list[str]) -> None:
    if len(actions) > TEAMS_MAX_ACTIONS:
        problems.append(f"{len(actions)} buttons in a row: {[action.get('title') for action in actions]}")
    problems.extend(f"a title Teams cuts: {action['title']!r}" for action in actions
                    if len(action.get("title") or "") > TEAMS_MAX_TITLE)


def _lists(elements: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    yield elements
    for element in elements:
        for column in element.get("columns") or []:
            yield from _lists(column.get("items") or [])
        yield from _lists(element.get("items") or [])


def _all(elements: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for found in _lists(elements):
        yield from found


def unbroken(figure: str) -> str:
    """An amount or a date as a card shows it: every space a no-break space (U+00A0), so that a narrow window
    never breaks a line inside it."""
    return figure.replace(" ", "\u00a0")
