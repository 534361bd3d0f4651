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

The texts are the constants below, in one place, rather than the bot's catalogs: reports/ may not import bot/.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from policy import PolicyData, load_policy
from storage.application_data import ApplicationData, MalmoRole, Money

FILL_IN = "[fyll i]"

HEADINGS = {
    "matter": "Ärende",
    "summary": "Sammanfattning",
    "background": "Bakgrund",
    "economy": "Ekonomi",
    "policy": "Koppling till policy och mål",
    "proposal": "Förslag till beslut",
}

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")

TEXTS = {
    "title": "Utkast: informationsärende till kommunstyrelsen",
    "matter": "Information om ansökan om EU-finansiering för projektet {project} ({programme})",
    "from": "Från: {organisation}",
    "reference": "Diarienummer: {reference}",
    "lotsen_reference": "Lotsens referens: {reference}",
    "registered": "Registrerad i Lotsen: {date}",
    "summary_applies": "{organisation} ansöker om finansiering från {programme} för projektet {project}, där "
                       "Malmö stad är {role}. Projektets totalbudget är {total}.",
    "summary_submission": "Ansökan planeras att lämnas in den {date}.",
    "summary_reason": "Eftersom Malmö stad är projektägare och totalbudgeten är {threshold} eller mer informeras "
                      "kommunstyrelsen om ansökan enligt avsnitt {section} i {policy}.",
    "summary_for_information": "Kommunstyrelsen informeras om ansökan för kännedom.",
    "description_missing": FILL_IN + " (vad projektet ska göra och varför)",
    "call": "Utlysning: {call}",
    "role": "Malmö stads roll: {role}",
    "deadline": "Sista ansökningsdag: {date}",
    "submission": "Planerad inlämning: {date}",
    "decision": "Besked om finansiering väntas: {date}",
    "period": "Projektperiod: {start} – {end}",
    "period_missing": "Projektperiod: " + FILL_IN,
    "contact": "Kontaktperson: {contact}",
    "total": "Projektets totalbudget: {amount}",
    "share": "Malmö stads andel: {amount}",
    "converted": "{eur} (ungefär {sek} med kursen {rate})",
    "converted_no_rate": "{eur} (ungefär {sek})",
    "reaches": "Totalbudgeten är {threshold} eller mer.",
    "below": "Totalbudgeten är under {threshold}.",
    "budget_duty": "Enligt policyn gäller: ”{quote}”",
    "item_quote": "Avsnitt {section} i {policy} ({title}) anger: ”{quote}”",
    "alignment_quote": "Policyn anger också: ”{quote}”",
    "aligned": "{organisation} har bedömt att projektet ligger i linje med Malmö stads internationella policy, "
               "för sammanhanget relevanta styrdokument och kommunfullmäktiges mål.",
    "alignment_missing": FILL_IN + " (hur projektet ligger i linje med Malmö stads internationella policy, "
                                   "relevanta styrdokument och kommunfullmäktiges mål)",
    "anchored": "{organisation} har beslutat om ansökan och förankrat den i verksamheten{reference}.",
    "anchored_reference": " (diarienummer {reference})",
    "anchoring_missing": FILL_IN + " (nämndens beslut om ansökan och hur den är förankrad i verksamheten)",
    "proposal": "Kommunstyrelsen tar informationen till protokollet.",
}

ROLES = {
    MalmoRole.OWNER: "projektägare (lead partner eller koordinator)",
    MalmoRole.PARTNER: "partner",
}

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
    role = ROLES.get(data.malmo_role, FILL_IN) if data.malmo_role else FILL_IN
    reaches = budget_sek is not None and budget_sek >= threshold_sek

    matter = [
        TEXTS["matter"].format(project=data.project_name or FILL_IN, programme=programme_name or FILL_IN),
        TEXTS["from"].format(organisation=organisation),
        TEXTS["reference"].format(reference=data.decision_reference or FILL_IN),
        TEXTS["lotsen_reference"].format(reference=reference),
        TEXTS["registered"].format(date=f.date(registered_on)),
    ]

    summary = [TEXTS["summary_applies"].format(
        organisation=organisation, programme=programme_name or FILL_IN, project=data.project_name or FILL_IN,
        role=role, total=total)]
    summary.append(TEXTS["summary_submission"].format(date=f.date(data.planned_submission_date)))
    if data.malmo_role == MalmoRole.OWNER and reaches:
        summary.append(TEXTS["summary_reason"].format(threshold=threshold, section=section.id, policy=policy_title))
    else:
        summary.append(TEXTS["summary_for_information"])

    background = [data.description or TEXTS["description_missing"], ""]
    if data.call_identifier:
        background.append(TEXTS["call"].format(call=data.call_identifier))
    background.append(TEXTS["role"].format(role=role))
    if data.call_deadline:
        background.append(TEXTS["deadline"].format(date=f.date(data.call_deadline)))
    background.append(TEXTS["submission"].format(date=f.date(data.planned_submission_date)))
    if data.expected_decision_date:
        background.append(TEXTS["decision"].format(date=f.date(data.expected_decision_date)))
    if data.project_start or data.project_end:
        background.append(TEXTS["period"].format(start=f.date(data.project_start), end=f.date(data.project_end)))
    else:
        background.append(TEXTS["period_missing"])
    background.append(TEXTS["contact"].format(contact=data.contact_name or FILL_IN))

    economy = [TEXTS["total"].format(amount=total)]
    if data.malmo_share is not None:
        share_sek = None
        if data.malmo_share.currency == "EUR" and rate_used is not None:
            share_sek = data.malmo_share.amount * Decimal(str(rate_used))
        economy.append(TEXTS["share"].format(amount=f.stated(data.malmo_share, share_sek, rate_used)))
    if budget_sek is not None:
        economy.append(TEXTS["reaches" if reaches else "below"].format(threshold=threshold))
    economy.append(TEXTS["budget_duty"].format(quote=quotes[_BUDGET]))

    connection = [
        TEXTS["item_quote"].format(section=section.id, policy=policy_title, title=section.title.sv,
                                   quote=quotes[_INFORMATION_ITEM]),
        TEXTS["alignment_quote"].format(quote=quotes[_ALIGNMENT]),
        "",
        TEXTS["aligned"].format(organisation=organisation) if data.aligned_with_policy else TEXTS["alignment_missing"],
    ]
    if data.decision_anchored:
        ref = TEXTS["anchored_reference"].format(reference=data.decision_reference) if data.decision_reference else ""
        connection.append(TEXTS["anchored"].format(organisation=organisation, reference=ref))
    else:
        connection.append(TEXTS["anchoring_missing"])

    parts = [
        (HEADINGS["matter"], matter),
        (HEADINGS["summary"], [" ".join(summary)]),
        (HEADINGS["background"], background),
        (HEADINGS["economy"], economy),
        (HEADINGS["policy"], connection),
        (HEADINGS["proposal"], [TEXTS["proposal"]]),
    ]
    blocks = [TEXTS["title"]] + [heading + "\n" + "\n".join(lines) for heading, lines in parts]
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
            return TEXTS["converted_no_rate"].format(eur=shown, sek=sek_text)
        return TEXTS["converted"].format(eur=shown, sek=sek_text, rate=self.texts.rate(rate, "sv"))

    @staticmethod
    def date(value: date | None) -> str:
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else FILL_IN
