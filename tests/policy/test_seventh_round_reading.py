"""Kinds of failure read off the seventh round's development sets 83 (internal auditors and controllers), 85 (urban
planning and street staff), 86 (two situations compared in one question) and 87 (IT and digitalisation staff's jargon),
each measured once as unseen and then read, tested in words of their own.
"""

from __future__ import annotations

import pytest

from tests.policy.helpers import ask, verdict_of


@pytest.mark.parametrize("question, expected", [
    # the figure stands apart from the verb of applying (after a comma or the role): the project's, not the grant
    ("Gatukontoret söker CEF som samordnare, knappt 5 mkr. Behövs ett ärende till KS?", (True, True, False)),
    ("vi ansöker om urbact som lead 800k euro vad gäller", (True, True, False)),
    ("We're applying for Interreg Europe as lead partner, roughly €600,000. Anything for the City Executive Board?",
     (True, True, False)),
])
def test_a_figure_apart_from_the_verb_of_applying_is_the_project_s(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question", [
    # the grant asked for is still a part: named as such, or the verb's own object
    "Vi söker EU-bidrag som koordinator, 9 mkr. Måste KS få ett informationsärende?",
    "Vi söker 9 mkr från ESF+ som koordinator. Måste KS få ett informationsärende?",
])
def test_a_grant_stays_a_part_of_the_total(question: str) -> None:
    facts = ask(question).facts
    assert facts.budget_bound == "at_least"
    assert verdict_of(question)[2] is None  # whether the total reaches 12 million is not known


@pytest.mark.parametrize("question, expected", [
    # LP and PO, and a förvaltning shortened to its first part and "f"
    ("kulturf e LP i creative europe, 2 meur tot, infoärende?", (True, True, True)),
    ("PO: miljönämnden. LIFE, 700 000 euro totalt. Vad ska vi göra?", (True, True, False)),
    ("Lund är LP, vi är bara partner, 30 mkr. Behöver vi informera KS?", (False, False, False)),
])
def test_lead_partner_and_project_owner_shortened(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question", [
    # a company that applies or has the role, named first in its sentence, or an asker speaking for one
    "Boplats Syd vill söka pengar ur Digital Europe, ungefär 13 miljoner. Gäller rutinen med KS?",
    "Fråga: Malmö Live ska ansöka hos Kreativa Europa som koordinator. Måste KS informeras?",
    "The city-owned housing company MKB is the sole applicant for a LIFE grant of 20 MSEK. Must KS be told?",
    "Vi är ett av stadens helägda bolag och ska vara koordinator i Horisont Europa, 40 mkr. Informationsärende?",
])
def test_a_company_applying_is_not_a_namnd_owning_the_project(question: str) -> None:
    result = ask(question)
    assert result.facts.owner_is_company is True
    assert verdict_of(question) == (False, False, False)


def test_a_namnd_after_a_company_that_no_longer_applies_owns_the_project() -> None:
    question = ("MKB står inte längre som sökande – nu söker Fastighets- och gatunämnden själv, LIFE, "
                "1,5 miljoner euro totalt. Vad gäller?")
    assert verdict_of(question) == (True, True, True)


@pytest.mark.parametrize("question, expected", [
    # the role the question asks about, said with "i stället", "we may take over"
    ("Idag är vi partner i en Interreg-ansökan på 25 mkr. Vad måste vi göra om nämnden i stället blir lead partner?",
     (True, True, True)),
    ("We're a partner in a LIFE bid of 3 million euro, but the lead may pull out and we might take over as coordinator. "
     "What would we have to do then?", (True, True, True)),
])
def test_the_role_asked_about_is_the_one_taken_instead(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_a_figure_of_a_situation_supposed_is_not_the_project_s() -> None:
    question = ("Vi koordinerar en ESF+-ansökan på 8 mkr. Hade något varit annorlunda om budgeten vore 15 mkr? "
                "Vad gäller för oss som det är nu?")
    facts = ask(question).facts
    assert facts.total_budget == 8_000_000
    assert verdict_of(question) == (True, True, False)


@pytest.mark.parametrize("question, expected", [
    # the funder replaced is not the one asked about
    ("Vi söker Vinnova istället för Horisont Europa, som koordinator, 20 mkr. Måste KS informeras?", (False, False, False)),
    ("vi e huvudsökande hos allmänna arvsfonden ist f amif, 16 mkr, eu-rutinen?", (False, False, False)),
    ("We now apply to Interreg instead of the Swedish Energy Agency, as lead partner, 14 MSEK. What applies?",
     (True, True, True)),
])
def test_a_funder_replaced_is_not_the_project_s(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    ("Servicenämnden, AMIF, ensam sökande, 6 mkr totalt. Informationsärende?", (True, True, False)),
    ("Det gäller en liten Erasmus+-ansökan på 400 000 kr där gymnasienämnden söker själv. Vad krävs?", (True, True, False)),
    ("Inför nästa år överväger miljöförvaltningen att koordinera en LIFE-ansökan på 18 mkr. Vad gäller?", (True, True, True)),
    ("Our director wants the Environment Committee to coordinate a Horizon Europe bid of 2 million euro. What do we do?",
     (True, True, True)),
])
def test_the_owner_s_role_in_more_words(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_a_body_of_another_city_asked_to_lead_is_not_malmo() -> None:
    assert ask("Vi har bett Köpenhamns kommun att leda projektet, vi är partner. Vad gäller?").facts.malmo_is_project_owner \
        is False


@pytest.mark.parametrize("question", [
    "fgk söker stadsmiljöavtal för en cykelbana, 30 mkr, behövs infoärende?",
    "Is a grant from the Wallenberg foundations of 15 MSEK covered by the EU funding routine? We would be the applicant.",
])
def test_national_and_private_funders_are_not_eu_money(question: str) -> None:
    assert ask(question).facts.eu_funding is False
    assert verdict_of(question) == (False, False, False)


def test_a_partner_in_a_region_led_eu_application_gets_the_routine_s_answer() -> None:
    result = ask("Vi är medsökande i en ERUF-ansökan där Region Skåne är huvudman. Vad gäller för vår del?")
    assert result.citations[0].section == "4.1"
    assert verdict_of("Vi är medsökande i en ERUF-ansökan där Region Skåne är huvudman. Vad gäller för vår del?") \
        == (False, False, False)


@pytest.mark.parametrize("question", [
    "Vi har haft två EU-projekt, fem studiebesök och en vänortsresa i år. Till vem ska det här redovisas?",
    "Our committee ran three EU projects and hosted two delegations this year; to whom is all this reported?",
])
def test_where_the_year_s_work_is_reported_after_telling_it(question: str) -> None:
    result = ask(question)
    assert not result.out_of_scope
    assert result.citations[0].section == "3.3"


@pytest.mark.parametrize("question", [
    "Om ansökan går igenom, vem ser till att arbetssättet lever vidare efter projekttiden?",
    "Who makes sure the project's results become part of our regular operations afterwards, us or the City Office?",
])
def test_what_becomes_of_the_results_is_4_1(question: str) -> None:
    assert ask(question).citations[0].section == "4.1"


# Sets 92 (amounts in every format), 94 (idiomatic English) and 95 (tag questions and double negations), written after
# the first mends of the round and read after their first measurement.

@pytest.mark.parametrize("question, expected", [
    ("Gatukontoret står som stödmottagare i en Interreg-ansökan, omslutning 19 mkr. Vad ska vi göra?", (True, True, True)),
    ("We're the grant holder for a LIFE project of 600,000 euros. Anything for KS?", (True, True, False)),
    ("vi e ensamma sökande i amif, 2 mkr, ks?", (True, True, False)),
    ("Tiny Erasmus+ bid, 90,000 kronor, and our department is the only applicant. Nothing to report, right?",
     (True, True, False)),
    ("Vi har fått frågan att leda en ansökan till Kreativa Europa och har precis sagt ja, 250 lax totalt. Vad gäller?",
     (True, True, False)),
])
def test_the_owner_s_role_in_the_round_s_words(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_stodmottagare_beside_others_says_nothing_of_who_leads() -> None:
    assert ask("Vi är stödmottagare tillsammans med Helsingborg i ett Interreg-projekt på 20 mkr.").facts \
        .malmo_is_project_owner is None


def test_a_programme_run_by_its_authority_is_not_the_project_s_owner() -> None:
    question = "Interreg is run by a managing authority in Copenhagen, isn't it? Anyway, we lead the project, 5 MSEK."
    assert ask(question).facts.malmo_is_project_owner is True


def test_an_aside_naming_which_department_is_left_out() -> None:
    question = "My department (Environment and Climate Planning) coordinates a LIFE proposal of 3 million euros. Do we inform KS?"
    assert verdict_of(question) == (True, True, True)


def test_a_partner_role_denied_is_not_the_owner_s() -> None:
    question = ("Malmö Leasing AB söker Digital Europe som ensam projektägare, 25 mkr. Serviceförvaltningen är med som "
                "expertstöd men är inte partner. Måste serviceförvaltningen skicka ett informationsärende?")
    assert verdict_of(question) == (False, False, False)
    assert ask("Vi är inte partner utan koordinator i ESF+, 9 mkr.").facts.malmo_is_project_owner is True


@pytest.mark.parametrize("question, total", [
    ("Vi leder ett Interreg-projekt. Budgeten är fördelad mellan partnerna: vår del 6 mkr, Rostocks del 4 mkr och "
     "Gdańsks del 3 mkr.", 13_000_000),
    ("Projektägare: kulturnämnden. Budget 10,5 mkr, och sen lägger vi till en utställning för 2 mkr.", 12_500_000),
    ("We coordinate a CERV project: the budget is €900k and we're adding another €150k for evaluation.", 1_050_000),
])
def test_budgets_in_parts_and_additions_are_added(question: str, total: int) -> None:
    assert ask(question).facts.total_budget == total


def test_a_change_from_one_figure_to_another_is_no_range() -> None:
    facts = ask("Budgeten gick från 9 till 13 miljoner totalt när vi tog in fler partner. Vi leder projektet.").facts
    assert (facts.total_budget, facts.budget_bound) == (13_000_000, "exact")


@pytest.mark.parametrize("question", [
    "Vi koordinerar en AMIF-ansökan, budgeten landar någonstans mellan 11 och 13 miljoner. Informationsärende?",
    "We lead an ESF+ application; the total will be 10-15 MSEK depending on partners. Do we need an info item for KS?",
])
def test_a_range_across_the_threshold_leaves_the_information_item_open(question: str) -> None:
    assert verdict_of(question) == (True, True, None)


@pytest.mark.parametrize("question", [
    "Vår ERUF-ansökan på 16 mkr ska köpa in konsulttjänster – gäller LOU för det?",
    "Our Interreg project of 20 MSEK, where we are lead partner: can staff salaries be charged to it?",
])
def test_another_body_of_rules_asked_about_stays_outside(question: str) -> None:
    result = ask(question)
    assert result.out_of_scope and not result.citations


def test_another_body_of_rules_beside_the_routine_s_question_gets_the_routine() -> None:
    result = ask("Vi leder en ERUF-ansökan på 16 mkr. Måste KS få ett informationsärende, och hur hanterar vi momsen?")
    assert result.citations[0].section == "4.1"
    assert verdict_of("Vi leder en ERUF-ansökan på 16 mkr. Måste KS få ett informationsärende, och hur hanterar vi "
                      "momsen?") == (True, True, True)


@pytest.mark.parametrize("question", [
    "Does the policy also cover city-owned companies such as Malmö Stadsteater?",
    "Bolagen slipper väl den internationella policyn?",
])
def test_whether_the_policy_covers_the_companies_is_section_1(question: str) -> None:
    assert ask(question).citations[0].section == "1"


@pytest.mark.parametrize("question, expected", [
    # misses of earlier read sets, mended this round: an abbreviation's dot, "ska va", a body named with "o",
    # "i egenskap av" after a comma, LIFE written small after a role
    ("kulturf. leder creative europe-ansökan, 2 mkr, ks?", (True, True, False)),
    ("vi ska va koordinator i ett amif-projekt på 4 mkr, vad gäller", (True, True, False)),
    ("Vård o omsorg ska leda en EU4Health-ansökan på 20 mkr. Informationsärende?", (True, True, True)),
    ("Finns det något krav på att fritidsnämnden, i egenskap av samordnare för ett Erasmus+-projekt om 3 mkr, "
     "informerar någon?", (True, True, False)),
    ("gatukontoret lead life 9 mkr", (True, True, False)),
])
def test_earlier_misses_in_words_of_their_own(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_a_programme_in_the_capacity_of_is_not_a_subject() -> None:
    # "i egenskap av" after the programme, no comma: the nämnd applies in that role
    assert ask("Tekniska nämnden ansöker om medel ur LIFE i egenskap av koordinator. Vad gäller?").facts \
        .malmo_is_project_owner is True


@pytest.mark.parametrize("question", [
    # the rule for kinds of applications, by size or all of them: the rule, no verdict and no questions back
    "Måste KS-förvaltningen få veta om ansökningar på under 5 mkr också?",
    "Gäller informationsplikten varje EU-ansökan, oavsett belopp?",
    "Do small EU applications have to be reported to the City Office as well, regardless of size?",
    "Isn't the limit for sending an information item to KS 12 million?",
])
def test_questions_about_kinds_of_applications_get_the_rule_without_a_verdict(question: str) -> None:
    result = ask(question)
    assert result.citations[0].section == "4.1"
    assert result.verdict is None
    assert not result.consult


# A second reading of the round's code found these; each is held here in words of its own.

def test_a_range_of_figures_written_with_spaces_is_read_whole() -> None:
    facts = ask("Vi koordinerar ett LIFE-projekt på 13 000 000-15 000 000 kr totalt. Informationsärende?").facts
    assert facts.total_budget >= 13_000_000
    assert verdict_of("Vi koordinerar ett LIFE-projekt på 13 000 000-15 000 000 kr totalt. Informationsärende?") \
        == (True, True, True)


def test_a_later_but_does_not_turn_a_partner_role_denied_into_the_owner_s() -> None:
    assert ask("Vi är med i styrgruppen men är inte partner. Får vi vara med utan avtal?").facts \
        .malmo_is_project_owner is None


def test_a_company_that_only_tips_the_asker_off_is_not_the_applicant() -> None:
    facts = ask("Malmö Live tipsade om att vi kan söka Kreativa Europa, 13 mkr. Måste vi anmäla något?").facts
    assert facts.owner_is_company is False


def test_a_programme_read_in_its_case_may_be_the_one_replaced() -> None:
    facts = ask("Vi söker Allmänna arvsfonden i stället för LIFE, som projektägare, 15 mkr. Gäller EU-rutinen?").facts
    assert (facts.programme, facts.eu_funding) == (None, False)


def test_as_much_as_is_no_role() -> None:
    assert ask("Vi söker som mest 11 miljoner från ESF+ i år.").facts.budget_bound == "at_least"
    assert ask("We are applying for as much as SEK 11 million from Interreg.").facts.budget_bound == "at_least"


def test_an_addition_counts_only_in_the_budget_s_own_sentence() -> None:
    assert ask("Vår budget är 10 mkr. Ett annat projekt lade till 5 mkr förra året.").facts.total_budget == 10_000_000
