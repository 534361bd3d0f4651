"""The questions of an EU application registration, in the order they are asked, as data.

Each field names how its answer is read (`kind`), whether it may be skipped, and when it is asked at all
(the free-text programme only when the programme is "annat"). Texts live in the catalogs under
`registration.questions.<name>` and `registration.labels.<name>`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from storage.application_data import ApplicationData

FieldKind = Literal["text", "programme", "organisation", "role", "money", "date", "yes_no", "contact"]
OTHER_PROGRAMME = "other"


def _always(_: ApplicationData) -> bool:
    return True


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    required: bool = True
    max_length: int | None = None
    applies: Callable[[ApplicationData], bool] = _always


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("project_name", "text", max_length=200),
    FieldSpec("description", "text", max_length=4000),
    FieldSpec("programme", "programme"),
    FieldSpec("programme_other", "text", max_length=200, applies=lambda data: data.programme == OTHER_PROGRAMME),
    FieldSpec("call_identifier", "text", required=False, max_length=200),
    FieldSpec("organisation_slug", "organisation"),
    FieldSpec("malmo_role", "role"),
    FieldSpec("total_budget", "money"),
    FieldSpec("malmo_share", "money", required=False),
    FieldSpec("planned_submission_date", "date"),
    FieldSpec("call_deadline", "date"),
    FieldSpec("expected_decision_date", "date", required=False),
    FieldSpec("project_start", "date"),
    FieldSpec("project_end", "date"),
    FieldSpec("contact_name", "contact", max_length=200),
    FieldSpec("aligned_with_policy", "yes_no"),
    FieldSpec("decision_anchored", "yes_no"),
    FieldSpec("decision_reference", "text", required=False, max_length=100),
)
FIELDS_BY_NAME = {field.name: field for field in FIELDS}


def catalog_key(field_name: str) -> str:
    """The catalogs call the owning organisation "organisation"; the data model says which slug."""
    return "organisation" if field_name == "organisation_slug" else field_name


def next_field(data: ApplicationData, answered: set[str]) -> FieldSpec | None:
    for field in FIELDS:
        if field.name not in answered and field.applies(data):
            return field
    return None
