"""EU applications (issue 5): the registered application, its informationsärende, its history, and the
registration a user has not finished yet."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Date, Double, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.application_data import ApplicationStatus, InformationItemStatus, MalmoRole
from storage.models.base import Base, JsonDocument, UtcDateTime, in_values, now_on_insert, now_on_write, text_enum
from storage.models.organisations import Organisation, User


class ApplicationEventKind(enum.StrEnum):
    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    INFORMATION_ITEM_SENT = "information_item_sent"
    KS_ADMINISTRATION_INFORMED = "ks_administration_informed"
    KS_ADMINISTRATION_NOT_REACHED = "ks_administration_not_reached"


def _money_check(prefix: str) -> CheckConstraint:
    """Amount and currency are both given or both absent; never a negative amount."""
    return CheckConstraint(
        f"({prefix}_minor IS NULL AND {prefix}_currency IS NULL) OR "
        f"({prefix}_minor IS NOT NULL AND {prefix}_currency IS NOT NULL "
        f"AND {prefix}_minor >= 0 AND {prefix}_currency IN ('SEK', 'EUR'))",
        name=prefix,
    )


class Application(Base):
    """A registered EU application: the answers of `ApplicationData`, one column each, and its life after.

    The owning nämnd or bolag is `organisation_id` (ApplicationData's `organisation_slug` is read back from
    it). Money is `<name>_minor` (öre or cent) with `<name>_currency`. `submission_key` makes a registration
    idempotent: a card submitted twice carries the same key and finds the first application.
    """

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(in_values("status", ApplicationStatus), name="status"),
        CheckConstraint(in_values("malmo_role", MalmoRole), name="malmo_role"),
        _money_check("total_budget"),
        _money_check("malmo_share"),
        _money_check("granted_amount"),
        CheckConstraint("eur_sek_rate IS NULL OR eur_sek_rate > 0", name="eur_sek_rate"),
        # The lists, newest first: everyone's (KS), an organisation's, a registrant's (also what deleting a user
        # looks up); and the compilation's "applications of a year" (`storage.applications.in_year`).
        Index("ix_applications_created_at_id", "created_at", "id"),
        Index("ix_applications_organisation_id_created_at_id", "organisation_id", "created_at", "id"),
        Index("ix_applications_created_by_user_id_created_at_id", "created_by_user_id", "created_at", "id"),
        Index("ix_applications_planned_submission_date", "planned_submission_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submission_key: Mapped[str] = mapped_column(String(200), unique=True)

    project_name: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    programme: Mapped[str | None] = mapped_column(String(100))
    programme_other: Mapped[str | None] = mapped_column(String(200))
    call_identifier: Mapped[str | None] = mapped_column(String(200))
    malmo_role: Mapped[MalmoRole | None] = mapped_column(text_enum(MalmoRole, 16))
    total_budget_minor: Mapped[int | None] = mapped_column(BigInteger)
    total_budget_currency: Mapped[str | None] = mapped_column(String(3))
    malmo_share_minor: Mapped[int | None] = mapped_column(BigInteger)
    malmo_share_currency: Mapped[str | None] = mapped_column(String(3))
    planned_submission_date: Mapped[date | None] = mapped_column(Date)
    call_deadline: Mapped[date | None] = mapped_column(Date, index=True)
    expected_decision_date: Mapped[date | None] = mapped_column(Date)
    project_start: Mapped[date | None] = mapped_column(Date)
    project_end: Mapped[date | None] = mapped_column(Date)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_teams_user_id: Mapped[str | None] = mapped_column(String(512))
    aligned_with_policy: Mapped[bool | None] = mapped_column()
    decision_anchored: Mapped[bool | None] = mapped_column()
    decision_reference: Mapped[str | None] = mapped_column(String(100))
    # What the programme granted, asked for when the status becomes "beviljad" (for KS's compilation to KF).
    granted_amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    granted_amount_currency: Mapped[str | None] = mapped_column(String(3))

    status: Mapped[ApplicationStatus] = mapped_column(
        text_enum(ApplicationStatus, 16), default=ApplicationStatus.DRAFT, server_default=ApplicationStatus.DRAFT.value
    )
    # SEK per EUR used when a budget given in euro was converted (kept: the rate changes, the decision not).
    eur_sek_rate: Mapped[float | None] = mapped_column(Double)
    information_item_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    ks_administration_informed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = now_on_insert()
    updated_at: Mapped[datetime] = now_on_write()

    organisation: Mapped[Organisation] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(lazy="raise")
    information_item: Mapped[InformationItem | None] = relationship(
        back_populates="application", lazy="raise", uselist=False
    )

    def __repr__(self) -> str:
        return (
            f"Application(id={self.id!r}, organisation_id={self.organisation_id!r}, "
            f"status={self.status.value if self.status else None!r})"
        )


class InformationItem(Base):
    """The informationsärende to kommunstyrelsen that routine 4.1 asks for at a total budget ≥ the threshold."""

    __tablename__ = "information_items"
    __table_args__ = (
        CheckConstraint(in_values("status", InformationItemStatus), name="status"),
        # A sent item has its date, an item still to do has none.
        CheckConstraint(
            "(status = 'todo' AND sent_on IS NULL) OR (status = 'sent' AND sent_on IS NOT NULL)", name="sent_on"
        ),
        Index("ix_information_items_status", "status"),  # the reminder planner's "still to do"
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    status: Mapped[InformationItemStatus] = mapped_column(
        text_enum(InformationItemStatus, 16),
        default=InformationItemStatus.TO_SEND,
        server_default=InformationItemStatus.TO_SEND.value,
    )
    draft_text: Mapped[str | None] = mapped_column(Text)
    sent_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = now_on_insert()
    updated_at: Mapped[datetime] = now_on_write()

    application: Mapped[Application] = relationship(back_populates="information_item", lazy="raise")

    def __repr__(self) -> str:
        return f"InformationItem(application_id={self.application_id!r}, status={self.status.value!r})"


class ApplicationEvent(Base):
    """One line of an application's history: who did what, when (`details` says the rest, e.g. from/to)."""

    __tablename__ = "application_events"
    __table_args__ = (CheckConstraint(in_values("kind", ApplicationEventKind), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[ApplicationEventKind] = mapped_column(text_enum(ApplicationEventKind, 40))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    at: Mapped[datetime] = now_on_insert(index=True)

    actor: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"ApplicationEvent(application_id={self.application_id!r}, kind={self.kind.value!r})"


class RegistrationDraft(Base):
    """A registration not finished yet, one per user, so that it survives days and restarts.

    `data` is `ApplicationData.model_dump(mode="json")`; `progress` is the dialog's own bookkeeping (which
    question comes next and the like), stored as given and never read here.
    """

    __tablename__ = "registration_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    progress: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    updated_at: Mapped[datetime] = now_on_write()

    def __repr__(self) -> str:
        return f"RegistrationDraft(user_id={self.user_id!r}, updated_at={self.updated_at!r})"
