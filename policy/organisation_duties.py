"""What the policy asks of a nämnd and of a helägt bolag: whether it reports its international work every year,
whether it appoints a contact person for international matters, and whether 4.1's routine is its own for the EU
applications it owns (parameter `organisation_duties` in policy/data/parameters.yaml).

A nämnd must do both (3.3, and 4 for the report). The policy gives a helägt bolag no duty to report (3.4 is
silent on it, and 4 asks it of "stadens nämnder") and only the opportunity to appoint a representative (3.4).
Where the policy leaves room, the data also says what Lotsen lets an organisation do (`voluntary`), and why
(`note`): that is Lotsen's choice, not the policy's, and kept apart from `duty`.

    from policy.organisation_duties import organisation_duties
    organisation_duties("wholly_owned_company").annual_report.required   # False

Pure, like the rest of the module: callers map their own kinds of organisation to the policy's actors.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Literal

from pydantic import ValidationError, model_validator

from policy.dates import today
from policy.errors import PolicyDataError
from policy.loader import PolicyData, load_policy
from policy.model import _Frozen
from policy.sections import plain_text

__all__ = ["PARAMETER", "Duty", "OrganisationDuties", "organisation_duties"]

PARAMETER = "organisation_duties"

DutyLevel = Literal["required", "optional", "none"]
ContactRole = Literal["contact_person", "representative"]


class Duty(_Frozen):
    """One duty of one kind of organisation, with the section that says so (or that is silent on it)."""

    duty: DutyLevel
    section: str
    also: list[str] = []
    quote: str | None = None  # the policy's words, in `section`; None where the policy asks nothing
    voluntary: bool = False  # Lotsen's choice: done although the policy does not ask it
    role: ContactRole | None = None  # for the contact duty: what the person is called
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Duty:
        if self.duty != "none" and not self.quote:
            raise ValueError(f"a {self.duty} duty quotes the policy's words")
        if self.duty == "none" and self.quote:
            raise ValueError("a duty the policy does not ask quotes nothing")
        if self.voluntary and self.duty != "none":
            raise ValueError("only what the policy does not ask can be voluntary")
        return self

    @property
    def required(self) -> bool:
        """The policy says the organisation does it."""
        return self.duty == "required"

    @property
    def allowed(self) -> bool:
        """The organisation may do it: required, an opportunity the policy gives, or voluntary in Lotsen."""
        return self.duty != "none" or self.voluntary

    @property
    def sections(self) -> tuple[str, ...]:
        return (self.section, *self.also)


class OrganisationDuties(_Frozen):
    """The duties of one kind of organisation (an actor of policy/data/actors.yaml)."""

    actor: str
    annual_report: Duty  # reporting the international work to kommunstyrelsen every year
    contact: Duty  # appointing a contact person (3.3) or representative (3.4) for international matters
    eu_routine: Duty  # the routine for its EU applications when it owns the project (4.1: the nämnders')

    @model_validator(mode="after")
    def _contact_has_a_role(self) -> OrganisationDuties:
        if self.contact.role is None:
            raise ValueError("the contact duty names the role (contact_person or representative)")
        return self

    @property
    def must_report(self) -> bool:
        return self.annual_report.required

    @property
    def must_appoint_contact(self) -> bool:
        return self.contact.required

    @property
    def follows_eu_routine(self) -> bool:
        return self.eu_routine.required


def organisation_duties(actor: str, on: date | None = None, *, policy: PolicyData | None = None) -> OrganisationDuties:
    """The duties of `actor` ("committee", "wholly_owned_company") under the policy in force on `on` (default:
    today in Malmö). PolicyDataError when the data does not give them or contradicts the policy's text."""
    policy = policy or load_policy()
    on = on or today()
    entry = policy.parameter_entry(PARAMETER, on)
    duties = _duties(policy, policy.version_on(on).id, entry.valid_from).get(actor)
    if duties is None:
        raise PolicyDataError(f"parameters.yaml: {PARAMETER} (from {entry.valid_from.isoformat()}) gives no duties "
                              f"of {actor!r}")
    return duties


@lru_cache(maxsize=16)
def _duties(policy: PolicyData, version_id: str, valid_from: date) -> dict[str, OrganisationDuties]:
    """The value in force from `valid_from`, checked against the policy version `version_id`."""
    where = f"parameters.yaml: {PARAMETER} (from {valid_from.isoformat()})"
    entry = next(value for value in policy.parameters[PARAMETER].values if value.valid_from == valid_from)
    version = next(v for v in policy.versions if v.id == version_id)
    if not isinstance(entry.value, dict):
        raise PolicyDataError(f"{where}: expected the duties by actor")
    found: dict[str, OrganisationDuties] = {}
    for actor, doc in entry.value.items():
        if actor not in policy.actors:
            raise PolicyDataError(f"{where}: {actor!r} is not an actor of the policy")
        try:
            duties = OrganisationDuties.model_validate({**(doc or {}), "actor": actor})
        except ValidationError as error:
            raise PolicyDataError(f"{where}: {actor}: {error}") from error
        for name in ("annual_report", "contact", "eu_routine"):
            duty: Duty = getattr(duties, name)
            for section_id in duty.sections:
                if version.section(section_id) is None:
                    raise PolicyDataError(f"{where}: {actor}.{name} cites unknown section {section_id}")
            section = version.section(duty.section)
            assert section is not None  # checked just above
            if duty.quote and plain_text(duty.quote) not in plain_text(section.text.sv):
                raise PolicyDataError(f"{where}: {actor}.{name}: {duty.quote!r} is not the words of section "
                                      f"{duty.section}")
        found[actor] = duties
    return found
