"""A message with a card carries a `summary`, which Teams shows in the chat list, a channel's preview and the
notification instead of "Sent a card": the card's first text, plain (its Markdown escapes undone), on one line."""

from __future__ import annotations

from dialogs.common.cards import adaptive_card
from dialogs.common.replies import SUMMARY_LENGTH, card_message, card_summary
from tests.support.activities import bot_added, message


def test_the_summary_is_the_cards_first_text_as_plain_text():
    card = adaptive_card([
        {"type": "Container", "items": [{"type": "TextBlock", "text": "  "},
                                        {"type": "TextBlock", "text": "Godkänd: [EU*projekt*]\nrad två"}]},
        {"type": "TextBlock", "text": "Något annat"},
    ])
    assert "\\" in card["body"][0]["items"][1]["text"]  # escaped on the card…
    assert card_summary(card) == "Godkänd: [EU*projekt*] rad två"  # …not in the preview


def test_a_long_first_text_is_cut_and_a_given_summary_wins():
    card = adaptive_card([{"type": "TextBlock", "text": "Ord " * 100}])
    assert len(card_summary(card) or "") <= SUMMARY_LENGTH
    assert card_message(card, summary="Ny påminnelse").summary == "Ny påminnelse"
    assert card_summary(adaptive_card([{"type": "Input.Text", "id": "x"}])) is None


async def test_every_card_lotsen_posts_over_http_has_a_summary(start_app, connector, tmp_path):
    standin, service_url = connector
    client = await start_app(database_url=f"sqlite+aiosqlite:///{tmp_path}/summary.db")
    await client.post("/api/messages", json=bot_added(service_url))
    await client.post("/api/messages", json=message(service_url, "Måste jag informera KS om vår EU-ansökan?"))
    await client.post("/api/messages", json=message(service_url, "mina påminnelser"))
    with_cards = [activity for activity in standin.activities if activity.get("attachments")]
    assert len(with_cards) >= 2
    for activity in with_cards:
        assert activity.get("summary"), activity
    assert with_cards[0]["summary"].startswith("Hej")  # the welcome card's title
