"""The informationsärende draft: headings, figures the Swedish way, the policy's own words, gaps to fill in."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from policy import PolicyData, load_policy
from reports.information_item import FILL_IN, HEADINGS, build_information_item, information_item_draft
from storage.application_data import ApplicationData, MalmoRole, Money
from tests.policy.helpers import with_revision

REGISTERED = date(2027, 1, 12)


def _quote(obligation_id: str, on: date = date(2027, 3, 15)) -> str:
    version = load_policy().version_on(on)
    return next(o.quote for o in version.eu_routine.obligations if o.id == obligation_id)


def _full(**changes: object) -> ApplicationData:
    data = ApplicationData(
        project_name="Gröna skolgårdar",
        description="Skolgårdar görs om för att klara skyfall och ge barnen mer grönska.",
        programme="interreg_oks",
        call_identifier="ÖKS-2027-3",
        organisation_slug="miljonamnden",
        malmo_role=MalmoRole.OWNER,
        total_budget=Money.of(14_500_000, "SEK"),
        malmo_share=Money.of(3_200_000, "SEK"),
        planned_submission_date=date(2027, 3, 15),
        call_deadline=date(2027, 3, 20),
        expected_decision_date=date(2027, 7, 1),
        project_start=date(2027, 9, 1),
        project_end=date(2030, 8, 31),
        contact_name="Anna Andersson",
        aligned_with_policy=True,
        decision_anchored=True,
        decision_reference="MN-2027-00123",
    )
    return data.model_copy(update=changes)


def _draft(data: ApplicationData, *, rate: float | None = None, programme: str = "Interreg Öresund-Kattegat-Skagerrak",
           policy: PolicyData | None = None) -> str:
    """The draft as the registration makes it; the policy module compares the budget with the threshold."""
    return information_item_draft(
        data, organisation_name="Miljönämnden", programme_name=programme, reference="EU-2027-0007",
        rate_used=rate, registered_on=REGISTERED, policy=policy)


def _section(draft: str, heading: str) -> str:
    """The text under one heading, up to the next."""
    blocks = draft.split("\n\n")
    start = next(i for i, b in enumerate(blocks) if b.split("\n", 1)[0] == heading)
    headings = set(HEADINGS.values())
    end = next((i for i in range(start + 1, len(blocks)) if blocks[i].split("\n", 1)[0] in headings), len(blocks))
    return "\n\n".join(blocks[start:end])


def test_headings_in_order() -> None:
    draft = _draft(_full())
    lines = draft.splitlines()
    positions = [lines.index(h) for h in ("Ärende", "Sammanfattning", "Bakgrund", "Ekonomi",
                                          "Koppling till policy och mål", "Förslag till beslut")]
    assert positions == sorted(positions)
    assert draft.endswith("Förslag till beslut\nKommunstyrelsen tar informationen till protokollet.\n")


def test_sek_owner_over_the_threshold() -> None:
    draft = _draft(_full())
    matter = _section(draft, "Ärende")
    assert "Gröna skolgårdar (Interreg Öresund-Kattegat-Skagerrak)" in matter
    assert "Från: Miljönämnden" in matter
    assert "Diarienummer: MN-2027-00123" in matter
    assert "Lotsens referens: EU-2027-0007" in matter
    assert "Registrerad i Lotsen: 12 januari 2027" in matter

    summary = _section(draft, "Sammanfattning")
    assert "Malmö stad är projektägare" in summary
    assert "Projektets totalbudget är 14 500 000 kr." in summary
    assert "den 15 mars 2027" in summary
    assert "totalbudgeten är 12 000 000 kr eller mer" in summary
    assert "avsnitt 4.1 i Policy för Malmö stads internationella arbete" in summary

    background = _section(draft, "Bakgrund")
    for line in ("Skolgårdar görs om för att klara skyfall och ge barnen mer grönska.",
                 "Utlysning: ÖKS-2027-3",
                 "Sista ansökningsdag: 20 mars 2027",
                 "Planerad inlämning: 15 mars 2027",
                 "Besked om finansiering väntas: 1 juli 2027",
                 "Projektperiod: 1 september 2027 – 31 augusti 2030",
                 "Kontaktperson: Anna Andersson"):
        assert line in background.splitlines(), line

    economy = _section(draft, "Ekonomi")
    assert "Projektets totalbudget: 14 500 000 kr" in economy.splitlines()
    assert "Malmö stads andel: 3 200 000 kr" in economy.splitlines()
    assert "Totalbudgeten är 12 000 000 kr eller mer." in economy
    assert FILL_IN not in draft


def test_the_policy_is_quoted_in_its_own_words() -> None:
    draft = _draft(_full())
    connection = _section(draft, "Koppling till policy och mål")
    assert f"”{_quote('information_item_to_ks')}”" in connection
    assert f"”{_quote('align_with_policy')}”" in connection
    assert f"”{_quote('follow_budget')}”" in _section(draft, "Ekonomi")
    assert "(Finansiering från EU:s program och fonder)" in connection
    assert "Miljönämnden har bedömt att projektet ligger i linje med" in connection
    assert "har beslutat om ansökan och förankrat den i verksamheten (diarienummer MN-2027-00123)." in connection


def test_the_version_in_force_on_the_submission_date_is_quoted(tmp_path: Path) -> None:
    revised = load_policy(with_revision(tmp_path / "data"))
    in_2030 = _full(planned_submission_date=date(2030, 3, 1), total_budget=Money.of(16_000_000, "SEK"))
    draft = _draft(in_2030, policy=revised)
    assert "totalbudget på 15 miljoner kronor eller däröver" in draft
    assert "Totalbudgeten är 15 000 000 kr eller mer." in draft
    before = _draft(_full(), policy=revised)
    assert "totalbudget på 12 miljoner kronor eller däröver" in before


def test_eur_budget_shows_sek_and_the_rate() -> None:
    data = _full(total_budget=Money.of(1_200_000, "EUR"), malmo_share=Money.of(250_000, "EUR"))
    draft = _draft(data, rate=11.2)
    expected = "1 200 000 euro (ungefär 13 440 000 kr med kursen 11,20 kr per euro)"
    assert f"Projektets totalbudget är {expected}." in _section(draft, "Sammanfattning")
    economy = _section(draft, "Ekonomi")
    assert f"Projektets totalbudget: {expected}" in economy
    assert "Malmö stads andel: 250 000 euro (ungefär 2 800 000 kr med kursen 11,20 kr per euro)" in economy
    assert "Totalbudgeten är 12 000 000 kr eller mer." in economy


def test_eur_share_of_a_sek_budget_is_shown_in_euro() -> None:
    data = _full(malmo_share=Money.of(300_000, "EUR"))
    economy = _section(_draft(data), "Ekonomi")
    assert "Malmö stads andel: 300 000 euro" in economy.splitlines()


def test_partner_under_the_threshold() -> None:
    data = _full(malmo_role=MalmoRole.PARTNER, total_budget=Money.of(Decimal("4500000.50"), "SEK"), malmo_share=None)
    draft = _draft(data, programme="Erasmus+")
    summary = _section(draft, "Sammanfattning")
    assert "från Erasmus+ för projektet Gröna skolgårdar, där Malmö stad är partner." in summary
    assert "Kommunstyrelsen informeras om ansökan för kännedom." in summary
    assert "eller mer" not in summary
    economy = _section(draft, "Ekonomi")
    assert "Projektets totalbudget: 4 500 000,50 kr" in economy.splitlines()
    assert "Totalbudgeten är under 12 000 000 kr." in economy
    assert "Malmö stads andel" not in economy
    assert "Malmö stads roll: partner" in _section(draft, "Bakgrund")


def test_exactly_the_threshold_reaches_it() -> None:
    data = _full(total_budget=Money.of(12_000_000, "SEK"))
    draft = _draft(data)
    assert "Totalbudgeten är 12 000 000 kr eller mer." in draft
    assert "Eftersom Malmö stad är projektägare" in draft


def test_optional_facts_left_out_and_required_ones_marked() -> None:
    data = ApplicationData(project_name="Stadsodling", programme="urbact", malmo_role=MalmoRole.OWNER,
                           total_budget=Money.of(13_000_000, "SEK"))
    draft = _draft(data, programme="URBACT")
    background = _section(draft, "Bakgrund")
    for left_out in ("Utlysning:", "Sista ansökningsdag:", "Besked om finansiering"):
        assert left_out not in draft
    assert "Malmö stads andel" not in draft
    for marked in ("Planerad inlämning: [fyll i]", "Projektperiod: [fyll i]", "Kontaktperson: [fyll i]"):
        assert marked in background.splitlines()
    assert background.splitlines()[1].startswith(FILL_IN)  # the description
    assert "Diarienummer: [fyll i]" in _section(draft, "Ärende")
    connection = _section(draft, "Koppling till policy och mål")
    assert sum(1 for line in connection.splitlines() if line.startswith(FILL_IN)) == 2
    assert "har bedömt" not in connection and "har beslutat" not in connection


def test_decision_without_reference() -> None:
    draft = _draft(_full(decision_reference=None))
    assert "har beslutat om ansökan och förankrat den i verksamheten." in draft
    assert "Diarienummer: [fyll i]" in draft


def test_nothing_known_but_the_organisation() -> None:
    draft = _draft(ApplicationData(), programme="")
    assert "projektet [fyll i] ([fyll i])" in draft
    assert "Projektets totalbudget: [fyll i]" in draft
    assert "Totalbudgeten är" not in draft
    assert "Malmö stads roll: [fyll i]" in draft


@pytest.mark.parametrize(("budget", "shown"), [
    (Money.of(999, "SEK"), "999 kr"),
    (Money.of(1_000, "SEK"), "1 000 kr"),
    (Money.of(Decimal("12345678.9"), "SEK"), "12 345 678,90 kr"),
    (Money.of(150_000_000, "SEK"), "150 000 000 kr"),
])
def test_amounts_are_grouped_the_swedish_way(budget: Money, shown: str) -> None:
    draft = _draft(_full(total_budget=budget, malmo_share=None))
    assert f"Projektets totalbudget: {shown}" in draft.splitlines()


def test_every_date_is_written_in_swedish() -> None:
    draft = _draft(_full())
    assert not re.search(r"\d{4}-\d{2}-\d{2}", draft)
    assert "1 september 2027" in draft and "31 augusti 2030" in draft


# ---- the one structure both forms come from ------------------------------------------------------------------


def _built(data: ApplicationData, *, rate: float | None = None):
    return build_information_item(
        data, organisation_name="Miljönämnden", programme_name="Interreg Öresund-Kattegat-Skagerrak",
        reference="EU-2027-0007", rate_used=rate, registered_on=REGISTERED)


def test_the_plain_text_is_the_parts_headings_and_paragraphs() -> None:
    built = _built(_full())
    assert [part.heading for part in built.parts] == list(HEADINGS.values())
    assert built.plain_text() == _draft(_full())
    for part in built.parts:  # every paragraph a line of its own under its heading, none empty
        section = _section(built.plain_text(), part.heading)
        assert [line for line in section.splitlines()[1:] if line] == list(part.paragraphs)
        assert all(part.paragraphs)
    assert built.part("background").paragraphs[0] == \
        "Skolgårdar görs om för att klara skyfall och ge barnen mer grönska."


def test_a_complete_draft_has_no_gaps_and_reaches_the_threshold_of_4_1() -> None:
    built = _built(_full())
    assert built.gaps == ()
    assert (built.section, built.threshold_sek, built.reaches_threshold) == ("4.1", Decimal(12_000_000), True)
    assert (built.reference, built.project, built.organisation) == ("EU-2027-0007", "Gröna skolgårdar", "Miljönämnden")
    assert _built(_full(total_budget=Money.of(900_000, "EUR")), rate=11.0).reaches_threshold is False


def test_the_gaps_name_every_fact_written_as_fill_in_once_in_the_drafts_order() -> None:
    built = _built(ApplicationData(project_name="Stadsodling", malmo_role=MalmoRole.OWNER,
                                   total_budget=Money.of(13_000_000, "SEK"), project_start=date(2027, 9, 1)))
    assert built.gaps == ("decision_reference", "planned_submission", "description", "project_period", "contact",
                          "alignment", "anchoring")
    assert "Projektperiod: 1 september 2027 – [fyll i]" in built.part("background").paragraphs
    nothing = _built(ApplicationData())
    assert nothing.gaps[:3] == ("project", "role", "total_budget")
    assert nothing.reaches_threshold is None and nothing.threshold_sek == Decimal(12_000_000)
    assert sum(paragraph.count(FILL_IN) for part in nothing.parts for paragraph in part.paragraphs) >= len(nothing.gaps)

