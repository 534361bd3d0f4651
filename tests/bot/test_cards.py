"""Every card's texts become Markdown in one place (dialogs/common/cards.py): user text there is shown as written, Lotsen's
own texts are left exactly as they are, and what buttons send back and inputs hold is data, never escaped."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.card_text import render_attachment
from dialogs.common.cards import MAX_ACTIONS, BUTTON_TITLE_MAX_LENGTH, adaptive_card, button_title, welcome_card
from storage.user_text import card_markdown
from texts import LANGUAGES, catalog, text

ROOT = Path(__file__).resolve().parents[2]
LINK = "[logga in](https://evil.example)"


def _strings(node: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [found for key, value in node.items() for found in _strings(value, f"{path}.{key}")]
    if isinstance(node, list):
        return [found for index, value in enumerate(node) for found in _strings(value, f"{path}[{index}]")]
    return [(path, node)] if isinstance(node, str) else []


def _shown_texts() -> list[tuple[str, str]]:
    """What Lotsen writes on cards: the bot's catalogs (less the word lists people type, which are never shown,
    and the documents' texts — the compilation and the informationsärende draft, with its "[fyll i]" — which
    are never on a card) and the policy's texts and sections."""
    documents = ("compilation.yaml", "information_item.yaml")
    files = sorted(path for path in (ROOT / "texts").glob("*/*.yaml") if path.name not in documents) + sorted((ROOT / "policy" / "data" / "texts").glob(
        "*.yaml")) + sorted((ROOT / "policy" / "data" / "versions").glob("*.yaml"))
    return [(f"{file.relative_to(ROOT)}{path}", text)
            for file in files for path, text in _strings(yaml.safe_load(file.read_text(encoding="utf-8")))
            if ".words." not in path and ".commands." not in path]


def test_lotsens_own_texts_are_never_changed_by_the_escaping():
    texts = _shown_texts()
    assert len(texts) > 1000
    changed = [(where, text) for where, text in texts if card_markdown(text) != text]
    assert changed == []


def test_user_text_on_a_text_block_and_a_fact_is_escaped_and_reads_the_same_in_the_terminal():
    card = adaptive_card([
        {"type": "TextBlock", "text": LINK},
        {"type": "Container", "items": [{"type": "FactSet", "facts": [{"title": "**Projekt**", "value": LINK}]}]},
    ])
    assert card["body"][0]["text"] == "\\[logga in\\](https\\://evil.example)"
    assert card["body"][1]["items"][0]["facts"] == [
        {"title": "\\*\\*Projekt\\*\\*", "value": "\\[logga in\\](https\\://evil.example)"}]
    rendered = render_attachment("application/vnd.microsoft.card.adaptive", card)
    assert rendered.lines == [LINK, f"**Projekt**: {LINK}"]


def test_inputs_and_button_data_are_data_not_markdown():
    card = adaptive_card(
        [{"type": "Input.Text", "id": "project_name", "label": "Projekt", "value": LINK},
         {"type": "Input.ChoiceSet", "id": "c", "choices": [{"title": "_a_", "value": "*b*"}]}],
        [{"type": "Action.Submit", "title": "Spara [x]", "data": {"action": "x", "name": LINK}}],
    )
    label, field, choice = card["body"]
    assert label == {"type": "TextBlock", "text": "Projekt", "wrap": True, "weight": "Bolder"}  # the label, on phones
    assert field["value"] == LINK
    assert choice["choices"] == [{"title": "_a_", "value": "*b*"}]
    assert card["actions"][0] == {"type": "Action.Submit", "title": "Spara [x]", "data": {"action": "x", "name": LINK}}


@pytest.mark.parametrize("shown", ["Gröna tak i Malmö", "EU-2026-0007 · Gröna tak i Malmö", "År 2026: 3 projekt"])
def test_ordinary_text_is_left_as_it_is(shown):
    card = adaptive_card([{"type": "TextBlock", "text": shown}])
    assert card["body"][0]["text"] == shown


# --- on a phone (Teams mobile renders Adaptive Cards up to 1.2) ---------------------------------------------------


@pytest.mark.parametrize(("shown", "kept"), [
    ("Totalbudget: 12 000 000 kr", "Totalbudget: 12\u00a0000\u00a0000\u00a0kr"),
    ("Total budget: SEK 12,000,000", "Total budget: SEK\u00a012,000,000"),
    ("1 200 000 euro (kurs 11,25 kr per euro)", "1\u00a0200\u00a0000\u00a0euro (kurs 11,25\u00a0kr per euro)"),
    ("Sista ansökningsdag 5 december 2026 kl. 08.32", "Sista ansökningsdag 5\u00a0december\u00a02026 kl.\u00a008.32"),
    ("Godkänd 5 dec. 2026", "Godkänd 5\u00a0dec.\u00a02026"),
    ("Deadline 15 March 2027", "Deadline 15\u00a0March\u00a02027"),
])
def test_amounts_and_dates_on_a_card_never_break_across_lines(shown, kept):
    card = adaptive_card([{"type": "TextBlock", "text": shown},
                          {"type": "FactSet", "facts": [{"title": "Totalbudget", "value": shown}]}])
    assert card["body"][0]["text"] == kept
    assert card["body"][1]["facts"] == [{"title": "Totalbudget", "value": kept}]


def test_each_label_is_a_text_block_before_its_input_and_toggles_and_texts_wrap():
    card = adaptive_card([
        {"type": "TextBlock", "text": "Registrera EU-ansökan"},
        {"type": "Container", "items": [
            {"type": "Input.Text", "id": "project_name", "label": "Projekt", "isRequired": True, "spacing": "Large"},
            {"type": "Input.Date", "id": "call_deadline", "label": "Sista ansökningsdag"},
        ]},
        {"type": "ColumnSet", "columns": [{"type": "Column", "items": [
            {"type": "Input.ChoiceSet", "id": "role", "label": "Malmö stads roll", "choices": []}]}]},
        {"type": "Input.Toggle", "id": "aligned", "title": "Ligger projektet i linje med policyn?"},
    ])
    title, container, columns, toggle = card["body"]
    assert title["wrap"] is True
    assert container["items"] == [
        {"type": "TextBlock", "text": "Projekt \\*", "wrap": True, "weight": "Bolder", "spacing": "Large"},
        {"type": "Input.Text", "id": "project_name", "isRequired": True, "spacing": "Small"},
        {"type": "TextBlock", "text": "Sista ansökningsdag", "wrap": True, "weight": "Bolder"},
        {"type": "Input.Date", "id": "call_deadline", "spacing": "Small"},
    ]
    label, choice = columns["columns"][0]["items"]
    assert label["text"] == "Malmö stads roll" and "label" not in choice
    assert toggle["wrap"] is True
    # The terminal reads the label where the phone shows it (the required mark without its escape), then the field.
    assert render_attachment("application/vnd.microsoft.card.adaptive", card).lines[1:5] == [
        "Projekt *", "____", "Sista ansökningsdag", "____"]


def _button(title: str) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": title, "data": {"action": "x"}}


def test_more_than_six_buttons_in_a_row_or_a_title_teams_cuts_is_a_mistake_of_the_card():
    adaptive_card([{"type": "ActionSet", "actions": [_button(str(n)) for n in range(6)]}],
                  [_button(str(n)) for n in range(6)])
    with pytest.raises(ValueError, match="7 buttons"):
        adaptive_card([], [_button(str(n)) for n in range(7)])
    with pytest.raises(ValueError, match="7 buttons"):
        adaptive_card([{"type": "Container", "items": [
            {"type": "ActionSet", "actions": [_button(str(n)) for n in range(7)]}]}])
    adaptive_card([], [_button("x" * 36)])
    with pytest.raises(ValueError, match="37 characters"):
        adaptive_card([], [_button("x" * 37)])
    with pytest.raises(ValueError, match="37 characters"):
        adaptive_card([{"type": "ColumnSet", "columns": [{"type": "Column", "items": [
            {"type": "ActionSet", "actions": [_button("x" * 37)]}]}]}])


@pytest.mark.parametrize(("title", "shown"), [
    ("Ändra: Gröna tak i Malmö", "Ändra: Gröna tak i Malmö"),
    ("Ändra: Gröna tak på skolor och förskolor i Malmö", "Ändra: Gröna tak på skolor och…"),
    ("Måste vi informera kommunstyrelsens förvaltning om vår EU-ansökan?", "Måste vi informera kommunstyrelsens…"),
    ("Ta bort: " + "Kommunstyrelsensförvaltningsnätverket" * 2, "Ta bort: Kommunstyrelsensförvaltnin…"),
    ("Ändra:  två\nrader", "Ändra: två rader"),
])
def test_a_title_of_any_length_is_cut_to_what_teams_shows(title, shown):
    assert button_title(title) == shown
    assert len(button_title(title)) <= BUTTON_TITLE_MAX_LENGTH
    adaptive_card([], [_button(button_title(title))])


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("in_group", [False, True])
def test_the_welcome_cards_help_button_is_among_the_six_teams_shows(lang, in_group):
    card = welcome_card(lang, in_group)
    titles = [action["title"] for action in card["actions"]]
    assert len(titles) <= MAX_ACTIONS
    assert {"sv": "Hjälp", "en": "Help"}[lang] in titles



# --- the catalog's button texts ---------------------------------------------------------------------------------

_BUTTON_CALLS = ("_submit", "send_text_action", "button_title")  # their first argument is a button's title
_BUTTON_SECTIONS = re.compile(r"(^|\.)(buttons|actions)\.|_buttons?(\.|\[|$)")


def _key_pattern(argument: ast.expr) -> str | None:
    """The catalog key a `text(...)` call names, as a pattern: an f-string's {…} stands for one key part."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return re.escape(argument.value)
    if isinstance(argument, ast.JoinedStr):
        return "".join(re.escape(part.value) if isinstance(part, ast.Constant) else r"[^.\[]+"
                       for part in argument.values)
    return None


def _catalog_call(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "text" and node.args:
        return _key_pattern(node.args[0])
    return None


def _is_action(node: ast.Dict) -> bool:
    """`{"type": "Action.Submit", "title": …}`: a button (a toggle's or a choice's title is no button)."""
    return any(isinstance(key, ast.Constant) and key.value == "type" and isinstance(value, ast.Constant)
               and str(value.value).startswith("Action.") for key, value in zip(node.keys, node.values))


def _title_keys_in_code() -> set[str]:
    """The catalog keys the bot's code puts on a button: `"title": text(…)` and the first argument of the calls
    that make a button."""
    found: set[str] = set()
    for path in sorted((ROOT / "dialogs").rglob("*.py")) + sorted((ROOT / "bot").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and _is_action(node):
                found |= {pattern for key, value in zip(node.keys, node.values)
                          if isinstance(key, ast.Constant) and key.value == "title"
                          and (pattern := _catalog_call(value)) is not None}
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _BUTTON_CALLS
                  and node.args and (pattern := _catalog_call(node.args[0])) is not None):
                found.add(pattern)
    return found


def _button_texts() -> list[tuple[str, str]]:
    """Every catalog text shown as a button, in both languages: the keys the code uses as titles, and every entry
    of a "buttons" or "actions" section or a "…_button(s)" key (the chat's suggested replies too)."""
    patterns = [re.compile(pattern) for pattern in _title_keys_in_code()]
    shown = []
    for lang in LANGUAGES:
        for key, value in _strings(catalog(lang)):
            key = key.lstrip(".")
            if _BUTTON_SECTIONS.search(key) or any(pattern.fullmatch(key) for pattern in patterns):
                shown.append((f"{lang}: {key}", value))
    return shown


def test_every_button_text_of_the_catalogs_fits_a_button():
    """Teams cuts a title after 36 characters. A title with a placeholder ("Ändra: {title}") is checked for its
    own words here; what fills it is cut by `button_title`, or is a part's short name (below)."""
    texts = _button_texts()
    assert len(texts) > 100
    assert "sv: registration.form.submit" in dict(texts) and "en: annual_report.ks_card.approve" in dict(texts)
    too_long = [(where, value) for where, value in texts
                if len(re.sub(r"\{[^}]*\}", "", value)) > BUTTON_TITLE_MAX_LENGTH]
    assert too_long == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_part_of_the_annual_report_fits_its_change_button(lang):
    for part in catalog(lang)["annual_report"]["parts"]:
        name = text(f"annual_report.parts.{part}.short", lang)
        assert len(text("annual_report.buttons.edit_part", lang, name=name)) <= BUTTON_TITLE_MAX_LENGTH, name
