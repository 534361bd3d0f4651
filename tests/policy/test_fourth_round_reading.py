"""Kinds of failure read off development sets 33 (school staff), 34 (economists), 38 (companies), 39 (dictated
questions) and 40 (long messages with their background first), each measured once as unseen and then read; tested in
words of their own.

A message that tells its situation in sentences and then asks two questions is answered on its first question, unless
that question only makes sense with the sentences before it ("… Vem håller i det, och …"); a wish to register ("Jag
vill registrera vår ansökan. Nämnden är …") is the registration; who is informed, asked beside another question,
brings the verdict; a contact person's question leads to the register of contact persons; where several totals are
given the last one is the project asked about.
"""

from __future__ import annotations

import pytest

from tests.policy.helpers import ask as _ask


def test_the_first_question_after_the_situation_is_what_is_answered() -> None:
    result = _ask("Kulturnämnden samordnar ett Kreativa Europa-projekt på 14 mkr totalt. Vem ser till att budgeten "
                  "hålls, och vem tar hand om resultaten när projektet är slut?")
    assert result.topic == "committee_project_duties" and result.citations[0].section == "4.1"
    # the duties are what is asked: no verdict, though the budget is given (it comes when the routine's acts are asked too)
    assert result.verdict is None


def test_a_first_question_that_points_back_is_read_with_its_situation() -> None:
    result = _ask("Jag har hört att staden har ett EU-nätverk för förvaltningarna. Vem samordnar det, och hur ofta "
                  "träffas man?")
    assert result.kind == "answer" and result.topic == "eu_network"


def test_a_wish_to_register_with_the_details_after_it_is_the_registration() -> None:
    result = _ask("Jag vill registrera vår LIFE-ansökan om skyfallsskydd. Miljönämnden är koordinator och "
                  "totalbudgeten är 16 miljoner.")
    assert result.kind == "feature" and result.feature == "register"
    result = _ask("I would like to register our Interreg application. We are lead partner, 2 million euro in total.")
    assert result.kind == "feature" and result.feature == "register"


def test_who_is_informed_asked_beside_another_question_brings_the_verdict() -> None:
    result = _ask("Grundskolenämnden tänker söka Erasmus+ som koordinator. Jag vill veta vem som beslutar om "
                  "ansökan, samt vem som ska informeras.")
    assert result.verdict is not None
    assert result.verdict.routine_applies is True and result.verdict.inform_ks_administration is True


@pytest.mark.parametrize("question", [
    "Vem har vi som kontaktperson för internationella frågor på kulturförvaltningen?",
    "Who is the contact person for international questions at the environment department?",
])
def test_a_contact_persons_question_leads_to_the_register(question: str) -> None:
    result = _ask(question)
    assert result.feature == "contacts" and result.citations[0].section == "3.3"


@pytest.mark.parametrize("question, reaches", [
    # the last total is the project asked about: a former project's or a share's figure comes before it
    ("Vi hade ett ESF+-projekt på 30 mkr totalt som vi ledde. Nu söker vi som lead ett nytt med totalt 6 mkr. "
     "Behövs informationsärende?", False),
    ("Malmös andel av Interreg-projektet vi leder är 2,5 mkr, men hela projektet har en budget på 19 mkr. "
     "Informationsärende?", True),
    # Malmö's share and the partners' together
    ("Vi är lead. Vår del är 8 mkr och de andra partnerna har tillsammans 6 mkr. Informationsärende till KS?", True),
    # the grant and the EU's share of the costs
    ("Vi är projektägare i ESF+ och bidraget är 7 mkr med en stödandel på 50 %. Informationsärende?", True),
    # a yearly budget said before the amount
    ("Miljönämnden koordinerar ett LIFE-projekt med en årsbudget på 3 mkr i fem år. Informationsärende?", True),
])
def test_budgets_in_parts_and_corrections_give_the_total(question: str, reaches: bool) -> None:
    result = _ask(question)
    assert result.verdict is not None and result.verdict.routine_applies is True
    assert result.verdict.information_item_to_ks is reaches


@pytest.mark.parametrize("question", [
    "Vi på stadsbiblioteket är partner i ett Kreativa Europa-projekt som Aarhus kommun äger. Gäller EU-rutinen?",
    "A private school in Malmö coordinates the Erasmus+ project and our school is a partner. Does the routine apply?",
    "Vi leder ett arbetspaket i ett Horisont Europa-projekt, men ett universitet i Leuven är koordinator. Gäller rutinen?",
    # tagging along, or having become a partner
    "vi hänger bara med som partner i ett Interreg-projekt, gäller EU-rutinen?",
    "Först skulle vi leda LIFE-ansökan men nu har vi blivit partner, gäller rutinen?",
])
def test_when_another_owns_the_project_the_routine_does_not_apply(question: str) -> None:
    result = _ask(question)
    assert result.verdict is not None and result.verdict.routine_applies is False


@pytest.mark.parametrize("question, lang", [
    ("Vi på Malmö Stadsteater (helägt bolag) är huvudsökande i en Kreativa Europa-ansökan på 20 mkr. Måste vi skicka "
     "informationsärende till KS?", "sv"),
    ("Our city-owned harbour company will coordinate an Interreg application of 3 million euro. Do we need to inform "
     "the City Executive Board's administration?", "en"),
])
def test_a_company_owning_the_project_is_told_the_routine_is_the_nämnders(question: str, lang: str) -> None:
    result = _ask(question)
    assert result.verdict is not None and result.verdict.routine_applies is False
    assert result.verdict.information_item_to_ks is False
    assert result.facts.owner_is_company
    assert [c.section for c in result.citations][:3] == ["4.1", "3.4", "1"]
    assert ("skriven för nämnderna" if lang == "sv" else "written for the committees") in result.answer


@pytest.mark.parametrize("question, information_item", [
    # dictated: split words and misheard ones are read as typed
    ("eh kulturnämnden är lied partner i ett e u projekt kreativa europa totalt arton miljoner behövs "
     "informations ärende till kommun styrelsen", True),
    ("vi e huvud sökande i inter reg budget fyra miljoner ska vi säga till ks", False),
])
def test_a_dictated_question_is_read_as_typed(question: str, information_item: bool) -> None:
    result = _ask(question)
    assert result.question == question  # the answer keeps what was asked
    assert result.verdict is not None and result.verdict.routine_applies is True
    assert result.verdict.information_item_to_ks is information_item


@pytest.mark.parametrize("question", [
    "Får fullmäktige ta del av vad nämnderna gjort internationellt under året?",
    "Does the city council get to see the yearly report on international work?",
])
def test_what_the_council_gets_each_year_is_its_own_duty(question: str) -> None:
    result = _ask(question)
    assert result.kind == "answer" and result.citations[0].section == "3.1"


def test_a_plea_to_register_with_a_dash_before_the_details_is_the_registration() -> None:
    result = _ask("Could you register our LIFE application – lead partner Miljönämnden, total budget 20 MSEK.")
    assert result.kind == "feature" and result.feature == "register"
