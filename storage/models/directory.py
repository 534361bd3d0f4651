"""Placing users from the directory (Microsoft Graph): the mappings administrators added, from a directory value
to a nämnd or bolag, and each user's last lookup (so that a user is looked up at most once a day)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, JsonDocument, UtcDateTime, in_values, now_on_insert, text_enum
from storage.models.organisations import Organisation


class DirectorySource(enum.StrEnum):
    """Which of a user's Entra ID attributes says where they work (Graph's own property names)."""

    DEPARTMENT = "department"
    COMPANY_NAME = "companyName"
    OFFICE_LOCATION = "officeLocation"
    GROUP = "group"  # the groups the user is a member of, by display name or id


class DirectoryOutcome(enum.StrEnum):
    PLACED = "placed"
    AMBIGUOUS = "ambiguous"  # the values lead to more than one organisation: an administrator decides
    NO_MATCH = "no_match"  # no value, or none that is mapped: an administrator decides
    FAILED = "failed"  # the directory could not be asked (down, refused): tried again another day


class DirectoryMapping(Base):
    """An administrator's mapping: users whose `source` value is `value` work for `organisation`.

    One per source and value (compared without case and extra spaces: `normalised_value`); it overrides what
    the shipped file (storage/data/directory-mapping.yaml) says about the same value.
    """

    __tablename__ = "directory_mappings"
    __table_args__ = (
        CheckConstraint(in_values("source", DirectorySource), name="source"),
        UniqueConstraint("source", "normalised_value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[DirectorySource] = mapped_column(text_enum(DirectorySource, 32))
    value: Mapped[str] = mapped_column(String(256))  # as the administrator typed it
    normalised_value: Mapped[str] = mapped_column(String(256))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = now_on_insert()

    organisation: Mapped[Organisation] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"DirectoryMapping(source={self.source.value!r}, value={self.value!r})"


class DirectoryLookup(Base):
    """A user's last lookup in the directory: when, from which source, what it found and what came of it."""

    __tablename__ = "directory_lookups"
    __table_args__ = (
        CheckConstraint(in_values("source", DirectorySource), name="source"),
        CheckConstraint(in_values("outcome", DirectoryOutcome), name="outcome"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[DirectorySource] = mapped_column(text_enum(DirectorySource, 32))
    outcome: Mapped[DirectoryOutcome] = mapped_column(text_enum(DirectoryOutcome, 16))
    # The user's values in the directory, and the slugs they led to (several: ambiguous).
    found_values: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    candidates: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    looked_up_at: Mapped[datetime] = mapped_column(UtcDateTime())

    def __repr__(self) -> str:
        return f"DirectoryLookup(user_id={self.user_id!r}, outcome={self.outcome.value!r})"
