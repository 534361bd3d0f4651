"""The shape of a chat command: something typed (or a card button pressed) that Lotsen answers at once, or
that starts a dialog, when no dialog is waiting for an answer.

LotsenBot tries its commands in order; the first that recognises the message handles it. A command decides
for itself what it does in a channel or group chat (`in_group`): most of them concern one organisation's
business and answer "write to me in a private chat" there.
"""

from __future__ import annotations

from typing import Protocol

from botbuilder.dialogs import DialogContext, DialogTurnResult, DialogTurnStatus

from texts import Language


# A dialog that ends on a message that was not for it returns {PASSED_ON: True}: LotsenBot then routes that
# message afresh, so that it is answered rather than refused.
PASSED_ON = "passed_on"


def passed_on(result: DialogTurnResult) -> bool:
    """True when the dialog ended on a message that was not for it: route that message as a new one."""
    return (result.status == DialogTurnStatus.Complete and isinstance(result.result, dict)
            and result.result.get(PASSED_ON) is True)


class ChatCommand(Protocol):
    def recognise(self, message: str, value: object, lang: Language) -> object | None:
        """What was asked (anything but None), or None when the message is not this command's."""

    async def handle(self, dialog_context: DialogContext, request: object, lang: Language, *, in_group: bool) -> None:
        """Answers the request, or begins a dialog on `dialog_context`."""
