"""Kinds of failure read off the eleventh round's development sets 154 (changing course mid-message) and 157 (pasted and
forwarded text), each measured once as unseen and then read, tested in words of their own.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from policy import load_policy
from policy.budget import threshold_on
from policy.normalise import fold
from tests.policy.helpers import ANSWER_DAY, ask, verdict_of


def _facts(question: str):
    return load_policy().fact_reader.read(question, threshold_on(ANSWER_DAY), ANSWER_DAY).facts


def _first_section(question: str) -> str | None:
    a = ask(question)
    return a.citations[0].section if a.kind == "answer" and a.citations else None


@pytest.mark.parametrize("question, section", [
    # the first question taken back, the one after it answered
    ("Vem antar policyn? Nej förresten, strunta i det – vem ska se till att den utvärderas?", "5"),
    ("Does every committee report each year? Scratch that, what may a wholly owned company do in the city's networks?",
     "3.4"),
    ("Har KS hand om vänorterna? Jag ändrar frågan: vilka nämnder måste ha en kontaktperson för internationella frågor?",
     "3.3"),
    ("Vad säger policyn om studiebesök? Eller snarare: vem beslutar om stadens nya medlemskap i ett europeiskt nätverk?",
     "3.2"),
])
def test_the_question_asked_after_a_change_of_course(question: str, section: str) -> None:
    assert _first_section(question) == section


def test_a_question_that_leans_on_what_came_before_is_read_with_it() -> None:
    # the part after "förresten" alone says too little: the whole message decides, and it tells of the routine
    a = ask("Stadsbyggnadsnämnden leder en Urbact-ansökan på 3 mkr. Förresten, den blev 15 mkr. Vad gäller då?")
    assert a.citations[0].section == "4.1"
    assert a.verdict is not None and a.verdict.information_item_to_ks is True


def test_a_corrected_fact_asks_nothing_new() -> None:
    # without a question mark the correction only changes a fact: the request stays what it was
    a = ask("Jag vill lämna in kulturnämndens årsredovisning av det internationella arbetet – nej vänta, "
            "servicenämndens menar jag.")
    assert a.feature == "annual_report"


@pytest.mark.parametrize("question, expected", [
    # the owner turned either way by a change of course
    ("Tekniska nämnden leder en CEF-ansökan på 20 mkr – nej, jag har fel: Trafikverket leder och vi är partner. "
     "Informera KS?", (False, False, False)),
    ("We are a partner in a LIFE bid... oh wait, the environment committee took over as coordinator. Budget SEK 4m. "
     "Who do we tell?", (True, True, False)),
    ("Ägare oklart i vår Interreg-ansökan, 10 mkr. Fast nej, nu är det klart: fritidsnämnden står som huvudsökande. "
     "Vad gäller?", (True, True, False)),
    # the plan as it was, then as it is
    ("Grundskolenämnden skulle söka Erasmus+ själv, 2 mkr, men det var den gamla planen – nu söker Lunds universitet "
     "och vi är med som partner. Vad måste vi göra?", (False, False, False)),
])
def test_the_owner_after_a_change_of_course(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, total", [
    ("Miljönämnden koordinerar, totalbudget 600 000 euro. Oj, det ska vara 6 000 000 euro.", Decimal(6_000_000)),
    ("Vi leder ett ESF+-projekt, total 8 mkr. Vänta, med de nya partnerna blir totalen nu 13 mkr.", Decimal(13_000_000)),
])
def test_the_budget_after_a_change_of_course(question: str, total: Decimal) -> None:
    assert _facts(question).total_budget == total


def test_a_body_named_by_what_it_does_in_english() -> None:
    assert verdict_of("Lead applicant: Culture and Leisure Committee. Programme: Creative Europe. Total: SEK 14m. "
                      "Is an information item needed?") == (True, True, True)
    # two parties joined by "and" are not one body's name
    assert _facts("Lund University and our department apply together; Lund University is the coordinator.") \
        .malmo_is_project_owner is False


def test_a_quoted_message_read_as_written() -> None:
    # a line quoted with ">" opens its sentence: the foundation applies, not the asker
    assert verdict_of("Kollega skrev:\n> Stiftelsen Malmö Idrottsfond söker Erasmus+ som huvudsökande, 2 MEUR.\n"
                      "Gäller rutinen?") == (False, False, False)


@pytest.mark.parametrize("question, expected", [
    # the subject after the verb, in a sentence opened by "nu"/"då"
    ("Vi var tänkta som sökande, men nu står Region Skåne som huvudsökande i Interreg-ansökan på 30 mkr. Vad gäller?",
     (False, False, False)),
    ("Tekniska nämnden är partner i dag, men då blir fritidsnämnden projektägare i den nya LIFE-ansökan på 5 mkr. "
     "Vad gäller för den?", (True, True, False)),
    # the Council of Europe is no EU body, whatever the asker believes
    ("Kulturnämnden söker pengar från Europarådet för ett demokratiprojekt, 2 mkr. Det är väl EU-pengar?",
     (False, False, False)),
    ("Our committee applies to the Council of Europe's Intercultural Cities programme, SEK 1m. Does the EU routine apply?",
     (False, False, False)),
])
def test_who_owns_and_who_pays_in_more_words(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    # notes typed on one line with a dash before each point
    ("anteckningar: -vi ar med som partner -lead ar Aarhus kommun -total 20 mkr. info till ks?", (False, False, False)),
    # a form's field naming the organisation responsible
    ("Från ansökningsformuläret:\nProjektansvarig organisation: Malmö stad, miljöförvaltningen\nProgram: LIFE\n"
     "Total budget: 15 mkr\nVad behöver vi göra?", (True, True, True)),
])
def test_pasted_notes_and_forms(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_a_dash_inside_a_name_or_a_range_is_no_bullet() -> None:
    facts = _facts("Vi leder ett ESF+-projekt på 10 -14 mkr, och EU-medel är sökta.")
    assert facts.malmo_is_project_owner is True and facts.programme == "ESF+"


def test_the_section_cited_follows_what_is_asked_after_the_change_of_course() -> None:
    # the words before the change ("gäller policyn …") would make the companies' answer cite section 1 first
    assert _first_section("Gäller policyn för stadens bolag? Jag omformulerar mig: vad får ett helägt bolag göra i "
                          "stadens EU-nätverk?") == "3.4"


@pytest.mark.parametrize("question, relayed", [
    ("Kollegan mejlade: \"Vem har ansvaret för Malmös kontor i Bryssel?\" Vet du det?",
     "Vem har ansvaret för Malmös kontor i Bryssel?"),
    ("A new colleague wrote:\n> Who decides which partner cities Malmö has?\nWhat should I tell her?",
     "Who decides which partner cities Malmö has?"),
    ("Min chef undrar om KS måste informeras om vår LIFE-ansökan, vad ska jag svara?",
     "Min chef undrar om KS måste informeras om vår LIFE-ansökan,"),
])
def test_a_question_passed_on_is_what_is_asked(question: str, relayed: str) -> None:
    from policy.answering import _relayed_question

    assert _relayed_question(question, fold(question), load_policy()) == relayed


def test_a_question_passed_on_answered_by_its_own_words() -> None:
    # the asker's "vet du?" at the end would otherwise be read twice as the question asked
    assert _first_section("Chefen skickade: \"Vem är det egentligen som sköter stadens Brysselkontor?\" vet du?") == "3.2"


def test_a_question_of_ones_own_is_not_passed_on() -> None:
    from policy.answering import _relayed_question

    question = "Måste vi informera KS om vår Interreg-ansökan på 14 mkr?"
    assert _relayed_question(question, fold(question), load_policy()) is None


@pytest.mark.parametrize("question, expected", [
    # a company said by its kind in a cleft is the one applying
    ("Det är ett kommunalt bolag som söker Interreg som huvudsökande, 20 mkr. Gäller 4.1?", (False, False, False)),
    ("It's a wholly owned company that applies as lead partner, SEK 16m. Must KS be informed?", (False, False, False)),
    # the routine's acts in chat words: an EU application of the asker's nämnd is meant
    ("SBN projektägare, 14 mkr – blir det info-ärende?", (True, True, True)),
    ("KN lead, 400k EUR. under gränsen för KS va?", (True, True, False)),
    # the asker's role in more words
    ("Vi på kulturförvaltningen är ansökande part i Kreativa Europa, 2 mkr totalt. Vad gäller?", (True, True, False)),
    ("The planning admin is coordinating an Urbact bid, EUR 700k in total. Who do we inform?", (True, True, False)),
    # the role in brackets after the application
    ("Vi skickar in ansökan (koordinator, 13 mkr) på fredag, hinner vi informera KS efteråt?", (True, True, True)),
])
def test_short_chat_forms_of_the_facts(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_the_routine_named_with_hyphens() -> None:
    # "info-till-KS" names what the routine asks: a company's own application gets the routine's answer (not the nämnders')
    question = "Boplats Syd vill söka EU-pengar själva som lead, omfattas de av info-till-KS-kravet?"
    assert ask(question).citations[0].section == "4.1"
    assert verdict_of(question) == (False, False, False)


@pytest.mark.parametrize("question, total, bound", [
    # a range whose low end is written without the unit of its high end
    ("We coordinate a LIFE project, total between EUR 1.5 and 2 million.", Decimal(1_500_000), "at_least"),
    ("Our department is lead partner; the budget will be from €1.2 to 1.5 million.", Decimal(1_200_000), "at_least"),
])
def test_a_range_with_one_unit(question: str, total: Decimal, bound: str) -> None:
    facts = _facts(question)
    assert (facts.total_budget, facts.currency, facts.budget_bound) == (total, "EUR", bound)


@pytest.mark.parametrize("question, expected", [
    # a company said by its kind and name at the sentence's start applies, whatever the role
    ("The housing company (MKB Fastighets AB) plans to apply for LIFE as lead, about 9 mkr. Does the routine apply?",
     (False, False, False)),
    # the health and care förvaltning by its initials, the coordinator misspelled
    ("HVF coordinatr for an EU4Health bid, 14 mkr total, info item needed?", (True, True, True)),
])
def test_more_forms_of_who_applies(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    # a cleft naming who applies in the role
    ("Det är Lunds universitet som söker Interreg som huvudsökande, inte vi på miljöförvaltningen. Gäller 4.1 oss?",
     (False, False, False)),
    ("Det är vi som söker LIFE som koordinator, 13 mkr. Informationsärende?", (True, True, True)),
    # the company a message comes from is the asker
    ("Fråga från Malmö Leasing AB: vi är projektägare i en ESF+-ansökan. Omfattas vi av rutinen?", (False, False, False)),
])
def test_who_applies_said_around_the_asker(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, owner", [
    # English roles with a word before them, and bodies that "act as"
    ("Fritidsnämnden is the sole applicant for an Erasmus+ Sport grant.", True),
    ("The culture department is project holder; partners in Riga and Gdansk.", True),
    ("Tekniska nämnden will act as lead beneficiary in the CEF bid.", True),
    ("The city planning office is the accountable body for the network.", True),
    ("Region Skåne is the principal applicant and we join as a partner.", False),
    # a relative "which" after a preposition asks nothing
    ("We are writing a LIFE proposal in which Malmö will be the coordinator.", True),
    # "about who" still asks
    ("Vi och kulturnämnden söker ihop men har inte pratat om vem som blir projektägare.", None),
])
def test_english_roles_in_more_words(question: str, owner: bool | None) -> None:
    assert _facts(question).malmo_is_project_owner is owner


@pytest.mark.parametrize("question, owner", [
    # the role without a subject is that of the organisation the sentence opens with
    ("Region Skåne is preparing an ESF+ application as lead partner.", False),
    ("Lunds universitet förbereder en Horisont-ansökan som koordinator.", False),
    ("En idrottsförening söker Erasmus+ Sport som sökande och fritidsförvaltningen är med.", False),
    # not when the asker or one of the city's bodies is the subject nearer the role
    ("Region Skåne är med, men vi söker som lead.", True),
    ("The region was lead first, but then it pulled out and the committee took over as lead.", True),
])
def test_a_role_without_a_subject_in_another_organisations_sentence(question: str, owner: bool) -> None:
    assert _facts(question).malmo_is_project_owner is owner


@pytest.mark.parametrize("question, owner", [
    # a statement in brackets is read, not left out as a short aside
    ("Vårt LIFE-projekt (ASF är koordinator) har en totalbudget på 20 mkr.", True),
    ("The Interreg bid (Lund is lead) has a budget of EUR 3M.", False),
    # Malmö with its role in brackets, in a list of the consortium
    ("Partners: Aarhus, Malmö (lead partner), Gdansk. Budget EUR 1.4M.", True),
    # "coordinater" as typed
    ("fritidsforv e coordinater i erasmus+ sport, 300k eur", True),
])
def test_roles_in_brackets_and_lists(question: str, owner: bool) -> None:
    assert _facts(question).malmo_is_project_owner is owner


@pytest.mark.parametrize("question, owner", [
    ("Fritidsförvaltningen heads an Erasmus+ Sport application.", True),
    ("Region Skåne heads the consortium and our department is a partner.", False),
    ("The environment department is in the driver's seat for a LIFE proposal.", True),
])
def test_leading_in_more_english_words(question: str, owner: bool) -> None:
    assert _facts(question).malmo_is_project_owner is owner


def test_a_budget_split_per_partner_is_added() -> None:
    facts = _facts("Urbact, our committee is lead partner; split of the budget: Malmö 4 MSEK, Riga 3 MSEK, Turku 3 MSEK, "
                   "Lyon 2,5 MSEK.")
    assert (facts.total_budget, facts.budget_bound) == (Decimal(12_500_000), "exact")


@pytest.mark.parametrize("question, owner", [
    # the owner's role said open in more words
    ("We may join a Horizon consortium; the coordinator has not yet been chosen. Budget EUR 3M.", None),
    ("Kulturförvaltningen och Lunds universitet vill båda vara koordinator – oklart. 10 mkr.", None),
    # the owner in more words
    ("Servicenämnden är drivande part i ansökan till Digitala Europa.", True),
    ("Vi är ingen partner utan koordinator i LIFE-ansökan.", True),
])
def test_the_owner_open_or_said_in_more_words(question: str, owner: bool | None) -> None:
    assert _facts(question).malmo_is_project_owner is owner
