"""`activity_json` gives what msrest's `Activity.serialize()` gives, for every kind of activity Lotsen sends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    CardAction,
    ChannelAccount,
    ConversationAccount,
    HeroCard,
    Mention,
    SuggestedActions,
)

from bot.activity_json import activity_json
from dialogs.common.cards import adaptive_card

_CARD = {"type": "AdaptiveCard", "version": "1.5",
         "body": [{"type": "TextBlock", "text": "Måste vi informera KS?", "wrap": True},
                  {"type": "FactSet", "facts": [{"title": "Budget", "value": "12\u00a0000\u00a0000 kr"}]}],
         "actions": [{"type": "Action.Submit", "title": "Ja", "data": {"action": "send_text", "text": "ja"}}]}


def _reply() -> Activity:
    reply = MessageFactory.attachment(CardFactory.adaptive_card(_CARD))
    reply.summary = "Svar"
    reply.conversation = ConversationAccount(id="a:1;messageid=2", conversation_type="personal", tenant_id="t")
    reply.recipient = ChannelAccount(id="29:user", name="Anna Berg", aad_object_id="00000000-0000-0000-0000-000000000001")
    reply.from_property = ChannelAccount(id="28:bot", name="Lotsen")
    reply.reply_to_id = "1700000000000"
    reply.service_url = "https://smba.trafficmanager.net/emea/"
    reply.channel_id = "msteams"
    reply.locale = "sv-SE"
    return reply


def _cases() -> dict[str, Activity]:
    text = MessageFactory.text("Hej! **Lotsen** här.")
    suggested = MessageFactory.suggested_actions(
        [CardAction(type="imBack", title="Ja", value="ja"), CardAction(type="messageBack", title="Nej", text="nej",
                                                                        value={"action": "send_text"})], "Ja eller nej?")
    mention = MessageFactory.text("<at>Anna</at> har skickat in")
    mention.entities = [Mention(mentioned=ChannelAccount(id="29:user", name="Anna"), text="<at>Anna</at>",
                                type="mention")]
    hero = MessageFactory.attachment(CardFactory.hero_card(HeroCard(title="Hjälp", buttons=[
        CardAction(type="openUrl", title="Öppna", value="https://example.org")])))
    timed = Activity(type=ActivityTypes.message, text="x",
                     timestamp=datetime(2026, 12, 6, 20, 0, 0, 123456, tzinfo=timezone.utc),
                     local_timestamp=datetime(2026, 12, 6, 21, 0, tzinfo=timezone(timedelta(hours=1))),
                     channel_data={"notification": {"alert": True}, "account": ChannelAccount(id="z")})
    update = _reply()
    update.id = "1700000000001"
    return {"text": text, "suggested actions": suggested, "mention": mention, "hero card": hero,
            "adaptive card reply": _reply(), "times and channel data": timed, "card replaced": update,
            "Lotsen's card": MessageFactory.attachment(Attachment(content_type="application/vnd.microsoft.card.adaptive",
                                                                 content=adaptive_card(_CARD["body"]))),
            "invoke response": Activity(type=ActivityTypes.invoke_response, value={"status": 200})}


@pytest.mark.parametrize("name", list(_cases()))
def test_the_json_is_msrests(name):
    activity = _cases()[name]
    assert activity_json(activity) == activity.serialize()


def test_none_inside_a_card_is_kept_as_msrest_keeps_it():
    activity = MessageFactory.attachment(Attachment(content_type="x", content={"a": [1, {"b": None}], "n": None}))
    assert activity_json(activity)["attachments"][0]["content"] == {"a": [1, {"b": None}], "n": None}
    assert activity_json(activity) == activity.serialize()
