"""The shape of a chat command: something typed (or a card button pressed) that Lotsen answers at once, or
that starts a dialog, when no dialog is waiting for an answer.

Each command is a row of the routing table (bot/routes.py), which also says in which kinds of conversation it is
served; a command served in group chats and channels decides there what it shows (`turn.in_group`).
"""

from __future__ import annotations

from typing import Protocol

from botbuilder.dialogs import DialogTurnResult, DialogTurnStatus

from dialogs.common.turn import Turn
from texts import Language


# A dialog that ends on a message that was not for it returns {PASSED_ON: True}: the router then routes that
# message afresh, so that it is answered rather than refused.
PASSED_ON = "passed_on"


def passed_on(result: DialogTurnResult) -> bool:
    """True when the dialog ended on a message that was not for it: route that message as a new one."""
    return (result.status == DialogTurnStatus.Complete and isinstance(result.result, dict)
            and result.result.get(PASSED_ON) is True)


class ChatCommand(Protocol):
    def recognise(self, message: str, value: object, lang: Language) -> object | None:
        """What was asked (anything but None), or None when the message is not this command's."""

    async def handle(self, turn: Turn, request: object) -> None:
        """Answers the request, or begins a dialog on `turn.dialogs`."""
