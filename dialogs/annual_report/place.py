"""Where the user is in the annual report dialog: its botbuilder dialog state, typed.

The stored form is the plain JSON dict it always was (organisation_id, year, mode, part, walk, item, skipped,
proposed; an item question as id, kind, fields, then, new), so that a dialog saved before, or by another
instance, resumes. It is read at the start of a turn (`ReportPlace.read`) and written back as a whole before
the turn's replies are sent (`ReportPlace.write`); the bot saves it after the turn. Validation is strict and
knows every key, so what validates dumps back to the same dict; anything else is refused (ValidationError)
rather than half understood."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from storage.models import AnnualReportItemKind

# What the next message answers (report_turn.PART, ITEM, PLAN, CONTACT, CONTACT_NAME, REVIEW).
Mode = Literal["part", "item", "plan", "contact", "contact_name", "review"]
# Where an item's questions lead when they are done: back to its part, or to the review.
Then = Literal["part", "review"]

_STORED = ConfigDict(strict=True, extra="forbid")


def _kind(value: str) -> str:
    AnnualReportItemKind(value)  # a ValueError, so a ValidationError, for a kind the report does not have
    return value


class ItemQuestion(BaseModel):
    """The questions still to ask about one item (`fields`, the next first); `id` None until a new item has its
    title; `new`: being added, so its questions show no current value."""

    model_config = _STORED

    id: int | None
    kind: str
    fields: list[str]
    then: Then
    new: bool = False

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        return _kind(value)


class ReportPlace(BaseModel):
    """Which report, what the next message answers, the part shown or asked about, whether the user is walking
    through the parts, the item question open, the prefilled projects left unconfirmed in the walk, and the
    contact person proposed."""

    model_config = _STORED

    organisation_id: int
    year: int
    mode: Mode
    part: str | None
    walk: bool
    item: ItemQuestion | None
    skipped: list[int]
    proposed: str | None

    @field_validator("part")
    @classmethod
    def _part(cls, value: str | None) -> str | None:
        return _kind(value) if value is not None else None

    @classmethod
    def read(cls, state: dict[str, Any]) -> ReportPlace:
        """The place stored in the dialog's state; ValidationError when it is not one."""
        return cls.model_validate(state)

    def write(self, state: dict[str, Any]) -> None:
        """Stores the place in the dialog's state dict (the same dict: botbuilder saves it after the turn)."""
        state.clear()
        state.update(self.model_dump())
