"""Registered EU applications: creating them once, reading them back as `ApplicationData`, and their history.

Every change that matters (created, status changed, informationsärende sent, KS förvaltning informed or not
reached) is recorded as an `ApplicationEvent` in the same transaction as the change itself. Who may see or
change what is decided by `storage.access`; the functions here raise `AccessDenied` and `NotFound`.
Relationships are `lazy="raise"`, so every function returning applications loads their organisation,
creator and information item up front.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from policy.dates import MALMO_TIME
from storage._sql import dialect_insert
from storage.reminders import cancel_for_subject
from storage.access import (
    AccessDenied,
    NotFound,
    can_change_application,
    can_see_all_organisations,
    can_view_application,
)
from storage.application_data import ApplicationData, ApplicationStatus, InformationItemStatus, Money
from storage.models import (
    Application,
    ApplicationEvent,
    ApplicationEventKind,
    InformationItem,
    Organisation,
    User,
    utc_now,
)

__all__ = [
    "AccessDenied",
    "Application",
    "ApplicationPage",
    "ApplicationEvent",
    "ApplicationEventKind",
    "InformationItem",
    "NotFound",
    "application_data",
    "application_reference",
    "applications_with_open_information_items",
    "create_application",
    "find_application_by_reference",
    "get_application",
    "get_application_by_submission_key",
    "granted_amount",
    "in_year",
    "list_applications",
    "list_applications_page",
    "list_events",
    "mark_information_item_sent",
    "parse_application_reference",
    "record_ks_administration_informed",
    "record_ks_administration_not_reached",
    "set_status",
]

_SUBMISSION_KEY_MAX_LENGTH = 200
# "EU-2026-0007", "eu-2026-7", "EU 2026 7", "#7", "7": the year is optional, the number is the id.
_REFERENCE = re.compile(r"#?\s*(?:eu[\s\-–]*(?P<year>\d{4})[\s\-–]+)?(?P<id>\d{1,9})", re.IGNORECASE)
# The fields of ApplicationData kept as one column of the same name.
_PLAIN_FIELDS = tuple(
    name for name in ApplicationData.model_fields if name not in ("organisation_slug", "total_budget", "malmo_share")
)
_MONEY_FIELDS = ("total_budget", "malmo_share")
# Statuses in which the application has no grant (yet, or at all): a granted amount is cleared on entering them.
_WITHOUT_GRANT = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED})


def _with_details(statement: Select[tuple[Application]]) -> Select[tuple[Application]]:
    return statement.options(
        selectinload(Application.organisation),
        selectinload(Application.created_by),
        selectinload(Application.information_item),
    )


def _columns_from(data: ApplicationData) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(data, name) for name in _PLAIN_FIELDS}
    for name in _MONEY_FIELDS:
        money: Money | None = getattr(data, name)
        values[f"{name}_minor"] = money.amount_minor if money is not None else None
        values[f"{name}_currency"] = money.currency if money is not None else None
    return values


def application_data(application: Application) -> ApplicationData:
    """The application's answers as the shared model (its organisation must be loaded, as it is here)."""
    values: dict[str, Any] = {name: getattr(application, name) for name in _PLAIN_FIELDS}
    values["organisation_slug"] = application.organisation.slug
    for name in _MONEY_FIELDS:
        minor, currency = getattr(application, f"{name}_minor"), getattr(application, f"{name}_currency")
        values[name] = Money(amount_minor=minor, currency=currency) if minor is not None else None
    return ApplicationData.model_validate(values)


def application_reference(application: Application) -> str:
    """"EU-2026-0007": the year it was registered (in Malmö) and its id, for people to quote."""
    year = application.created_at.astimezone(MALMO_TIME).year
    return f"EU-{year}-{application.id:04d}"


def parse_application_reference(text: str) -> tuple[int | None, int] | None:
    """(year or None, id) for "EU-2026-0007", "eu-2026-7" or "7"; None when the text is no reference."""
    match = _REFERENCE.fullmatch(text.strip())
    if match is None:
        return None
    year = match.group("year")
    return (int(year) if year else None), int(match.group("id"))


async def create_application(
    session: AsyncSession,
    *,
    data: ApplicationData,
    organisation: Organisation,
    created_by: User | None,
    submission_key: str,
    eur_sek_rate: float | None,
    information_item_required: bool,
    information_item_draft: str | None,
) -> tuple[Application, bool]:
    """Saves a registration; returns (application, True), or (the earlier one, False) for a key seen before.

    The insert is one INSERT … ON CONFLICT (submission_key) DO NOTHING, so two sessions submitting the same
    card at once still make one row: the second waits for the first to commit, inserts nothing and reads the
    first one's row. The informationsärende (status todo, with its draft) is created with the application
    when the rules require one; a "created" event records who registered it.
    """
    if not submission_key or len(submission_key) > _SUBMISSION_KEY_MAX_LENGTH:
        raise ValueError(f"submission_key must be 1 to {_SUBMISSION_KEY_MAX_LENGTH} characters")
    if organisation.id is None:
        raise ValueError("The organisation must be stored before an application can belong to it")
    if data.organisation_slug is not None and data.organisation_slug != organisation.slug:
        raise ValueError(
            f"The answers name organisation {data.organisation_slug!r} but {organisation.slug!r} was given"
        )
    if eur_sek_rate is not None and not eur_sek_rate > 0:
        raise ValueError(f"eur_sek_rate must be positive, not {eur_sek_rate!r}")
    if information_item_draft is not None and not information_item_required:
        raise ValueError("An informationsärende draft was given for an application that needs none")

    now = utc_now()
    statement = (
        dialect_insert(session, Application.__table__)
        .values(
            organisation_id=organisation.id,
            created_by_user_id=created_by.id if created_by is not None else None,
            submission_key=submission_key,
            status=ApplicationStatus.DRAFT.value,
            eur_sek_rate=eur_sek_rate,
            information_item_required=information_item_required,
            created_at=now,
            updated_at=now,
            **_columns_from(data),
        )
        .on_conflict_do_nothing(index_elements=["submission_key"])
        .returning(Application.__table__.c.id)
    )
    new_id = (await session.execute(statement)).scalar_one_or_none()

    if new_id is None:
        existing = await get_application_by_submission_key(session, submission_key)
        if existing is None:  # the other writer rolled back after we waited: nothing to return
            raise NotFound(f"No application with submission key {submission_key!r} after a conflict")
        # The key travels in the card; someone else's key must not reveal another organisation's application.
        if created_by is not None and not can_view_application(created_by, existing):
            raise AccessDenied(f"User {created_by.id} may not view application {existing.id}")
        return existing, False

    if information_item_required:
        session.add(
            InformationItem(
                application_id=new_id,
                status=InformationItemStatus.TO_SEND,
                draft_text=information_item_draft,
                created_at=now,
                updated_at=now,
            )
        )
    _record(
        session,
        new_id,
        ApplicationEventKind.CREATED,
        created_by,
        {
            "organisation": organisation.slug,
            "status": ApplicationStatus.DRAFT.value,
            "information_item_required": information_item_required,
            "eur_sek_rate": eur_sek_rate,
        },
        at=now,
    )
    await session.flush()
    application = await session.scalar(_with_details(select(Application).where(Application.id == new_id)))
    assert application is not None  # inserted above, in this transaction
    return application, True


async def get_application(session: AsyncSession, application_id: int, viewer: User) -> Application:
    application = await session.scalar(_with_details(select(Application).where(Application.id == application_id)))
    if application is None:
        raise NotFound(f"No application with id {application_id}")
    if not can_view_application(viewer, application):
        raise AccessDenied(f"User {viewer.id} may not view application {application_id}")
    return application


async def get_application_by_submission_key(
    session: AsyncSession, submission_key: str, viewer: User | None = None
) -> Application | None:
    """The application a card with this key saved, if any (a "Spara" pressed after the dialog ended).

    With a `viewer`, an application they may not see is AccessDenied rather than returned.
    """
    if not submission_key:
        return None
    application = await session.scalar(
        _with_details(select(Application).where(Application.submission_key == submission_key))
    )
    if application is not None and viewer is not None and not can_view_application(viewer, application):
        raise AccessDenied(f"User {viewer.id} may not view application {application.id}")
    return application


async def find_application_by_reference(session: AsyncSession, reference: str, viewer: User) -> Application:
    """The application a user quotes: "EU-2026-0007", "eu-2026-7" or just "7".

    A year that is not the application's year means the reference is wrong: NotFound, not a guess. Text that
    is no reference at all is a ValueError (the caller can ask again with an example).
    """
    parsed = parse_application_reference(reference)
    if parsed is None:
        raise ValueError(f"{reference!r} is not an application reference (e.g. EU-2026-0007)")
    year, application_id = parsed
    application = await get_application(session, application_id, viewer)
    if year is not None and application.created_at.astimezone(MALMO_TIME).year != year:
        raise NotFound(f"No application with reference {reference!r}")
    return application


def in_year(year: int) -> ColumnElement[bool]:
    """Whether an application belongs to `year`: that of its planned submission date, or of its registration (in
    Malmö) when no date was given. The one rule for "the applications of a year", in lists and the compilation."""
    registered_from = datetime(year, 1, 1, tzinfo=MALMO_TIME).astimezone(timezone.utc)
    registered_until = datetime(year + 1, 1, 1, tzinfo=MALMO_TIME).astimezone(timezone.utc)
    return or_(
        Application.planned_submission_date.between(date(year, 1, 1), date(year, 12, 31)),
        and_(
            Application.planned_submission_date.is_(None),
            Application.created_at >= registered_from,
            Application.created_at < registered_until,
        ),
    )


def _listed(
    viewer: User, *, organisation_id: int | None, year: int | None, status: ApplicationStatus | None
) -> list[ColumnElement[bool]]:
    """The conditions of `list_applications`: what `viewer` may see, of the organisation, year and status asked."""
    conditions: list[ColumnElement[bool]] = []
    if can_see_all_organisations(viewer):
        if organisation_id is not None:
            conditions.append(Application.organisation_id == organisation_id)
    else:
        if organisation_id is not None and organisation_id != viewer.organisation_id:
            raise AccessDenied(f"User {viewer.id} may not list the applications of organisation {organisation_id}")
        if viewer.organisation_id is None:
            conditions.append(Application.created_by_user_id == viewer.id)
        else:
            conditions.append(Application.organisation_id == viewer.organisation_id)
    if year is not None:
        conditions.append(in_year(year))
    if status is not None:
        conditions.append(Application.status == ApplicationStatus(status))
    return conditions


# Newest first; the indexes of the lists (by organisation, by creator, all) end in these columns.
_NEWEST_FIRST = (Application.created_at.desc(), Application.id.desc())


async def list_applications(
    session: AsyncSession,
    viewer: User,
    *,
    organisation_id: int | None = None,
    year: int | None = None,
    status: ApplicationStatus | None = None,
) -> list[Application]:
    """The applications `viewer` may see, newest first, optionally of one organisation, year or status.

    Officials see their own organisation's (asking for another organisation is AccessDenied; not yet placed in
    an organisation, they see only their own registrations); KS coordinators and admins see all, or the one
    asked for. The year is `in_year`'s. The same rule as `storage.access.can_view_application`. Every one of
    them is loaded: for a page of a list, `list_applications_page`.
    """
    conditions = _listed(viewer, organisation_id=organisation_id, year=year, status=status)
    statement = select(Application).where(*conditions).order_by(*_NEWEST_FIRST)
    return list((await session.scalars(_with_details(statement))).all())


@dataclass(frozen=True)
class ApplicationPage:
    """One page of a list of applications, and how many there are in all."""

    applications: list[Application]
    total: int
    page: int  # 1-based, within 1..pages
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list has; at least one, if only an empty one."""
        return max(1, -(-self.total // self.per_page))


async def list_applications_page(
    session: AsyncSession,
    viewer: User,
    *,
    page: int = 1,
    per_page: int = 25,
    organisation_id: int | None = None,
    year: int | None = None,
    status: ApplicationStatus | None = None,
) -> ApplicationPage:
    """Page `page` (from 1) of `list_applications`, `per_page` a page, with their count: two queries, one COUNT
    and one LIMIT/OFFSET, whatever the number of applications. A page after the last gives the last page."""
    if page < 1 or per_page < 1:
        raise ValueError(f"page and per_page must be at least 1, not {page!r} and {per_page!r}")
    conditions = _listed(viewer, organisation_id=organisation_id, year=year, status=status)
    total = await session.scalar(select(func.count()).select_from(Application).where(*conditions)) or 0
    page = min(page, max(1, -(-total // per_page)))
    statement = (select(Application).where(*conditions).order_by(*_NEWEST_FIRST)
                 .limit(per_page).offset((page - 1) * per_page))
    applications = list((await session.scalars(_with_details(statement))).all())
    return ApplicationPage(applications=applications, total=total, page=page, per_page=per_page)


async def set_status(
    session: AsyncSession,
    application: Application,
    status: ApplicationStatus,
    actor: User,
    *,
    granted_amount: Money | None = None,
) -> Application:
    """Moves the application to `status`, recording from/to; setting the status it already has changes nothing.

    `granted_amount` (what the programme granted, for KS's compilation) goes only with status granted; given
    again with another amount it is corrected, recorded as a STATUS_CHANGED with from == to. The amount is
    kept through ongoing and closed, and cleared when the application goes back to draft or submitted or is
    rejected (then there was no grant; the event says what was cleared).
    """
    new_status = ApplicationStatus(status)
    if granted_amount is not None and new_status != ApplicationStatus.GRANTED:
        raise ValueError(f"A granted amount goes only with status granted, not {new_status.value}")
    _require_in(session, application)
    if not can_change_application(actor, application):
        raise AccessDenied(f"User {actor.id} may not change application {application.id}")
    old_status = application.status
    old_amount = _stored_granted_amount(application)
    amount_changes = granted_amount is not None and granted_amount != old_amount
    if new_status == old_status and not amount_changes:
        return application
    details: dict[str, Any] = {"from": old_status.value, "to": new_status.value}
    application.status = new_status
    if granted_amount is not None:
        application.granted_amount_minor = granted_amount.amount_minor
        application.granted_amount_currency = granted_amount.currency
        details["granted_amount"] = _money_text(granted_amount)
    elif new_status in _WITHOUT_GRANT and old_amount is not None:
        application.granted_amount_minor = None
        application.granted_amount_currency = None
        details["granted_amount_cleared"] = _money_text(old_amount)
    _record(session, application.id, ApplicationEventKind.STATUS_CHANGED, actor, details)
    if new_status != ApplicationStatus.DRAFT:
        # Submitted (or further): reminders before the call deadline have done their job.
        await cancel_for_subject(session, "application", application.id, ["application_deadline"])
    await session.flush()
    return application


def granted_amount(application: Application) -> Money | None:
    """What the programme granted, as set with status granted; None when not (or not yet) known."""
    return _stored_granted_amount(application)


def _stored_granted_amount(application: Application) -> Money | None:
    # Separate from `granted_amount`, which set_status's keyword of the same name hides inside it.
    if application.granted_amount_minor is None or application.granted_amount_currency is None:
        return None
    return Money(amount_minor=application.granted_amount_minor, currency=application.granted_amount_currency)


def _money_text(money: Money) -> str:
    """"1500000 SEK": minor units and currency, exact and language-neutral, for event details."""
    return f"{money.amount_minor} {money.currency}"


async def mark_information_item_sent(
    session: AsyncSession, application: Application, actor: User, sent_on: date
) -> InformationItem:
    """Marks the informationsärende sent on `sent_on` (again: the date is corrected, and that recorded too)."""
    if not can_change_application(actor, application):
        raise AccessDenied(f"User {actor.id} may not change application {application.id}")
    item = await session.scalar(select(InformationItem).where(InformationItem.application_id == application.id))
    if item is None:
        raise ValueError(f"Application {application.id} has no informationsärende")
    previously_sent_on = item.sent_on
    item.status = InformationItemStatus.SENT
    item.sent_on = sent_on
    _record(
        session,
        application.id,
        ApplicationEventKind.INFORMATION_ITEM_SENT,
        actor,
        {
            "sent_on": sent_on.isoformat(),
            "previously_sent_on": previously_sent_on.isoformat() if previously_sent_on else None,
        },
    )
    await cancel_for_subject(session, "information_item", item.id)  # sent: no more reminders about it
    await session.flush()
    return item


async def record_ks_administration_informed(
    session: AsyncSession, application: Application, *, at: datetime, actor: User | None
) -> None:
    """Kommunstyrelsens förvaltning was told about the application at `at` (Lotsen posted the summary)."""
    _require_in(session, application)
    if at.tzinfo is None:
        raise ValueError(f"Refusing naive datetime {at!r}: give a timezone-aware time")
    application.ks_administration_informed_at = at.astimezone(timezone.utc)
    _record(
        session,
        application.id,
        ApplicationEventKind.KS_ADMINISTRATION_INFORMED,
        actor,
        {"informed_at": at.astimezone(timezone.utc).isoformat()},
    )
    await session.flush()


async def record_ks_administration_not_reached(
    session: AsyncSession, application: Application, *, reason: str, actor: User | None
) -> None:
    """Posting to kommunstyrelsens förvaltning failed or is not configured; `reason` says which, for people."""
    _record(session, application.id, ApplicationEventKind.KS_ADMINISTRATION_NOT_REACHED, actor, {"reason": reason})
    await session.flush()


async def list_events(session: AsyncSession, application: Application) -> list[ApplicationEvent]:
    """The application's history, oldest first, each with its actor loaded (None when Lotsen itself acted)."""
    result = await session.scalars(
        select(ApplicationEvent)
        .where(ApplicationEvent.application_id == application.id)
        .options(selectinload(ApplicationEvent.actor))
        .order_by(ApplicationEvent.at, ApplicationEvent.id)
    )
    return list(result.all())


async def applications_with_open_information_items(session: AsyncSession) -> list[Application]:
    """Every application whose informationsärende is still to do (for the reminders), oldest first."""
    statement = (
        select(Application)
        .join(InformationItem, InformationItem.application_id == Application.id)
        .where(InformationItem.status == InformationItemStatus.TO_SEND)
        .order_by(Application.id)
    )
    return list((await session.scalars(_with_details(statement))).all())


def _require_in(session: AsyncSession, application: Application) -> None:
    # A change made to an application loaded by another session would silently never be written.
    if application not in session:
        raise ValueError(f"Application {application.id} is not loaded in this session: load it with get_application")


def _record(
    session: AsyncSession,
    application_id: int,
    kind: ApplicationEventKind,
    actor: User | None,
    details: dict[str, Any],
    *,
    at: datetime | None = None,
) -> None:
    session.add(
        ApplicationEvent(
            application_id=application_id,
            actor_user_id=actor.id if actor is not None else None,
            kind=kind,
            details=details,
            at=at or utc_now(),
        )
    )
