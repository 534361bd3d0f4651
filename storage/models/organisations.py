"""The organisations (nämnder and bolag), Lotsen's users, and each organisation's contact person."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, now_on_insert, now_on_write, text_enum


class Role(enum.StrEnum):
    OFFICIAL = "official"
    CONTACT_PERSON = "contact_person"
    KS_COORDINATOR = "ks_coordinator"
    ADMIN = "admin"


class OrganisationKind(enum.StrEnum):
    NAMND = "namnd"
    BOLAG = "bolag"


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint("kind IN ('namnd', 'bolag')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(text_enum(OrganisationKind, 16))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = now_on_insert()

    def __repr__(self) -> str:
        return f"Organisation(slug={self.slug!r}, name={self.name!r}, kind={self.kind.value!r})"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('official', 'contact_person', 'ks_coordinator', 'admin')", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teams_user_id: Mapped[str] = mapped_column(String(512), unique=True)
    aad_object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str | None] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[Role] = mapped_column(
        text_enum(Role, 32), default=Role.OFFICIAL, server_default=Role.OFFICIAL.value
    )
    created_at: Mapped[datetime] = now_on_insert()
    updated_at: Mapped[datetime] = now_on_write()

    organisation: Mapped[Organisation | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, teams_user_id={self.teams_user_id!r}, role={self.role.value!r})"


class ContactPerson(Base):
    """An organisation's contact person for international questions (3.3), or a bolag's representative (3.4).

    One per organisation. `name` is what was given ("Anna Andersson"); `user_id` links the Lotsen user of that
    name in that organisation when there is exactly one, so reminders can reach them. Which of 3.3 / 3.4 applies
    follows from the organisation's kind.
    """

    __tablename__ = "contact_persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    set_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = now_on_write()

    organisation: Mapped[Organisation] = relationship(lazy="raise")
    user: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"ContactPerson(organisation_id={self.organisation_id!r}, user_id={self.user_id!r})"
