"""The cards of KS förvaltning's side of the annual reports: the status overview, the answer to "Påminn alla",
the notice to whoever submitted a report that KS returned or approved, and the compilation's download links.

Every card is built from plain values (names, statuses, times) and the `ks` catalog, so the commands decide
what is shown and these functions only how. Times are shown in Malmö time.

Only nämnder must report (3.3, 4); a helägt bolag need not (3.4). The overview counts, lists as not started and
offers to remind the nämnder; bolag appear in a part of their own, "frivillig redovisning (3.4)", and only those
that have a report. Which is which is the policy's rule (`storage.organisations.must_report`), not the card's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal


from dialogs.common.cards import Card, adaptive_card, send_text_action
from dialogs.annual_report.cards import KS_APPROVE_ACTION, KS_COMMENT_INPUT, KS_RETURN_ACTION
from dialogs.common.formatting import format_date, format_moment
from reports.compilation import FORMATS
from storage.annual_reports import NOT_STARTED, AnnualReportStatus, needs_report_reminder
from storage.organisations import OrganisationKind, must_appoint_contact, must_report
from texts import Language, text

REMIND_ALL_ACTION = "annual_report_remind_all"
# The KS summary card's buttons and comment field (dialogs/annual_report/cards.py) are answered by
# dialogs/annual_report/report_review.py: one name for each, kept where the card is built.
RETURN_ACTION = KS_RETURN_ACTION
APPROVE_ACTION = KS_APPROVE_ACTION
COMMENT_INPUT = KS_COMMENT_INPUT

# The order statuses are counted and explained in: from not started to approved.
STATUS_ORDER: tuple[str, ...] = (
    NOT_STARTED,
    AnnualReportStatus.DRAFT.value,
    AnnualReportStatus.SUBMITTED.value,
    AnnualReportStatus.RETURNED.value,
    AnnualReportStatus.APPROVED.value,
)
# Reports KS förvaltning has in hand: nobody is reminded of these.
HANDED_IN: frozenset[str] = frozenset({AnnualReportStatus.SUBMITTED.value, AnnualReportStatus.APPROVED.value})


@dataclass(frozen=True)
class StatusRow:
    """One organisation's line of the overview, ready to show."""

    organisation: str
    status: str  # a value of STATUS_ORDER
    contact: str | None  # who to ask; None: nobody is named
    last_change: datetime | None
    kind: str = OrganisationKind.NAMND.value  # the organisation's kind: "namnd" or "bolag"

    @property
    def must_report(self) -> bool:
        return must_report(self.kind)


@dataclass(frozen=True)
class CompilationCounts:
    """The compilation card's figures: of the organisations that must report (the nämnder), and apart from them
    the reports handed in voluntarily by organisations that need not (bolag, 3.4)."""

    organisations: int  # that must report
    submitted: int  # submitted and waiting for KS förvaltning's review
    approved: int
    voluntary: int = 0  # handed in (submitted or approved) without a duty to report

    @property
    def missing(self) -> int:
        return self.organisations - self.submitted - self.approved


def status_label(status: str, lang: Language) -> str:
    return text(f"ks.statuses.{status}", lang)


def _title(words: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": words, "size": "Medium", "weight": "Bolder", "wrap": True}


def _paragraph(words: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": words, "wrap": True, **style}


def _facts(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in pairs]}


def _table(rows: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Organisations and their status as a two-column table. Not a FactSet: Teams gives a fact's title at most
    150 px, which breaks "Gymnasie- och vuxenutbildningsnämnden" mid-word on a phone; a stretching column wraps
    the name between words."""
    return {"type": "Container", "items": [
        {"type": "ColumnSet", "spacing": "Small", "columns": [
            {"type": "Column", "width": 3, "items": [{"type": "TextBlock", "text": name, "wrap": True}]},
            {"type": "Column", "width": 4, "items": [{"type": "TextBlock", "text": value, "wrap": True}]},
        ]}
        for name, value in rows]}


def _row_text(row: StatusRow, lang: Language) -> str:
    # Nobody named: a nämnd's contact person is missing (3.3); a bolag's representative is its own choice (3.4).
    contact = row.contact or text("ks.status.no_contact" if must_appoint_contact(row.kind)
                                  else "ks.status.no_representative", lang)
    label = text(f"ks.status.contact_labels.{OrganisationKind(row.kind).value}", lang)
    if row.status == NOT_STARTED and not row.must_report:
        status = text("ks.status.voluntary_not_started", lang)
    else:
        status = status_label(row.status, lang)
    if row.last_change is None:
        return text("ks.status.line_not_started", lang, status=status, contact_label=label, contact=contact)
    return text("ks.status.line", lang, status=status, contact_label=label, contact=contact,
                changed=format_moment(row.last_change, lang))


def status_card(year: int, rows: Sequence[StatusRow], deadline: date, lang: Language) -> Card:
    """The organisations that must report (nämnder) with their reports' status, the counts per status and who has
    not started; then, apart, the organisations that need not (bolag, 3.4) and have a voluntary report. The button
    that reminds them all is there while anyone is still to be reminded (`needs_report_reminder`)."""
    duty = [row for row in rows if row.must_report]
    voluntary = [row for row in rows if not row.must_report and row.status != NOT_STARTED]
    counts = {status: sum(1 for row in duty if row.status == status) for status in STATUS_ORDER}
    not_started = [row.organisation for row in duty if row.status == NOT_STARTED]
    body: list[dict[str, Any]] = [
        _title(text("ks.status.title", lang, year=year)),
        _paragraph(text("ks.status.intro", lang, year=year, deadline=format_date(deadline, lang)), isSubtle=True),
        _paragraph(text("ks.status.counts_heading", lang), weight="Bolder"),
        _facts([(status_label(status, lang), str(counts[status])) for status in STATUS_ORDER]),
        _paragraph(text("ks.status.organisations_heading", lang), weight="Bolder"),
        _table([(row.organisation, _row_text(row, lang)) for row in duty]),
    ]
    if not_started:
        body.append(_paragraph(text("ks.status.not_started_heading", lang), weight="Bolder"))
        body.append(_paragraph(", ".join(not_started)))
    else:
        body.append(_paragraph(text("ks.status.not_started_none", lang)))
    body.append(_paragraph(text("ks.status.voluntary_heading", lang), weight="Bolder"))
    body.append(_paragraph(text("ks.status.voluntary_intro", lang), isSubtle=True))
    if voluntary:
        body.append(_table([(row.organisation, _row_text(row, lang)) for row in voluntary]))
    else:
        body.append(_paragraph(text("ks.status.voluntary_none", lang, year=year)))
    actions = None
    if any(needs_report_reminder(row.must_report, row.status) for row in rows):
        actions = [{"type": "Action.Submit", "title": text("ks.status.remind_all", lang),
                    "data": {"action": REMIND_ALL_ACTION, "year": year}}]
    return adaptive_card(body, actions)


def own_status_card(year: int, row: StatusRow, lang: Language) -> Card:
    """A contact person's view: their own organisation's line only (a bolag's says its report is voluntary)."""
    hint = "ks.status.own_hint" if row.must_report else "ks.status.own_hint_voluntary"
    return adaptive_card([
        _title(text("ks.status.own_title", lang, year=year, organisation=row.organisation)),
        _paragraph(_row_text(row, lang)),
        _paragraph(text(hint, lang, year=year), isSubtle=True),
    ])


def remind_result_card(year: int, reminded: Sequence[str], people: int, without_contact: Sequence[str],
                       lang: Language, without_representative: Sequence[str] = ()) -> Card:
    """What "Påminn alla" did: how many organisations and people, and who could not be reminded: organisations
    that must appoint a contact person (3.3) and have none, and apart from them those that need not (a bolag with
    a voluntary report open, 3.4) and have no representative."""
    body: list[dict[str, Any]] = [
        _title(text("ks.remind.title", lang, year=year)),
        _facts([(text("ks.remind.organisations", lang), str(len(reminded))),
                (text("ks.remind.people", lang), str(people))]),
    ]
    if reminded:
        body.append(_paragraph(text("ks.remind.intro", lang), isSubtle=True))
        body.append(_paragraph(f"{text('ks.remind.reminded_heading', lang)} {', '.join(reminded)}"))
    if without_contact:
        body.append(_paragraph(text("ks.remind.without_contact_heading", lang), weight="Bolder", color="Attention"))
        body.append(_paragraph(", ".join(without_contact)))
        body.append(_paragraph(text("ks.remind.without_contact_hint", lang), isSubtle=True))
    if without_representative:
        body.append(_paragraph(text("ks.remind.without_representative_heading", lang), weight="Bolder"))
        body.append(_paragraph(", ".join(without_representative)))
        body.append(_paragraph(text("ks.remind.without_representative_hint", lang), isSubtle=True))
    return adaptive_card(body)


def review_notice_card(outcome: Literal["returned", "approved"], organisation: str, year: int, reviewer: str,
                       comment: str | None, lang: Language) -> Card:
    """To whoever submitted the report: KS förvaltning returned it (with the comment) or approved it."""
    body = [
        _title(text(f"ks.review.notice.{outcome}_title", lang, organisation=organisation, year=year)),
        _paragraph(text(f"ks.review.notice.{outcome}_body", lang, reviewer=reviewer)),
    ]
    if comment:
        body.append(_paragraph(text("ks.review.notice.comment", lang, comment=comment), weight="Bolder"))
    open_report = send_text_action(text("ks.review.notice.open", lang),
                                   text("ks.review.notice.open_message", lang, year=year))
    return adaptive_card(body, [open_report])


def compilation_card(year: int, links: Mapping[str, str], counts: CompilationCounts, valid_until: datetime,
                     lang: Language) -> Card:
    """The compilation for kommunfullmäktige: the counts, and a download link per format."""
    body = [
        _title(text("ks.compilation.title", lang, year=year)),
        _paragraph(text("ks.compilation.intro", lang), isSubtle=True),
        _facts([
            (text("ks.compilation.organisations", lang), str(counts.organisations)),
            (text("ks.compilation.submitted", lang), str(counts.submitted)),
            (text("ks.compilation.approved", lang), str(counts.approved)),
            (text("ks.compilation.missing", lang), str(counts.missing)),
            (text("ks.compilation.voluntary", lang), str(counts.voluntary)),
        ]),
        _paragraph(text("ks.compilation.valid", lang, until=format_moment(valid_until, lang)), isSubtle=True),
    ]
    actions = [{"type": "Action.OpenUrl", "title": text(f"ks.compilation.buttons.{fmt}", lang), "url": links[fmt]}
               for fmt in FORMATS if fmt in links]
    return adaptive_card(body, actions)
