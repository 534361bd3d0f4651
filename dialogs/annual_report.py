"""The annual report of a nämnd's or bolag's international work to kommunstyrelsen (policy 1, 2, 3.3 and 4).

"årsredovisning" opens the report of the user's organisation for last year (or the one named: "årsredovisning
Miljönämnden 2025"). A new or untouched draft is walked through part by part (the kinds of work of section 1,
each item with its focus areas of section 2), then the verksamhetsplan question (4) and the contact person
(3.3; a bolag's representative, 3.4, which a bolag may also not have), and ends at the review; a draft someone
has worked on opens at the review, with any EU application registered since it was created added to it.
"Skicka in" checks that nothing is missing, submits, and posts a summary to KS förvaltning. KS coordinators and
admins see another organisation's report read-only: only its own users create and change it.

Every answer is written to the database at once (storage.annual_reports), in one transaction per turn; the
dialog's own state is plain JSON saying where the user is (which part, which question of which item), so a
restart continues mid-question and a colleague opening the same report sees everything written so far. Who
may see and change a report is decided by storage; a submitted report is locked there (ReportLocked).

A question or another command, while a part or the review is shown, ends the dialog and is handed back
(`passed_on`), so that it is answered rather than refused; a short reply meant for no one else ("ok", "3")
is answered with the hint of what can be done there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import ComponentDialog, Dialog, DialogContext, DialogTurnResult
from botbuilder.schema import ActionTypes, Activity, CardAction, SuggestedActions
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.card_values import record_id
from dialogs.turn import Turn
from dialogs.formatting import format_moment
from dialogs.annual_report_cards import (
    ACTIONS,
    ADD_ACTION,
    CLOSE_ACTION,
    CONTACT_NUMBER,
    EDIT_CONTACT_ACTION,
    EDIT_ITEM_ACTION,
    EDIT_PART_ACTION,
    EDIT_PLAN_ACTION,
    FIX_ITEM_ACTION,
    FOCUS_ACTION,
    FOCUS_INPUT,
    NEXT_ACTION,
    PARTS,
    PLAN_NUMBER,
    REMOVE_ITEM_ACTION,
    SUBMIT_ACTION,
    Missing,
    contact_role,
    focus_card,
    focus_label,
    items_of,
    kind_key,
    ks_summary_card,
    missing_card,
    needs_confirmation,
    part_card,
    quoted,
    review_card,
    submitted_card,
)
from dialogs.annual_report_input import (
    FIRST_YEAR,
    NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    OpenRequest,
    is_bare_number,
    is_one_of,
    is_small_talk,
    means_no_one,
    numbered,
    parse_focus_areas,
    parse_open,
    part_command,
    read_name,
)
from dialogs.chat_commands import PASSED_ON
from dialogs.input_parsing import is_back, is_cancel, is_skip, means_me, parse_yes_no
from dialogs.ks_notification import NotificationOutcome, inform_ks_about_annual_report
from dialogs.registration import supports_forms
from dialogs.turn_user import acting_user_recorded
from dialogs.cards import Card
from dialogs.replies import card_message
from policy.dates import MALMO_TIME
from settings import Settings
from storage.access import AccessDenied, NotFound, can_see_all_organisations
from storage.annual_reports import (
    ReportLocked,
    add_item,
    add_new_applications,
    can_change_report,
    can_view_report,
    get_or_create_draft,
    get_report,
    list_events,
    remove_item,
    set_details,
    submit,
    update_item,
)
from storage.applications import get_application
from storage.contact_persons import get_contact_person, set_contact_person
from storage.models import (
    OPEN_ANNUAL_REPORT_STATUSES,
    AnnualReport,
    AnnualReportEventKind,
    AnnualReportItem,
    AnnualReportItemKind,
    AnnualReportStatus,
    Application,
    Organisation,
    User,
)
from storage.organisations import find_organisation, must_appoint_contact, must_report
from texts import Language, language_of, text

TITLE_MAX_LENGTH = 200
# What the next message answers.
PART, ITEM, PLAN, CONTACT, CONTACT_NAME, REVIEW = "part", "item", "plan", "contact", "contact_name", "review"
# The questions about an item, in order; a prefilled EU project keeps its title (the project's name).
ITEM_FIELDS = ("title", "description", "focus_areas", "results")
CONFIRM_FIELDS = ("description", "focus_areas", "results")
# How a turn ends.
WAIT, END, PASS = "wait", "end", "pass"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def default_year(now: datetime) -> int:
    """Reports are written after the year they report: last calendar year, in Malmö."""
    return now.astimezone(MALMO_TIME).year - 1


def latest_year(now: datetime) -> int:
    """The latest year a report may be for: the current one in Malmö (begun early), never a later one."""
    return now.astimezone(MALMO_TIME).year


def what_is_missing(report: AnnualReport) -> list[Missing]:
    """Every item needs a focus area (section 2); the verksamhetsplan question (4); a nämnd's contact person
    (3.3). A bolag is given the opportunity to appoint a representative (3.4), so it may report without one."""
    missing = [Missing("item_focus", item) for kind in PARTS for item in items_of(report, kind)
               if not item.focus_areas]
    if report.in_verksamhetsplan is None:
        missing.append(Missing("plan"))
    if not report.contact_name and must_appoint_contact(report.organisation.kind):
        missing.append(Missing("contact"))
    return missing


def _same_name(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


@dataclass
class _Turn:
    """One turn's transaction and what to say when it has been committed."""

    context: TurnContext
    session: AsyncSession
    user: User
    report: AnnualReport
    lang: Language
    replies: list[Activity] = field(default_factory=list)
    submitted: NotificationOutcome | None = None  # set when the report was submitted: KS förvaltning's notice

    def say(self, key: str, buttons: list[str] | None = None, **values: object) -> None:
        self.say_text(text(key, self.lang, **values), buttons)

    def say_text(self, message: str, buttons: list[str] | None = None) -> None:
        activity = MessageFactory.text(message)
        if buttons:
            activity.suggested_actions = SuggestedActions(
                actions=[CardAction(type=ActionTypes.im_back, title=label, value=label) for label in buttons])
        self.replies.append(activity)

    def show(self, card: Card) -> None:
        self.replies.append(card_message(card))

    def button(self, name: str) -> str:
        return text(f"annual_report.buttons.{name}", self.lang)

    def by_kind(self, key: str) -> str:
        """The catalog key's text for a nämnd or for a bolag ("kontaktperson" or "representant")."""
        return f"{key}.{kind_key(self.report)}"

    def item(self, item_id: int | None) -> AnnualReportItem | None:
        return next((item for item in self.report.items if item.id == item_id), None)


def _start_options(request: OpenRequest) -> dict[str, Any]:
    return {"organisation": request.organisation, "year": request.year, "bad_year": request.bad_year}


def _button_options(value: dict[str, Any]) -> dict[str, Any]:
    return {"organisation_id": value.get("organisation_id"), "year": value.get("year"), "value": value}


@dataclass(frozen=True)
class AnnualReportRequest:
    """What opens the dialog: the words typed, or a button of one of its cards pressed after it ended."""

    options: dict[str, Any]


class AnnualReportCommand:
    """The chat command (dialogs.chat_commands.ChatCommand) that opens the annual report."""

    def __init__(self, dialog_id: str = "AnnualReportDialog") -> None:
        self._dialog_id = dialog_id

    def recognise(self, message: str, value: object, lang: Language) -> AnnualReportRequest | None:
        if isinstance(value, dict) and value.get("action") in ACTIONS:
            return AnnualReportRequest(_button_options(value))
        request = parse_open(message or "")
        return AnnualReportRequest(_start_options(request)) if request is not None else None

    async def handle(self, turn: Turn, request: object) -> None:
        # Personal chats only (bot/routes.py): an organisation's own report is not filled in where others read along.
        assert isinstance(request, AnnualReportRequest)
        await turn.dialogs.begin_dialog(self._dialog_id, request.options)


class AnnualReportDialog(ComponentDialog):
    """The annual report as botbuilder's ComponentDialog; its steps are one state machine (AnnualReportSteps),
    because the official may add, change and remove items, go back, and jump from the review to any part."""

    # "avbryt" keeps the draft and says so; the bot passes it on instead of ending the dialog.
    asks_before_cancel = True

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], settings: Settings,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        super().__init__(AnnualReportDialog.__name__)
        self.add_dialog(AnnualReportSteps(session_factory, settings, clock))
        self.initial_dialog_id = AnnualReportSteps.__name__



class AnnualReportSteps(Dialog):
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
                turn = _Turn(dc.context, session, user, report, lang, replies)
                state.clear()
                state.update(organisation_id=report.organisation_id, year=report.year, mode=REVIEW, part=None,
                             walk=False, item=None, skipped=[], proposed=None)
                outcome = await self._guarded(turn, lambda: self._first_turn(turn, state, options.get("value")),
                                              change_asked=options.get("value") is not None)
        return await self._finish(dc, replies, outcome, turn)

    async def continue_dialog(self, dc: DialogContext) -> DialogTurnResult:
        activity = dc.context.activity
        lang = language_of(activity.locale)
        state = dc.active_dialog.state
        message = " ".join((activity.text or "").split())
        value = activity.value if isinstance(activity.value, dict) else None
        action = value.get("action") if value is not None else None
        if value is not None and action in ACTIONS and (
                (value.get("organisation_id"), value.get("year")) != (state["organisation_id"], state["year"])):
            # A button of another report's card: open that one.
            return await dc.replace_dialog(self.id, _button_options(value))
        # While a free-text question is open, "Årsredovisningen visade …" is the answer: only the command alone
        # (with a year or an organisation) opens a report then.
        strict = state.get("mode") in (ITEM, PLAN, CONTACT, CONTACT_NAME)
        if value is None and (request := parse_open(message, strict=strict)) is not None:
            return await dc.replace_dialog(self.id, _start_options(request))
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
                report = await get_report(session, state["organisation_id"], state["year"], user)
            except (AccessDenied, NotFound):
                # Moved to another organisation since, say: nothing of the report is shown.
                replies.append(MessageFactory.text(text("annual_report.refused", lang)))
            else:
                turn = _Turn(dc.context, session, user, report, lang, replies)
                outcome = await self._guarded(turn, lambda: self._act(turn, state, message, value), change_asked=True)
        return await self._finish(dc, replies, outcome, turn)

    async def _finish(self, dc: DialogContext, replies: list[Activity], outcome: str,
                      turn: _Turn | None) -> DialogTurnResult:
        """After the commit: say what the turn has to say (a submitted report's receipt last), end or wait."""
        for reply in replies:
            await dc.context.send_activity(reply)
        if turn is not None and turn.submitted is not None:
            await dc.context.send_activity(card_message(
                submitted_card(turn.report, turn.lang, turn.submitted.reason)))
        if outcome == WAIT:
            return Dialog.end_of_turn
        return await dc.end_dialog({PASSED_ON: True} if outcome == PASS else None)

    async def _guarded(self, turn: _Turn, step: Callable[[], Any], *, change_asked: bool) -> str:
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

    async def _first_turn(self, turn: _Turn, state: dict[str, Any], value: dict[str, Any] | None) -> str:
        if value is not None:  # a button of an older card: do what it says
            return await self._act(turn, state, "", value)
        events = await list_events(turn.session, turn.report)
        if turn.report.status == AnnualReportStatus.DRAFT and all(
                event.kind == AnnualReportEventKind.CREATED
                or (event.kind == AnnualReportEventKind.ITEM_ADDED and (event.details or {}).get("prefilled"))
                for event in events):
            # Nobody has answered anything yet (Lotsen may have added applications): walk through the parts.
            turn.say(turn.by_kind("annual_report.start_walk"), organisation=turn.report.organisation.name,
                     year=turn.report.year)
            state["walk"] = True
            return await self._enter_part(turn, state, PARTS[0])
        return await self._show_review(turn, state)

    # --- acting on a message -------------------------------------------------------------------------

    async def _act(self, turn: _Turn, state: dict[str, Any], message: str, value: dict[str, Any] | None) -> str:
        if value is not None and value.get("action") in ACTIONS:
            return await self._button(turn, state, value)
        mode = state["mode"]
        if mode == ITEM:
            return await self._answer_item(turn, state, message, None)
        if mode == PLAN:
            return await self._answer_plan(turn, state, message)
        if mode == CONTACT:
            return await self._answer_contact(turn, state, message)
        if mode == CONTACT_NAME:
            return await self._answer_contact_name(turn, state, message)
        if mode == PART:
            return await self._part_command(turn, state, message)
        return await self._review_command(turn, state, message)

    async def _button(self, turn: _Turn, state: dict[str, Any], value: dict[str, Any]) -> str:
        action = value["action"]
        part = _part(value.get("part"))
        item_id = value.get("item_id")
        if action == ADD_ACTION and part is not None:
            return await self._start_item(turn, state, part, None, list(ITEM_FIELDS), then=PART)
        if action == NEXT_ACTION and part is not None:
            return await self._next(turn, state, part)
        if action == EDIT_PART_ACTION and part is not None:
            state["walk"] = False
            return await self._enter_part(turn, state, part, auto=False)
        if action == EDIT_PLAN_ACTION:
            state["walk"] = False
            return await self._ask_plan(turn, state)
        if action == EDIT_CONTACT_ACTION:
            state["walk"] = False
            return await self._ask_contact(turn, state)
        if action == SUBMIT_ACTION:
            return await self._submit(turn, state)
        if action in (EDIT_ITEM_ACTION, REMOVE_ITEM_ACTION, FIX_ITEM_ACTION, FOCUS_ACTION):
            item = turn.item(item_id) if isinstance(item_id, int) else None
            if item is None:
                turn.say("annual_report.retry.item_gone")
                return await self._show_current(turn, state)
            if action == FOCUS_ACTION:
                spec = state.get("item")
                chosen = str(value.get(FOCUS_INPUT) or "")
                if state["mode"] == ITEM and spec and spec["id"] == item.id and spec["fields"][0] == "focus_areas":
                    return await self._answer_item(turn, state, "", chosen)
                areas = parse_focus_areas(chosen) if chosen else None
                if areas is not None:
                    # The focus card of an earlier question, with areas chosen: saved as chosen; then on with
                    # whatever the user is at now.
                    await update_item(turn.session, turn.report, turn.user, item.id, focus_areas=areas)
                    turn.say("annual_report.focus_saved", title=quoted(item.title, turn.lang),
                             areas=focus_label(areas, turn.lang))
                    return await self._show_current(turn, state)
                # Nothing chosen on it: ask about that item's focus now.
                return await self._start_item(turn, state, item.kind, item, ["focus_areas"], then=PART)
            if action == REMOVE_ITEM_ACTION:
                return await self._remove(turn, state, item)
            if action == FIX_ITEM_ACTION:
                fields = list(CONFIRM_FIELDS) if needs_confirmation(item) else ["focus_areas"]
                return await self._start_item(turn, state, item.kind, item, fields, then=REVIEW)
            return await self._start_item(turn, state, item.kind, item, _fields_for(item), then=PART)
        return await self._show_current(turn, state)

    async def _show_current(self, turn: _Turn, state: dict[str, Any]) -> str:
        """Shows again what the user is at (after a button that could not be followed)."""
        if state["mode"] == PART and state["part"]:
            return await self._enter_part(turn, state, AnnualReportItemKind(state["part"]), auto=False)
        if state["mode"] == ITEM and state.get("item"):
            return await self._ask_item(turn, state)
        if state["mode"] == PLAN:
            return await self._ask_plan(turn, state)
        if state["mode"] in (CONTACT, CONTACT_NAME):
            return await self._ask_contact(turn, state)
        return await self._show_review(turn, state)

    # --- the parts -----------------------------------------------------------------------------------

    async def _enter_part(self, turn: _Turn, state: dict[str, Any], kind: AnnualReportItemKind, *,
                          auto: bool = True) -> str:
        """Shows the part; in the walk, a prefilled EU project not yet confirmed is asked about at once."""
        state.update(mode=PART, part=kind.value, item=None)
        applications = await self._applications(turn, items_of(turn.report, kind))
        turn.show(part_card(turn.report, kind, turn.lang, applications, walk=state["walk"]))
        if auto and state["walk"]:
            pending = next((item for item in items_of(turn.report, kind)
                            if needs_confirmation(item) and item.id not in state["skipped"]), None)
            if pending is not None:
                return await self._start_item(turn, state, kind, pending, list(CONFIRM_FIELDS), then=PART)
        return WAIT

    async def _next(self, turn: _Turn, state: dict[str, Any], kind: AnnualReportItemKind) -> str:
        if not state["walk"]:
            return await self._show_review(turn, state)
        position = PARTS.index(kind)
        if position + 1 < len(PARTS):
            return await self._enter_part(turn, state, PARTS[position + 1])
        return await self._ask_plan(turn, state)

    async def _part_command(self, turn: _Turn, state: dict[str, Any], message: str) -> str:
        kind = AnnualReportItemKind(state["part"])
        hint = "annual_report.part_hint_walk" if state["walk"] else "annual_report.part_hint_review"
        if not message:
            turn.say(hint)
            return WAIT
        command = part_command(message)
        if command is None and is_skip(message):
            command = ("next", None)  # "hoppa över" the part
        if command is None and (number := is_bare_number(message)) is not None:
            command = ("edit", number)  # "2" for the second item, as its number on the card
        if command is not None:
            return await self._part_action(turn, state, kind, *command)
        if is_back(message):
            position = PARTS.index(kind)
            if not state["walk"]:
                return await self._show_review(turn, state)
            if position == 0:
                turn.say("annual_report.at_first_part")
                return WAIT
            return await self._enter_part(turn, state, PARTS[position - 1], auto=False)
        if is_one_of(message, "words.review"):
            return await self._show_review(turn, state)
        if is_one_of(message, "words.submit"):
            return await self._submit(turn, state)
        if is_small_talk(message):
            turn.say(hint)
            return WAIT
        return self._pass_on(turn)

    async def _part_action(self, turn: _Turn, state: dict[str, Any], kind: AnnualReportItemKind, name: str,
                           number: int | None) -> str:
        """What a part card's command does: "add", "next", or "edit"/"remove" the item of that number."""
        if name == "add":
            return await self._start_item(turn, state, kind, None, list(ITEM_FIELDS), then=PART)
        if name == "next":
            return await self._next(turn, state, kind)
        items = items_of(turn.report, kind)
        if number is None or not 1 <= number <= len(items):
            turn.say("annual_report.retry.no_such_item", number=number if number is not None else "?")
            return WAIT
        item = items[number - 1]
        if name == "remove":
            return await self._remove(turn, state, item)
        return await self._start_item(turn, state, kind, item, _fields_for(item), then=PART)

    async def _remove(self, turn: _Turn, state: dict[str, Any], item: AnnualReportItem) -> str:
        kind, title = item.kind, item.title
        await remove_item(turn.session, turn.report, turn.user, item.id)
        turn.say("annual_report.item_removed", title=title)
        return await self._enter_part(turn, state, kind, auto=False)

    # --- the questions about one item ----------------------------------------------------------------

    async def _start_item(self, turn: _Turn, state: dict[str, Any], kind: AnnualReportItemKind,
                          item: AnnualReportItem | None, fields: list[str], *, then: str) -> str:
        # "new": an item being added shows no "Nu: …" with its questions, one being changed or confirmed does.
        state.update(mode=ITEM, part=kind.value, item={
            "id": item.id if item is not None else None, "kind": kind.value, "fields": fields, "then": then,
            "new": item is None})
        return await self._ask_item(turn, state)

    async def _ask_item(self, turn: _Turn, state: dict[str, Any], retry: str | None = None,
                        **retry_values: object) -> str:
        spec = state["item"]
        field_name = spec["fields"][0]
        item = turn.item(spec["id"])
        if spec["id"] is not None and item is None:
            turn.say("annual_report.retry.item_gone")
            return await self._back_from_item(turn, state)
        lang = turn.lang
        kind = AnnualReportItemKind(spec["kind"])
        title = quoted(item.title, lang) if item is not None else ""
        example = text(f"annual_report.parts.{kind.value}.title_example", lang)
        if retry is not None:
            question = text(retry, lang, **retry_values)
        else:
            question = text(f"annual_report.questions.{field_name}", lang, title=title, example=example)
        buttons: list[str] = []
        shows_current = item is not None and not spec.get("new", False)
        if shows_current and retry is None:
            current = _current_value(item, field_name, lang)
            question += " " + (text("annual_report.current", lang, value=current) if current
                               else text("annual_report.current_none", lang))
        if shows_current and _current_value(item, field_name, lang):
            buttons.append(turn.button("keep"))
        if field_name == "results":
            buttons.append(turn.button("skip"))
        if field_name == "focus_areas" and item is not None and supports_forms(turn.context.activity):
            turn.show(focus_card(turn.report, item, lang, question))
        else:
            turn.say_text(question, buttons)
        return WAIT

    async def _answer_item(self, turn: _Turn, state: dict[str, Any], message: str, chosen: str | None) -> str:
        """`chosen`: the focus card's value ("2a,2c"), when the answer came from it."""
        spec = state["item"]
        field_name = spec["fields"][0]
        item = turn.item(spec["id"])
        if spec["id"] is not None and item is None:
            turn.say("annual_report.retry.item_gone")
            return await self._back_from_item(turn, state)
        if chosen is None and (command := part_command(message, strict=True)) is not None:
            # "ta bort 2", "ändra 1", "lägg till", "nästa" typed at a question: what the part card does, never
            # the answer. A prefilled project left unconfirmed is not asked about again at once.
            kind = AnnualReportItemKind(spec["kind"])
            name, number = command
            if name in ("edit", "remove") and not 1 <= (number or 0) <= len(items_of(turn.report, kind)):
                turn.say("annual_report.retry.no_such_item", number=number)
                return await self._ask_item(turn, state)  # the question is still open
            if item is not None and needs_confirmation(item) and item.id not in state["skipped"]:
                state["skipped"].append(item.id)
            return await self._part_action(turn, state, kind, name, number)
        if chosen is None and is_back(message):
            if item is not None and item.id not in state["skipped"]:
                state["skipped"].append(item.id)
            return await self._back_from_item(turn, state)
        if chosen is None and is_one_of(message, "words.submit"):
            return await self._submit(turn, state)  # never an answer: what is still missing is listed
        if chosen is None and is_one_of(message, "words.review"):
            return await self._show_review(turn, state)
        keep = chosen is None and is_one_of(message, "words.keep")
        if keep and (item is None or not _current_value(item, field_name, turn.lang)):
            if field_name != "results" or item is None:
                return await self._ask_item(turn, state, "annual_report.retry.keep_nothing")
        if not keep:
            problem = await self._store_answer(turn, state, item, field_name, message, chosen)
            if problem is not None:
                key, values = problem
                return await self._ask_item(turn, state, key, **values)
        spec["fields"].pop(0)
        if spec["fields"]:
            return await self._ask_item(turn, state)
        saved = turn.item(spec["id"])
        turn.say("annual_report.item_saved", title=saved.title if saved else "")
        if spec["then"] == REVIEW:
            return await self._show_review(turn, state)
        return await self._enter_part(turn, state, AnnualReportItemKind(spec["kind"]))

    async def _store_answer(self, turn: _Turn, state: dict[str, Any], item: AnnualReportItem | None,
                            field_name: str, message: str, chosen: str | None) -> tuple[str, dict[str, object]] | None:
        """Writes one answer; returns (catalog key, its values) of the problem when the answer cannot be used."""
        spec = state["item"]
        example = text(f"annual_report.parts.{spec['kind']}.title_example", turn.lang)
        if field_name == "title":
            if not message or len(message) > TITLE_MAX_LENGTH:
                return "annual_report.retry.title", {"max": TITLE_MAX_LENGTH, "example": example}
            if item is None:
                added = await add_item(turn.session, turn.report, turn.user, kind=spec["kind"], title=message,
                                       description=None, focus_areas=[], results=None)
                spec["id"] = added.id
            else:
                await update_item(turn.session, turn.report, turn.user, item.id, title=message)
            return None
        assert item is not None  # every other question is about an item that exists
        if field_name == "focus_areas":
            areas = parse_focus_areas(chosen if chosen is not None else message)
            if areas is None:
                return "annual_report.retry.focus_areas", {}
            await update_item(turn.session, turn.report, turn.user, item.id, focus_areas=areas)
            return None
        if field_name == "results" and is_skip(message):
            await update_item(turn.session, turn.report, turn.user, item.id, results=None)
            return None
        if not message or (field_name == "description" and is_skip(message)):
            return f"annual_report.retry.{field_name}", {}
        if len(message) > TEXT_MAX_LENGTH:
            return "annual_report.retry.text_too_long", {"max": TEXT_MAX_LENGTH}
        await update_item(turn.session, turn.report, turn.user, item.id, **{field_name: message})
        return None

    async def _back_from_item(self, turn: _Turn, state: dict[str, Any]) -> str:
        spec = state["item"]
        if spec["then"] == REVIEW:
            return await self._show_review(turn, state)
        return await self._enter_part(turn, state, AnnualReportItemKind(spec["kind"]), auto=False)

    # --- verksamhetsplan and contact person ------------------------------------------------------------

    async def _ask_plan(self, turn: _Turn, state: dict[str, Any], retry: bool = False) -> str:
        state.update(mode=PLAN, item=None)
        question = text("annual_report.retry.yes_no" if retry else "annual_report.questions.plan", turn.lang)
        if not retry and turn.report.in_verksamhetsplan is not None:
            current = text("annual_report.review.yes" if turn.report.in_verksamhetsplan else "annual_report.review.no",
                           turn.lang)
            question += " " + text("annual_report.current", turn.lang, value=current)
        turn.say_text(question, [turn.button("yes"), turn.button("no")])
        return WAIT

    async def _answer_plan(self, turn: _Turn, state: dict[str, Any], message: str) -> str:
        if is_back(message):
            if state["walk"]:
                return await self._enter_part(turn, state, PARTS[-1], auto=False)
            return await self._show_review(turn, state)
        if turn.report.in_verksamhetsplan is not None and is_one_of(message, "words.keep"):
            answer: bool | None = turn.report.in_verksamhetsplan
        else:
            answer = parse_yes_no(message)
        if answer is None:
            return await self._ask_plan(turn, state, retry=True)
        await set_details(turn.session, turn.report, turn.user, in_verksamhetsplan=answer)
        turn.say("annual_report.plan_saved_yes" if answer else "annual_report.plan_saved_no")
        if state["walk"]:
            return await self._ask_contact(turn, state)
        return await self._show_review(turn, state)

    async def _ask_contact(self, turn: _Turn, state: dict[str, Any]) -> str:
        state.update(item=None)
        report, lang = turn.report, turn.lang
        registry = await get_contact_person(turn.session, report.organisation_id)
        role = contact_role(report, lang)
        if report.contact_name:
            state.update(mode=CONTACT, proposed=report.contact_name)
            turn.say("annual_report.questions.contact_confirm_report", [turn.button("yes")], role=role,
                     name=report.contact_name)
        elif registry is not None:
            state.update(mode=CONTACT, proposed=registry.name)
            turn.say("annual_report.questions.contact_confirm", [turn.button("yes")], role=role, name=registry.name)
        else:
            state.update(mode=CONTACT_NAME, proposed=None)
            self._ask_contact_name(turn)
        return WAIT

    @staticmethod
    def _ask_contact_name(turn: _Turn) -> None:
        turn.say(turn.by_kind("annual_report.questions.contact_name"),
                 role_lower=contact_role(turn.report, turn.lang, lower=True))

    async def _answer_contact(self, turn: _Turn, state: dict[str, Any], message: str) -> str:
        if is_back(message):
            return await self._back_from_contact(turn, state)
        if means_no_one(message):
            return await self._no_one(turn, state)
        answer = parse_yes_no(message)
        if answer is True or (answer is None and is_one_of(message, "words.keep")):
            return await self._set_contact(turn, state, state["proposed"])
        if answer is False:
            state["mode"] = CONTACT_NAME
            self._ask_contact_name(turn)
            return WAIT
        return await self._answer_contact_name(turn, state, message)

    async def _answer_contact_name(self, turn: _Turn, state: dict[str, Any], message: str) -> str:
        if is_back(message):
            return await self._back_from_contact(turn, state)
        if means_no_one(message):
            return await self._no_one(turn, state)
        name = turn.user.name if means_me(message) and turn.user.name else read_name(message)
        if name is None or is_skip(message):
            state["mode"] = CONTACT_NAME
            turn.say(turn.by_kind("annual_report.retry.contact_name"))
            return WAIT
        return await self._set_contact(turn, state, name)

    async def _no_one(self, turn: _Turn, state: dict[str, Any]) -> str:
        """"Ingen": a bolag may have no representative (3.4), noted in the report and the registry left as it is;
        a nämnd is to appoint a contact person (3.3), so the question is asked again, saying so."""
        if must_appoint_contact(turn.report.organisation.kind):
            state["mode"] = CONTACT_NAME
            turn.say("annual_report.retry.contact_required")
            return WAIT
        await set_details(turn.session, turn.report, turn.user, contact_name=None)
        turn.say("annual_report.no_representative_saved")
        return await self._contact_done(turn, state)

    async def _set_contact(self, turn: _Turn, state: dict[str, Any], name: str) -> str:
        """The contact person in the report; in the registry too when it names someone else, and only from the
        report of the latest year (or a later one): an older year's report says who it was then, not now."""
        report = turn.report
        await set_details(turn.session, report, turn.user, contact_name=name[:NAME_MAX_LENGTH])
        name = report.contact_name or name
        turn.say(turn.by_kind("annual_report.contact_saved"), name=name)
        if report.year >= default_year(self._clock()):
            registry = await get_contact_person(turn.session, report.organisation_id)
            # The same name (as the registry has it, case aside) is left alone, and so is its link to a user.
            if registry is None or not _same_name(registry.name, name):
                try:
                    await set_contact_person(turn.session, report.organisation, name, turn.user)
                except AccessDenied:
                    turn.say(turn.by_kind("annual_report.contact_registry_refused"))
                else:
                    turn.say(turn.by_kind("annual_report.contact_registry_saved"), name=name)
        return await self._contact_done(turn, state)

    async def _contact_done(self, turn: _Turn, state: dict[str, Any]) -> str:
        if state["walk"]:
            state["walk"] = False
            turn.say("annual_report.walk_done")
        return await self._show_review(turn, state)

    async def _back_from_contact(self, turn: _Turn, state: dict[str, Any]) -> str:
        if state["walk"]:
            return await self._ask_plan(turn, state)
        return await self._show_review(turn, state)

    # --- review and submitting -----------------------------------------------------------------------

    async def _show_review(self, turn: _Turn, state: dict[str, Any]) -> str:
        state.update(mode=REVIEW, part=None, item=None, walk=False)
        events = await list_events(turn.session, turn.report)
        last = events[-1] if events else None
        last_change = (last.actor.name if last.actor else None, last.at) if last is not None else None
        turn.show(review_card(turn.report, turn.lang, last_change=last_change))
        return WAIT

    async def _review_command(self, turn: _Turn, state: dict[str, Any], message: str) -> str:
        if is_one_of(message, "words.submit"):
            return await self._submit(turn, state)
        matched, number = numbered(message, "words.edit")
        if matched and number is not None and 1 <= number <= len(PARTS):
            return await self._enter_part(turn, state, PARTS[number - 1], auto=False)
        if matched and number == PLAN_NUMBER:
            return await self._ask_plan(turn, state)
        if matched and number == CONTACT_NUMBER:
            return await self._ask_contact(turn, state)
        if (matched or not message or is_back(message) or is_one_of(message, "words.review")
                or is_small_talk(message)):
            # "ok", "tack", "klar", "3": not for anyone else, so not a reason to close the report.
            turn.say("annual_report.retry.review")
            return WAIT
        return self._pass_on(turn)

    async def _submit(self, turn: _Turn, state: dict[str, Any]) -> str:
        missing = what_is_missing(turn.report)
        if missing:
            state.update(mode=REVIEW, part=None, item=None, walk=False)
            turn.show(missing_card(turn.report, missing, turn.lang))
            return WAIT
        await submit(turn.session, turn.report, turn.user)
        card = ks_summary_card(turn.report, submitted_by=turn.user.name or None)
        subject = f"{turn.report.organisation.name} {turn.report.year}"
        turn.submitted = await inform_ks_about_annual_report(turn.context, turn.session, self._settings,
                                                             turn.report.id, subject, card, turn.lang)
        return END

    async def _show_locked(self, turn: _Turn) -> None:
        """The report read-only: submitted or approved (saying when, and by whom), or another organisation's."""
        report, lang = turn.report, turn.lang
        if report.status in OPEN_ANNUAL_REPORT_STATUSES:
            events = await list_events(turn.session, report)
            last = events[-1] if events else None
            note = text("annual_report.review.view_only", lang, organisation=report.organisation.name)
            turn.show(review_card(report, lang, lock_note=note,
                                  last_change=(last.actor.name if last.actor else None, last.at) if last else None))
            return
        if report.status == AnnualReportStatus.APPROVED:
            note = text("annual_report.review.locked_approved", lang,
                        when=_when(report.approved_at or report.updated_at, lang))
        else:
            submitter = (await turn.session.get(User, report.submitted_by_user_id)
                         if report.submitted_by_user_id is not None else None)
            note = text("annual_report.review.locked_submitted", lang,
                        when=_when(report.submitted_at or report.updated_at, lang),
                        who=submitter.name if submitter is not None else text("annual_report.review.someone", lang))
        turn.show(review_card(report, lang, last_change=None, lock_note=note))

    # --- helpers -------------------------------------------------------------------------------------

    @staticmethod
    def _pass_on(turn: _Turn) -> str:
        turn.say("annual_report.saved_and_closed")
        return PASS

    @staticmethod
    async def _applications(turn: _Turn, items: list[AnnualReportItem]) -> dict[int, Application]:
        """The registered applications behind prefilled EU projects, those the user may see."""
        found: dict[int, Application] = {}
        for item in items:
            if item.application_id is None:
                continue
            try:
                found[item.application_id] = await get_application(turn.session, item.application_id, turn.user)
            except (AccessDenied, NotFound):
                continue
        return found



def _part(value: object) -> AnnualReportItemKind | None:
    try:
        return AnnualReportItemKind(str(value))
    except ValueError:
        return None


def _fields_for(item: AnnualReportItem) -> list[str]:
    """A prefilled EU project keeps its title (the project's name); anything else may be renamed."""
    return list(CONFIRM_FIELDS) if item.application_id is not None else list(ITEM_FIELDS)


def _current_value(item: AnnualReportItem, field_name: str, lang: Language) -> str | None:
    if field_name == "focus_areas":
        return focus_label(item.focus_areas, lang) if item.focus_areas else None
    value = getattr(item, field_name)
    return str(value) if value else None


def _when(moment: datetime, lang: Language) -> str:
    return format_moment(moment, lang)
