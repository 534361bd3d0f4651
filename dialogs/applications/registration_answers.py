"""Reading one answer of the registration, typed or from the form, into the application data.

Both the one-question-at-a-time path and the Adaptive Card form go through `read_answer`, so an answer
means the same whichever way it was given. A problem comes back as a catalog key with its values, never
as an exception: the dialog re-asks with an example of what works.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dialogs.common.input_parsing import (
    check_decision_date,
    check_project_period,
    check_submission_dates,
    is_negative_amount,
    means_me,
    parse_date,
    parse_money,
    parse_role,
    parse_yes_no,
    plain,
)
from dialogs.applications.programmes import load_programmes, match_programme
from dialogs.applications.registration_fields import OTHER_PROGRAMME, FieldSpec
from dialogs.common.formatting import format_date, format_money
from storage.application_data import ApplicationData, Money


@dataclass(frozen=True)
class Choice:
    key: str
    name: str


@dataclass
class AnswerContext:
    today: date
    user_name: str
    user_teams_id: str
    organisations: list[Choice]
    lang: str
    # The one organisation an official placed by an administrator registers for (None: any, e.g. KS).
    own_organisation: Choice | None = None


@dataclass
class Reading:
    """Either the values to store (field name → value) or a problem (catalog key under registration.retry)."""

    values: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None
    problem_values: dict[str, str] = field(default_factory=dict)


def programme_choices(lang: str) -> list[Choice]:
    return [Choice(programme.key, programme.name(lang)) for programme in load_programmes()]


def _pick(text: str, choices: list[Choice]) -> Choice | None:
    """A number from the shown list, or a name (case and diacritics aside)."""
    stripped = text.strip().rstrip(".")
    if stripped.isdecimal() and stripped.isascii() and 1 <= int(stripped) <= len(choices):
        return choices[int(stripped) - 1]
    folded = plain(stripped)
    for choice in choices:
        if folded in (plain(choice.name), plain(choice.key)):
            return choice
    return None


def read_answer(spec: FieldSpec, text: str, data: ApplicationData, context: AnswerContext) -> Reading:
    text = text.strip()
    if not text:
        return Reading(problem="text")
    if spec.max_length and len(text) > spec.max_length:
        return Reading(problem="too_long", problem_values={"max": str(spec.max_length)})
    reader = _READERS[spec.kind]
    return reader(spec, text, data, context)


def _read_text(spec: FieldSpec, text: str, data: ApplicationData, context: AnswerContext) -> Reading:
    return Reading(values={spec.name: text})


def _read_programme(spec: FieldSpec, text: str, data: ApplicationData, context: AnswerContext) -> Reading:
    choices = programme_choices(context.lang)
    picked = _pick(text, choices)
    if picked is None:
        programme = match_programme(text)
        picked = Choice(programme.key, programme.name(context.lang)) if programme else None
    if picked is None:
        return Reading(problem="programme")
    values: dict[str, Any] = {"programme": picked.key}
    if picked.key != OTHER_PROGRAMME:
        values["programme_other"] = None
    return Reading(values=values)


def _read_organisation(spec: FieldSpec, text: str, data: ApplicationData, context: AnswerContext) -> Reading:
    picked = _pick(text, context.organisations)
    if picked is None and context.own_organisation is not None:
        # An official registers for their own organisation only: they could not see the application otherwise.
        return Reading(problem="organisation_own", problem_values={"organisation": context.own_organisation.name})
    if picked is None:
        return Reading(problem="organisation")
    return Reading(values={"organisation_slug": picked.key})


def _read_role(spec: FieldSpec, text: str, data: ApplicationData, context: AnswerContext) -> Reading:
    role = parse_role(text)
    return Reading(values={"malmo_role": role}) if role else Reading(problem="role")


def _read_money(spec: FieldSpec, text: str, data: ApplicationData, context: AnswerContext) -> Reading:
    if is_negative_amount(text):
        return Reading(problem="negative_money")
    money = parse_money(text)
    if money is None:
        return Reading(problem="money")
    if spec.name == "malmo_share" and data.total_budget and _exceeds(money, data.total_budget):
        return Reading(problem="share_over_total",
                       problem_values={"total": format_money(data.total_budget, context.lang)})
    if spec.name == "total_budget" and data.malmo_share and _exceeds(data.malmo_share, money):
        # A new, smaller total makes the earlier share impossible: ask for the share again.
        return Reading(values={"total_budget": money, "malmo_share": None})
    return Reading(values={spec.name: money})


def _exceeds(part: Money, whole: Money) -> bool:
    return part.currency == whole.currency and part.amount_minor > whole.amount_minor


def _read_date(spec: FieldSpec, text: str, data: ApplicationData, context: AnswerContext) -> Reading:
    value = parse_date(text, context.today)
    if value is None:
        return Reading(problem="date")
    proposed = data.model_copy(update={spec.name: value})
    problem = _date_problem(spec.name, proposed, context)
    return problem or Reading(values={spec.name: value})


def _date_problem(name: str, data: ApplicationData, context: AnswerContext) -> Reading | None:
    """Compares the dates that can be compared once this answer is in. The problem is worded for the question
    being answered: a wrong order found while editing the earlier date asks for that date, not the later one."""
    def shown(value: date | None) -> str:
        return format_date(value, context.lang) if value else ""

    dates = {"submission": shown(data.planned_submission_date), "deadline": shown(data.call_deadline),
             "date": shown(data.call_deadline), "decision": shown(data.expected_decision_date),
             "start": shown(data.project_start), "end": shown(data.project_end)}
    key: str | None = None
    if name == "call_deadline":
        key = check_submission_dates(data.planned_submission_date, data.call_deadline, context.today)
    elif name == "planned_submission_date":
        # Only the order: a deadline that has passed since it was given is the deadline question's business.
        if check_submission_dates(data.planned_submission_date, data.call_deadline, date.min):
            key = "submission_after_deadline_on_submission"
        elif check_decision_date(data.expected_decision_date, data.planned_submission_date):
            key = "submission_after_decision"
    elif name == "expected_decision_date":
        key = check_decision_date(data.expected_decision_date, data.planned_submission_date)
    elif name == "project_end":
        key = check_project_period(data.project_start, data.project_end)
    elif name == "project_start" and check_project_period(data.project_start, data.project_end):
        key = "start_after_end"
    return Reading(problem=key, problem_values=dates) if key else None


def _read_yes_no(spec: FieldSpec, text: str, data: ApplicationData, context: AnswerContext) -> Reading:
    answer = parse_yes_no(text)
    return Reading(problem="yes_no") if answer is None else Reading(values={spec.name: answer})


def _read_contact(spec: FieldSpec, text: str, data: ApplicationData, context: AnswerContext) -> Reading:
    if means_me(text):
        return Reading(values={"contact_name": context.user_name, "contact_teams_user_id": context.user_teams_id})
    return Reading(values={"contact_name": text, "contact_teams_user_id": None})


_READERS = {
    "text": _read_text,
    "programme": _read_programme,
    "organisation": _read_organisation,
    "role": _read_role,
    "money": _read_money,
    "date": _read_date,
    "yes_no": _read_yes_no,
    "contact": _read_contact,
}
