"""A session as Teams drives it, over HTTP with the connector stand-in: a command in the middle of a registration
asks before leaving it, a personal-only job asked for in a channel gets a link to the personal chat, and Lotsen
answers in the language the user writes when that is clear, else in the Teams locale."""

from __future__ import annotations

import json
from typing import Any

from policy import answer
from tests.support.activities import BOT_ID, channel_mention, message
from texts import text

PERSONAL_CHAT = f"https://teams.microsoft.com/l/chat/0/0?users={BOT_ID}"


def _buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {action["title"]: action for action in card.get("actions") or []}


async def test_a_command_in_the_middle_of_a_registration_asks_before_leaving_it(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    await client.post("/api/messages", json=message(service_url, "registrera ansökan"))
    await client.post("/api/messages", json=message(service_url, "Jag skriver hellre"))  # one question at a time
    asked_before = standin.texts()[-1]  # the project's name
    standin.clear()

    # "mina ansökningar" is not taken as the project's name: Lotsen asks first.
    await client.post("/api/messages", json=message(service_url, "mina ansökningar"))
    [asked] = standin.cards()
    dialog = text("interruption.dialogs.RegistrationDialog", "sv")
    assert asked["body"][0]["text"] == text("interruption.title", "sv", dialog=dialog)
    buttons = _buttons(asked)
    assert set(buttons) == {text("interruption.leave", "sv"), text("interruption.stay_button", "sv")}

    # Staying: the registration shows its question again, and the next message answers it.
    standin.clear()
    await client.post("/api/messages", json=message(service_url, None,
                                                     value=buttons[text("interruption.stay_button", "sv")]["data"]))
    assert standin.texts() == [text("interruption.stay", "sv", dialog=dialog), asked_before]

    # Leaving: the registration ends (its draft kept) and "mina ansökningar" is answered.
    await client.post("/api/messages", json=message(service_url, "mina ansökningar"))
    [asked] = standin.cards()[-1:]
    standin.clear()
    await client.post("/api/messages", json=message(service_url, None,
                                                     value=_buttons(asked)[text("interruption.leave", "sv")]["data"]))
    assert standin.texts()[0] == text("interruption.left", "sv", dialog=dialog,
                                      resume=text("interruption.resume.RegistrationDialog", "sv"))
    assert len(standin.received) > 1  # and then the applications themselves


async def test_a_personal_job_asked_for_in_a_channel_gets_a_link_to_the_personal_chat(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    await client.post("/api/messages", json=channel_mention(service_url, "registrera ansökan"))
    [card] = standin.cards()
    links = [action for action in card.get("actions") or [] if action["type"] == "Action.OpenUrl"]
    assert [link["url"] for link in links] == [PERSONAL_CHAT]
    assert standin.received[0].conversation_id == "19:channel@thread.tacv2"  # said where it was asked
    assert standin.activities[0].get("summary")  # a preview that is not "Sent a card"


async def test_the_language_written_wins_over_the_teams_locale(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    swedish = "Vem beslutar om att staden ska gå med i ett internationellt nätverk?"
    english = "Who decides whether the city joins an international network?"
    for asked, locale, lang in ((swedish, "en-US", "sv"), (english, "sv-SE", "en")):
        standin.clear()
        await client.post("/api/messages", json=message(service_url, asked, locale=locale,
                                                        conversation_id=f"a:{locale}"))
        shown = json.dumps(standin.activities, ensure_ascii=False)
        opening = answer(asked, lang=lang).answer.split(".")[0]
        assert opening in shown.replace("\\u00a0", " ").replace("\u00a0", " ")
