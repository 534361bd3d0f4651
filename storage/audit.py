"""The audit trail of who changed a contact person, or a user's role or organisation (policy 3.3, 3.4).

Applications and annual reports keep their own event tables; this one is for the changes that decide who
may see what and who is reminded. Every event is added in the caller's transaction, so it is written (or
rolled back) together with the change it records.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEvent, AuditEventKind, AuditSubjectType, User, utc_now

__all__ = ["AuditEvent", "AuditEventKind", "AuditSubjectType", "record_audit"]


def record_audit(
    session: AsyncSession,
    kind: AuditEventKind | str,
    subject_type: AuditSubjectType | str,
    subject_id: int,
    *,
    organisation_id: int | None,
    actor: User | None,
    details: dict[str, Any],
) -> None:
    """Adds one AuditEvent; `actor` None means the operator's command line (or Lotsen itself)."""
    session.add(
        AuditEvent(
            kind=AuditEventKind(kind),
            subject_type=AuditSubjectType(subject_type),
            subject_id=subject_id,
            organisation_id=organisation_id,
            actor_user_id=actor.id if actor is not None else None,
            details=details,
            at=utc_now(),
        )
    )
