"""The review, submitting (KS förvaltning is sent a summary) and the read-only view of a locked report."""

from __future__ import annotations

from datetime import datetime

from dialogs.annual_report.cards import CONTACT_NUMBER, PARTS, PLAN_NUMBER, ks_summary_card, missing_card, review_card
from dialogs.annual_report.parsing import is_one_of, is_small_talk, numbered
from dialogs.annual_report.place import ReportPlace
from dialogs.annual_report.report_turn import END, REVIEW, WAIT, ReportSteps, ReportTurn, what_is_missing
from dialogs.common.formatting import format_moment
from dialogs.common.input_parsing import is_back
from dialogs.common.ks_notification import inform_ks_about_annual_report
from storage.annual_reports import list_events, submit
from storage.models import OPEN_ANNUAL_REPORT_STATUSES, AnnualReportStatus, User
from texts import Language, text


class ReviewAndSubmit(ReportSteps):
    """The review card, submitting, and a locked report shown read-only."""

    async def _show_review(self, turn: ReportTurn, place: ReportPlace) -> str:
        place.mode, place.part, place.item, place.walk = REVIEW, None, None, False
        events = await list_events(turn.session, turn.report)
        last = events[-1] if events else None
        last_change = (last.actor.name if last.actor else None, last.at) if last is not None else None
        turn.show(review_card(turn.report, turn.lang, last_change=last_change))
        return WAIT

    async def _review_command(self, turn: ReportTurn, place: ReportPlace, message: str) -> str:
        if is_one_of(message, "words.submit"):
            return await self._submit(turn, place)
        matched, number = numbered(message, "words.edit")
        if matched and number is not None and 1 <= number <= len(PARTS):
            return await self._enter_part(turn, place, PARTS[number - 1], auto=False)
        if matched and number == PLAN_NUMBER:
            return await self._ask_plan(turn, place)
        if matched and number == CONTACT_NUMBER:
            return await self._ask_contact(turn, place)
        if (matched or not message or is_back(message) or is_one_of(message, "words.review")
                or is_small_talk(message)):
            # "ok", "tack", "klar", "3": not for anyone else, so not a reason to close the report.
            turn.say("annual_report.retry.review")
            return WAIT
        return turn.pass_on()

    async def _submit(self, turn: ReportTurn, place: ReportPlace) -> str:
        missing = what_is_missing(turn.report)
        if missing:
            place.mode, place.part, place.item, place.walk = REVIEW, None, None, False
            turn.show(missing_card(turn.report, missing, turn.lang))
            return WAIT
        await submit(turn.session, turn.report, turn.user)
        # The review card pressed becomes the report as submitted: no "Skicka in" left on it to press again.
        assert turn.report.submitted_at is not None
        turn.pressed_card = review_card(turn.report, turn.lang, last_change=None, lock_note=text(
            "annual_report.review.locked_submitted", turn.lang, when=_when(turn.report.submitted_at, turn.lang),
            who=turn.user.name or text("annual_report.review.someone", turn.lang)))
        card = ks_summary_card(turn.report, submitted_by=turn.user.name or None)
        subject = f"{turn.report.organisation.name} {turn.report.year}"
        turn.submitted = await inform_ks_about_annual_report(turn.context, turn.session, self._settings,
                                                             turn.report.id, subject, card, turn.lang)
        return END

    async def _show_locked(self, turn: ReportTurn) -> None:
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



def _when(moment: datetime, lang: Language) -> str:
    return format_moment(moment, lang)
