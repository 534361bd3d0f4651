"""The annual report of a nämnd's or bolag's international work to kommunstyrelsen (policy 1, 2, 3.3 and 4).

"årsredovisning" opens the report of the user's organisation for last year (or the one named: "årsredovisning
Miljönämnden 2025"). A new or untouched draft is walked through part by part (the kinds of work of section 1,
each item with its focus areas of section 2), then the verksamhetsplan question (4) and the contact person
(3.3; a bolag's representative, 3.4, which a bolag may also not have), and ends at the review; a draft someone
has worked on opens at the review, with any EU application registered since it was created added to it.
"Skicka in" checks that nothing is missing, submits, and posts a summary to KS förvaltning. KS coordinators and
admins see another organisation's report read-only: only its own users create and change it.

Every answer is written to the database at once (storage.annual_reports), in one transaction per turn; the
dialog's own state is plain JSON saying where the user is (which part, which question of which item; read and
written as place.ReportPlace), so a restart continues mid-question and a colleague opening the same report sees
everything written so far. Who may see and change a report is decided by storage; a submitted report is locked
there (ReportLocked).

A question or another command, while a part or the review is shown, ends the dialog and is handed back
(`passed_on`), so that it is answered rather than refused; a short reply meant for no one else ("ok", "3")
is answered with the hint of what can be done there.

This module: the dialog protocol, opening a report, and acting on a message; the steps are in the
package's other modules."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botbuilder.core import MessageFactory
from botbuilder.dialogs import ComponentDialog, Dialog, DialogContext, DialogTurnResult
from botbuilder.schema import Activity
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.annual_report.cards import (
    ACTIONS,
    ADD_ACTION,
    CLOSE_ACTION,
    EDIT_CONTACT_ACTION,
    EDIT_ITEM_ACTION,
    EDIT_PART_ACTION,
    EDIT_PLAN_ACTION,
    FIX_ITEM_ACTION,
    FOCUS_ACTION,
    FOCUS_INPUT,
    NEXT_ACTION,
    PARTS,
    REMOVE_ITEM_ACTION,
    SUBMIT_ACTION,
    focus_label,
    needs_confirmation,
    quoted,
    review_round,
    submitted_card,
)
from dialogs.annual_report.command import button_options, start_options
from dialogs.annual_report.details import PlanAndContact
from dialogs.annual_report.items import ItemQuestions, fields_for
from dialogs.annual_report.parsing import FIRST_YEAR, is_one_of, parse_focus_areas, parse_open
from dialogs.annual_report.parts import PartSteps
from dialogs.annual_report.place import ReportPlace
from dialogs.annual_report.report_turn import (
    CONFIRM_FIELDS,
    CONTACT,
    CONTACT_NAME,
    END,
    ITEM,
    ITEM_FIELDS,
    PART,
    PASS,
    PLAN,
    REVIEW,
    WAIT,
    ReportTurn,
    _utc_now,
    default_year,
    latest_year,
)
from dialogs.annual_report.review import ReviewAndSubmit
from dialogs.common.card_values import record_id
from dialogs.common.chat_commands import PASSED_ON
from dialogs.common.input_parsing import is_cancel
from dialogs.common.replies import card_message, replace_pressed_card
from dialogs.common.turn_user import acting_user_recorded
from settings import Settings
from storage.access import AccessDenied, NotFound, can_see_all_organisations
from storage.annual_reports import (
    ReportLocked,
    add_new_applications,
    can_change_report,
    can_view_report,
    get_or_create_draft,
    get_report,
    list_events,
    update_item,
)
from storage.models import (
    OPEN_ANNUAL_REPORT_STATUSES,
    AnnualReport,
    AnnualReportEventKind,
    AnnualReportItemKind,
    AnnualReportStatus,
    Organisation,
    User,
)
from storage.organisations import find_organisation, must_report
from texts import Language, language_of, text

logger = logging.getLogger("lotsen.annual_report")


class AnnualReportDialog(ComponentDialog):
    """The annual report as botbuilder's ComponentDialog; its steps are one state machine (AnnualReportSteps),
    because the official may add, change and remove items, go back, and jump from the review to any part."""

    # "avbryt" is the dialog's own to answer (it keeps the draft and says so). Every answer is saved as it is
    # given, so a command that starts something else leaves it at once: the dialog says the draft is saved and
    # passes the command on (dialogs/common/routing.py).
    answers_cancel = True

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], settings: Settings,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        super().__init__(AnnualReportDialog.__name__)
        self.add_dialog(AnnualReportSteps(session_factory, settings, clock))
        self.initial_dialog_id = AnnualReportSteps.__name__



class AnnualReportSteps(PartSteps, ItemQuestions, PlanAndContact, ReviewAndSubmit, Dialog):
    """The state machine; its steps live in parts.py, items.py, details.py and review.py."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], settings: Settings,
                 clock: Callable[[], datetime]) -> None:
        super().__init__(AnnualReportSteps.__name__)
        self._session_factory = session_factory
        self._settings = settings
        self._clock = clock

    # --- the dialog protocol --------------------------------------------------------------------------

    async def begin_dialog(self, dc: DialogContext, options: Any = None) -> DialogTurnResult:
        options = dict(options or {})
        lang = language_of(dc.context.activity.locale)
        state = dc.active_dialog.state
        replies: list[Activity] = []
        outcome, turn = END, None
        async with self._session_factory.begin() as session:
            user = await acting_user_recorded(session, dc.context)
            report = await self._open(session, user, options, lang, replies)
            if report is not None:
                turn = ReportTurn(dc.context, session, user, report, lang, replies)
                place = ReportPlace(organisation_id=report.organisation_id, year=report.year, mode=REVIEW, part=None,
                                    walk=False, item=None, skipped=[], proposed=None)
                outcome = await self._guarded(turn, lambda: self._first_turn(turn, place, options.get("value")),
                                              change_asked=options.get("value") is not None)
                place.write(state)
        return await self._finish(dc, replies, outcome, turn)

    async def continue_dialog(self, dc: DialogContext) -> DialogTurnResult:
        activity = dc.context.activity
        lang = language_of(activity.locale)
        state = dc.active_dialog.state
        message = " ".join((activity.text or "").split())
        value = activity.value if isinstance(activity.value, dict) else None
        action = value.get("action") if value is not None else None
        try:
            place = ReportPlace.read(state)
        except ValidationError:
            return await self._lost_place(dc, value, lang)
        if value is not None and action in ACTIONS and (
                (value.get("organisation_id"), value.get("year")) != (place.organisation_id, place.year)):
            # A button of another report's card: open that one.
            return await dc.replace_dialog(self.id, button_options(value))
        # While a free-text question is open, "Årsredovisningen visade …" is the answer: only the command alone
        # (with a year or an organisation) opens a report then.
        strict = place.mode in (ITEM, PLAN, CONTACT, CONTACT_NAME)
        if value is None and (request := parse_open(message, strict=strict)) is not None:
            return await dc.replace_dialog(self.id, start_options(request))
        if action == CLOSE_ACTION or (value is None and (is_cancel(message) or is_one_of(message, "words.close"))):
            await dc.context.send_activity(text("annual_report.saved_and_closed", lang))
            return await dc.end_dialog(None)
        if value is not None and action not in ACTIONS:
            # Another card's button (a registration's, say): not ours to answer.
            await dc.context.send_activity(text("annual_report.saved_and_closed", lang))
            return await dc.end_dialog({PASSED_ON: True})

        replies: list[Activity] = []
        outcome, turn = END, None
        async with self._session_factory.begin() as session:
            user = await acting_user_recorded(session, dc.context)
            try:
                report = await get_report(session, place.organisation_id, place.year, user)
            except (AccessDenied, NotFound):
                # Moved to another organisation since, say: nothing of the report is shown.
                replies.append(MessageFactory.text(text("annual_report.refused", lang)))
            else:
                turn = ReportTurn(dc.context, session, user, report, lang, replies)
                outcome = await self._guarded(turn, lambda: self._act(turn, place, message, value), change_asked=True)
                place.write(state)
        return await self._finish(dc, replies, outcome, turn)

    async def _lost_place(self, dc: DialogContext, value: dict[str, Any] | None, lang: Language) -> DialogTurnResult:
        """The stored state is not a place in a report (damaged, or of a version that wrote it otherwise): a button
        of a report's card opens that report afresh; anything else closes the dialog, saying the draft is saved
        (every answer already is) and how to go on."""
        logger.warning("annual report dialog: stored state is not a place in a report; closed")
        if value is not None and value.get("action") in ACTIONS:
            return await dc.replace_dialog(self.id, button_options(value))
        await dc.context.send_activity(text("annual_report.saved_and_closed", lang))
        return await dc.end_dialog(None)

    async def _finish(self, dc: DialogContext, replies: list[Activity], outcome: str,
                      turn: ReportTurn | None) -> DialogTurnResult:
        """After the commit: say what the turn has to say (a submitted report's receipt last), end or wait."""
        if turn is not None and turn.pressed_card is not None:
            await replace_pressed_card(dc.context, turn.pressed_card)
        for reply in replies:
            await dc.context.send_activity(reply)
        if turn is not None and turn.submitted is not None:
            await dc.context.send_activity(card_message(
                submitted_card(turn.report, turn.lang, turn.submitted.reason)))
        if outcome == WAIT:
            return Dialog.end_of_turn
        return await dc.end_dialog({PASSED_ON: True} if outcome == PASS else None)

    async def _guarded(self, turn: ReportTurn, step: Callable[[], Any], *, change_asked: bool) -> str:
        """Runs a step; a report that is (or has just become) locked, or is another organisation's (a KS
        coordinator's view), is shown read-only instead, saying that the change asked for (`change_asked`: a
        button or an answer, not just opening it) cannot be made."""
        if not can_change_report(turn.user, turn.report.organisation_id):
            if change_asked:
                turn.say("annual_report.view_only_change")
            await self._show_locked(turn)
            return END
        if turn.report.status not in OPEN_ANNUAL_REPORT_STATUSES:
            if change_asked:
                turn.say("annual_report.locked")
            await self._show_locked(turn)
            return END
        try:
            return await step()
        except ReportLocked:
            turn.replies.clear()
            turn.say("annual_report.locked")
            await self._show_locked(turn)
            return END

    # --- opening ----------------------------------------------------------------------------------------

    async def _open(self, session: AsyncSession, user: User, options: dict[str, Any], lang: Language,
                    replies: list[Activity]) -> AnnualReport | None:
        """The report asked for, created as a draft when there is none (by the organisation's own users; others
        see it as it is); None (and why, in `replies`) if refused or not started."""
        def say(key: str, **values: object) -> None:
            replies.append(MessageFactory.text(text(key, lang, **values)))

        now = self._clock()
        year_now = default_year(now)
        if options.get("bad_year"):
            say("annual_report.bad_year", year=options["bad_year"], example=year_now)
            return None
        year = options.get("year")
        year = year if isinstance(year, int) and not isinstance(year, bool) else year_now
        if year > latest_year(now) or year < FIRST_YEAR:  # a button's year is not trusted either
            say("annual_report.bad_year", year=year, example=year_now)
            return None
        organisation: Organisation | None
        if options.get("organisation_id") is not None:
            organisation_id = record_id(options["organisation_id"])
            organisation = await session.get(Organisation, organisation_id) if organisation_id else None
            if organisation is None:
                say("annual_report.refused")
                return None
        elif options.get("organisation"):
            organisation = await find_organisation(session, options["organisation"])
            if organisation is None:
                say("annual_report.unknown_organisation", name=options["organisation"], year=year_now)
                return None
        elif user.organisation_id is not None:
            organisation = await session.get_one(Organisation, user.organisation_id)
        else:
            say("annual_report.name_organisation" if can_see_all_organisations(user)
                else "annual_report.no_organisation", year=year_now)
            return None
        if not can_view_report(user, organisation.id):
            say("annual_report.refused")
            return None
        if not can_change_report(user, organisation.id):
            # KS förvaltning looks at another organisation's report: shown as it is, never created.
            try:
                return await get_report(session, organisation.id, year, user)
            except NotFound:
                # A bolag need not report (3.4): not having started is then no gap, and is not put as one.
                say("annual_report.not_started" if must_report(organisation.kind)
                    else "annual_report.not_started_voluntary", organisation=organisation.name, year=year)
                return None
        try:
            report = await get_or_create_draft(session, organisation.id, year, user)
        except AccessDenied:
            say("annual_report.refused")
            return None
        if report.status in OPEN_ANNUAL_REPORT_STATUSES:
            added = await add_new_applications(session, report, user)
            if added:
                say("annual_report.applications_added", year=year,
                    titles=", ".join(quoted(item.title, lang) for item in added))
        return report

    async def _first_turn(self, turn: ReportTurn, place: ReportPlace, value: dict[str, Any] | None) -> str:
        if value is not None:  # a button of an older card: do what it says
            return await self._act(turn, place, "", value)
        events = await list_events(turn.session, turn.report)
        if turn.report.status == AnnualReportStatus.DRAFT and all(
                event.kind == AnnualReportEventKind.CREATED
                or (event.kind == AnnualReportEventKind.ITEM_ADDED and (event.details or {}).get("prefilled"))
                for event in events):
            # Nobody has answered anything yet (Lotsen may have added applications): walk through the parts.
            turn.say(turn.by_kind("annual_report.start_walk"), organisation=turn.report.organisation.name,
                     year=turn.report.year)
            place.walk = True
            return await self._enter_part(turn, place, PARTS[0])
        return await self._show_review(turn, place)

    # --- acting on a message -------------------------------------------------------------------------

    async def _act(self, turn: ReportTurn, place: ReportPlace, message: str, value: dict[str, Any] | None) -> str:
        if value is not None and value.get("action") in ACTIONS:
            return await self._button(turn, place, value)
        mode = place.mode
        if mode == ITEM:
            return await self._answer_item(turn, place, message, None)
        if mode == PLAN:
            return await self._answer_plan(turn, place, message)
        if mode == CONTACT:
            return await self._answer_contact(turn, place, message)
        if mode == CONTACT_NAME:
            return await self._answer_contact_name(turn, place, message)
        if mode == PART:
            return await self._part_command(turn, place, message)
        return await self._review_command(turn, place, message)

    async def _button(self, turn: ReportTurn, place: ReportPlace, value: dict[str, Any]) -> str:
        action = value["action"]
        part = _part(value.get("part"))
        item_id = value.get("item_id")
        if action == ADD_ACTION and part is not None:
            return await self._start_item(turn, place, part, None, list(ITEM_FIELDS), then=PART)
        if action == NEXT_ACTION and part is not None:
            return await self._next(turn, place, part)
        if action == EDIT_PART_ACTION and part is not None:
            place.walk = False
            return await self._enter_part(turn, place, part, auto=False)
        if action == EDIT_PLAN_ACTION:
            place.walk = False
            return await self._ask_plan(turn, place)
        if action == EDIT_CONTACT_ACTION:
            place.walk = False
            return await self._ask_contact(turn, place)
        if action == SUBMIT_ACTION:
            if isinstance(value.get("round"), str) and value["round"] != review_round(turn.report):
                # A review card from before KS förvaltning returned the report: its comment is news to act on.
                turn.say("annual_report.review.superseded")
                return await self._show_review(turn, place)
            return await self._submit(turn, place)
        if action in (EDIT_ITEM_ACTION, REMOVE_ITEM_ACTION, FIX_ITEM_ACTION, FOCUS_ACTION):
            item = turn.item(item_id) if isinstance(item_id, int) else None
            if item is None:
                turn.say("annual_report.retry.item_gone")
                return await self._show_current(turn, place)
            if action == FOCUS_ACTION:
                spec = place.item
                chosen = str(value.get(FOCUS_INPUT) or "")
                if place.mode == ITEM and spec and spec.id == item.id and spec.fields[0] == "focus_areas":
                    return await self._answer_item(turn, place, "", chosen)
                areas = parse_focus_areas(chosen) if chosen else None
                if areas is not None:
                    # The focus card of an earlier question, with areas chosen: saved as chosen; then on with
                    # whatever the user is at now.
                    await update_item(turn.session, turn.report, turn.user, item.id, focus_areas=areas)
                    turn.say("annual_report.focus_saved", title=quoted(item.title, turn.lang),
                             areas=focus_label(areas, turn.lang))
                    return await self._show_current(turn, place)
                # Nothing chosen on it: ask about that item's focus now.
                return await self._start_item(turn, place, item.kind, item, ["focus_areas"], then=PART)
            if action == REMOVE_ITEM_ACTION:
                return await self._remove(turn, place, item)
            if action == FIX_ITEM_ACTION:
                fields = list(CONFIRM_FIELDS) if needs_confirmation(item) else ["focus_areas"]
                return await self._start_item(turn, place, item.kind, item, fields, then=REVIEW)
            return await self._start_item(turn, place, item.kind, item, fields_for(item), then=PART)
        return await self._show_current(turn, place)

    async def _show_current(self, turn: ReportTurn, place: ReportPlace) -> str:
        """Shows again what the user is at (after a button that could not be followed)."""
        if place.mode == PART and place.part:
            return await self._enter_part(turn, place, AnnualReportItemKind(place.part), auto=False)
        if place.mode == ITEM and place.item:
            return await self._ask_item(turn, place)
        if place.mode == PLAN:
            return await self._ask_plan(turn, place)
        if place.mode in (CONTACT, CONTACT_NAME):
            return await self._ask_contact(turn, place)
        return await self._show_review(turn, place)



def _part(value: object) -> AnnualReportItemKind | None:
    try:
        return AnnualReportItemKind(str(value))
    except ValueError:
        return None
