"""Lotsen's activity handler: one turn in, tracked, routed through the routing table (bot/routes.py), its state
saved; a new member is welcomed."""

from __future__ import annotations

from botbuilder.core import ConversationState, TurnContext, UserState
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.dialogs import DialogSet, DialogState

from bot.conversation_tracking import ConversationTracker
from bot.mentions import strip_bot_mention
from bot.sql_storage import TurnStates
from bot.message_limits import is_too_long, too_long_reply
from bot.turns import AWAITING_ANSWER
from dialogs.common.cards import welcome_card
from dialogs.common.replies import card_message
from dialogs.common.routing import Router
from dialogs.common.turn import Scope, Turn
from policy import load_policy
from policy.language import written_language
from texts import Language, language_of, text

WRITTEN_LOCALES: dict[Language, str] = {"sv": "sv-SE", "en": "en-US"}


class LotsenBot(TeamsActivityHandler):
    def __init__(
        self,
        conversation_state: ConversationState,
        user_state: UserState,
        tracker: ConversationTracker,
        dialogs: DialogSet,
        router: Router,
    ) -> None:
        self._conversation_state = conversation_state
        self._user_state = user_state
        self._tracker = tracker
        self._dialogs = dialogs
        self._router = router
        self._states = TurnStates(conversation_state, user_state)
        # The DialogSet's own property (the same name): whether a dialog waits, without a DialogContext.
        self._dialog_state = conversation_state.create_property("DialogState")
        # The language this conversation last wrote clearly in: a message that does not tell keeps it.
        self._written_language = conversation_state.create_property("WrittenLanguage")

    async def on_turn(self, turn_context: TurnContext) -> None:
        # Both states in one read; each is flattened once when saved (bot/sql_storage.py).
        loaded = await self._states.load(turn_context)
        try:
            await self._tracker.track(turn_context)
            await super().on_turn(turn_context)
            # Whether the replies end in a question a dialog waits for: shown again if they may not have arrived.
            dialog_state: DialogState = await self._dialog_state.get(turn_context, DialogState)
            turn_context.turn_state[AWAITING_ANSWER] = bool(dialog_state.dialog_stack)
            # Saved only when the turn succeeded: a failed turn leaves the stored state (drafts) as it was.
            await self._states.save(turn_context)
        finally:
            self._states.end(loaded)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        # Handled here rather than by TeamsActivityHandler, which looks up every added member at the connector.
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if any(member.id == bot_id for member in activity.members_added or []):
            await self._welcome(turn_context, language_of(activity.locale))

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        in_group = Scope.of(activity.conversation.conversation_type) is not Scope.PERSONAL
        message = strip_bot_mention(activity) if in_group else " ".join((activity.text or "").split())
        # Dialogs read the activity: they get the message as the user meant it, without "<at>Lotsen</at>".
        activity.text = message
        dialog_context = await self._dialogs.create_context(turn_context)
        await self._follow_written_language(turn_context, message, dialog_context.active_dialog is None)
        if is_too_long(message):
            # Before anything parses it: a pasted document must not cost a turn (or the next one) much.
            await turn_context.send_activity(too_long_reply(language_of(activity.locale)))
            return
        # What answers the message: the routing table, bot/routes.py.
        await self._router.route(Turn.of(dialog_context))

    async def _follow_written_language(self, turn_context: TurnContext, message: str, outside_dialogs: bool) -> None:
        """Answered in the language the user writes when the message tells (an official with English Teams who
        writes Swedish gets Swedish), else in the one the conversation last wrote clearly in, else in the Teams
        locale; every part of the bot reads the locale. Within a dialog, answers are data (a project's name, a
        description), so the dialog keeps the language it began in; so is the value of "<command>: <value>"."""
        written = None
        if outside_dialogs:
            written = written_language(message.split(":", 1)[0], load_policy().markers)
        locale = turn_context.activity.locale or ""
        if written is not None:
            await self._written_language.set(turn_context, {"language": written, "locale": locale})
        else:
            # Remembered for this Teams locale only: a user whose Teams changed language starts afresh.
            remembered = await self._written_language.get(turn_context, None)
            if isinstance(remembered, dict) and remembered.get("locale") == locale:
                written = remembered.get("language")
        if written in WRITTEN_LOCALES and written != language_of(locale):
            turn_context.activity.locale = WRITTEN_LOCALES[written]

    async def _welcome(self, turn_context: TurnContext, lang: Language) -> None:
        if Scope.of(turn_context.activity.conversation.conversation_type) is not Scope.PERSONAL:
            await turn_context.send_activity(text("group_hello", lang))
        else:
            await turn_context.send_activity(card_message(welcome_card(lang)))
