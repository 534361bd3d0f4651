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


# --- reading: activity_from_json gives what msrest's Activity().deserialize() gives -------------------------------

_SERVICE = "https://smba.trafficmanager.net/emea/"


def _incoming() -> dict[str, dict]:
    from tests.support.activities import activity, bot_added, channel_mention, message

    teams = message(_SERVICE, "Måste vi informera KS?", localTimestamp="2026-11-25T09:00:00.1234567+01:00",
                    localTimezone="Europe/Stockholm",
                    entities=[{"type": "clientInfo", "locale": "sv-SE", "country": "SE", "platform": "Web",
                               "timezone": "Europe/Stockholm"}],
                    channelData={"tenant": {"id": "t"}, "source": {"name": "message"}, "list": [1, None, {"a": None}]},
                    textFormat="plain", attachments=[{"contentType": "text/html", "content": "<p>x</p>"}])
    teams["from"]["userRole"] = "user"  # a key the schema does not name: kept aside, as msrest keeps it
    teams["conversation"]["isGroup"] = False
    return {
        "message": message(_SERVICE, "hej"),
        "teams message": teams,
        "card press": message(_SERVICE, "", value={"action": "save", "n": 3, "ok": True, "x": 1.5, "none": None}),
        "invoke": activity(_SERVICE, type="invoke", name="adaptiveCard/action",
                           value={"action": {"type": "Action.Execute", "verb": "save", "data": {"k": [1, 2]}}}),
        "bot added": bot_added(_SERVICE),
        "channel mention": channel_mention(_SERVICE, "hjälp"),
        "reply to": message(_SERVICE, "ja", replyToId="1700000000000", relatesTo={"activityId": "1", "bot": {"id": "b"},
                                                                               "conversation": {"id": "c"}}),
        "suggested actions": message(_SERVICE, "x", suggestedActions={"to": ["a"], "actions": [
            {"type": "imBack", "title": "Ja", "value": "ja"}]}),
        # Shapes msrest converts (a number for a text, a text for a boolean): left to msrest itself.
        "converted by msrest": message(_SERVICE, "x", id=12345, historyDisclosed="true"),
    }


@pytest.mark.parametrize("name", list(_incoming()))
def test_an_incoming_activity_reads_as_msrest_reads_it(name):
    from bot.activity_json import activity_from_json

    body = _incoming()[name]
    read, expected = activity_from_json(body), Activity().deserialize(body)
    assert read == expected  # msrest's models compare their attributes, nested models included
    assert read.serialize() == expected.serialize()
    assert read.from_property.additional_properties == expected.from_property.additional_properties
    if name != "converted by msrest":
        from bot.activity_json import _read_model

        assert _read_model(Activity, body) == expected, "read without msrest"


def test_what_msrest_refuses_is_refused_with_msrests_error():
    from tests.support.activities import message

    from msrest.exceptions import DeserializationError

    from bot.activity_json import activity_from_json

    for body in (message(_SERVICE, "x", timestamp="not a time"), message(_SERVICE, "x", membersAdded="nobody")):
        with pytest.raises(DeserializationError):
            Activity().deserialize(body)
        with pytest.raises(DeserializationError):
            activity_from_json(body)
