"""KS förvaltning returns a submitted annual report for completion, or approves it (policy 3.2.1, 3.3, 4).

Two ways in: the buttons of the summary card posted in KS förvaltning's channel when a report is submitted
("Returnera för komplettering" with the card's comment field, "Godkänn"), and typed commands
("returnera årsredovisning Miljönämnden 2025: komplettera med vänortssamarbetet", "godkänn årsredovisning
Miljönämnden 2025"). The card sits in a channel others read too, so whoever presses is asked for their role:
only KS coordinators and administrators act. A return needs a comment saying what to complete.

Once decided, the card in the channel is replaced by a read-only one that says what was decided, by whom and when
("Godkänd av Karin Karlsson 5 dec 2026 kl. 08.32"), so that no other coordinator takes it for pending. A press
on a card whose report was decided meanwhile, or on the card of an earlier submission, changes nothing: it is
answered with the report's current state, and that card is brought up to date too.

Whoever submitted the report is told in their personal chat with Lotsen, with a button that opens the report:
the notice is added in the change's own transaction and delivered after the commit (dialogs/common/ks_notification.py),
and the answer says that it is on its way, or why they cannot be reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from botbuilder.core import TurnContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.common.card_values import record_id
from dialogs.common.cards import Card
from dialogs.common.formatting import format_moment
from dialogs.common.replies import replace_pressed_card
from dialogs.common.turn import Turn
from dialogs.common.ks_notification import NotificationOutcome, tell_submitter
from dialogs.common.input_parsing import command_rest, command_words, plain
from dialogs.annual_report.cards import ks_summary_card, submission_mark
from dialogs.annual_report.ks_cards import (
    APPROVE_ACTION,
    COMMENT_INPUT,
    RETURN_ACTION,
    review_notice_card,
    status_label,
)
from dialogs.annual_report.report_status import (
    default_report_year,
    looks_like_year,
    read_year,
    utc_now,
)
from dialogs.common.turn_user import acting_user
from storage.access import AccessDenied, NotFound, can_see_all_organisations
from storage.annual_reports import (
    AnnualReport,
    AnnualReportEventKind,
    AnnualReportStatus,
    InvalidReportStatus,
    approve,
    get_report,
    last_event,
    return_for_completion,
)
from storage.models import User
from storage.organisations import find_organisation, must_report
from texts import Language, language_of, text

Action = Literal["return", "approve"]
# The organisation named in the examples when the request named none we know.
EXAMPLE_ORGANISATION = "Miljönämnden"


@dataclass(frozen=True)
class ReviewRequest:
    action: Action
    report_id: int | None = None  # a card button's report
    organisation_name: str | None = None  # typed
    year: int | None = None  # typed; None: the last calendar year
    comment: str | None = None
    problem: Literal["usage", "bad_year"] | None = None  # the typed command could not be read
    submission: str | None = None  # a card button's: which submission the card is about (cards.submission_mark)


@dataclass
class _Outcome:
    """What the turn did: the answer, and (when the report changed) the notice for whoever submitted it."""

    reply: str
    notice: Literal["returned", "approved"] | None = None
    organisation: str = ""
    year: int = 0
    comment: str | None = None
    reviewer: str = ""
    submitter_id: int | None = None
    submitter_name: str = ""
    told: NotificationOutcome | None = None  # the submitter's notice: on its way, or why it cannot be sent
    card: Card | None = None  # what the pressed card now shows: the report decided or submitted anew


def _read_typed(action: Action, rest: str) -> ReviewRequest:
    """ "Miljönämnden 2025: komplettera med …" → the organisation, the year and the comment."""
    head, colon, comment = rest.partition(":")
    words = head.split()
    before_name = set(command_words("ks.words.before_name"))
    while words and plain(words[0]) in before_name:
        words.pop(0)
    year = None
    if words and looks_like_year(words[-1]):
        year = read_year(words[-1])
        if year is None:
            return ReviewRequest(action, problem="bad_year")
        words.pop()
    if not words:
        return ReviewRequest(action, problem="usage")
    return ReviewRequest(action, organisation_name=" ".join(words), year=year,
                         comment=comment.strip() if colon else None)


class ReportReviewCommand:
    """A `dialogs.common.chat_commands.ChatCommand`: return or approve a submitted annual report."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession],
                 clock: Callable[[], datetime] = utc_now) -> None:
        """`clock` (UTC now) decides the year a typed command without one is about."""
        self._session_factory = session_factory
        self._clock = clock

    def recognise(self, message: str, value: object, lang: Language) -> ReviewRequest | None:
        if isinstance(value, dict) and value.get("action") in (RETURN_ACTION, APPROVE_ACTION):
            comment = value.get(COMMENT_INPUT)
            return ReviewRequest(
                "return" if value["action"] == RETURN_ACTION else "approve",
                report_id=record_id(value.get("report_id")),
                comment=comment.strip() if isinstance(comment, str) else None,
                submission=value.get("submitted_at") if isinstance(value.get("submitted_at"), str) else None,
            )
        for action, key in (("return", "ks.words.return"), ("approve", "ks.words.approve")):
            rest = command_rest(message or "", key)
            if rest is not None:
                return _read_typed(action, rest)  # type: ignore[arg-type]
        return None

    async def handle(self, turn: Turn, request: object) -> None:
        lang = turn.lang
        assert isinstance(request, ReviewRequest)
        context = turn.context
        outcome = await self._review(context, request, lang)
        if outcome.card is not None:
            await replace_pressed_card(context, outcome.card)
        await context.send_activity(outcome.reply)
        if outcome.notice is None:
            return
        if outcome.submitter_id is None:
            await context.send_activity(text("ks.review.no_submitter", lang))
            return
        if outcome.told is None or outcome.told.queued:
            await context.send_activity(text("ks.review.submitter_being_told", lang, name=outcome.submitter_name))
        else:
            await context.send_activity(text("ks.review.submitter_not_told", lang, name=outcome.submitter_name,
                                             reason=text(f"ks.review.reasons.{outcome.told.reason}", lang)))

    # --- the change ------------------------------------------------------------------------------------------

    def _example(self, action: Action, organisation: str, year: int, lang: Language) -> str:
        return text(f"ks.review.example_{action}", lang, organisation=organisation, year=year)

    async def _review(self, context: TurnContext, request: ReviewRequest, lang: Language) -> _Outcome:
        default_year = default_report_year(self._clock())
        if request.problem == "bad_year":
            example = self._example(request.action, EXAMPLE_ORGANISATION, default_year, lang)
            return _Outcome(text("ks.bad_year", lang, example=example))
        async with self._session_factory.begin() as session:
            user = await acting_user(session, context)
            if user is None or not can_see_all_organisations(user):
                return _Outcome(text("ks.review.refused", lang))
            if request.problem == "usage":
                example = self._example(request.action, EXAMPLE_ORGANISATION, default_year, lang)
                return _Outcome(text(f"ks.review.usage_{request.action}", lang, example=example))
            found = await self._find(session, request, user, default_year, lang)
            if isinstance(found, str):
                return _Outcome(found)
            outcome = await self._act(session, request, found, user, lang)
            if outcome.notice is not None and outcome.submitter_id is not None:
                await self._tell_submitter(context, session, found, outcome)
            if request.report_id is not None:
                outcome.card = await _card_now(session, found, request)
            return outcome

    async def _find(self, session: AsyncSession, request: ReviewRequest, user: User, default_year: int,
                    lang: Language) -> AnnualReport | str:
        """The report the request is about, or what to answer when there is none."""
        if request.organisation_name is None:
            stored = await session.get(AnnualReport, request.report_id) if request.report_id is not None else None
            if stored is None:
                return text("ks.review.not_found", lang)
            return await get_report(session, stored.organisation_id, stored.year, user)
        year = request.year or default_year
        organisation = await find_organisation(session, request.organisation_name)
        if organisation is None:
            return text("ks.review.unknown_organisation", lang, name=request.organisation_name,
                        example=self._example(request.action, EXAMPLE_ORGANISATION, year, lang))
        try:
            return await get_report(session, organisation.id, year, user)
        except NotFound:
            # A bolag that has not reported is not behind: it has no duty to (3.4).
            key = "ks.review.no_report" if must_report(organisation.kind) else "ks.review.no_report_voluntary"
            return text(key, lang, organisation=organisation.name, year=year)

    async def _act(self, session: AsyncSession, request: ReviewRequest, report: AnnualReport, user: User,
                   lang: Language) -> _Outcome:
        names = {"organisation": report.organisation.name, "year": report.year}
        status = report.status
        if _superseded(report, request):
            return _Outcome(text("ks.review.superseded", lang, **names))
        if request.action == "approve" and status is AnnualReportStatus.APPROVED:
            return _Outcome(text("ks.review.already_approved", lang, **names))
        if request.action == "return" and status is AnnualReportStatus.RETURNED:
            return _Outcome(text("ks.review.already_returned", lang, **names))
        if status is not AnnualReportStatus.SUBMITTED:
            return _Outcome(text(f"ks.review.not_submitted_{request.action}", lang,
                                 status=status_label(status.value, lang), **names))
        if request.action == "return" and not request.comment:
            example = self._example("return", report.organisation.name, report.year, lang)
            # The card is always in Swedish (dialogs/annual_report/cards.py): its button is named as it reads.
            button = text("annual_report.ks_card.return", "sv")
            return _Outcome(text("ks.review.comment_needed", lang, example=example, button=button,
                                 organisation=report.organisation.name))
        try:
            if request.action == "return":
                assert request.comment is not None
                await return_for_completion(session, report, user, request.comment)
            else:
                await approve(session, report, user)
        except InvalidReportStatus:  # a colleague acted on it in the same moment
            return _Outcome(text(f"ks.review.not_submitted_{request.action}", lang,
                                 status=status_label(report.status.value, lang), **names))
        except AccessDenied:
            return _Outcome(text("ks.review.refused", lang))
        if request.action == "return":
            reply = text("ks.review.returned", lang, comment=report.returned_comment, **names)
        else:
            reply = text("ks.review.approved", lang, **names)
        return _Outcome(
            reply,
            notice="returned" if request.action == "return" else "approved",
            organisation=report.organisation.name,
            year=report.year,
            comment=report.returned_comment if request.action == "return" else None,
            reviewer=user.name,
            submitter_id=report.submitted_by_user_id,
        )

    # --- telling whoever submitted it ------------------------------------------------------------------------

    async def _tell_submitter(self, context: TurnContext, session: AsyncSession, report: AnnualReport,
                              outcome: _Outcome) -> None:
        """Adds the notice for whoever submitted the report, in the review's own transaction; `outcome` learns
        their name and whether the notice is on its way (or why it cannot be sent)."""
        assert outcome.submitter_id is not None and outcome.notice is not None
        submitter = await session.get(User, outcome.submitter_id)
        if submitter is None:
            outcome.submitter_name, outcome.told = str(outcome.submitter_id), NotificationOutcome("not_installed")
            return
        outcome.submitter_name = submitter.name
        card = review_notice_card(outcome.notice, outcome.organisation, outcome.year, outcome.reviewer,
                                  outcome.comment, language_of(submitter.locale))
        outcome.told = await tell_submitter(context, session, submitter, report.id,
                                            f"{outcome.organisation} {outcome.year}", card,
                                            language_of(context.activity.locale))


# --- the card in the channel, brought up to date ------------------------------------------------------------------

def _superseded(report: AnnualReport, request: ReviewRequest) -> bool:
    """The press comes from the card of an earlier submission of a report that was returned and submitted again."""
    return (request.submission is not None and report.status is AnnualReportStatus.SUBMITTED
            and request.submission != submission_mark(report))


async def _card_now(session: AsyncSession, report: AnnualReport, request: ReviewRequest) -> Card | None:
    """The pressed card as it should read now: read-only with the decision once the report was returned or
    approved, or pointing to the new card once submitted again; None while it is still pending (a return without
    a comment, say), when the card stays as it is. Always in Swedish, like the card."""
    if report.status is AnnualReportStatus.SUBMITTED and not _superseded(report, request):
        return None
    if _superseded(report, request):
        assert report.submitted_at is not None
        decision = text("annual_report.ks_card.decided.resubmitted", "sv", when=format_moment(report.submitted_at))
    elif report.status is AnnualReportStatus.APPROVED:
        who, when = await _last_event(session, report, AnnualReportEventKind.APPROVED)
        decision = text("annual_report.ks_card.decided.approved", "sv", who=who,
                        when=format_moment(report.approved_at or when))
    elif report.returned_at is not None:  # returned, and perhaps being completed (a draft again)
        who, when = await _last_event(session, report, AnnualReportEventKind.RETURNED)
        decision = text("annual_report.ks_card.decided.returned", "sv", who=who,
                        when=format_moment(report.returned_at), comment=report.returned_comment or "–")
    else:
        return None
    submitter = await session.get(User, report.submitted_by_user_id) if report.submitted_by_user_id else None
    return ks_summary_card(report, submitted_by=submitter.name if submitter else None, decision=decision)


async def _last_event(session: AsyncSession, report: AnnualReport, kind: AnnualReportEventKind
                      ) -> tuple[str, datetime | None]:
    """Who made the report's latest change of `kind`, and when."""
    event = await last_event(session, report, kind)
    someone = text("annual_report.ks_card.decided.someone", "sv")
    if event is None:
        return someone, None
    return (event.actor.name if event.actor is not None and event.actor.name else someone), event.at
