""""Mina ansökningar": the registered EU applications a user may see, one of them opened, and updated.

The dialog stays open while the user browses, so that typed commands ("status beviljad", "skickat
2027-03-20", "tillbaka") know which application they are about. Its state is plain JSON (which view, which
application), so it survives a restart. Buttons carry the application's id, so a button on an older card acts
on the application it was shown for. Who may see and change what is decided by `storage.access`, through the
repository functions; every change goes through them too, and so is recorded in the application's history.

A message that is none of the dialog's commands ends the dialog and is handed back (`passed_on`), so that a
question asked while the list is open is answered rather than refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.dialogs import (
    ComponentDialog,
    Dialog,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from dateutil.relativedelta import relativedelta
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.common.card_values import record_id
from dialogs.applications.application_cards import (
    ACTIONS,
    CHANGE_STATUS_ACTION,
    LIST_ACTION,
    LIST_LIMIT,
    MARK_SENT_ACTION,
    OPEN_ACTION,
    SENT_ON_INPUT,
    SET_STATUS_ACTION,
    detail_card,
    list_card,
    money_label,
    sent_date_card,
    status_card,
    status_label,
)
from dialogs.common.chat_commands import PASSED_ON
from dialogs.common.formatting import format_date, format_money
from dialogs.common.input_parsing import (
    command_rest,
    command_words,
    is_cancel,
    is_negative_amount,
    is_skip,
    parse_date,
    parse_money,
    plain,
)
from dialogs.common.turn_user import acting_user
from dialogs.common.cards import Card
from dialogs.common.replies import card_message
from policy.budget import in_sek
from policy.dates import today as malmo_today
from reports.download_links import information_item_link_for
from settings import Settings
from storage.access import AccessDenied, NotFound, can_see_all_organisations
from storage.application_data import ApplicationStatus, Money
from storage.applications import (
    application_data,
    application_reference,
    find_application_by_reference,
    get_application,
    list_applications_page,
    list_events,
    mark_information_item_sent,
    parse_application_reference,
    set_status,
)
from storage.models import Application, Organisation, User
from texts import LANGUAGES, Language, language_of, lookup, text

# What is shown, and so what the next message is about.
LIST, DETAIL, STATUS, SENT_DATE, GRANTED_AMOUNT = "list", "detail", "status", "sent_date", "granted_amount"
_STATUS_VALUES = frozenset(status.value for status in ApplicationStatus)


def _status_named(message: str) -> ApplicationStatus | None:
    folded = plain(message)
    for status in ApplicationStatus:
        names = {status.value, *(plain(lookup(f"applications.statuses.{status.value}", lang)) for lang in LANGUAGES),
                 *command_words(f"applications.words.status_synonyms.{status.value}")}
        if folded in names:
            return status
    return None


def _is_reference(message: str) -> bool:
    return bool(message.strip()) and parse_application_reference(message) is not None


def _read_sent_date(answer: str, today: date) -> date | None:
    """The date an informationsärende was sent: typed ("20 mars", "2027-03-20", "i dag") or the picker's value.

    `parse_date` takes a day and month without a year as their next occurrence, which suits plans; a sent
    date is in the past, so here it is their latest occurrence. The two are told apart by asking again as if
    it were a week and a year earlier: a typed year keeps the date where it is, words relative to today
    ("i morgon", "fredag") move with it by a week, and a day and month alone move by a year but not a week.
    """
    found = parse_date(answer, today)
    if found is None or found <= today:
        return found
    a_week_earlier = parse_date(answer, today - timedelta(days=7))
    a_year_earlier = parse_date(answer, today - relativedelta(years=1))
    if a_week_earlier == found and a_year_earlier is not None and a_year_earlier < found and a_year_earlier <= today:
        return a_year_earlier
    return found


def _in_sek(money: Money, eur_sek_rate: float | None) -> Decimal | None:
    """The amount in kronor: as it is, or converted at the application's rate; None for euro without a rate."""
    if money.currency == "SEK":
        return money.amount
    return in_sek(money.amount, money.currency, eur_sek_rate) if eur_sek_rate else None


def exceeds(granted: Money, total_budget: Money, eur_sek_rate: float | None) -> bool:
    """Whether the granted amount is larger than the total budget: compared as they are in the same currency,
    else in kronor at the rate stored with the application. Without a rate they cannot be compared: not larger."""
    if granted.currency == total_budget.currency:
        return granted.amount_minor > total_budget.amount_minor
    granted_sek, total_sek = _in_sek(granted, eur_sek_rate), _in_sek(total_budget, eur_sek_rate)
    return granted_sek is not None and total_sek is not None and granted_sek > total_sek


def example_below(total_budget: Money) -> Money:
    """A round amount within the total budget to show as an example: its half, to two significant digits."""
    half = total_budget.amount / 2
    if half < 1:
        return total_budget
    step = Decimal(10) ** max(half.adjusted() - 1, 0)
    return Money.of((half // step) * step, total_budget.currency)


@dataclass
class _Found:
    """The outcome of looking an application up for the user: the application, or why there is none."""

    user: User | None = None
    application: Application | None = None
    problem: str | None = None  # a catalog key
    values: dict[str, str] = field(default_factory=dict)


class MyApplicationsDialog(ComponentDialog):
    STEPS = "my_applications_steps"

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], settings: Settings,
        today: Callable[[], date] = malmo_today, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    ) -> None:
        super().__init__(MyApplicationsDialog.__name__)
        self._session_factory = session_factory
        self._settings = settings  # for the informationsärende's download link
        self._today = today
        self._clock = clock
        self.add_dialog(WaterfallDialog(self.STEPS, [self._show, self._act]))
        self.initial_dialog_id = self.STEPS

    # --- how the bot starts it, and what it hands back ------------------------------------------------

    @staticmethod
    def start_options(message: str, value: object = None) -> dict[str, Any] | None:
        """The options to begin this dialog with when a turn is one of its commands, else None.

        "mina ansökningar" shows the list; "öppna EU-2026-0007" (or just "EU-2026-0007") opens one; a button
        of one of its cards (an older message, after the dialog ended) does what it says.
        """
        if isinstance(value, dict) and value.get("action") in ACTIONS:
            return {"view": LIST, "input": {"text": "", "value": value}}
        message = " ".join((message or "").split())
        folded = plain(message)
        if not folded:
            return None
        if folded in command_words("commands.my_applications"):
            return {"view": LIST}
        rest = command_rest(message, "applications.words.open")
        if (rest and _is_reference(rest)) or (folded.startswith("eu") and _is_reference(message)):
            return {"view": LIST, "input": {"text": message, "value": None}}
        return None


    # --- the two steps: show what the state says, then act on the answer ----------------------------------

    async def _show(self, step: WaterfallStepContext) -> DialogTurnResult:
        state = dict(step.options or {"view": LIST})
        pending = state.pop("input", None)
        if pending is not None:
            # Started by a command or a button: act on it as if it had come with the dialog open.
            return await self._handle(step, state, pending["text"] or "", pending["value"], opened=False)
        if state.pop("quiet", False):
            step.values["state"] = state
            return Dialog.end_of_turn
        if state["view"] == LIST:
            return await self._show_list(step)
        return await self._show_application(step, state)

    async def _act(self, step: WaterfallStepContext) -> DialogTurnResult:
        activity = step.context.activity
        message = " ".join((activity.text or "").split())
        return await self._handle(step, step.values["state"], message, activity.value, opened=True)

    # --- showing ------------------------------------------------------------------------------------------

    async def _show_list(self, step: WaterfallStepContext) -> DialogTurnResult:
        lang = language_of(step.context.activity.locale)
        card: Card | None = None
        async with self._session_factory.begin() as session:
            user = await acting_user(session, step.context)
            sees_all = user is not None and can_see_all_organisations(user)
            # The newest page and the count only: a coordinator's list holds every application of the years.
            page = await list_applications_page(session, user, per_page=LIST_LIMIT) if user is not None else None
            if page is None or not page.applications:
                reply = text("applications.none_all" if sees_all else "applications.none", lang)
            else:
                assert user is not None  # a page was read for them
                # A user no administrator has placed in an organisation sees what they registered themselves.
                own_only = not sees_all and user.organisation_id is None
                organisation = await session.get(Organisation, user.organisation_id) if user.organisation_id else None
                card = list_card(page.applications, lang, all_organisations=sees_all or own_only, own_only=own_only,
                                 organisation_name=organisation.name if organisation else None, total=page.total)
        if card is None:
            await step.context.send_activity(reply)
            return await step.end_dialog()
        step.values["state"] = {"view": LIST, "application_id": None}
        await step.context.send_activity(card_message(card))
        return Dialog.end_of_turn

    async def _show_application(self, step: WaterfallStepContext, state: dict[str, Any]) -> DialogTurnResult:
        lang = language_of(step.context.activity.locale)
        view = state["view"]
        card: Card | None = None
        async with self._session_factory.begin() as session:
            found = await self._find(session, step.context, state.get("application_id"), state.get("reference"))
            application = found.application
            if application is not None and view == SENT_DATE and application.information_item is None:
                found.problem, found.values = "applications.no_information_item", {
                    "reference": application_reference(application)}
            elif application is not None and view == DETAIL:
                events = await list_events(session, application)
                registered_by = application.created_by.name if application.created_by is not None else None
                # A new link each time the application is opened: the one the registration gave lasts a day.
                link = (information_item_link_for(self._settings, application.id, found.user.id, self._clock())
                        if application.information_item is not None and found.user is not None else None)
                card = detail_card(application, events, lang, registered_by, link)
            elif application is not None and view == STATUS:
                card = status_card(application, lang)
            elif application is not None:
                card = sent_date_card(application, lang, self._today())
        if card is None:
            await step.context.send_activity(text(found.problem or "applications.not_understood", lang,
                                                  **found.values))
            if application is not None:  # there is nothing to mark: stay with the application
                return await self._wait(step, DETAIL, application.id)
            return await self._return_to(step, state.get("fallback"))
        step.values["state"] = {"view": view, "application_id": application.id}
        await step.context.send_activity(card_message(card))
        return Dialog.end_of_turn

    # --- acting on a message ------------------------------------------------------------------------------

    async def _handle(self, step: WaterfallStepContext, state: dict[str, Any], message: str, value: object,
                      *, opened: bool) -> DialogTurnResult:
        """`opened`: the dialog was already showing something (False on the turn that started it)."""
        lang = language_of(step.context.activity.locale)
        view, current = state["view"], state.get("application_id")
        fallback = {"view": view, "application_id": current} if opened else None
        data = value if isinstance(value, dict) else {}
        if data.get("action") in ACTIONS:
            return await self._handle_button(step, data, fallback, lang)

        folded = plain(message)
        if is_cancel(message):
            await step.context.send_activity(text("applications.cancelled", lang))
            return await step.end_dialog()
        if folded in command_words("commands.my_applications") or folded in command_words("applications.words.list"):
            return await self._go(step, LIST, None)
        if folded in command_words("applications.words.back"):
            return await self._back(step, view, current, lang)

        status_rest = command_rest(message, "applications.words.status")
        sent_rest = command_rest(message, "applications.words.sent")
        open_rest = command_rest(message, "applications.words.open")
        if current is not None and status_rest is not None:
            if not status_rest:
                return await self._go(step, STATUS, current, fallback)
            return await self._change_status(step, current, _status_named(status_rest), fallback, lang)
        if current is not None and sent_rest is not None:
            if not sent_rest:
                return await self._go(step, SENT_DATE, current, fallback)
            return await self._mark_sent(step, current, sent_rest, fallback, lang)
        if open_rest and _is_reference(open_rest):
            return await self._go(step, DETAIL, None, fallback, reference=open_rest)

        if view == GRANTED_AMOUNT and current is not None:
            return await self._set_granted_amount(step, current, message, fallback, lang)
        if view == SENT_DATE and current is not None:
            return await self._mark_sent(step, current, message, fallback, lang)
        if view in (STATUS, DETAIL) and current is not None and _status_named(message) is not None:
            return await self._change_status(step, current, _status_named(message), fallback, lang)
        if view == STATUS and current is not None:
            return await self._retry_status(step, current, lang)
        if view in (LIST, DETAIL) and _is_reference(message):
            return await self._go(step, DETAIL, None, fallback, reference=message)
        if opened and (status_rest is not None or sent_rest is not None or open_rest is not None):
            # One of our words, but nothing that can be done here: say what works, keep the view.
            await step.context.send_activity(text("applications.not_understood", lang))
            return await self._wait(step, view, current)
        return await step.end_dialog({PASSED_ON: True})

    async def _handle_button(self, step: WaterfallStepContext, data: dict[str, Any],
                             fallback: dict[str, Any] | None, lang: Language) -> DialogTurnResult:
        action = data["action"]
        if action == LIST_ACTION:
            return await self._go(step, LIST, None)
        application_id = record_id(data.get("application_id"))
        if application_id is None:
            await step.context.send_activity(text("applications.not_understood", lang))
            return await self._return_to(step, fallback)
        if action == OPEN_ACTION:
            return await self._go(step, DETAIL, application_id, fallback)
        if action == CHANGE_STATUS_ACTION:
            return await self._go(step, STATUS, application_id, fallback)
        if action == MARK_SENT_ACTION:
            return await self._go(step, SENT_DATE, application_id, fallback)
        if action == SET_STATUS_ACTION:
            status = data.get("status")
            named = ApplicationStatus(status) if status in _STATUS_VALUES else None
            return await self._change_status(step, application_id, named, fallback, lang)
        # The date card's save button: the date picker's value (ISO); absent where no picker is shown.
        return await self._mark_sent(step, application_id, str(data.get(SENT_ON_INPUT) or ""), fallback, lang)

    async def _back(self, step: WaterfallStepContext, view: str, current: int | None,
                    lang: Language) -> DialogTurnResult:
        if view in (STATUS, SENT_DATE) and current is not None:
            return await self._go(step, DETAIL, current)
        if view == DETAIL:
            return await self._go(step, LIST, None)
        await step.context.send_activity(text("applications.closed", lang))
        return await step.end_dialog()

    async def _retry_status(self, step: WaterfallStepContext, application_id: int,
                            lang: Language) -> DialogTurnResult:
        choices = ", ".join(text("applications.quoted", lang, value=status_label(status, lang))
                            for status in ApplicationStatus)
        await step.context.send_activity(text("applications.status_retry", lang, choices=choices))
        return await self._wait(step, STATUS, application_id)

    async def _change_status(self, step: WaterfallStepContext, application_id: int,
                             status: ApplicationStatus | None, fallback: dict[str, Any] | None,
                             lang: Language) -> DialogTurnResult:
        if status is None:
            return await self._retry_status(step, application_id, lang)
        async with self._session_factory.begin() as session:
            found = await self._find(session, step.context, application_id)
            if found.application is not None and found.user is not None:
                reference = application_reference(found.application)
                unchanged = found.application.status == status
                try:
                    await set_status(session, found.application, status, found.user)
                except AccessDenied:
                    found.problem = "applications.not_changeable"
        if found.problem is not None:
            await step.context.send_activity(text(found.problem, lang, **found.values))
            return await self._return_to(step, fallback)
        key = "applications.status_unchanged" if unchanged else "applications.status_changed"
        await step.context.send_activity(text(key, lang, reference=reference, status=status_label(status, lang)))
        if status == ApplicationStatus.GRANTED:
            # The compilation for KF sums what was granted: ask for it while the decision is at hand.
            await step.context.send_activity(text("applications.granted_question", lang, reference=reference))
            return await self._wait(step, GRANTED_AMOUNT, application_id)
        return await self._go(step, DETAIL, application_id)

    async def _set_granted_amount(self, step: WaterfallStepContext, application_id: int, answer: str,
                                  fallback: dict[str, Any] | None, lang: Language) -> DialogTurnResult:
        if is_skip(answer) or plain(answer) in command_words("applications.words.back"):
            await step.context.send_activity(text("applications.granted_skipped", lang))
            return await self._go(step, DETAIL, application_id)
        amount = parse_money(answer, self._today())
        if amount is None:
            key = "applications.granted_negative" if is_negative_amount(answer) else "applications.granted_retry"
            await step.context.send_activity(text(key, lang))
            return await self._wait(step, GRANTED_AMOUNT, application_id)
        over_budget: dict[str, str] | None = None
        async with self._session_factory.begin() as session:
            found = await self._find(session, step.context, application_id)
            if found.application is not None and found.user is not None:
                reference = application_reference(found.application)
                total = application_data(found.application).total_budget
                rate = found.application.eur_sek_rate
                if total is not None and exceeds(amount, total, rate):
                    over_budget = {"total": money_label(total, rate, lang),
                                   "example": format_money(example_below(total), lang)}
                else:
                    try:
                        await set_status(session, found.application, ApplicationStatus.GRANTED, found.user,
                                         granted_amount=amount)
                    except AccessDenied:
                        found.problem = "applications.not_changeable"
        if over_budget is not None:
            await step.context.send_activity(text("applications.granted_over_budget", lang, **over_budget))
            return await self._wait(step, GRANTED_AMOUNT, application_id)
        if found.problem is not None:
            await step.context.send_activity(text(found.problem, lang, **found.values))
            return await self._return_to(step, fallback)
        await step.context.send_activity(
            text("applications.granted_saved", lang, reference=reference, amount=format_money(amount, lang)))
        return await self._go(step, DETAIL, application_id)

    async def _mark_sent(self, step: WaterfallStepContext, application_id: int, answer: str,
                         fallback: dict[str, Any] | None, lang: Language) -> DialogTurnResult:
        today = self._today()
        sent_on = _read_sent_date(answer, today)
        # A date that cannot be used is asked for again; the next message answers the date question.
        if sent_on is None:
            await step.context.send_activity(text("applications.date_retry", lang))
            return await self._wait(step, SENT_DATE, application_id)
        if sent_on > today:
            await step.context.send_activity(
                text("applications.date_in_future", lang, date=format_date(sent_on, lang)))
            return await self._wait(step, SENT_DATE, application_id)
        async with self._session_factory.begin() as session:
            found = await self._find(session, step.context, application_id)
            if found.application is not None and found.user is not None:
                reference = application_reference(found.application)
                if found.application.information_item is None:
                    found.problem, found.values = "applications.no_information_item", {"reference": reference}
                else:
                    try:
                        await mark_information_item_sent(session, found.application, found.user, sent_on)
                    except AccessDenied:
                        found.problem = "applications.not_changeable"
        if found.problem is not None:
            await step.context.send_activity(text(found.problem, lang, **found.values))
            if found.problem == "applications.no_information_item":
                return await self._wait(step, DETAIL, application_id)
            return await self._return_to(step, fallback)
        await step.context.send_activity(
            text("applications.information_item_marked", lang, reference=reference, date=format_date(sent_on, lang)))
        return await self._go(step, DETAIL, application_id)

    # --- where to go next ---------------------------------------------------------------------------------

    async def _go(self, step: WaterfallStepContext, view: str, application_id: int | None,
                  fallback: dict[str, Any] | None = None, reference: str | None = None) -> DialogTurnResult:
        """Show `view` next; `fallback` is where to return, quietly, if it cannot be shown (None: end)."""
        return await step.replace_dialog(
            self.STEPS,
            {"view": view, "application_id": application_id, "reference": reference, "fallback": fallback},
        )

    async def _wait(self, step: WaterfallStepContext, view: str, application_id: int | None) -> DialogTurnResult:
        """Wait for the next message without showing the view again (a hint or an error was just sent)."""
        return await step.replace_dialog(self.STEPS, {"view": view, "application_id": application_id, "quiet": True})

    async def _return_to(self, step: WaterfallStepContext, fallback: dict[str, Any] | None) -> DialogTurnResult:
        """After a refusal nothing of the application is shown: back to what was shown before, or end."""
        if fallback is None:
            return await step.end_dialog()
        return await self._wait(step, fallback["view"], fallback.get("application_id"))

    # --- who is asking, and for what ----------------------------------------------------------------------

    async def _find(self, session: AsyncSession, context: TurnContext, application_id: int | None,
                    reference: str | None = None) -> _Found:
        """The application by id or typed reference, if the user may see it; else the reason, for the user."""
        user = await acting_user(session, context)
        shown = reference or str(application_id)
        if user is None:
            return _Found(problem="applications.refused")
        try:
            if reference:
                application = await find_application_by_reference(session, reference, user)
            elif application_id is not None:
                application = await get_application(session, application_id, user)
            else:
                return _Found(user=user, problem="applications.not_understood")
        except AccessDenied:
            return _Found(user=user, problem="applications.refused")
        except (NotFound, ValueError):
            return _Found(user=user, problem="applications.not_found", values={"reference": shown})
        return _Found(user=user, application=application)

