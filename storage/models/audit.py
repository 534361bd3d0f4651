"""The audit trail of who may do what: contact persons named and removed, users' roles and organisations."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, JsonDocument, in_values, now_on_insert, text_enum
from storage.models.organisations import User


class AuditEventKind(enum.StrEnum):
    CONTACT_PERSON_SET = "contact_person_set"
    CONTACT_PERSON_REMOVED = "contact_person_removed"
    ROLE_CHANGED = "role_changed"
    ORGANISATION_CHANGED = "organisation_changed"


class AuditSubjectType(enum.StrEnum):
    CONTACT_PERSON = "contact_person"  # subject_id: the organisation's id
    USER = "user"  # subject_id: the user's id


class AuditEvent(Base):
    """A change to a contact person or to a user's role or organisation: who (None: the operator's command
    line), what (`details`: from/to), when. Applications and annual reports keep their own event tables."""

    __tablename__ = "audit_events"
    __table_args__ = (
        CheckConstraint(in_values("kind", AuditEventKind), name="kind"),
        CheckConstraint(in_values("subject_type", AuditSubjectType), name="subject_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[AuditEventKind] = mapped_column(text_enum(AuditEventKind, 40))
    subject_type: Mapped[AuditSubjectType] = mapped_column(text_enum(AuditSubjectType, 32))
    subject_id: Mapped[int] = mapped_column(Integer)
    # The organisation the change concerns, so that the history can be read per organisation.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    at: Mapped[datetime] = now_on_insert(index=True)

    actor: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"AuditEvent(kind={self.kind.value!r}, subject_id={self.subject_id!r})"
