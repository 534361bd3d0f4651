"""A draft of the informationsärende a nämnd sends to kommunstyrelsen under policy 4.1, for the official to copy.

Plain text in Swedish (kommunstyrelsen's ärenden are Swedish whatever language the official uses with Lotsen),
with the headings Ärende, Sammanfattning, Bakgrund, Ekonomi, Koppling till policy och mål and Förslag till
beslut, so that each part can be pasted into the city's template. The policy's words are quoted from the policy
module (the 4.1 obligations of the version in force), never retyped here; figures are formatted with the
policy catalog's formats ("14 500 000 kr", "11,00 kr per euro").

What was not given: a fact kommunstyrelsen needs to understand the ärende (the description, the role, the
budget, the planned submission, the project period, the contact person, the nämnd's assessment and decision,
the diarienummer) is written as FILL_IN, with a hint where the gap is a whole paragraph, so that the draft
shows what the official must complete. Facts that are optional in the registration (call identifier, Malmö
stad's share, call deadline, expected decision) are left out when not given.

The texts are in the catalog (texts/sv/information_item.yaml), the dates in its Swedish format.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from policy import PolicyData, load_policy
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
    budget_sek: Decimal | None,
    rate_used: float | None,
    threshold_sek: Decimal,
    registered_on: date,
    policy: PolicyData | None = None,
) -> str:
    """The draft as plain text.

    `programme_name` is the name to show (the caller resolves a programme key, or the official's own text for
    "other"); `reference` is Lotsen's reference for the application; `budget_sek` the total budget in SEK
    (converted when given in euro, at `rate_used` SEK per EUR); `threshold_sek` the 4.1 threshold in force.
    The policy quoted is the version in force on the planned submission date, else on `registered_on`.
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
    threshold = f.money(threshold_sek, "SEK")
    policy_title = version.title.sv

    total = FILL_IN
    if data.total_budget is not None:
        total = f.stated(data.total_budget, budget_sek, rate_used)
    role = text(f"information_item.roles.{MalmoRole(data.malmo_role).value}", LANGUAGE) if data.malmo_role else FILL_IN
    reaches = budget_sek is not None and budget_sek >= threshold_sek

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
        share_sek = None
        if data.malmo_share.currency == "EUR" and rate_used is not None:
            share_sek = data.malmo_share.amount * Decimal(str(rate_used))
        economy.append(_t("share", amount=f.stated(data.malmo_share, share_sek, rate_used)))
    if budget_sek is not None:
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
    """Swedish figures and dates, with the policy catalog's number formats."""

    def __init__(self, policy: PolicyData) -> None:
        self.texts = policy.texts

    def money(self, value: Decimal, currency: str) -> str:
        decimals = 0 if value == value.to_integral_value() else 2
        key = "format.eur" if currency == "EUR" else "format.sek"
        return self.texts.text(key, "sv", amount=self.texts.number(value, "sv", decimals))

    def stated(self, money: Money, sek: Decimal | None, rate: float | None) -> str:
        """An amount as given; one in euro also in SEK, with the rate when known."""
        shown = self.money(money.amount, money.currency)
        if money.currency != "EUR" or sek is None:
            return shown
        sek_text = self.money(sek.quantize(Decimal(1)), "SEK")
        if rate is None:
            return _t("converted_no_rate", eur=shown, sek=sek_text)
        return _t("converted", eur=shown, sek=sek_text, rate=self.texts.rate(rate, "sv"))

    @staticmethod
    def date(value: date | None) -> str:
        if value is None:
            return FILL_IN
        month = lookup("format.months", LANGUAGE)[value.month - 1]
        return text("format.date", LANGUAGE, day=value.day, month=month, year=value.year)
