"""bot/message_limits.py: the cap on a typed message, checked before anything reads the message, and set so that
the dialogs whose answers may be long still say in their own words when one is too long."""

from __future__ import annotations

from botbuilder.schema import ChannelAccount

from bot.assembly import build_bot
from bot.message_limits import MAX_MESSAGE_CHARACTERS, too_long_reply
from dialogs.annual_report.parsing import TEXT_MAX_LENGTH as ANNUAL_REPORT_TEXT_MAX_LENGTH
from dialogs.policy_questions.answers import max_question_length
from dialogs.applications.registration_fields import FIELDS
from settings import Settings
from tests.support.chat import chat_adapter, say

USER = ChannelAccount(id="29:anna", name="Anna Andersson")


def _text(replies) -> str:
    return "\n".join(reply.text or "" for reply in replies)


def test_every_dialog_limit_and_the_question_limit_lie_within_the_message_limit():
    dialog_limits = [field.max_length for field in FIELDS if field.max_length] + [ANNUAL_REPORT_TEXT_MAX_LENGTH]
    assert max(dialog_limits) < MAX_MESSAGE_CHARACTERS  # so a dialog can say "too long" in its own words
    assert max_question_length() < MAX_MESSAGE_CHARACTERS
    # The HTTP body limit is far above it, with room for Teams' envelope around the text.
    assert Settings(_env_file=None).max_body_bytes > 4 * MAX_MESSAGE_CHARACTERS


def test_the_reply_says_the_limit_and_how_to_go_on_in_both_languages():
    assert too_long_reply("sv") == ("Ditt meddelande är för långt för mig. Jag läser meddelanden på högst 5 000 "
                                    "tecken. Dela gärna upp det i flera kortare meddelanden, eller skriv det "
                                    "viktigaste först.")
    assert "at most 5,000 characters" in too_long_reply("en") and "split it" in too_long_reply("en")


async def test_a_long_description_gets_the_registrations_own_answer_and_a_too_long_message_the_general_one(
        session_factory):
    """The description may be 4 000 characters: one of that length is taken, a longer one is refused by the
    registration itself; one over the message limit gets the general reply, and the registration still waits
    for the description."""
    description_limit = next(field.max_length for field in FIELDS if field.name == "description")
    services = build_bot(Settings(_env_file=None), session_factory)
    adapter = chat_adapter(services.bot.on_turn, USER, channel_id="test")  # no card forms: one question at a time
    await say(adapter, "registrera ansökan")
    assert "Beskriv kort" in _text(await say(adapter, "Gröna tak i Malmö"))

    assert _text(await say(adapter, "x" * (MAX_MESSAGE_CHARACTERS + 1))) == too_long_reply("sv")
    registration_too_long = _text(await say(adapter, "x" * (description_limit + 1)))
    assert f"högst {description_limit} tecken" in registration_too_long
    assert too_long_reply("sv") not in registration_too_long
    assert "Vilket EU-program" in _text(await say(adapter, "y" * description_limit))
