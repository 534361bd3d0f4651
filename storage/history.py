"""One history of what happened, for KS förvaltning: application events, annual report events and the audit
trail of contact persons, roles and organisations, merged newest first.

Only KS coordinators and administrators read it (AccessDenied otherwise), and the operator's command line:
it passes `OPERATOR` as the viewer, an object no chat turn can produce (a chat turn always has a `User`).
Each source is read with one query, joined to the names it needs, and limited; the merge takes the newest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.access import AccessDenied, can_see_all_organisations
from storage.applications import application_reference
from storage.models import (
    AnnualReport,
    AnnualReportEvent,
    Application,
    ApplicationEvent,
    AuditEvent,
    AuditSubjectType,
    Organisation,
    User,
)

__all__ = ["MAX_LIMIT", "OPERATOR", "HistoryEntry", "HistorySource", "Operator", "read_history"]

HistorySource = Literal["application", "annual_report", "contact_person", "user"]
MAX_LIMIT = 1000
# Ties of `at` (same instant) are broken the same way every time: by source, then newest id first.
_SOURCE_ORDER: dict[str, int] = {"application": 0, "annual_report": 1, "contact_person": 2, "user": 3}


@dataclass(frozen=True)
class Operator:
    """Whoever runs Lotsen, at its command line: trusted with every organisation's history."""


OPERATOR: Final = Operator()


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime  # UTC
    source: HistorySource
    kind: str  # the event kind's value, e.g. "status_changed", "contact_person_set"
    actor_name: str | None  # None: Lotsen itself or the operator's command line
    organisation_name: str | None
    # Language-neutral: "EU-2026-0007", "2025" (a report's year), a user's name, an organisation's name.
    subject: str
    details: dict[str, Any] = field(default_factory=dict)
    event_id: int = 0  # the row's id in its own table, for a stable order


async def read_history(
    session: AsyncSession,
    viewer: User | Operator,
    *,
    organisation_id: int | None = None,
    limit: int = 50,
) -> list[HistoryEntry]:
    """The newest `limit` events of every kind (of one organisation when given), newest first."""
    if not isinstance(viewer, Operator) and not can_see_all_organisations(viewer):
        raise AccessDenied(f"User {viewer.id} may not read the history")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1 to {MAX_LIMIT}, not {limit}")
    entries = [
        *await _application_events(session, organisation_id, limit),
        *await _annual_report_events(session, organisation_id, limit),
        *await _audit_events(session, organisation_id, limit),
    ]
    entries.sort(key=lambda entry: (entry.at, -_SOURCE_ORDER[entry.source], entry.event_id), reverse=True)
    return entries[:limit]


def _entry(event: Any, source: HistorySource, subject: str, organisation_name: str | None,
           actor_name: str | None) -> HistoryEntry:
    """One event row as a line of the history."""
    return HistoryEntry(
        at=event.at,
        source=source,
        kind=event.kind.value,
        actor_name=actor_name,
        organisation_name=organisation_name,
        subject=subject,
        details=dict(event.details or {}),
        event_id=event.id,
    )


async def _events_of(session: AsyncSession, organisation_id: int | None, limit: int, *, source: HistorySource,
                     event: type[ApplicationEvent] | type[AnnualReportEvent],
                     parent: type[Application] | type[AnnualReport], parent_id: Any, subject: Any,
                     describe: Callable[[Any], str]) -> list[HistoryEntry]:
    """The newest events of one kind of parent (an application, an annual report), with the parent's
    organisation's name, the actor's name and `subject` (selected from the parent) as `describe` shows it."""
    actor = aliased(User)
    statement = (
        select(event, subject, Organisation.name, actor.name)
        .join(parent, parent.id == parent_id)
        .join(Organisation, Organisation.id == parent.organisation_id)
        .outerjoin(actor, actor.id == event.actor_user_id)
        .order_by(event.at.desc(), event.id.desc())
        .limit(limit)
    )
    if organisation_id is not None:
        statement = statement.where(parent.organisation_id == organisation_id)
    return [
        _entry(row, source, describe(subject_value), organisation_name, actor_name)
        for row, subject_value, organisation_name, actor_name in (await session.execute(statement)).all()
    ]


async def _application_events(session: AsyncSession, organisation_id: int | None, limit: int) -> list[HistoryEntry]:
    return await _events_of(session, organisation_id, limit, source="application", event=ApplicationEvent,
                            parent=Application, parent_id=ApplicationEvent.application_id, subject=Application,
                            describe=application_reference)


async def _annual_report_events(
    session: AsyncSession, organisation_id: int | None, limit: int
) -> list[HistoryEntry]:
    return await _events_of(session, organisation_id, limit, source="annual_report", event=AnnualReportEvent,
                            parent=AnnualReport, parent_id=AnnualReportEvent.report_id, subject=AnnualReport.year,
                            describe=str)


async def _audit_events(session: AsyncSession, organisation_id: int | None, limit: int) -> list[HistoryEntry]:
    actor = aliased(User)
    subject_user = aliased(User)
    statement = (
        select(AuditEvent, Organisation.name, actor.name, subject_user.name)
        .outerjoin(Organisation, Organisation.id == AuditEvent.organisation_id)
        .outerjoin(actor, actor.id == AuditEvent.actor_user_id)
        .outerjoin(
            subject_user,
            and_(AuditEvent.subject_type == AuditSubjectType.USER, subject_user.id == AuditEvent.subject_id),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    if organisation_id is not None:
        statement = statement.where(AuditEvent.organisation_id == organisation_id)
    entries = []
    for event, organisation_name, actor_name, subject_name in (await session.execute(statement)).all():
        if event.subject_type == AuditSubjectType.USER:
            source: HistorySource = "user"
            subject = subject_name
        else:
            source = "contact_person"
            subject = organisation_name
        # A deleted user or organisation leaves its event: then the id is all there is to show.
        shown = subject if subject is not None else f"#{event.subject_id}"
        entries.append(_entry(event, source, shown, organisation_name, actor_name))
    return entries
