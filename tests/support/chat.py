"""Talking to a bot through botbuilder's TestAdapter: a conversation as Teams starts it, messages and card
presses sent, and the replies read as the terminal chat prints them (bot/card_text.py).

A button is pressed by sending its data as the activity's value, as Teams does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount

from bot.card_text import render_attachment
from bot.notice_delivery import TeamsNoticeDeliverer
from reminders.outbox import NoticeOutbox
from storage.conversations import save_conversation_reference

SERVICE_URL = "https://smba.example/emea/"
LOTSEN = ChannelAccount(id="28:lotsen", name="Lotsen")


def chat_adapter(
    on_turn: Callable[[TurnContext], Awaitable[None]],
    user: ChannelAccount,
    *,
    conversation_id: str | None = None,
    conversation_type: str = "personal",
    channel_id: str = "msteams",
    locale: str = "sv-SE",
) -> TestAdapter:
    """`on_turn` as `user` reaches it, by default in their personal chat ("personal-<id>").

    channel_id "test" is a channel without card forms: dialogs then ask one question at a time."""
    template = Activity(
        channel_id=channel_id,
        service_url=SERVICE_URL,
        conversation=ConversationAccount(id=conversation_id or f"{conversation_type}-{user.id}",
                                         conversation_type=conversation_type),
        from_property=user,
        recipient=LOTSEN,
        locale=locale,
    )
    return TestAdapter(on_turn, template_or_conversation=template)


async def deliver_notices(adapter: TestAdapter, session_factory) -> list[Activity]:
    """What the app's notice outbox does after a turn has committed (reminders/outbox.py): every due notice
    posted, here through `adapter`; returns what it posted, as the TestAdapter's replies."""
    outbox = NoticeOutbox(session_factory, TeamsNoticeDeliverer(adapter, session_factory, ""), owner="test-outbox")
    await outbox.run_due()
    posted = []
    while (reply := adapter.get_next_activity()) is not None:
        posted.append(reply)
    return posted


async def install_in_channel(session_factory, conversation_id: str) -> None:
    """Lotsen is installed in the channel `conversation_id` (KS förvaltning's, say): its conversation reference is
    stored, so that dialogs can post there proactively, as the TestAdapter's replies."""
    async with session_factory.begin() as session:
        await save_conversation_reference(
            session, conversation_id=conversation_id, conversation_type="channel", tenant_id=None,
            service_url=SERVICE_URL, channel_id="test",
            reference={"conversation": {"id": conversation_id, "conversationType": "channel"},
                       "serviceUrl": SERVICE_URL, "channelId": "test", "bot": {"id": LOTSEN.id, "name": LOTSEN.name}})


async def say(adapter: TestAdapter, message: str | Activity | None = None,
              value: dict[str, Any] | None = None) -> list[Activity]:
    """Sends a message (or an activity, or a button's data with `value`) and returns every reply."""
    if value is None:
        await adapter.send(message)
    else:
        await adapter.send(Activity(type=ActivityTypes.message, text=message, value=value))
    replies = []
    while (reply := adapter.get_next_activity()) is not None:
        replies.append(reply)
    return replies


def text_of(replies: list[Activity]) -> str:
    """Everything the replies say, as the terminal chat prints it: cards as text, buttons as "[label]"."""
    lines = []
    for reply in replies:
        if reply.text:
            lines.append(reply.text)
        for attachment in reply.attachments or []:
            rendered = render_attachment(attachment.content_type, attachment.content)
            lines.extend(rendered.lines)
            lines.extend(f"[{choice.label}]" for choice in rendered.choices)
        for action in (reply.suggested_actions.actions if reply.suggested_actions else None) or []:
            lines.append(f"[{action.title}]")
    return "\n".join(lines)


def buttons(replies: list[Activity]) -> dict[str, dict[str, Any]]:
    """The buttons of the replies' cards, label → the data they send (or {"message": …} / {"url": …})."""
    return dict(_card_buttons(replies))


def button(replies: list[Activity], label: str) -> dict[str, Any]:
    """What the first card button called `label` sends; fails the test, showing the replies, when there is none."""
    for found, data in _card_buttons(replies):
        if found == label:
            return data
    raise AssertionError(f"no button {label!r} in {text_of(replies)}")


def _card_buttons(replies: list[Activity]) -> Iterator[tuple[str, dict[str, Any]]]:
    for reply in replies:
        for attachment in reply.attachments or []:
            for choice in render_attachment(attachment.content_type, attachment.content).choices:
                if choice.url is not None:
                    yield choice.label, {"url": choice.url}
                elif choice.value is not None:
                    yield choice.label, choice.value
                else:
                    yield choice.label, {"message": choice.message}
