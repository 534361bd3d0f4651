"""Superseded: "meddelanden som inte nått fram" is now one of the words of the coordinators' one list of what did not
reach people, reminders and notices alike (dialogs/reminders/undelivered.py), which the reminder commands answer
(their row in bot/routes.py comes first). This command takes no message any more; it stays only while bot/routes.py
(its row "undelivered notices" and `RouteTargets.notices`) and bot/assembly.py still name it, and goes with them.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.common.turn import Turn
from texts import Language


class NoticeCommands:
    """A `dialogs.common.chat_commands.ChatCommand` that recognises nothing (see the module's docstring)."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    def recognise(self, message: str, value: object, lang: Language) -> None:
        return None

    async def handle(self, turn: Turn, request: object) -> None:
        raise AssertionError("recognise takes no message, so no request reaches handle")
