"""Annual reports of international work (policy 3.3 and 4): drafts, their items, submission and KS's answer.

One report per organisation and year. It is a draft (or returned) while the organisation works on it, and
locked once submitted: KS förvaltning (coordinators, admins) may return it with a comment, which opens it
again, or approve it. Only the organisation's own users (whatever their role) create and change its report;
KS coordinators and admins see every organisation's, and return or approve them, but write none but their own
organisation's. Every change records an `AnnualReportEvent` in the same transaction. Relationships are
`lazy="raise"`, so every function returning a report loads its organisation and items.

A nämnd must report every year (3.3, 4); a helägt bolag need not (3.4), but may report voluntarily — Lotsen's
choice where the policy is silent (`storage.organisations.must_report` says which is which). So a bolag without
a report is never "missing": `OrganisationStatus.must_report` tells the overview's readers apart, and
`needs_report_reminder` decides, for both the planned reminders and KS förvaltning's "Påminn alla", who is
reminded: a nämnd until it has handed its report in, a bolag only while a voluntary report it started is open.

The EU projects part follows the organisation's registered applications of the year: a new draft gets one item
per application, and `add_new_applications` adds those registered later, except any an official removed on
purpose (the ITEM_REMOVED event keeps the application's id).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from storage._sql import dialect_insert
from storage.access import AccessDenied, NotFound, can_see_all_organisations
from storage.applications import in_year
from storage.contact_persons import contact_persons_by_organisation, users_with_contact_role
from storage.models import (
    OPEN_ANNUAL_REPORT_STATUSES,
    AnnualReport,
    AnnualReportEvent,
    AnnualReportEventKind,
    AnnualReportItem,
    AnnualReportItemKind,
    AnnualReportStatus,
    Application,
    ContactPerson,
    FocusArea,
    Organisation,
    User,
    utc_now,
)
from storage.organisations import must_report, swedish_sort_key

__all__ = [
    "NOT_STARTED",
    "AccessDenied",
    "AnnualReport",
    "AnnualReportEvent",
    "AnnualReportEventKind",
    "AnnualReportItem",
    "AnnualReportItemKind",
    "AnnualReportStatus",
    "FocusArea",
    "InvalidReportStatus",
    "NotFound",
    "OrganisationStatus",
    "ReportLocked",
    "add_item",
    "add_new_applications",
    "approve",
    "can_change_report",
    "can_view_report",
    "get_or_create_draft",
    "get_report",
    "list_events",
    "needs_report_reminder",
    "organisations_reminded_of_report",
    "remove_item",
    "report_status_overview",
    "return_for_completion",
    "set_details",
    "submit",
    "update_item",
]

# The overview's status for an organisation with no report row ("ej påbörjad").
NOT_STARTED = "not_started"
_TITLE_MAX_LENGTH = 200
_CONTACT_NAME_MAX_LENGTH = 200


class ReportLocked(Exception):
    """The report is submitted or approved: it cannot be changed until KS förvaltning returns it."""


class InvalidReportStatus(ValueError):
    """The step asked for does not follow from the report's status (e.g. approving a draft)."""


@dataclass(frozen=True)
class OrganisationStatus:
    """One line of KS förvaltning's overview: an organisation, its report's status and who to ask."""

    organisation: Organisation
    status: str  # an AnnualReportStatus value, or NOT_STARTED
    report_id: int | None
    contact_persons: list[User]  # users with role contact_person placed in the organisation
    last_change: datetime | None  # when the report last changed (None when not started)
    # The contact-person registry's row (3.3 / 3.4), with its linked user loaded; None when nobody is named.
    contact: ContactPerson | None = None

    @property
    def must_report(self) -> bool:
        """A nämnd must report (3.3, 4); a bolag's report is voluntary (3.4), and its absence no gap."""
        return must_report(self.organisation.kind)


def needs_report_reminder(organisation_must_report: bool, status: str) -> bool:
    """Whether an organisation whose report is in `status` (an AnnualReportStatus value, or NOT_STARTED) is
    reminded of it: one that must report until it has handed the report in; one that need not (a bolag, 3.4)
    only while a voluntary report it has started is open (draft or returned), never for not starting one."""
    if status in {s.value for s in OPEN_ANNUAL_REPORT_STATUSES}:
        return True
    return organisation_must_report and status == NOT_STARTED


def can_view_report(user: User, organisation_id: int) -> bool:
    """Officials and contact persons their own organisation's reports; KS coordinators and admins all."""
    if can_see_all_organisations(user):
        return True
    return user.organisation_id is not None and user.organisation_id == organisation_id


def can_change_report(user: User, organisation_id: int) -> bool:
    """The organisation's own users, any of them (a colleague continues another's draft). KS coordinators and
    admins see every report but create and change only their own organisation's: they return or approve."""
    return user.organisation_id is not None and user.organisation_id == organisation_id


async def get_or_create_draft(
    session: AsyncSession, organisation_id: int, year: int, actor: User
) -> AnnualReport:
    """The organisation's report for `year`, created as a draft when there is none; only the organisation's own
    users may (`can_change_report`), others are AccessDenied.

    A new draft gets one EU project item per application registered for that organisation and year
    (`storage.applications.in_year`), to be confirmed or corrected. The insert is INSERT … ON CONFLICT DO
    NOTHING on (organisation, year), so two colleagues starting at once share one report, prefilled once.
    An existing report is returned whatever its status, as it is (`add_new_applications` brings it up to date).
    """
    if not can_change_report(actor, organisation_id):
        raise AccessDenied(f"User {actor.id} may not report for organisation {organisation_id}")
    organisation = await session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"No organisation with id {organisation_id}")
    now = utc_now()
    statement = (
        dialect_insert(session, AnnualReport.__table__)
        .values(
            organisation_id=organisation_id,
            year=year,
            status=AnnualReportStatus.DRAFT.value,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["organisation_id", "year"])
        .returning(AnnualReport.__table__.c.id)
    )
    new_id = (await session.execute(statement)).scalar_one_or_none()
    if new_id is None:
        return await _load(session, organisation_id, year)

    applications = await _applications_of_year(session, organisation_id, year)
    for position, application in enumerate(applications):
        session.add(_project_item(new_id, application, position, now))
    _record(
        session,
        new_id,
        AnnualReportEventKind.CREATED,
        actor,
        {"year": year, "prefilled_application_ids": [application.id for application in applications]},
        at=now,
    )
    await session.flush()
    return await _load(session, organisation_id, year)


async def add_new_applications(session: AsyncSession, report: AnnualReport, actor: User) -> list[AnnualReportItem]:
    """Adds an EU project item for each application of the report's organisation and year that was registered
    after the draft was prefilled: one no item links and no one removed from this report on purpose.

    Each gets an ITEM_ADDED event whose details say `"prefilled": True` (Lotsen added it, nobody answered
    anything). Returns the items added, oldest application first; [] when there were none. The report must be
    open (draft or returned) and the actor one of the organisation's own users.
    """
    _require_open(session, report, actor)
    linked = {item.application_id for item in report.items if item.application_id is not None}
    removed = await _removed_application_ids(session, report)
    wanted = [application for application in await _applications_of_year(session, report.organisation_id, report.year)
              if application.id not in linked and application.id not in removed]
    if not wanted:
        return []
    last = await session.scalar(
        select(func.max(AnnualReportItem.position)).where(AnnualReportItem.report_id == report.id)
    )
    now = utc_now()
    added = []
    for offset, application in enumerate(wanted, start=1):
        item = _project_item(report.id, application, (-1 if last is None else last) + offset, now)
        session.add(item)
        added.append(item)
    await session.flush()
    for item in added:
        _record(
            session, report.id, AnnualReportEventKind.ITEM_ADDED, actor,
            {"item_id": item.id, "kind": item.kind.value, "title": item.title,
             "application_id": item.application_id, "prefilled": True},
            at=now,
        )
    await _touched(session, report)
    return added


async def get_report(session: AsyncSession, organisation_id: int, year: int, viewer: User) -> AnnualReport:
    """The report, with organisation and items loaded; NotFound when it was never started."""
    if not can_view_report(viewer, organisation_id):
        raise AccessDenied(f"User {viewer.id} may not view the reports of organisation {organisation_id}")
    return await _load(session, organisation_id, year)


async def add_item(
    session: AsyncSession,
    report: AnnualReport,
    actor: User,
    *,
    kind: AnnualReportItemKind | str,
    title: str,
    description: str | None,
    focus_areas: Iterable[FocusArea | str],
    results: str | None,
    application_id: int | None = None,
) -> AnnualReportItem:
    """Adds a piece of work at the end of the report."""
    _require_open(session, report, actor)
    item_kind = AnnualReportItemKind(kind)
    last = await session.scalar(
        select(func.max(AnnualReportItem.position)).where(AnnualReportItem.report_id == report.id)
    )
    item = AnnualReportItem(
        report_id=report.id,
        kind=item_kind,
        title=_title(title),
        description=_text(description),
        focus_areas=_focus_areas(focus_areas),
        results=_text(results),
        application_id=application_id,
        position=0 if last is None else last + 1,
        created_at=utc_now(),
    )
    session.add(item)
    await session.flush()
    _record(
        session, report.id, AnnualReportEventKind.ITEM_ADDED, actor,
        {"item_id": item.id, "kind": item_kind.value, "title": item.title},
    )
    await _touched(session, report)
    return item


_UNCHANGED: Any = object()


async def update_item(
    session: AsyncSession,
    report: AnnualReport,
    actor: User,
    item_id: int,
    *,
    kind: AnnualReportItemKind | str = _UNCHANGED,
    title: str = _UNCHANGED,
    description: str | None = _UNCHANGED,
    focus_areas: Iterable[FocusArea | str] = _UNCHANGED,
    results: str | None = _UNCHANGED,
) -> AnnualReportItem:
    """Changes the fields given (a field left out stays; None clears description or results)."""
    _require_open(session, report, actor)
    item = await _item(session, report, item_id)
    new_values: dict[str, Any] = {}
    if kind is not _UNCHANGED:
        new_values["kind"] = AnnualReportItemKind(kind)
    if title is not _UNCHANGED:
        new_values["title"] = _title(title)
    if description is not _UNCHANGED:
        new_values["description"] = _text(description)
    if focus_areas is not _UNCHANGED:
        new_values["focus_areas"] = _focus_areas(focus_areas)
    if results is not _UNCHANGED:
        new_values["results"] = _text(results)
    changed = [name for name, value in new_values.items() if getattr(item, name) != value]
    if not changed:
        return item
    for name in changed:
        setattr(item, name, new_values[name])
    _record(session, report.id, AnnualReportEventKind.ITEM_UPDATED, actor, {"item_id": item.id, "fields": changed})
    await _touched(session, report)
    return item


async def remove_item(session: AsyncSession, report: AnnualReport, actor: User, item_id: int) -> None:
    """Removes an item; the event keeps the application it was about (if any), which is then not added again."""
    _require_open(session, report, actor)
    item = await _item(session, report, item_id)
    details = {"item_id": item.id, "kind": item.kind.value, "title": item.title,
               "application_id": item.application_id}
    await session.delete(item)
    _record(session, report.id, AnnualReportEventKind.ITEM_REMOVED, actor, details)
    await _touched(session, report)


async def set_details(
    session: AsyncSession,
    report: AnnualReport,
    actor: User,
    *,
    in_verksamhetsplan: bool | None = None,
    contact_name: str | None = _UNCHANGED,
) -> AnnualReport:
    """Sets whether international work is in the verksamhetsplan (None leaves it) and the contact person or
    representative: a name, or None for "no one" (a bolag need not have a representative, 3.4); left out, it
    stays."""
    _require_open(session, report, actor)
    changes: dict[str, dict[str, Any]] = {}
    if in_verksamhetsplan is not None and report.in_verksamhetsplan != in_verksamhetsplan:
        changes["in_verksamhetsplan"] = {"from": report.in_verksamhetsplan, "to": in_verksamhetsplan}
        report.in_verksamhetsplan = in_verksamhetsplan
    if contact_name is not _UNCHANGED:
        name = None if contact_name is None else " ".join(contact_name.split())
        if name is not None and (not name or len(name) > _CONTACT_NAME_MAX_LENGTH):
            raise ValueError(f"contact_name must be 1 to {_CONTACT_NAME_MAX_LENGTH} characters")
        if report.contact_name != name:
            changes["contact_name"] = {"from": report.contact_name, "to": name}
            report.contact_name = name
    if changes:
        _record(session, report.id, AnnualReportEventKind.DETAILS_CHANGED, actor, changes)
        await _touched(session, report)
    return report


async def submit(session: AsyncSession, report: AnnualReport, actor: User) -> AnnualReport:
    """Sends the report to KS förvaltning (draft or returned → submitted) and locks it."""
    _require_open(session, report, actor)
    previous = report.status
    now = utc_now()
    await _move(session, report, OPEN_ANNUAL_REPORT_STATUSES, AnnualReportStatus.SUBMITTED, "submit")
    report.submitted_at = now
    report.submitted_by_user_id = actor.id
    _record(session, report.id, AnnualReportEventKind.SUBMITTED, actor, {"from": previous.value}, at=now)
    await _touched(session, report)
    return report


async def return_for_completion(
    session: AsyncSession, report: AnnualReport, actor: User, comment: str
) -> AnnualReport:
    """KS förvaltning sends a submitted report back with a comment; the organisation can change it again."""
    _require_coordinator(session, report, actor)
    comment = comment.strip()
    if not comment:
        raise ValueError("A returned report needs a comment saying what to complete")
    if report.status is not AnnualReportStatus.SUBMITTED:
        raise InvalidReportStatus(f"Report {report.id} is {report.status.value}, not submitted: cannot return it")
    now = utc_now()
    await _move(session, report, (AnnualReportStatus.SUBMITTED,), AnnualReportStatus.RETURNED, "return")
    report.returned_comment = comment
    report.returned_at = now
    report.returned_by_user_id = actor.id
    _record(session, report.id, AnnualReportEventKind.RETURNED, actor, {"comment": comment}, at=now)
    await _touched(session, report)
    return report


async def approve(session: AsyncSession, report: AnnualReport, actor: User) -> AnnualReport:
    """KS förvaltning accepts a submitted report; it stays locked."""
    _require_coordinator(session, report, actor)
    if report.status is not AnnualReportStatus.SUBMITTED:
        raise InvalidReportStatus(f"Report {report.id} is {report.status.value}, not submitted: cannot approve it")
    now = utc_now()
    await _move(session, report, (AnnualReportStatus.SUBMITTED,), AnnualReportStatus.APPROVED, "approve")
    report.approved_at = now
    _record(session, report.id, AnnualReportEventKind.APPROVED, actor, {}, at=now)
    await _touched(session, report)
    return report


async def report_status_overview(session: AsyncSession, year: int, viewer: User) -> list[OrganisationStatus]:
    """Every active organisation, in Swedish name order, with its report status for `year` (KS only)."""
    if not can_see_all_organisations(viewer):
        raise AccessDenied(f"User {viewer.id} may not see the overview of annual reports")
    organisations = (await session.scalars(select(Organisation).where(Organisation.active.is_(True)))).all()
    reports = {
        report.organisation_id: report
        for report in (await session.scalars(select(AnnualReport).where(AnnualReport.year == year))).all()
    }
    contacts = await users_with_contact_role(session)
    registry = await contact_persons_by_organisation(session)
    lines = []
    for organisation in sorted(organisations, key=lambda organisation: swedish_sort_key(organisation.name)):
        report = reports.get(organisation.id)
        lines.append(
            OrganisationStatus(
                organisation=organisation,
                status=report.status.value if report is not None else NOT_STARTED,
                report_id=report.id if report is not None else None,
                contact_persons=contacts.get(organisation.id, []),
                last_change=report.updated_at if report is not None else None,
                contact=registry.get(organisation.id),
            )
        )
    return lines


async def organisations_reminded_of_report(session: AsyncSession, year: int) -> list[tuple[Organisation, bool]]:
    """The active organisations the yearly reminders before the deadline of `year`'s report go to, in Swedish
    order, each with whether it is reminded of a voluntary report (a bolag with an open one, 3.4) rather than of
    its duty. Every one that must report is here, whatever its report's status (the planned reminders are
    planned ahead, and "Klart" ends a round); one that need not only while its report of `year` is open."""
    organisations = (await session.scalars(select(Organisation).where(Organisation.active.is_(True)))).all()
    open_reports = set(
        (
            await session.scalars(
                select(AnnualReport.organisation_id).where(
                    AnnualReport.year == year,
                    AnnualReport.status.in_([status.value for status in OPEN_ANNUAL_REPORT_STATUSES]),
                )
            )
        ).all()
    )
    found = []
    for organisation in sorted(organisations, key=lambda organisation: swedish_sort_key(organisation.name)):
        if must_report(organisation.kind):
            found.append((organisation, False))
        elif organisation.id in open_reports:
            found.append((organisation, True))
    return found


async def list_events(session: AsyncSession, report: AnnualReport) -> list[AnnualReportEvent]:
    """The report's history, oldest first, each with its actor loaded."""
    result = await session.scalars(
        select(AnnualReportEvent)
        .where(AnnualReportEvent.report_id == report.id)
        .options(selectinload(AnnualReportEvent.actor))
        .order_by(AnnualReportEvent.at, AnnualReportEvent.id)
    )
    return list(result.all())


async def last_event(session: AsyncSession, report: AnnualReport, kind: AnnualReportEventKind
                     ) -> AnnualReportEvent | None:
    """The report's latest change of `kind` (who returned or approved it, and when), its actor loaded."""
    return await session.scalar(
        select(AnnualReportEvent)
        .where(AnnualReportEvent.report_id == report.id, AnnualReportEvent.kind == kind)
        .options(selectinload(AnnualReportEvent.actor))
        .order_by(AnnualReportEvent.at.desc(), AnnualReportEvent.id.desc())
        .limit(1)
    )


async def _load(session: AsyncSession, organisation_id: int, year: int) -> AnnualReport:
    report = await session.scalar(
        select(AnnualReport)
        .where(AnnualReport.organisation_id == organisation_id, AnnualReport.year == year)
        .options(selectinload(AnnualReport.organisation), selectinload(AnnualReport.items))
        .execution_options(populate_existing=True)
    )
    if report is None:
        raise NotFound(f"No annual report of organisation {organisation_id} for {year}")
    return report


async def _applications_of_year(session: AsyncSession, organisation_id: int, year: int) -> list[Application]:
    """The organisation's applications of `year` (`in_year`), oldest first, as they were registered."""
    result = await session.scalars(
        select(Application)
        .where(Application.organisation_id == organisation_id, in_year(year))
        .order_by(Application.created_at, Application.id)
    )
    return list(result.all())


async def _removed_application_ids(session: AsyncSession, report: AnnualReport) -> set[int]:
    """The applications whose items someone removed from this report (read from its ITEM_REMOVED events)."""
    details = await session.scalars(
        select(AnnualReportEvent.details).where(
            AnnualReportEvent.report_id == report.id, AnnualReportEvent.kind == AnnualReportEventKind.ITEM_REMOVED
        )
    )
    found = (detail.get("application_id") for detail in details.all() if isinstance(detail, dict))
    return {value for value in found if isinstance(value, int) and not isinstance(value, bool)}


def _project_item(report_id: int, application: Application, position: int, now: datetime) -> AnnualReportItem:
    """An EU project item prefilled from a registered application, to be confirmed."""
    return AnnualReportItem(
        report_id=report_id,
        kind=AnnualReportItemKind.EU_PROJECT,
        title=_title(application.project_name or f"EU-ansökan {application.id}"),
        description=application.description,
        focus_areas=[],
        results=None,
        application_id=application.id,
        position=position,
        created_at=now,
    )


async def _move(
    session: AsyncSession,
    report: AnnualReport,
    expected: tuple[AnnualReportStatus, ...],
    new_status: AnnualReportStatus,
    action: str,
) -> None:
    """Moves the report to `new_status` only if it is still in one of `expected`, in one conditional UPDATE.

    The status the caller loaded may be stale: two coordinators returning and approving at once, or a double
    press, would otherwise both succeed. The second finds no row in the expected status and is refused.
    """
    result = await session.execute(
        update(AnnualReport)
        .where(AnnualReport.id == report.id, AnnualReport.status.in_([status.value for status in expected]))
        .values(status=new_status.value)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        await session.refresh(report, ["status"])
        raise InvalidReportStatus(f"Report {report.id} is {report.status.value} by now: cannot {action} it")
    set_committed_value(report, "status", new_status)


async def _touched(session: AsyncSession, report: AnnualReport) -> None:
    """Marks the report changed and reloads its items, so the caller's object shows the change."""
    report.updated_at = utc_now()
    await session.flush()
    await session.refresh(report, ["items"])


async def _item(session: AsyncSession, report: AnnualReport, item_id: int) -> AnnualReportItem:
    item = await session.scalar(
        select(AnnualReportItem).where(AnnualReportItem.id == item_id, AnnualReportItem.report_id == report.id)
    )
    if item is None:
        raise NotFound(f"No item {item_id} in annual report {report.id}")
    return item


def _require_in(session: AsyncSession, report: AnnualReport) -> None:
    # A change made to a report loaded by another session would silently never be written.
    if report not in session:
        raise ValueError(f"Annual report {report.id} is not loaded in this session: load it with get_report")


def _require_open(session: AsyncSession, report: AnnualReport, actor: User) -> None:
    _require_in(session, report)
    if not can_change_report(actor, report.organisation_id):
        raise AccessDenied(f"User {actor.id} may not change annual report {report.id}")
    if report.status not in OPEN_ANNUAL_REPORT_STATUSES:
        raise ReportLocked(f"Annual report {report.id} is {report.status.value} and cannot be changed")


def _require_coordinator(session: AsyncSession, report: AnnualReport, actor: User) -> None:
    _require_in(session, report)
    if not can_see_all_organisations(actor):
        raise AccessDenied(f"User {actor.id} may not return or approve annual report {report.id}")


def _title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned or len(cleaned) > _TITLE_MAX_LENGTH:
        raise ValueError(f"An item's title must be 1 to {_TITLE_MAX_LENGTH} characters")
    return cleaned


def _text(text: str | None) -> str | None:
    if text is None:
        return None
    return text.strip() or None


def _focus_areas(values: Iterable[FocusArea | str]) -> list[str]:
    """Valid, without repeats, in policy order ("2a", "2b", "2c")."""
    if isinstance(values, str):
        raise ValueError("focus_areas is a list of focus areas, not one string")
    chosen = {FocusArea(value) for value in values}
    return [area.value for area in FocusArea if area in chosen]


def _record(
    session: AsyncSession,
    report_id: int,
    kind: AnnualReportEventKind,
    actor: User | None,
    details: dict[str, Any],
    *,
    at: datetime | None = None,
) -> None:
    session.add(
        AnnualReportEvent(
            report_id=report_id,
            actor_user_id=actor.id if actor is not None else None,
            kind=kind,
            details=details,
            at=at or utc_now(),
        )
    )
