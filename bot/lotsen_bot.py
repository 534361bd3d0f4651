"""Lotsen's activity handler: one turn in, routed to welcome, help, a dialog or the policy answers."""

from __future__ import annotations

from botbuilder.core import ConversationState, TurnContext, UserState
from collections.abc import Sequence

from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.dialogs import DialogSet

from dialogs.cards import welcome_card
from bot.activity import base_conversation_id
from bot.conversation_tracking import ConversationTracker
from bot.mentions import strip_bot_mention
from bot.message_limits import is_too_long, too_long_reply
from bot.turns import AWAITING_ANSWER
from dialogs.chat_commands import ChatCommand, passed_on
from dialogs.input_parsing import is_cancel, plain
from dialogs.my_applications import MyApplicationsDialog
from dialogs.policy_answers import PolicyQuestions
from dialogs.registration import RegistrationDialog
from dialogs.reminders import ReminderCommands
from dialogs.replies import card_message
from texts import Language, language_of, lookup, text

HELP_COMMANDS = frozenset({"hjalp", "help", "meny", "menu", "start", "hej", "hello", "hi"})
# Dialogs that ask "are you sure?" themselves before "avbryt" throws work away.
DIALOGS_WITH_OWN_CANCEL = frozenset({"RegistrationDialog", "AnnualReportDialog"})
GROUP_CONVERSATION_TYPES = frozenset({"channel", "groupChat"})


def _commands(name: str, lang: Language) -> frozenset[str]:
    return frozenset(command_key(word) for word in lookup(f"commands.{name}", lang))


def _is_personal_request(message: str, value: object, lang: Language) -> bool:
    """Registering or looking at applications, typed or from a card button."""
    return (command_key(message) in _commands("register", lang)
            or MyApplicationsDialog.start_options(message, value) is not None
            or str(_submitted_action(value) or "").startswith("registration_"))


def _submitted_action(value: object) -> str | None:
    """The `action` of a card button's data, if this turn is a button press."""
    return value.get("action") if isinstance(value, dict) else None


def command_key(message: str) -> str:
    """Lower case, no diacritics, no surrounding punctuation: "Hjälp!" and "hjalp" are the same command."""
    return plain(message)


class LotsenBot(TeamsActivityHandler):
    def __init__(
        self,
        conversation_state: ConversationState,
        user_state: UserState,
        tracker: ConversationTracker,
        dialogs: DialogSet,
        questions: PolicyQuestions,
        registration: RegistrationDialog,
        reminders: ReminderCommands,
        commands: Sequence[ChatCommand] = (),
    ) -> None:
        self._conversation_state = conversation_state
        self._user_state = user_state
        self._tracker = tracker
        self._dialogs = dialogs
        self._questions = questions
        self._registration = registration
        self._reminders = reminders
        self._commands = tuple(commands)

    async def on_turn(self, turn_context: TurnContext) -> None:
        await self._tracker.track(turn_context)
        await super().on_turn(turn_context)
        # Whether the replies end in a question a dialog waits for: shown again if they may not have arrived.
        dialog_context = await self._dialogs.create_context(turn_context)
        turn_context.turn_state[AWAITING_ANSWER] = dialog_context.active_dialog is not None
        # Saved only when the turn succeeded: a failed turn leaves the stored state (drafts) as it was.
        await self._conversation_state.save_changes(turn_context)
        await self._user_state.save_changes(turn_context)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        # Handled here rather than by TeamsActivityHandler, which looks up every added member at the connector.
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if any(member.id == bot_id for member in activity.members_added or []):
            await self._welcome(turn_context, language_of(activity.locale))

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        lang = language_of(activity.locale)
        in_group = activity.conversation.conversation_type in GROUP_CONVERSATION_TYPES
        message = strip_bot_mention(activity) if in_group else " ".join((activity.text or "").split())
        # Dialogs read the activity: they get the message as the user meant it, without "<at>Lotsen</at>".
        activity.text = message
        if is_too_long(message):
            # Before anything parses it: a pasted document must not cost a turn (or the next one) much.
            await turn_context.send_activity(too_long_reply(lang))
            return
        command = command_key(message)
        dialog_context = await self._dialogs.create_context(turn_context)
        active = dialog_context.active_dialog
        if command in HELP_COMMANDS or message.strip() == "?":
            # Help never ends what the user is in the middle of: the next answer continues the dialog.
            await turn_context.send_activity(card_message(welcome_card(lang, in_group)))
        elif (reminder_request := ReminderCommands.recognise(message, activity.value)) is not None:
            if in_group and reminder_request.action == "list":
                await turn_context.send_activity(text("personal_only", lang))  # one's reminders name applications
            else:
                # A reminder's buttons and commands are answered at once and leave a running dialog where it was.
                await self._reminders.handle(turn_context, reminder_request, lang)
        elif (policy_request := PolicyQuestions.recognise(message, activity.value)) is not None:
            # 👍/👎, "Menar du …?" and "glöm uppgifterna" are answered at once, whatever dialog is running.
            await self._questions.handle(dialog_context, policy_request, lang, in_group=in_group)
        elif active and active.id not in DIALOGS_WITH_OWN_CANCEL and is_cancel(message):
            await dialog_context.cancel_all_dialogs()
            await turn_context.send_activity(text("cancelled", lang))
        elif active:
            result = await dialog_context.continue_dialog()
            if passed_on(result):
                # The dialog closed on a message that was not for it: route that message afresh.
                await self.on_message_activity(turn_context)
        elif in_group and _is_personal_request(message, activity.value, lang):
            # Applications are an organisation's own business: not shown or filled in where others read along.
            await turn_context.send_activity(text("personal_only", lang))
        elif _submitted_action(activity.value) == "registration_save":
            await self._registration.answer_stale_save(turn_context, activity.value, lang)
        elif (options := MyApplicationsDialog.start_options(message, activity.value)) is not None:
            await dialog_context.begin_dialog(MyApplicationsDialog.__name__, options)
        elif command in _commands("register", lang):
            await dialog_context.begin_dialog(RegistrationDialog.__name__)
        elif command in _commands("conversation_id", lang):
            await turn_context.send_activity(text("conversation_id", lang, id=base_conversation_id(activity)))
        elif (recognised := self._recognise(message, activity.value, lang)) is not None:
            command, request = recognised
            await command.handle(dialog_context, request, lang, in_group=in_group)
        elif not message:
            await turn_context.send_activity(text("empty_message", lang))
        else:
            await self._questions.answer(dialog_context, message, lang, in_group=in_group)

    def _recognise(self, message: str, value: object, lang: Language) -> tuple[ChatCommand, object] | None:
        for command in self._commands:
            if (request := command.recognise(message, value, lang)) is not None:
                return command, request
        return None

    async def _welcome(self, turn_context: TurnContext, lang: Language) -> None:
        if turn_context.activity.conversation.conversation_type in GROUP_CONVERSATION_TYPES:
            await turn_context.send_activity(text("group_hello", lang))
        else:
            await turn_context.send_activity(card_message(welcome_card(lang)))
