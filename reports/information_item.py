"""A draft of the informationsärende a nämnd sends to kommunstyrelsen under policy 4.1.

One structure (`InformationItemDraft`: a title and parts, each a heading and its paragraphs) in Swedish
(kommunstyrelsen's ärenden are Swedish whatever language the official uses with Lotsen), with the headings
Ärende, Sammanfattning, Bakgrund, Ekonomi, Koppling till policy och mål and Förslag till beslut. Both forms come
from it: the plain text stored with the application (`plain_text`) and the Word document made from KS
förvaltning's template (reports/information_document.py). The policy's words are quoted from the policy
module (the 4.1 obligations of the version in force), never retyped here; whether the total budget reaches the
threshold is the policy module's comparison (policy.check_budget), made on the date whose rules count; figures
and dates are formatted by the one formatter (policy.formatting: "14 500 000 kr", "11,20 kr per euro",
"15 mars 2027").

What was not given: a fact kommunstyrelsen needs to understand the ärende (the description, the role, the
budget, the planned submission, the project period, the contact person, the nämnd's assessment and decision,
the diarienummer) is written as FILL_IN, with a hint where the gap is a whole paragraph, so that the draft
shows what the official must complete; `gaps` names them, for the chat's summary card. Facts that are optional
in the registration (call identifier, Malmö stad's share, call deadline, expected decision) are left out when
not given.

The texts are in the catalog (texts/sv/information_item.yaml).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from policy import PolicyData, check_budget, in_sek, load_policy, threshold_on
from policy.dates import MALMO_TIME
from policy.formatting import format_amount, format_date
from reports.compilation_query import programme_name
from storage.application_data import ApplicationData, MalmoRole, Money
from storage.applications import application_data, application_reference
from storage.models import Application
from texts import Language, lookup, text

LANGUAGE: Language = "sv"  # kommunstyrelsen's ärenden are Swedish
FILL_IN = text("information_item.fill_in", LANGUAGE)


def _t(key: str, **values: object) -> str:
    return text(f"information_item.texts.{key}", LANGUAGE, **values)


# The draft's headings in order, each the start of a part of the city's template.
HEADINGS: dict[str, str] = lookup("information_item.headings", LANGUAGE)


# The 4.1 obligations whose words the draft quotes, by their id in the policy data.
_INFORMATION_ITEM, _ALIGNMENT, _BUDGET = "information_item_to_ks", "align_with_policy", "follow_budget"


@dataclass(frozen=True)
class DraftPart:
    """One heading of the draft and its text, as groups of lines: in the plain text a blank line parts the groups,
    in the Word document every line is a paragraph of its own."""

    key: str  # as in the catalog's headings: matter, summary, background, economy, policy, proposal
    heading: str
    groups: tuple[tuple[str, ...], ...]

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(line for group in self.groups for line in group)

    def plain_text(self) -> str:
        return self.heading + "\n" + "\n\n".join("\n".join(group) for group in self.groups)


@dataclass(frozen=True)
class InformationItemDraft:
    """The draft's text, and the facts about it the chat's summary shows."""

    title: str
    parts: tuple[DraftPart, ...]
    reference: str  # Lotsen's reference for the application
    project: str
    organisation: str
    programme: str
    section: str  # the policy section quoted (4.1 of the version in force)
    threshold_sek: Decimal  # the threshold in force, in kronor
    reaches_threshold: bool | None  # None: no total budget given
    gaps: tuple[str, ...]  # what the official must fill in, as keys of information_item_card.gaps

    def part(self, key: str) -> DraftPart:
        return next(part for part in self.parts if part.key == key)

    def plain_text(self) -> str:
        return "\n\n".join([self.title] + [part.plain_text() for part in self.parts]) + "\n"


@dataclass
class _Gaps:
    """The facts written as FILL_IN, in the order the draft first leaves them open."""

    keys: list[str] = field(default_factory=list)

    def fill(self, value: str | None, key: str) -> str:
        """`value`, or FILL_IN with `key` recorded."""
        if value:
            return value
        self.add(key)
        return FILL_IN

    def add(self, key: str) -> None:
        if key not in self.keys:
            self.keys.append(key)


def information_item_draft(
    data: ApplicationData,
    *,
    organisation_name: str,
    programme_name: str,
    reference: str,
    rate_used: float | None,
    registered_on: date,
    policy: PolicyData | None = None,
) -> str:
    """The draft as plain text (see `build_information_item` for the arguments)."""
    return build_information_item(
        data, organisation_name=organisation_name, programme_name=programme_name, reference=reference,
        rate_used=rate_used, registered_on=registered_on, policy=policy).plain_text()


def information_item_for_application(application: Application, programme_names: Mapping[str, str],
                                     policy: PolicyData | None = None) -> InformationItemDraft:
    """The draft for a stored application (its organisation loaded), as the registration made it: the rate it
    was registered at, the date it was registered, the programme's Swedish name from `programme_names`."""
    return build_information_item(
        application_data(application), organisation_name=application.organisation.name,
        programme_name=programme_name(application, programme_names), reference=application_reference(application),
        rate_used=application.eur_sek_rate, registered_on=application.created_at.astimezone(MALMO_TIME).date(),
        policy=policy)


def build_information_item(
    data: ApplicationData,
    *,
    organisation_name: str,
    programme_name: str,
    reference: str,
    rate_used: float | None,
    registered_on: date,
    policy: PolicyData | None = None,
) -> InformationItemDraft:
    """The draft's parts.

    `programme_name` is the name to show (the caller resolves a programme key, or the official's own text for
    "other"); `reference` is Lotsen's reference for the application; `rate_used` the SEK per EUR the
    registration converted a budget in euro at (stored with the application; the policy's default when None).
    The policy quoted, and the threshold, are those in force on the planned submission date, else on
    `registered_on`: the rules the registration's verdict used.
    """
    policy = policy or load_policy()
    on = data.planned_submission_date or registered_on
    version = policy.version_on(on)
    routine = version.eu_routine
    section = version.section(routine.section)
    assert section is not None  # checked when the policy data was loaded
    quotes = {o.id: o.quote for o in routine.obligations}
    gaps = _Gaps()
    f = _Formatter(policy, gaps)
    organisation = organisation_name
    policy_title = version.title.sv
    project = gaps.fill(data.project_name, "project")
    programme = gaps.fill(programme_name, "programme")
    role = gaps.fill(text(f"information_item.roles.{MalmoRole(data.malmo_role).value}", LANGUAGE)
                     if data.malmo_role else None, "role")
    check = None
    if data.total_budget is not None:
        check = check_budget(data.total_budget.amount, data.total_budget.currency, on, rate_used, policy=policy)
    total = gaps.fill(f.stated(data.total_budget, check.rate_used) if data.total_budget and check else None,
                      "total_budget")  # `check` is there exactly when the budget is
    reaches = check is not None and check.reaches
    threshold_sek = check.threshold_sek if check else threshold_on(on, policy=policy)
    threshold = f.money(threshold_sek, "SEK") if check else ""  # named only beside a budget

    matter = (
        _t("matter", project=project, programme=programme),
        _t("from", organisation=organisation),
        _t("reference", reference=gaps.fill(data.decision_reference, "decision_reference")),
        _t("lotsen_reference", reference=reference),
        _t("registered", date=_day(registered_on)),
    )

    summary = [_t("summary_applies", organisation=organisation, programme=programme, project=project, role=role,
                  total=total)]
    summary.append(_t("summary_submission", date=f.date(data.planned_submission_date, "planned_submission")))
    if data.malmo_role == MalmoRole.OWNER and reaches:
        summary.append(_t("summary_reason", threshold=threshold, section=section.id, policy=policy_title))
    else:
        summary.append(_t("summary_for_information"))

    description = data.description or _t("description_missing")
    if not data.description:
        gaps.add("description")
    facts = []
    if data.call_identifier:
        facts.append(_t("call", call=data.call_identifier))
    facts.append(_t("role", role=role))
    if data.call_deadline:
        facts.append(_t("deadline", date=_day(data.call_deadline)))
    facts.append(_t("submission", date=f.date(data.planned_submission_date, "planned_submission")))
    if data.expected_decision_date:
        facts.append(_t("decision", date=_day(data.expected_decision_date)))
    if data.project_start or data.project_end:
        facts.append(_t("period", start=f.date(data.project_start, "project_period"),
                        end=f.date(data.project_end, "project_period")))
    else:
        gaps.add("project_period")
        facts.append(_t("period_missing"))
    facts.append(_t("contact", contact=gaps.fill(data.contact_name, "contact")))

    economy = [_t("total", amount=total)]
    if data.malmo_share is not None:
        # A share in euro is shown in kronor too when the budget gave the rate (a budget in euro).
        economy.append(_t("share", amount=f.stated(data.malmo_share, check.rate_used if check else None)))
    if check is not None:
        economy.append(_t("reaches" if reaches else "below", threshold=threshold))
    economy.append(_t("budget_duty", quote=quotes[_BUDGET]))

    quoted = (
        _t("item_quote", section=section.id, policy=policy_title, title=section.title.sv,
           quote=quotes[_INFORMATION_ITEM]),
        _t("alignment_quote", quote=quotes[_ALIGNMENT]),
    )
    assessed = [_t("aligned", organisation=organisation) if data.aligned_with_policy else _t("alignment_missing")]
    if not data.aligned_with_policy:
        gaps.add("alignment")
    if data.decision_anchored:
        ref = _t("anchored_reference", reference=data.decision_reference) if data.decision_reference else ""
        assessed.append(_t("anchored", organisation=organisation, reference=ref))
    else:
        gaps.add("anchoring")
        assessed.append(_t("anchoring_missing"))

    groups: dict[str, tuple[tuple[str, ...], ...]] = {
        "matter": (matter,),
        "summary": ((" ".join(summary),),),
        "background": ((description,), tuple(facts)),
        "economy": (tuple(economy),),
        "policy": (quoted, tuple(assessed)),
        "proposal": ((_t("proposal"),),),
    }
    return InformationItemDraft(
        title=_t("title"),
        parts=tuple(DraftPart(key, HEADINGS[key], groups[key]) for key in HEADINGS),
        reference=reference, project=project, organisation=organisation, programme=programme,
        section=section.id, threshold_sek=threshold_sek, reaches_threshold=check.reaches if check else None,
        gaps=tuple(gaps.keys))


def _day(value: date) -> str:
    return format_date(value, LANGUAGE)


class _Formatter:
    """Swedish figures and dates: amounts as given (to the öre when not whole), in the policy catalog's words."""

    def __init__(self, policy: PolicyData, gaps: _Gaps) -> None:
        self.texts = policy.texts
        self.gaps = gaps

    def money(self, value: Decimal, currency: str) -> str:
        key = "format.eur" if currency == "EUR" else "format.sek"
        return self.texts.text(key, LANGUAGE, amount=format_amount(value, LANGUAGE))

    def stated(self, money: Money, rate: float | None) -> str:
        """An amount as given; one in euro also in whole kronor at `rate`, with the rate, when there is one."""
        shown = self.money(money.amount, money.currency)
        if money.currency != "EUR" or rate is None:
            return shown
        sek = in_sek(money.amount, money.currency, rate).quantize(Decimal(1))
        return _t("converted", eur=shown, sek=self.money(sek, "SEK"), rate=self.texts.rate(rate, LANGUAGE))

    def date(self, value: date | None, gap: str) -> str:
        """The date in words; FILL_IN, and `gap` recorded, when it was not given."""
        return self.gaps.fill(_day(value) if value is not None else None, gap)
