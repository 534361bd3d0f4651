"""A draft of the informationsärende a nämnd sends to kommunstyrelsen under policy 4.1, for the official to copy.

Plain text in Swedish (kommunstyrelsen's ärenden are Swedish whatever language the official uses with Lotsen),
with the headings Ärende, Sammanfattning, Bakgrund, Ekonomi, Koppling till policy och mål and Förslag till
beslut, so that each part can be pasted into the city's template. The policy's words are quoted from the policy
module (the 4.1 obligations of the version in force), never retyped here; whether the total budget reaches the
threshold is the policy module's comparison (policy.check_budget), made on the date whose rules count; figures
and dates are formatted by the one formatter (policy.formatting: "14 500 000 kr", "11,20 kr per euro",
"15 mars 2027").

What was not given: a fact kommunstyrelsen needs to understand the ärende (the description, the role, the
budget, the planned submission, the project period, the contact person, the nämnd's assessment and decision,
the diarienummer) is written as FILL_IN, with a hint where the gap is a whole paragraph, so that the draft
shows what the official must complete. Facts that are optional in the registration (call identifier, Malmö
stad's share, call deadline, expected decision) are left out when not given.

The texts are in the catalog (texts/sv/information_item.yaml).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from policy import PolicyData, check_budget, in_sek, load_policy
from policy.formatting import format_amount, format_date
from storage.application_data import ApplicationData, MalmoRole, Money
from texts import Language, lookup, text

LANGUAGE: Language = "sv"  # kommunstyrelsen's ärenden are Swedish
FILL_IN = text("information_item.fill_in", LANGUAGE)


def _t(key: str, **values: object) -> str:
    return text(f"information_item.texts.{key}", LANGUAGE, **values)


# The draft's headings in order, each the start of a part of the city's template.
HEADINGS: dict[str, str] = lookup("information_item.headings", LANGUAGE)


# The 4.1 obligations whose words the draft quotes, by their id in the policy data.
_INFORMATION_ITEM, _ALIGNMENT, _BUDGET = "information_item_to_ks", "align_with_policy", "follow_budget"


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
    """The draft as plain text.

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
    f = _Formatter(policy)
    organisation = organisation_name
    policy_title = version.title.sv

    total = FILL_IN
    check = None
    if data.total_budget is not None:
        check = check_budget(data.total_budget.amount, data.total_budget.currency, on, rate_used, policy=policy)
        total = f.stated(data.total_budget, check.rate_used)
    reaches = check is not None and check.reaches
    threshold = f.money(check.threshold_sek, "SEK") if check else ""  # named only beside a budget
    role = text(f"information_item.roles.{MalmoRole(data.malmo_role).value}", LANGUAGE) if data.malmo_role else FILL_IN

    matter = [
        _t("matter", project=data.project_name or FILL_IN, programme=programme_name or FILL_IN),
        _t("from", organisation=organisation),
        _t("reference", reference=data.decision_reference or FILL_IN),
        _t("lotsen_reference", reference=reference),
        _t("registered", date=f.date(registered_on)),
    ]

    summary = [_t("summary_applies", 
        organisation=organisation, programme=programme_name or FILL_IN, project=data.project_name or FILL_IN,
        role=role, total=total)]
    summary.append(_t("summary_submission", date=f.date(data.planned_submission_date)))
    if data.malmo_role == MalmoRole.OWNER and reaches:
        summary.append(_t("summary_reason", threshold=threshold, section=section.id, policy=policy_title))
    else:
        summary.append(_t("summary_for_information"))

    background = [data.description or _t("description_missing"), ""]
    if data.call_identifier:
        background.append(_t("call", call=data.call_identifier))
    background.append(_t("role", role=role))
    if data.call_deadline:
        background.append(_t("deadline", date=f.date(data.call_deadline)))
    background.append(_t("submission", date=f.date(data.planned_submission_date)))
    if data.expected_decision_date:
        background.append(_t("decision", date=f.date(data.expected_decision_date)))
    if data.project_start or data.project_end:
        background.append(_t("period", start=f.date(data.project_start), end=f.date(data.project_end)))
    else:
        background.append(_t("period_missing"))
    background.append(_t("contact", contact=data.contact_name or FILL_IN))

    economy = [_t("total", amount=total)]
    if data.malmo_share is not None:
        # A share in euro is shown in kronor too when the budget gave the rate (a budget in euro).
        economy.append(_t("share", amount=f.stated(data.malmo_share, check.rate_used if check else None)))
    if check is not None:
        economy.append(_t("reaches" if reaches else "below", threshold=threshold))
    economy.append(_t("budget_duty", quote=quotes[_BUDGET]))

    connection = [
        _t("item_quote", section=section.id, policy=policy_title, title=section.title.sv,
                                   quote=quotes[_INFORMATION_ITEM]),
        _t("alignment_quote", quote=quotes[_ALIGNMENT]),
        "",
        _t("aligned", organisation=organisation) if data.aligned_with_policy else _t("alignment_missing"),
    ]
    if data.decision_anchored:
        ref = _t("anchored_reference", reference=data.decision_reference) if data.decision_reference else ""
        connection.append(_t("anchored", organisation=organisation, reference=ref))
    else:
        connection.append(_t("anchoring_missing"))

    parts = [
        (HEADINGS["matter"], matter),
        (HEADINGS["summary"], [" ".join(summary)]),
        (HEADINGS["background"], background),
        (HEADINGS["economy"], economy),
        (HEADINGS["policy"], connection),
        (HEADINGS["proposal"], [_t("proposal")]),
    ]
    blocks = [_t("title")] + [heading + "\n" + "\n".join(lines) for heading, lines in parts]
    return "\n\n".join(blocks) + "\n"


class _Formatter:
    """Swedish figures and dates: amounts as given (to the öre when not whole), in the policy catalog's words."""

    def __init__(self, policy: PolicyData) -> None:
        self.texts = policy.texts

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

    @staticmethod
    def date(value: date | None) -> str:
        return FILL_IN if value is None else format_date(value, LANGUAGE)
