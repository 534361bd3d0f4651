"""Cards as text for the terminal chat: every part readable, every button a numbered choice that works."""

from __future__ import annotations

from bot.card_text import ADAPTIVE_CARD, HERO_CARD, render_attachment
from dialogs.common.cards import welcome_card


def test_the_welcome_card_reads_as_text_with_numbered_choices():
    rendered = render_attachment(ADAPTIVE_CARD, welcome_card("sv"))
    assert rendered.lines[0] == "Hej! Jag är Lotsen"
    assert any(line.startswith("• Svara på frågor") for line in rendered.lines)
    labels = [choice.label for choice in rendered.choices]
    assert labels[-1] == "Hjälp"
    assert rendered.choices[-1].message == "hjälp"


def test_facts_inputs_hidden_text_and_every_kind_of_action():
    card = {
        "type": "AdaptiveCard",
        "body": [
            {"type": "FactSet", "facts": [{"title": "Projekt", "value": "Gröna tak"}]},
            {"type": "Input.Text", "id": "name", "label": "Projektnamn"},
            {"type": "Input.ChoiceSet", "id": "role", "label": "Roll",
             "choices": [{"title": "Projektägare", "value": "owner"}, {"title": "Partner", "value": "partner"}]},
            {"type": "Container", "id": "quote", "isVisible": False, "items": [{"type": "TextBlock", "text": "4.1 …"}]},
            {"type": "ColumnSet", "columns": [{"type": "Column", "items": [{"type": "TextBlock", "text": "Vänster"}]}]},
        ],
        "actions": [
            {"type": "Action.ToggleVisibility", "title": "Visa policytext", "targetElements": ["quote"]},
            {"type": "Action.Submit", "title": "Spara", "data": {"action": "save"}},
            {"type": "Action.Submit", "title": "Ja", "data": {"msteams": {"type": "imBack", "value": "ja"}}},
            {"type": "Action.OpenUrl", "title": "Policyn", "url": "https://malmo.se"},
            {"type": "Action.ShowCard", "title": "Mer", "card": {"type": "AdaptiveCard",
                                                                 "body": [{"type": "TextBlock", "text": "Mer text"}]}},
        ],
    }
    rendered = render_attachment(ADAPTIVE_CARD, card)
    assert "Projekt: Gröna tak" in rendered.lines
    assert "Projektnamn: ____" in rendered.lines
    assert "Roll (Projektägare, Partner)" in rendered.lines
    assert "Vänster" in rendered.lines
    assert "4.1 …" not in rendered.lines  # hidden until its toggle is picked
    toggle, save, yes, link, more = rendered.choices
    assert toggle.reveal == ["4.1 …"]
    assert save.value == {"action": "save"} and save.message is None
    assert yes.message == "ja"
    assert link.url == "https://malmo.se"
    assert more.reveal == ["Mer text"]


def test_hero_card_buttons():
    card = {"title": "Välj", "buttons": [{"type": "imBack", "title": "Ja", "value": "ja"},
                                         {"type": "openUrl", "title": "Läs", "value": "https://malmo.se"}]}
    rendered = render_attachment(HERO_CARD, card)
    assert rendered.lines == ["Välj"]
    assert [c.message for c in rendered.choices] == ["ja", None]
    assert rendered.choices[1].url == "https://malmo.se"
