"""Fills the yearly compilation (`reports.compilation.Compilation`) from the database.

Every active organisation, in Swedish name order, with its annual report of the year (status, items,
verksamhetsplan, contact name) and its EU applications of the year. An inactive organisation is listed only when
it still has a report or an application that year, so that no money of the year drops out of the totals.

Which applications belong to a year is `storage.applications.in_year`, the rule the application lists use too.
Every organisation's are read: the compilation is KS förvaltning's, and the caller decides who may have it.

Amounts in euro are converted at the rate stored with the application, else at `default_eur_sek_rate`, and
rounded to whole kronor. Programme keys are named from `programme_names` (the registration's list, which
reports/ may not import: the caller passes it). A few queries in all, none per organisation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from policy.budget import in_sek
from reports.compilation import REPORTED, ApplicationLine, Compilation, OrganisationReport, ReportItem, compilation_text
from storage.access import NotFound
from storage.application_data import Money
from storage.applications import application_reference, in_year
from storage.models import AnnualReport, Application, ContactPerson, Organisation
from storage.organisations import swedish_sort_key

__all__ = [
    "NOT_STARTED",
    "OTHER_PROGRAMME",
    "UNNAMED_PROGRAMME",
    "UNNAMED_PROJECT",
    "application_line",
    "build_compilation",
    "build_organisation_report",
    "programme_name",
    "to_sek",
]

logger = logging.getLogger("lotsen.reports")

NOT_STARTED = "not_started"
OTHER_PROGRAMME = "other"  # the programme key whose name the official typed (programme_other)
# Shown in the compilation (Swedish, like every text of it) when the registration left the value out.
UNNAMED_PROGRAMME = compilation_text("unnamed_programme")
UNNAMED_PROJECT = compilation_text("unnamed_project")

_KRONA = Decimal(1)


def to_sek(money: Money, eur_sek_rate: float | None, default_eur_sek_rate: float) -> Decimal:
    """The amount in whole kronor: as it is in SEK, converted at the stored rate (else the default) in EUR."""
    if money.currency == "SEK":
        return money.amount.quantize(_KRONA, rounding=ROUND_HALF_UP)
    rate = eur_sek_rate if eur_sek_rate else default_eur_sek_rate
    return in_sek(money.amount, money.currency, rate).quantize(_KRONA, rounding=ROUND_HALF_UP)


def _money(minor: int | None, currency: str | None) -> Money | None:
    return Money(amount_minor=minor, currency=currency) if minor is not None and currency else None


def programme_name(application: Application, programme_names: Mapping[str, str]) -> str:
    """The programme's name from its key; for "other" (or no key) the name the official typed."""
    key = application.programme
    if key == OTHER_PROGRAMME and application.programme_other:
        return application.programme_other
    if not key:
        return application.programme_other or UNNAMED_PROGRAMME
    return programme_names.get(key, key)


def application_line(
    application: Application, *, programme_names: Mapping[str, str], default_eur_sek_rate: float
) -> ApplicationLine | None:
    """The application as the compilation shows it; None for a registration without role or total budget
    (the registration dialog requires both, so only a row written some other way lacks them)."""
    budget = _money(application.total_budget_minor, application.total_budget_currency)
    if budget is None or application.malmo_role is None:
        logger.warning("application %s has no total budget or role and is left out of the compilation",
                       application.id)
        return None
    granted = _money(application.granted_amount_minor, application.granted_amount_currency)
    return ApplicationLine(
        reference=application_reference(application),
        project_name=application.project_name or UNNAMED_PROJECT,
        programme_name=programme_name(application, programme_names),
        malmo_role=application.malmo_role,
        total_budget=budget,
        total_budget_sek=to_sek(budget, application.eur_sek_rate, default_eur_sek_rate),
        status=application.status,
        granted_amount=granted,
        granted_amount_sek=(to_sek(granted, application.eur_sek_rate, default_eur_sek_rate)
                            if granted is not None else None),
    )


def _items(report: AnnualReport) -> list[ReportItem]:
    return [
        ReportItem(kind=item.kind.value, title=item.title, description=item.description or "",
                   focus_areas=list(item.focus_areas or []), results=item.results or "")
        for item in report.items
    ]


def _organisation_report(
    organisation: Organisation,
    report: AnnualReport | None,
    registry_contact: str | None,
    applications: Iterable[Application],
    *,
    programme_names: Mapping[str, str],
    default_eur_sek_rate: float,
) -> OrganisationReport:
    status = report.status.value if report is not None else NOT_STARTED
    # A draft's contents are not the organisation's word yet: its contact name counts once it is handed in.
    reported_contact = report.contact_name if report is not None and status in REPORTED else None
    lines = [application_line(a, programme_names=programme_names, default_eur_sek_rate=default_eur_sek_rate)
             for a in sorted(applications, key=lambda a: (a.created_at, a.id))]  # as registered during the year
    return OrganisationReport(
        name=organisation.name,
        kind=organisation.kind.value,
        status=status,
        contact_name=reported_contact or registry_contact,
        in_verksamhetsplan=report.in_verksamhetsplan if report is not None else None,
        items=_items(report) if report is not None else [],
        applications=[line for line in lines if line is not None],
    )


async def _reports(session: AsyncSession, year: int, organisation_id: int | None = None) -> dict[int, AnnualReport]:
    statement = select(AnnualReport).where(AnnualReport.year == year).options(selectinload(AnnualReport.items))
    if organisation_id is not None:
        statement = statement.where(AnnualReport.organisation_id == organisation_id)
    return {report.organisation_id: report for report in (await session.scalars(statement)).all()}


async def _registry_contacts(session: AsyncSession, organisation_id: int | None = None) -> dict[int, str]:
    statement = select(ContactPerson.organisation_id, ContactPerson.name)
    if organisation_id is not None:
        statement = statement.where(ContactPerson.organisation_id == organisation_id)
    return {row.organisation_id: row.name for row in (await session.execute(statement)).all()}


async def _applications(session: AsyncSession, year: int, organisation_id: int | None = None
                        ) -> dict[int, list[Application]]:
    statement = select(Application).where(in_year(year))
    if organisation_id is not None:
        statement = statement.where(Application.organisation_id == organisation_id)
    by_organisation: dict[int, list[Application]] = {}
    for application in (await session.scalars(statement)).all():
        by_organisation.setdefault(application.organisation_id, []).append(application)
    return by_organisation


async def build_compilation(
    session: AsyncSession,
    year: int,
    *,
    programme_names: Mapping[str, str],
    default_eur_sek_rate: float,
    generated_on: date,
) -> Compilation:
    """The compilation of `year` for kommunfullmäktige, as the database has it now."""
    if not default_eur_sek_rate > 0:
        raise ValueError(f"default_eur_sek_rate must be positive, not {default_eur_sek_rate!r}")
    reports = await _reports(session, year)
    applications = await _applications(session, year)
    contacts = await _registry_contacts(session)
    organisations = (await session.scalars(select(Organisation))).all()
    shown = [o for o in organisations if o.active or o.id in reports or o.id in applications]
    return Compilation(
        year=year,
        generated_on=generated_on,
        organisations=[
            _organisation_report(o, reports.get(o.id), contacts.get(o.id), applications.get(o.id, []),
                                 programme_names=programme_names, default_eur_sek_rate=default_eur_sek_rate)
            for o in sorted(shown, key=lambda o: swedish_sort_key(o.name))
        ],
    )


async def build_organisation_report(
    session: AsyncSession,
    organisation_id: int,
    year: int,
    *,
    programme_names: Mapping[str, str],
    default_eur_sek_rate: float,
) -> OrganisationReport:
    """One organisation's part of the compilation (whatever its report's status). The caller checks access."""
    organisation = await session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(f"No organisation with id {organisation_id}")
    reports = await _reports(session, year, organisation_id)
    applications = await _applications(session, year, organisation_id)
    contacts = await _registry_contacts(session, organisation_id)
    return _organisation_report(organisation, reports.get(organisation_id), contacts.get(organisation_id),
                                applications.get(organisation_id, []), programme_names=programme_names,
                                default_eur_sek_rate=default_eur_sek_rate)
