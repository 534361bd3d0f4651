"""bot/mentions.py: Lotsen's own @mention removed, other people's kept as their names, in time linear in the text."""

from __future__ import annotations

from botbuilder.schema import Activity, ChannelAccount, Entity

from bot.mentions import strip_bot_mention

BOT = ChannelAccount(id="28:lotsen", name="Lotsen")


def _activity(text: str, *mentioned: tuple[str, str]) -> Activity:
    entities = [Entity.deserialize({"type": "mention", "text": f"<at>{name}</at>",
                                    "mentioned": {"id": id_, "name": name}}) for id_, name in mentioned]
    return Activity(type="message", text=text, recipient=BOT, entities=entities)


def test_lotsens_mention_goes_and_other_peoples_stay_as_names():
    activity = _activity('<at>Lotsen</at> vem är kontaktperson, <at id="1">Anna Andersson</at>?',
                         ("28:lotsen", "Lotsen"), ("29:anna", "Anna Andersson"))
    assert strip_bot_mention(activity) == "vem är kontaktperson, Anna Andersson?"


def test_tags_without_an_end_are_left_as_written():
    """A text of unclosed tags (a pasted page) is read once, not searched again from every tag."""
    assert strip_bot_mention(_activity("<at>" * 50_000)) == "<at>" * 50_000
    assert strip_bot_mention(_activity("<at>Lotsen</at> hej <AT>Bo</AT> <at>och")) == "Lotsen hej Bo <at>och"
