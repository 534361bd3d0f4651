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

    One per organisation. Which of 3.3 / 3.4 applies follows from the organisation's kind. Either the person was
    chosen in the directory: `aad_object_id` is their Entra object id, `name` their displayName there, and they
    are reached as the Lotsen user with that object id whatever their name (`directory_users`, read with the row,
    so someone who has not written to Lotsen yet is reached from their first message on). Or a name was given
    ("Anna Andersson", no object id): `user_id` links the Lotsen user of that name in that organisation when there
    is exactly one.
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
    # The Lotsen users with the chosen person's object id (one, unless Teams knows them under two ids).
    aad_object_id: Mapped[str | None] = mapped_column(String(64))
    directory_users: Mapped[list[User]] = relationship(
        primaryjoin="foreign(User.aad_object_id) == ContactPerson.aad_object_id", viewonly=True, lazy="raise",
        order_by="User.id")

    @property
    def reached_users(self) -> list[User]:
        """Whom the row names in Lotsen: the users with the chosen person's object id, or the user linked by name."""
        if self.aad_object_id is not None:
            return list(self.directory_users)
        return [self.user] if self.user is not None else []

    def __repr__(self) -> str:
        return (f"ContactPerson(organisation_id={self.organisation_id!r}, user_id={self.user_id!r}, "
                f"aad_object_id={self.aad_object_id!r})")
