"""The annual report of international work (issue 7): one per organisation and year, its items and history."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, JsonDocument, UtcDateTime, in_values, now_on_insert, now_on_write, text_enum
from storage.models.organisations import Organisation, User


class AnnualReportStatus(enum.StrEnum):
    """Where a nämnd's or bolag's yearly report stands ("ej påbörjad" is no row at all)."""

    DRAFT = "draft"  # utkast
    SUBMITTED = "submitted"  # inskickad: locked until KS förvaltning returns it
    RETURNED = "returned"  # returnerad för komplettering: open again
    APPROVED = "approved"  # godkänd


# Edits are allowed only in these; the others are locked.
OPEN_ANNUAL_REPORT_STATUSES = (AnnualReportStatus.DRAFT, AnnualReportStatus.RETURNED)


class AnnualReportItemKind(enum.StrEnum):
    """The kinds of international work the policy names in section 1."""

    EU_PROJECT = "eu_project"  # EU-funded projects (prefilled from the year's registered applications)
    NETWORK = "network"  # international organisations and networks
    PARTNER_CITY = "partner_city"  # partner city cooperation
    VISIT = "visit"  # international visits received and made
    CONFERENCE = "conference"  # congresses, seminars and expert groups
    INFLUENCE = "influence"  # monitoring of EU legislation and influence work


class FocusArea(enum.StrEnum):
    """The three focus areas of the policy's section 2."""

    BUSINESS_DEVELOPMENT = "2a"  # verksamhetsutveckling
    STRATEGIC_INFLUENCE = "2b"  # strategisk påverkan
    PROFILING = "2c"  # profilering


class AnnualReportEventKind(enum.StrEnum):
    CREATED = "created"
    ITEM_ADDED = "item_added"
    ITEM_UPDATED = "item_updated"
    ITEM_REMOVED = "item_removed"
    DETAILS_CHANGED = "details_changed"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class AnnualReport(Base):
    """One organisation's report of its international work for one calendar year (policy 3.3 and 4)."""

    __tablename__ = "annual_reports"
    __table_args__ = (
        CheckConstraint(in_values("status", AnnualReportStatus), name="status"),
        CheckConstraint("year >= 2000 AND year <= 2200", name="year"),
        UniqueConstraint("organisation_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[AnnualReportStatus] = mapped_column(
        text_enum(AnnualReportStatus, 16),
        default=AnnualReportStatus.DRAFT,
        server_default=AnnualReportStatus.DRAFT.value,
    )
    # Section 4: is international work part of the organisation's verksamhetsplan? None: not answered yet.
    in_verksamhetsplan: Mapped[bool | None] = mapped_column()
    # The organisation's contact person for international questions (3.3), as the report names them.
    contact_name: Mapped[str | None] = mapped_column(String(200))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    returned_comment: Mapped[str | None] = mapped_column(Text)
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    returned_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = now_on_insert()
    updated_at: Mapped[datetime] = now_on_write()

    organisation: Mapped[Organisation] = relationship(lazy="raise")
    items: Mapped[list[AnnualReportItem]] = relationship(
        back_populates="report",
        lazy="raise",
        order_by="(AnnualReportItem.position, AnnualReportItem.id)",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return (
            f"AnnualReport(id={self.id!r}, organisation_id={self.organisation_id!r}, year={self.year!r}, "
            f"status={self.status.value if self.status else None!r})"
        )


class AnnualReportItem(Base):
    """One piece of international work in a report: an EU project, a network, a visit, …

    `focus_areas` is a list of FocusArea values ("2a", "2b", "2c"). An EU project prefilled from a registered
    application keeps its `application_id` (the application may be deleted later; the item stays).
    """

    __tablename__ = "annual_report_items"
    __table_args__ = (CheckConstraint(in_values("kind", AnnualReportItemKind), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("annual_reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AnnualReportItemKind] = mapped_column(text_enum(AnnualReportItemKind, 32))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    focus_areas: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    results: Mapped[str | None] = mapped_column(Text)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = now_on_insert()

    report: Mapped[AnnualReport] = relationship(back_populates="items", lazy="raise")

    def __repr__(self) -> str:
        return f"AnnualReportItem(id={self.id!r}, report_id={self.report_id!r}, kind={self.kind.value!r})"


class AnnualReportEvent(Base):
    """One line of a report's history: who did what, when (`details` says the rest)."""

    __tablename__ = "annual_report_events"
    __table_args__ = (CheckConstraint(in_values("kind", AnnualReportEventKind), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("annual_reports.id", ondelete="CASCADE"), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[AnnualReportEventKind] = mapped_column(text_enum(AnnualReportEventKind, 40))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    at: Mapped[datetime] = now_on_insert(index=True)

    actor: Mapped[User | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"AnnualReportEvent(report_id={self.report_id!r}, kind={self.kind.value!r})"
