"""The reminder rules (reminders/data/rules.yaml) as checked, typed data: read once, asked by kind.

Loading checks everything the planner relies on, and names the file in every message: each kind of
reminder has exactly one rule and no unknown kind appears; sources are sections the policy has (or
"configuration", with the setting named); a rule has either days before a deadline or a recurrence, and the
recurrence is a valid RRULE.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from policy.yaml_files import load_yaml
from policy import PolicyError, get_section
from reminders.calendar import parse_rrule
from storage.models import ReminderKind, ReminderSubjectType

__all__ = [
    "DEFAULT_RULES_PATH",
    "ReminderRule",
    "ReminderRules",
    "RulesError",
    "get_rule",
    "load_rules",
]

DEFAULT_RULES_PATH = Path(__file__).parent / "data" / "rules.yaml"
CONFIGURATION = "configuration"

Recipient = Literal["contact_or_registrant", "registrant", "organisation_contact_persons", "ks_coordinators"]
Deadline = Literal["call_deadline", "annual_report_deadline"]
Start = Literal["planned_submission_date"]

# Which subject and recipients each kind needs: the planner is written for these, the data cannot change them.
_SHAPE: dict[ReminderKind, tuple[ReminderSubjectType, frozenset[str]]] = {
    ReminderKind.APPLICATION_DEADLINE: (ReminderSubjectType.APPLICATION, frozenset({"contact_or_registrant"})),
    ReminderKind.INFORMATION_ITEM: (ReminderSubjectType.INFORMATION_ITEM, frozenset({"registrant"})),
    ReminderKind.ANNUAL_REPORT: (ReminderSubjectType.ORGANISATION, frozenset({"organisation_contact_persons"})),
    ReminderKind.MISSING_CONTACT_PERSON: (ReminderSubjectType.ORGANISATION, frozenset({"ks_coordinators"})),
}


class RulesError(ValueError):
    """The rules file is missing, unreadable or wrong; the message names the file and the rule."""


class ReminderRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ReminderKind
    source: tuple[str, ...] = Field(min_length=1)
    setting: str | None = None
    why: str = Field(min_length=1)
    subject: ReminderSubjectType
    recipient: Recipient
    deadline: Deadline | None = None
    days_before: tuple[int, ...] | None = None
    starts: Start | None = None
    anchor: date | None = None
    rrule: str | None = None
    plan_ahead_days: int | None = Field(None, ge=1, le=400)

    @field_validator("days_before")
    @classmethod
    def _days_before(cls, value: tuple[int, ...] | None) -> tuple[int, ...] | None:
        if value is None:
            return None
        if not value or any(days < 0 for days in value) or len(set(value)) != len(value):
            raise ValueError("days_before must be distinct whole numbers of days, 0 or more")
        return tuple(sorted(value, reverse=True))  # earliest reminder first

    @field_validator("rrule")
    @classmethod
    def _rrule(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            parse_rrule(value, date(2000, 1, 1))
        except (ValueError, TypeError) as error:
            raise ValueError(f"rrule {value!r} is not a valid RRULE: {error}") from error
        return value

    @field_validator("source")
    @classmethod
    def _sources(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for source in value:
            if source == CONFIGURATION:
                continue
            try:
                get_section(source)
            except PolicyError as error:
                raise ValueError(f"source {source!r} is not a section of the policy ({error})") from error
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ReminderRule:
        subject, recipients = _SHAPE[self.kind]
        if self.subject != subject:
            raise ValueError(
                f"the subject of a {self.kind.value} reminder is {subject.value}, not {self.subject.value}"
            )
        if self.recipient not in recipients:
            raise ValueError(f"a {self.kind.value} reminder goes to {' or '.join(sorted(recipients))}")
        if (self.days_before is None) == (self.rrule is None):
            raise ValueError("give either days_before (with deadline) or rrule (with starts or anchor)")
        if self.days_before is not None and self.deadline is None:
            raise ValueError("days_before needs the deadline it counts back from")
        if self.rrule is not None and (self.starts is None) == (self.anchor is None):
            raise ValueError("an rrule needs exactly one of starts (a date of the subject) or anchor (a fixed date)")
        if (CONFIGURATION in self.source) != (self.setting is not None):
            raise ValueError('source "configuration" and setting go together: name the setting, and only then')
        if not any(source != CONFIGURATION for source in self.source):
            raise ValueError("name the policy section the duty comes from, besides the configuration")
        return self

    @property
    def policy_sections(self) -> tuple[str, ...]:
        """The policy sections of `source`, "configuration" left out; the first is the one a message cites."""
        return tuple(source for source in self.source if source != CONFIGURATION)


class ReminderRules(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: Path
    rules: dict[ReminderKind, ReminderRule]

    def rule(self, kind: ReminderKind | str) -> ReminderRule:
        return self.rules[ReminderKind(kind)]


def load_rules(path: Path | str | None = None) -> ReminderRules:
    """Reads and checks a rules file (default: reminders/data/rules.yaml, read once and kept)."""
    if path is None:
        return _default_rules()
    return _read(Path(path))


@lru_cache(maxsize=1)
def _default_rules() -> ReminderRules:
    return _read(DEFAULT_RULES_PATH)


def get_rule(kind: ReminderKind | str) -> ReminderRule:
    """The rule for `kind` from the default rules file."""
    return _default_rules().rule(kind)


def _read(path: Path) -> ReminderRules:
    try:
        with path.open(encoding="utf-8") as stream:
            raw = load_yaml(stream)
    except OSError as error:
        raise RulesError(f"{path}: cannot be read: {error}") from error
    except yaml.YAMLError as error:
        raise RulesError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(raw, dict) or set(raw) != {"rules"} or not isinstance(raw["rules"], dict):
        raise RulesError(f"{path}: expected one top-level key, rules, holding one entry per kind of reminder")

    known = {kind.value for kind in ReminderKind}
    unknown = sorted(str(name) for name in raw["rules"] if name not in known)
    if unknown:
        raise RulesError(f"{path}: unknown kind of reminder {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    missing = sorted(known - set(raw["rules"]))
    if missing:
        raise RulesError(f"{path}: no rule for {', '.join(missing)}")

    rules: dict[ReminderKind, ReminderRule] = {}
    for name, entry in raw["rules"].items():
        if not isinstance(entry, dict):
            raise RulesError(f"{path}: rules.{name}: expected a mapping of the rule's fields")
        try:
            rules[ReminderKind(name)] = ReminderRule.model_validate({**entry, "kind": name})
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in problem['loc']) or 'rule'}: {problem['msg']}"
                for problem in error.errors()
            )
            raise RulesError(f"{path}: rules.{name}: {problems}") from error
    return ReminderRules(path=path, rules=rules)
