"""Every card's texts become Markdown in one place (dialogs/common/cards.py): user text there is shown as written, Lotsen's
own texts are left exactly as they are, and what buttons send back and inputs hold is data, never escaped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.card_text import render_attachment
from dialogs.common.cards import adaptive_card
from storage.user_text import card_markdown

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
    assert card["body"][0]["value"] == LINK
    assert card["body"][1]["choices"] == [{"title": "_a_", "value": "*b*"}]
    assert card["actions"][0] == {"type": "Action.Submit", "title": "Spara [x]", "data": {"action": "x", "name": LINK}}


@pytest.mark.parametrize("shown", ["Gröna tak i Malmö", "EU-2026-0007 · Gröna tak i Malmö", "14 500 000 kr"])
def test_ordinary_text_is_left_as_it_is(shown):
    card = adaptive_card([{"type": "TextBlock", "text": shown}])
    assert card["body"][0]["text"] == shown
