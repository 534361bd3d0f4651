"""Lotsen's routing table: every kind of message and card button, in the order it is tried (dialogs/common/routing.py
says how the table is walked). To know what answers a message, read down the table: the first row whose
selector takes it handles it, and nothing below is asked.

Rows above "the running dialog" interrupt: they are answered at once, even while a dialog waits for an answer,
and leave that dialog where it was (help, a reminder's buttons, 👍/👎 on an answer, "avbryt"). Rows marked
ASKS_FIRST start something else (registering, "mina ansökningar", the annual report): while a registration
waits, Lotsen asks whether to leave it first. The other rows below it are tried only when no dialog is running.
The last row, the policy question, takes whatever is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bot.activity import base_conversation_id
from dialogs.common.cards import welcome_card
from dialogs.common.chat_commands import ChatCommand
from dialogs.common.input_parsing import is_cancel, plain
from dialogs.applications.my_applications import MyApplicationsDialog
from dialogs.policy_questions.answers import PolicyQuestions, PolicyRequest
from dialogs.annual_report.dialog import AnnualReportDialog
from dialogs.applications.registration import RegistrationDialog
from dialogs.reminders.commands import ReminderCommands, ReminderRequest
from dialogs.common.replies import card_message
from dialogs.common.routing import (
    Interrupts,
    Route,
    Selector,
    answer_leave_or_stay,
    answers_cancel,
    command_route,
    continue_running_dialog,
    leave_or_stay,
)
from dialogs.common.turn import PERSONAL_ONLY, Turn
from texts import lookup, text

AT_ONCE, ASKS_FIRST = Interrupts.AT_ONCE, Interrupts.ASKS_FIRST
HELP_COMMANDS = frozenset({"hjalp", "help", "meny", "menu", "start", "hej", "hello", "hi"})


@dataclass(frozen=True)
class RouteTargets:
    """What the routes hand turns to, built once by bot/assembly.py."""

    questions: PolicyQuestions
    registration: RegistrationDialog
    reminders: ReminderCommands
    annual_report: ChatCommand
    report_status: ChatCommand
    report_review: ChatCommand
    compilation: ChatCommand
    learning: ChatCommand
    contacts: ChatCommand
    admin: ChatCommand
    history: ChatCommand
    directory: ChatCommand


def lotsen_routes(t: RouteTargets) -> list[Route]:
    return [
        # --- answered at once, whatever dialog is running ------------------------------------------------------
        Route("help", 10, _asks_for_help, _show_help, interrupts=AT_ONCE),
        # One's reminders name applications: not listed where others read along.
        Route("my reminders", 20, _reminder_request(listing=True), t.reminders.handle, scopes=PERSONAL_ONLY,
              interrupts=AT_ONCE),
        Route("reminder buttons and commands", 21, _reminder_request(listing=False), t.reminders.handle,
              interrupts=AT_ONCE),
        Route("👍/👎, “Menar du …?”, “glöm uppgifterna”", 30, _policy_press, t.questions.handle,
              interrupts=AT_ONCE),
        Route("“avbryt” in a dialog that does not ask first", 40, _plain_cancel, _cancel_dialogs, interrupts=AT_ONCE),
        Route("“leave what you are doing?” answered", 45, leave_or_stay, answer_leave_or_stay, interrupts=AT_ONCE),
        Route("the running dialog", 50, lambda turn: turn.running_dialog, continue_running_dialog, interrupts=AT_ONCE),
        # --- when no dialog is running: an organisation's own business, in a personal chat only ----------------
        Route("registration card buttons", 60, _registration_button, t.registration.answer_stale_button,
              scopes=PERSONAL_ONLY),
        # --- start something else: while a dialog with a draft runs, only once the user agrees to leave it -----
        Route("my applications, “öppna EU-…”", 70, _my_applications_request, _begin_my_applications,
              scopes=PERSONAL_ONLY, interrupts=ASKS_FIRST, starts=MyApplicationsDialog.__name__),
        Route("register an application", 80, _command_in("register"), _begin_registration, scopes=PERSONAL_ONLY,
              interrupts=ASKS_FIRST, starts=RegistrationDialog.__name__),
        Route("conversation id", 90, _command_in("conversation_id"), _show_conversation_id),
        command_route("annual report", 100, t.annual_report, scopes=PERSONAL_ONLY, interrupts=ASKS_FIRST,
                      starts=AnnualReportDialog.__name__),
        # KS förvaltning's side of the annual reports: status and "Påminn alla", return/approve, the compilation.
        command_route("report status", 110, t.report_status),
        command_route("report review", 120, t.report_review),
        command_route("compilation", 130, t.compilation),
        # Teaching Lotsen ("lär Lotsen: … → …") before the commands that read "<words>: <value>".
        command_route("teach Lotsen", 140, t.learning),
        command_route("contact persons", 150, t.contacts),
        command_route("users and roles", 160, t.admin, scopes=PERSONAL_ONLY, elsewhere="user_admin.personal_only"),
        command_route("directory mappings", 165, t.directory, scopes=PERSONAL_ONLY,
                      elsewhere="directory.personal_only"),
        command_route("history", 170, t.history, scopes=PERSONAL_ONLY, elsewhere="user_admin.personal_only"),
        # --- whatever is left ----------------------------------------------------------------------------------
        Route("empty message", 900, lambda turn: True if not turn.message else None, _say_empty),
        Route("policy question", 1000, lambda turn: turn.message or None, t.questions.answer),
    ]


# --- selectors: cheap, no side effects, None when the turn is not theirs -------------------------------------------

def _asks_for_help(turn: Turn) -> bool | None:
    return True if turn.command in HELP_COMMANDS or turn.message.strip() == "?" else None


def _reminder_request(*, listing: bool) -> Selector:
    def selects(turn: Turn) -> ReminderRequest | None:
        request = ReminderCommands.recognise(turn.message, turn.value)
        # Lists name applications and people: they are not shown where others read along.
        return request if request is not None and (request.action in ("list", "unreached")) == listing else None
    return selects


def _policy_press(turn: Turn) -> PolicyRequest | None:
    return PolicyQuestions.recognise(turn.message, turn.value)


def _plain_cancel(turn: Turn) -> bool | None:
    """"avbryt" ends a dialog at once, unless the dialog asks "are you sure?" itself before work is thrown away."""
    running = turn.running_dialog
    if running is None or not is_cancel(turn.message):
        return None
    return None if answers_cancel(turn) else True


def _registration_button(turn: Turn) -> str | None:
    action = turn.action
    return action if action is not None and action.startswith("registration_") else None


def _my_applications_request(turn: Turn) -> dict[str, object] | None:
    return MyApplicationsDialog.start_options(turn.message, turn.value)


def _command_in(name: str) -> Selector:
    def selects(turn: Turn) -> bool | None:
        return True if turn.command in _command_set(name, turn.lang) else None
    return selects


@cache
def _command_set(name: str, lang: str) -> frozenset[str]:
    """The words that name a command in a language, folded once for the process."""
    return frozenset(plain(word) for word in lookup(f"commands.{name}", lang))


# --- handlers that need nothing but the turn -----------------------------------------------------------------------

async def _show_help(turn: Turn, _request: object) -> None:
    # Help never ends what the user is in the middle of: the next answer continues the dialog.
    bot = turn.context.activity.recipient
    await turn.send(card_message(welcome_card(turn.lang, turn.in_group, bot.id if bot else None)))


async def _cancel_dialogs(turn: Turn, _request: object) -> None:
    await turn.dialogs.cancel_all_dialogs()
    await turn.send(text("cancelled", turn.lang))


async def _begin_my_applications(turn: Turn, options: dict[str, object]) -> None:
    await turn.dialogs.begin_dialog(MyApplicationsDialog.__name__, options)


async def _begin_registration(turn: Turn, _request: object) -> None:
    await turn.dialogs.begin_dialog(RegistrationDialog.__name__)


async def _show_conversation_id(turn: Turn, _request: object) -> None:
    await turn.send(text("conversation_id", turn.lang, id=base_conversation_id(turn.context.activity)))


async def _say_empty(turn: Turn, _request: object) -> None:
    await turn.send(text("empty_message", turn.lang))
