"""One turn as Lotsen's routes and commands see it: our own small context instead of botbuilder's DialogContext,
so that what a command needs (the message, the language, where it was written, how to reply) is named once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from botbuilder.core import TurnContext
from botbuilder.dialogs import DialogContext
from botbuilder.schema import Activity

from dialogs.common.input_parsing import plain
from texts import Language, language_of


class Scope(str, Enum):
    """Teams' conversation types."""
    PERSONAL = "personal"
    GROUP_CHAT = "groupChat"
    CHANNEL = "channel"

    @classmethod
    def of(cls, conversation_type: str | None) -> Scope:
        """Unknown or missing types (the Emulator, the terminal chat) are a personal chat."""
        try:
            return cls(conversation_type)
        except ValueError:
            return cls.PERSONAL


EVERYWHERE = frozenset(Scope)
PERSONAL_ONLY = frozenset({Scope.PERSONAL})


@dataclass
class Turn:
    """One message as routing sees it: what was written (without the bot's @mention), a card button's data, the
    language and scope, and the dialog stack it may continue."""

    dialogs: DialogContext
    message: str
    value: object
    lang: Language
    scope: Scope

    @classmethod
    def of(cls, dialogs: DialogContext) -> Turn:
        """The turn of the activity as it stands (the bot has taken its @mention out of the text already)."""
        activity = dialogs.context.activity
        conversation_type = activity.conversation.conversation_type if activity.conversation else None
        return cls(dialogs, activity.text or "", activity.value, language_of(activity.locale),
                   Scope.of(conversation_type))

    @property
    def context(self) -> TurnContext:
        return self.dialogs.context

    @property
    def in_group(self) -> bool:
        """A group chat or channel: others read along."""
        return self.scope is not Scope.PERSONAL

    @property
    def command(self) -> str:
        """Lower case, no diacritics, no surrounding punctuation: "Hjälp!" and "hjalp" are the same command."""
        return plain(self.message)

    @property
    def action(self) -> str | None:
        """The `action` of a card button's data, if this turn is a button press."""
        return self.value.get("action") if isinstance(self.value, dict) else None

    @property
    def running_dialog(self) -> str | None:
        """The id of the dialog waiting for an answer, if one is."""
        active = self.dialogs.active_dialog
        return active.id if active is not None else None

    async def send(self, message: str | Activity) -> None:
        await self.context.send_activity(message)

    def retarget(self, message: str) -> None:
        """The turn as if `message` had been typed (the command a "Lämna och fortsätt" button carries), for the
        routes and the dialogs that read the activity alike."""
        self.message, self.value = message, None
        self.context.activity.text, self.context.activity.value = message, None
