"""Kinds of failure read off the tenth round's development sets 139 (a body named once, then "de"/"they" for it), 140
(the city's companies and the nämnder in one project, in different roles) and 142 (follow-up and the yearly
reporting), each measured once as unseen and then read, tested in words of their own.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from policy import load_policy
from policy.budget import threshold_on
from tests.policy.helpers import ANSWER_DAY, ask, verdict_of


def _budget(question: str) -> tuple[Decimal | None, str]:
    facts = load_policy().fact_reader.read(question, threshold_on(ANSWER_DAY), ANSWER_DAY).facts
    return facts.total_budget, facts.budget_bound


@pytest.mark.parametrize("question, total", [
    # the share after the figure, joined by a relative clause or a verb
    ("Vi koordinerar ett Interreg-projekt. Vår budgetandel är 3 mkr, vilket motsvarar 20 % av den totala budgeten.",
     Decimal(15_000_000)),
    ("Our share is SEK 2.4 million, which is 30% of the total budget; we are lead partner.", Decimal(8_000_000)),
    ("EU-stödet på 6 mkr täcker 50 % av projektets kostnader. Grundskolenämnden är koordinator.", Decimal(12_000_000)),
    # the share before it, of the total budget named as such
    ("EU står för 70 % av totalbudgeten, vilket blir 8,4 mkr, och tekniska nämnden är lead.", Decimal(12_000_000)),
])
def test_a_share_of_the_total_in_more_words(question: str, total: Decimal) -> None:
    assert _budget(question) == (total, "exact")


def test_a_total_named_so_before_its_share_stays_the_total() -> None:
    assert _budget("Projektbudgeten är 10 mkr, 60 % av kostnaderna från Interreg, och vi leder.") == \
        (Decimal(10_000_000), "exact")


@pytest.mark.parametrize("question, expected", [
    # a company as a partner in a project a nämnd owns: the nämnd's routine
    ("Fritidsnämnden är projektägare i en LIFE-ansökan där Malmö Live deltar som partner, totalt 14 mkr. Informationsärende?",
     (True, True, True)),
    ("Parkering Malmö är med som partner i ett ESF+-projekt som tekniska nämnden leder, budget 9 mkr. Vad gäller?",
     (True, True, False)),
    # the asker's company a partner, a committee the lead applicant
    ("Our company is a partner in an Urbact project where the city planning committee is the lead applicant, "
     "SEK 13 million in total. Must the KS get an information item?", (True, True, True)),
    # the company the owner, a nämnd its partner: not the nämnders' routine
    ("MKB är projektägare och kulturnämnden partner i ett Interreg-projekt på 20 mkr. Måste vi informera KS?",
     (False, False, False)),
])
def test_companies_and_nämnder_in_one_project(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    # "de"/"they" for the body the sentence, or the one before, opens with
    ("Kulturnämnden har aldrig sökt förut, men det är de som ska koordinera Kreativa Europa-ansökan på 900 000 euro.",
     (True, True, False)),
    ("The Environment Committee has drafted a LIFE bid. They will coordinate it; total budget €2 million.",
     (True, True, True)),
    # another party's "de" stays another's
    ("Lunds universitet är med, och det är de som leder Horisont-ansökan på 30 mkr; vi är partner.",
     (False, False, False)),
])
def test_they_for_a_body_named_before(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    # one of Malmö's bodies denied beside another affirmed: Malmö owns it either way
    ("Det är gatukontoret och inte tekniska nämnden som formellt står som projektägare för Interreg-ansökan på 4 mkr.",
     (True, True, False)),
    # the role taken over, the subject after the verb
    ("Region Skåne skulle leda, men nu tar stadsbyggnadsnämnden över som koordinator. Urbact, 3 mkr.", (True, True, False)),
])
def test_the_owner_said_in_other_orders(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_a_body_s_part_beside_the_total_is_a_part() -> None:
    question = "Stadsbyggnadsnämnden och Lunds universitet söker Urbact ihop, totalt 14 mkr; förvaltningens del är 4 mkr."
    assert _budget(question) == (Decimal(14_000_000), "exact")


def test_a_role_then_a_body_in_a_list_of_facts() -> None:
    assert verdict_of("LIFE, sökande miljöförvaltningen, partner VA SYD, totalt 9 mkr. Vad gäller?") == (True, True, False)


@pytest.mark.parametrize("question, total", [
    # the budget told in its parts, each named beside its figure, and no total: their sum
    ("LIFE-ansökan där vi koordinerar: EU 6 mkr, egen 2,5 mkr, partnerna 4 mkr. Infoärende?", Decimal(12_500_000)),
    ("Interreg bid, we are lead partner: €300k from the programme, our co-financing €100k, partners €700k.",
     Decimal(1_100_000)),
    # every part a year's, with the project's years
    ("Vi leder ett Erasmus+-projekt i fyra år: 1,5 mkr/år i EU-bidrag och 0,5 mkr/år egen medfinansiering.",
     Decimal(8_000_000)),
    # a total given beside its parts is the total
    ("Totalt 14 mkr, varav EU-bidrag 10 mkr och egen insats 4 mkr; vi är lead.", Decimal(14_000_000)),
    # a share, then "that part"; the only figure a share of an unnamed whole
    ("We lead it. The programme covers 70% of the budget and that part comes to SEK 8.4 million.", Decimal(12_000_000)),
    ("Vår medfinansiering utgör 20 procent och landar på 2,6 mkr; vi är huvudsökande.", Decimal(13_000_000)),
    # the EU's part by its rate
    ("EU finansierar 80 % och EU-delen blir 8 mkr; grundskolenämnden koordinerar.", Decimal(10_000_000)),
])
def test_a_budget_told_in_pieces(question: str, total: Decimal) -> None:
    assert _budget(question) == (total, "exact")


@pytest.mark.parametrize("question, expected", [
    # a company that denies being the applicant says nothing against the nämnd that leads
    ("Vi på Boplats Syd är inte sökande, det är arbetsmarknads- och socialnämnden som leder ESF+-ansökan på 15 mkr.",
     (True, True, True)),
    # who will hold the role asked, or said to be unclear, is not known
    ("Kulturnämnden och Malmö Live söker Kreativa Europa ihop, 3 mkr, men ingen har bestämt vem som ska stå som "
     "huvudsökande.", (None, None, False)),
    ("interreg, ägare är oklart, 20 mkr, vad gäller", (None, None, None)),
    # a company applying alone, considered or supposed
    ("Vi på Malmö Stadshus funderar på att söka LIFE-medel på egen hand. Gäller rutinen?", (False, False, False)),
    ("Om vårt energibolag söker Horisont Europa-medel, måste KS få ett informationsärende?", (False, False, False)),
])
def test_companies_denying_asking_or_applying_alone(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, section", [
    # a project told first, then a question about something else: what is asked is answered
    ("Vi på gatukontoret är koordinator för en CEF-ansökan om 8 mkr. Vem i staden kan hjälpa oss att skriva själva "
     "ansökan?", "3.2.1"),
    ("Vi leder en Interreg-ansökan om 4 mkr. Vad är stadens EU-nätverk och vem samordnar det?", "3.2.1"),
    ("Fritidsnämnden är projektägare i ett Erasmus+ Idrott-projekt på 1 mkr. Vem har ansvaret för stadens kontor i "
     "Bryssel?", "3.2"),
])
def test_the_question_after_its_situation_is_what_is_answered(question: str, section: str) -> None:
    result = ask(question)
    assert result.kind == "answer" and result.citations[0].section == section


@pytest.mark.parametrize("question", [
    "Please log our Interreg bid – the culture committee leads it and the budget is SEK 4 million.",
    "Logga vår LIFE-ansökan: miljönämnden är lead, 6 mkr.",
    "Could you record our AMIF application: the labour market committee is coordinator, €500k.",
])
def test_a_request_to_log_an_application_with_its_details_leads_to_registering(question: str) -> None:
    assert ask(question).feature == "register"


def test_a_nämnd_shortened_in_chat() -> None:
    assert verdict_of("förskolen leder en erasmus+ ansökan på 14 mkr, måste nåt till ks?") == (True, True, True)


@pytest.mark.parametrize("question", [
    "Kulturnämnden är projektägare för ett Interreg-projekt på 6 mkr. Vem ska se till att budgeten hålls?",
    "We coordinate a LIFE project of SEK 9 million. Who takes care of putting the results into our regular operations "
    "once it ends?",
])
def test_a_project_owner_s_duty_asked_alone_is_answered_without_the_verdict(question: str) -> None:
    result = ask(question)
    assert result.citations[0].section == "4.1" and result.verdict is None


def test_a_duty_asked_beside_what_the_routine_asks_keeps_the_verdict() -> None:
    result = ask("Vi leder en LIFE-ansökan på 15 mkr. Vem ansvarar för budgeten, och behövs ett informationsärende till KS?")
    assert result.verdict is not None and result.verdict.information_item_to_ks is True


@pytest.mark.parametrize("question", [
    "Måste MKB rapportera sitt internationella arbete till KS varje år?",
    "Do the city's companies have to report their international work to the KS every year like the committees?",
    "Vi på Malmö Live har ingen representant i EU-nätverket – bryter vi mot något?",
])
def test_a_company_s_own_report_or_representative_is_answered_from_3_4(question: str) -> None:
    result = ask(question)
    assert result.kind == "answer" and result.citations[0].section == "3.4"


@pytest.mark.parametrize("question", [
    # the policy's own follow-up, beside the yearly reports it is mistaken for
    "Följer stadskontoret upp själva policyn varje år när de sammanställer nämndernas redovisningar?",
    "Vad händer när policyn blir omodern, vem kollar på den då?",
])
def test_the_policy_s_own_follow_up_is_section_5(question: str) -> None:
    result = ask(question)
    assert result.kind == "answer" and result.citations[0].section == "5"


@pytest.mark.parametrize("question", [
    "Gäller rutinen om det är energibolaget och inte miljönämnden som söker LIFE-pengarna?",
    "Does the EU routine apply when it is a city company and not a committee that applies for Interreg money?",
])
def test_a_company_stressed_as_the_applicant_instead_of_a_nämnd(question: str) -> None:
    assert verdict_of(question) == (False, False, False)


def test_the_answer_says_how_a_total_was_summed_from_its_parts() -> None:
    swedish = ask("Vi på miljöförvaltningen leder en LIFE-ansökan: EU 6 mkr, egen 2,5 mkr, partnerna 4 mkr. Infoärende?")
    assert "summan av delarna" in swedish.answer and "12 500 000 kr" in swedish.answer
    english = ask("We lead an ESF+ project for three years: SEK 2.1 million a year from ESF+, SEK 0.9 million a year own "
                  "co-financing and SEK 0.5 million a year from our partner. What applies?", lang="en")
    assert "sum of the parts" in english.answer and "× 3" in english.answer and "SEK 10,500,000" in english.answer


def test_a_year_s_parts_without_the_years_give_a_floor_and_no_sum_to_show() -> None:
    result = ask("Vi leder ett ESF+-projekt: 2 mkr/år från ESF+ och 1 mkr/år egen medfinansiering. Vad gäller?")
    assert (result.facts.total_budget, result.facts.budget_bound) == (Decimal(3_000_000), "at_least")
    assert "summan av delarna" not in result.answer


def test_a_duty_asked_after_a_project_the_routine_leads_for_is_answered_with_the_duty() -> None:
    result = ask("Kulturnämnden leder en LIFE-ansökan: EU 6 mkr, egen 2,5 mkr, partnerna 4 mkr. Vem ska se till att "
                 "budgeten hålls?")
    assert result.topic == "committee_project_duties" and result.citations[0].section == "4.1"
    assert result.verdict is None
    # asked beside the routine's acts, the routine answers with its verdict
    both = ask("Kulturnämnden leder en LIFE-ansökan: EU 6 mkr, egen 2,5 mkr, partnerna 4 mkr. Vilka informationsskyldigheter "
               "har vi, och vem ser till att budgeten hålls?")
    assert both.verdict is not None and both.verdict.information_item_to_ks is True


def test_they_after_a_cleft_earlier_in_the_message_is_still_resolved() -> None:
    # the cleft's "de" is replaced first ("den andra parten"): the later "De" is looked up in the text as it then is
    assert verdict_of("Det är de som vet. Kulturnämnden är med. De leder. Kreativa Europa, 3 mkr.") == (True, True, False)
