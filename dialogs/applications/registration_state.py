"""The registration dialog's own state, typed.

botbuilder keeps a dialog's state as a plain dict in the conversation state (`dc.active_dialog.state`), stored
as JSON (through jsonpickle) between turns. The steps read it into `RegistrationState` at the start of a turn
and write it back with `store_into` before the dialog waits or ends. The stored form is exactly the dict the
dialog kept before it was typed: the same keys, in the same order, with plain JSON values only (lists, not
tuples; `last_turn_at` as `datetime.isoformat()`; `data` as the partial answers dict, not a full
ApplicationData dump), so that a registration stored by an older Lotsen resumes where it was.

A stored state of another shape (a key missing or unknown, a value of the wrong type) does not validate:
the dialog then starts over (RegistrationSteps.continue_dialog), which offers the user's draft in the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from dialogs.applications.registration_fields import FIELDS_BY_NAME
from storage.application_data import ApplicationData
from texts import Language

# Modes of the dialog: what the next message answers.
ASKING, FORM, REVIEW, CONFIRM_DISCARD, RESUME_OFFER = "asking", "form", "review", "confirm_discard", "resume_offer"
Mode = Literal["asking", "form", "review", "confirm_discard", "resume_offer"]


class RegistrationState(BaseModel):
    """The fields in the order the stored dict has always had its keys (begin_dialog set them in this order)."""

    # strict: a stored value of another type is refused rather than coerced ("yes" is not True, "3" not 3).
    model_config = ConfigDict(strict=True, extra="forbid", validate_assignment=True)

    lang: Language
    # The answers so far, as stored: {} at the start, {"organisation_slug": …} from the defaults, or the
    # ApplicationData JSON dump once something is answered. Read it with `application_data()`.
    data: dict[str, Any]
    answered: list[str]
    # The questions answered one at a time, in order: what "tillbaka" goes back through.
    history: list[str]
    asking: str | None
    mode: Mode
    return_to_review: bool
    previous_mode: Mode | None
    submission_key: str | None
    # Stored as the string `datetime.isoformat()` gives, parsed back as `datetime.fromisoformat` would.
    last_turn_at: datetime = Field(strict=False)

    @field_validator("asking")
    @classmethod
    def _a_known_question(cls, name: str | None) -> str | None:
        if name is not None and name not in FIELDS_BY_NAME:
            raise ValueError(f"not a registration question: {name!r}")
        return name

    @field_validator("last_turn_at", mode="before")
    @classmethod
    def _an_iso_timestamp(cls, value: object) -> object:
        # Not a number of seconds or the like, which pydantic would take too: only what the dialog writes.
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        if isinstance(value, datetime):
            return value
        raise ValueError("last_turn_at must be an ISO timestamp")

    @field_serializer("last_turn_at")
    def _as_stored(self, value: datetime) -> str:
        # pydantic's own JSON form writes UTC as "Z" and would change the stored text.
        return value.isoformat()

    @classmethod
    def read_from(cls, stored: dict[str, Any]) -> RegistrationState:
        """The state of `dc.active_dialog.state`; raises pydantic's ValidationError for another shape."""
        return cls.model_validate(stored)

    def stored(self) -> dict[str, Any]:
        """The dict as botbuilder stores it: plain JSON values, keys in the stored order."""
        return self.model_dump(mode="json")

    def store_into(self, stored: dict[str, Any]) -> None:
        """Writes the state back into botbuilder's dict, in place (the dialog stack holds that very dict)."""
        stored.clear()
        stored.update(self.stored())

    def application_data(self) -> ApplicationData:
        return ApplicationData.model_validate(self.data)
