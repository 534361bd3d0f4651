"""What an EU application registration consists of: the answers an official gives, as one typed model.

The registration dialog fills it in one answer at a time (every field optional while it is a draft), the
repositories persist it, and the informationsärende draft and the cards read it. Money is kept in minor
units (öre or cent) with its currency, dates as calendar dates.
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Currency = Literal["SEK", "EUR"]


class Money(BaseModel):
    model_config = ConfigDict(frozen=True)

    amount_minor: int = Field(ge=0)  # öre for SEK, cent for EUR
    currency: Currency

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: Currency) -> "Money":
        # A context of its own: a library in the process (botbuilder's recognizers) lowers the global precision.
        with localcontext(Context(prec=40)):
            minor = (Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return cls(amount_minor=int(minor), currency=currency)

    @property
    def amount(self) -> Decimal:
        return Decimal(self.amount_minor) / 100


class MalmoRole(enum.StrEnum):
    OWNER = "owner"  # projektägare: lead partner / coordinator
    PARTNER = "partner"


class ApplicationStatus(enum.StrEnum):
    """The application's own life, after it is registered in Lotsen (Swedish labels live in the catalogs)."""

    DRAFT = "draft"  # utkast: not yet submitted to the managing authority
    SUBMITTED = "submitted"  # inskickad
    GRANTED = "granted"  # beviljad
    REJECTED = "rejected"  # avslagen
    ONGOING = "ongoing"  # pågående
    CLOSED = "closed"  # avslutad


class InformationItemStatus(enum.StrEnum):
    TO_SEND = "todo"  # att göra: not yet sent
    SENT = "sent"  # skickat


class ApplicationData(BaseModel):
    """Every answer of a registration; None means not (yet) answered, or skipped where optional."""

    project_name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=4000)
    programme: str | None = None  # a key offered in policy/data/programmes.yaml, or "other"
    programme_other: str | None = Field(None, max_length=200)  # free text when programme is "other"
    call_identifier: str | None = Field(None, max_length=200)
    organisation_slug: str | None = None  # the nämnd or bolag that owns the application
    malmo_role: MalmoRole | None = None
    total_budget: Money | None = None
    malmo_share: Money | None = None
    planned_submission_date: date | None = None
    call_deadline: date | None = None
    expected_decision_date: date | None = None
    project_start: date | None = None
    project_end: date | None = None
    contact_name: str | None = Field(None, max_length=200)
    contact_teams_user_id: str | None = None  # set when the contact person is a Lotsen user
    aligned_with_policy: bool | None = None
    decision_anchored: bool | None = None
    decision_reference: str | None = Field(None, max_length=100)  # e.g. a diarienummer
