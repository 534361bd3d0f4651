"""`python -m cli chat` (cli/chat.py): the same bot and database, in this process, talked to from a terminal.

The adapter below plays the part Teams plays: it turns a typed line (or a picked numbered choice) into an
activity, runs the bot's turn, and prints what the bot sends, cards included, as text.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
    ResourceResponse,
)

from bot.assembly import build_bot
from bot.card_text import Choice, render_attachment
from settings import Settings
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.user_text import clean
from texts import language_of, text

TERMINAL_SERVICE_URL = "terminal://chat"
BOT_ACCOUNT = ChannelAccount(id="lotsen", name="Lotsen")
QUIT_WORDS = frozenset({"avsluta", "quit", "exit"})


class TerminalAdapter(BotAdapter):
    """Delivers the bot's activities to `write` and remembers the numbered choices the last card offered."""

    def __init__(self, write: Callable[[str], None]) -> None:
        super().__init__()
        self.write = write
        self.choices: list[Choice] = []

    async def send_activities(self, context: TurnContext, activities: list[Activity]) -> list[ResourceResponse]:
        responses = []
        for activity in activities:
            if activity.type == ActivityTypes.message:
                self._show(activity)
            responses.append(ResourceResponse(id=str(uuid.uuid4())))
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity) -> ResourceResponse:
        # A terminal cannot change what it printed: the card as it now reads is printed again, saying so.
        self.write(text("card_updated", language_of(context.activity.locale)))
        self._show(activity)
        return ResourceResponse(id=activity.id)

    async def delete_activity(self, context: TurnContext, reference: ConversationReference) -> None:
        return None

    def _show(self, activity: Activity) -> None:
        lines: list[str] = [activity.text] if activity.text else []
        choices: list[Choice] = []

        def numbered(choice: Choice) -> str:
            choices.append(choice)
            return f"  [{len(choices)}] {choice.label}"

        trailing: list[Choice] = []
        for attachment in activity.attachments or []:
            rendered = render_attachment(attachment.content_type, attachment.content)
            # Buttons in the card's body stand under the text they belong to ("Hjälpte svaret?" 👍 👎); the
            # card's own actions follow its text, numbered in the order they are shown.
            inline = [choice for choice in rendered.choices if choice.after_line is not None]
            for index, line in enumerate(rendered.lines):
                lines.extend(numbered(choice) for choice in inline if choice.after_line == index)
                lines.append(line)
            lines.extend(numbered(choice) for choice in inline if choice.after_line >= len(rendered.lines))
            lines.extend(numbered(choice) for choice in rendered.choices if choice.after_line is None)
        if activity.suggested_actions and activity.suggested_actions.actions:
            trailing = [Choice(action.title, message=str(action.value)) for action in activity.suggested_actions.actions]
        lines.extend(numbered(choice) for choice in trailing)
        # Numbers typed next pick from the latest message only: a question without buttons takes the digits.
        self.choices = choices
        self.write("Lotsen: " + "\n        ".join(line for line in lines if line is not None))


class TerminalConversation:
    """One user's conversation with the bot; the id is stable so that drafts wait for the user's return."""

    def __init__(self, adapter: TerminalAdapter, on_turn, user_id: str, user_name: str, locale: str) -> None:
        self._adapter = adapter
        self._on_turn = on_turn
        self._user = ChannelAccount(id=user_id, name=user_name, aad_object_id=None)
        self._conversation = ConversationAccount(id=f"terminal:{user_id}", conversation_type="personal")
        self._locale = locale

    def _activity(self, **fields: Any) -> Activity:
        return Activity(
            id=str(uuid.uuid4()),
            channel_id="msteams",
            service_url=TERMINAL_SERVICE_URL,
            from_property=self._user,
            recipient=BOT_ACCOUNT,
            conversation=self._conversation,
            locale=self._locale,
            timestamp=datetime.now(timezone.utc),
            **fields,
        )

    async def start(self) -> None:
        await self._run(self._activity(type=ActivityTypes.conversation_update, members_added=[BOT_ACCOUNT]))

    async def say(self, line: str) -> None:
        """A typed line; a number picks that choice from the last card shown. Cleaned as Teams' activities are
        (bot/activity.py): a pasted escape sequence or zero-width space is not part of what was meant."""
        stripped = clean(line).strip()
        if stripped.isdecimal() and stripped.isascii() and 1 <= int(stripped) <= len(self._adapter.choices):
            await self.pick(self._adapter.choices[int(stripped) - 1])
        else:
            await self._run(self._activity(type=ActivityTypes.message, text=stripped))

    async def pick(self, choice: Choice) -> None:
        if choice.url:
            self._adapter.write(f"(öppna i webbläsaren: {choice.url})")
        elif choice.reveal:
            self._adapter.write("\n".join(choice.reveal))
        elif choice.message is not None or choice.value is not None:
            await self._run(self._activity(type=ActivityTypes.message, text=choice.message, value=choice.value))

    async def _run(self, activity: Activity) -> None:
        await self._adapter.run_pipeline(TurnContext(self._adapter, activity), self._on_turn)


async def run_chat(settings: Settings, *, user_id: str, user_name: str, locale: str) -> int:
    if settings.should_auto_migrate:
        await upgrade(settings.database_url)
    engine = create_engine(settings.database_url, timeouts=settings.database_timeouts)
    try:
        services = build_bot(settings, create_session_factory(engine))
        adapter = TerminalAdapter(print)
        adapter.on_turn_error = _print_error
        conversation = TerminalConversation(adapter, services.bot.on_turn, user_id, user_name, locale)
        print("Lotsen i terminalen. Skriv ett meddelande, en siffra för att välja, eller 'avsluta'.\n")
        await conversation.start()
        while True:
            try:
                line = await asyncio.to_thread(input, "\nDu: ")
            except (EOFError, KeyboardInterrupt):
                break
            if line.strip().lower() in QUIT_WORDS:
                break
            await conversation.say(line)
    finally:
        await engine.dispose()
    print("Hej då!")
    return 0


async def _print_error(turn_context: TurnContext, error: Exception) -> None:
    print(f"(fel i turen: {type(error).__name__}: {error})", file=sys.stderr)
    await turn_context.send_activity(text("turn_error", language_of(turn_context.activity.locale)))
