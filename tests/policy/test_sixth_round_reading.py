"""Kinds of failure read off this round's development sets 68 (school staff), 71 (questions dictated to a phone) and 72
(new managers and nämnd chairs), each measured once as unseen and then read, and misses of earlier read sets left until
now, tested in words of their own.

SMS-style words that carry a fact: "life" written small where it names an application or a project (the programme
LIFE, not the English word), a misspelt coordinator ("koordinatr") or Horizon ("horzon"), a role in a short aside
before a comma ("vi leder (koord), …").
"""

from __future__ import annotations

import pytest

from tests.policy.helpers import ask, verdict_of


@pytest.mark.parametrize("question, expected", [
    ("ska söka life nu, vi e koordinatr, 1,5 meur totalt. ks?", (True, True, True)),
    ("horzon europe ansökan, vi koordinator, 8 mkr tot, vad gäller", (True, True, False)),
    ("life-projekt, vi driver (lead), 900 000 euro, måste ks få info?", (True, True, False)),
])
def test_sms_style_facts_are_read(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_life_as_an_english_word_is_no_programme() -> None:
    assert ask("What does the policy say about work-life balance on trips abroad?").facts.programme is None


@pytest.mark.parametrize("question, expected", [
    # dictation splits words: "k s", "ko ordinator", "in formera", "huvud partner"; numbers said as words with "komma"
    ("fritidsnämnden är huvud partner i en e u ansökan på två komma fem miljoner ska k s in formeras", (True, True, False)),
    ("vi blir ko ordinator för en interreg ansökan budget femton miljoner vad ska vi göra mot k s", (True, True, True)),
])
def test_dictated_words_are_read(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    # the figure named the budget is the project's, though a verb of applying came first
    ("Vi ansöker om ESF+ som projektägare, budget 7 miljoner. Något vi måste göra?", (True, True, False)),
    # "tot" after a figure
    ("erasmus, vi koordinerar, 14 mkr tot, info till ks?", (True, True, True)),
    # the budget as every partner's, listed under a heading, added
    ("Vi är lead partner i Interreg Östersjön. Budget per partner: Malmö 5 mkr, Gdynia 4 mkr, Tartu 4 mkr. Informationsärende?",
     (True, True, True)),
])
def test_the_total_budget_is_read(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_the_routine_s_threshold_named_says_it_is_about_eu_money() -> None:
    # "tolvmiljonersgränsen" is 4.1's: a project owner asking about it speaks of an EU application
    assert verdict_of("Vi är projektägare och totalen är 20 miljoner, gäller tolv miljoner gränsen oss?") == (True, True, True)


@pytest.mark.parametrize("question, expected", [
    ("Miljönämnden skulle leda projektet, en LIFE-ansökan på 3 mkr totalt. Vad gäller?", (True, True, False)),
    ("Vår förvaltning står som mottagare och koordinator i en ansökan till ERUF på 20 mkr. Vilka ska veta?",
     (True, True, True)),
])
def test_an_owner_said_in_other_forms_is_read(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question", [
    "Måste vi säga till stadskontoret om en Erasmus+-ansökan på 1 mkr när det inte är bestämt om vi blir koordinator?",
    "Behöver KS förvaltning veta om vår Interreg-ansökan på 2 mkr när vi inte ens vet om vi blir lead?",
    "Vi blir kanske lead partner, kanske bara partner, i en Urbact-ansökan på 700 000 kr. Vad gäller?",
    "Kulturnämnden: koordinator eller partner, det avgörs nästa vecka. Kreativa Europa, 4 mkr. Informera KS?",
])
def test_an_owner_still_undecided_leaves_the_routine_open(question: str) -> None:
    routine, inform, item = verdict_of(question)
    assert (routine, inform) == (None, None) and item is False


def test_an_owner_said_beside_an_unclear_budget_is_still_the_owner() -> None:
    assert verdict_of("Vi är projektägare i Interreg men det är inte klart att budgeten räcker, 5 mkr")[:2] == (True, True)


def test_no_money_at_all_is_no_eu_funding() -> None:
    assert ask("Ett skolsamarbete på eTwinning, inga pengar alls inblandade.").facts.eu_funding is False
    assert verdict_of("Vi har ett utbyte med en skola i Lyon utan några pengar alls inblandade. Måste KS förvaltning "
                    "informeras?") == (False, False, False)


@pytest.mark.parametrize("question, section", [
    # who in the end takes part of the compilation: kommunfullmäktige (3.1)
    ("Vem får till sist ta del av nämndernas samlade redovisning av det internationella arbetet?", "3.1"),
    # how the work itself is followed up is section 4's, the policy's own follow-up section 5's
    ("Hur ska uppföljningen av vårt internationella arbete gå till, i vanliga verksamhetsuppföljningen?", "4"),
    ("Vem följer upp policyn, och hur ofta?", "5"),
    # who of the nämnd sits in the EU network is its contact person (3.3); who coordinates the network 3.2.1's
    ("Vem från oss ska sitta med i stadens EU-nätverk?", "3.3"),
    ("Vem samordnar stadens EU-nätverk?", "3.2.1"),
    # a network only for the nämnd's own verksamhet is the nämnd's to decide (3.3); a city-wide one is KS's (3.2)
    ("Fritidsnämnden vill bli medlem i ett nordiskt nätverk för simhallar som bara gäller vår egen verksamhet. Ska KS "
     "besluta om det?", "3.3"),
    ("Vem beslutar om att Malmö stad ska bli medlem i Eurocities?", "3.2"),
])
def test_the_section_that_answers_is_cited_first(question: str, section: str) -> None:
    assert ask(question).citations[0].section == section


@pytest.mark.parametrize("question, expected, programme", [
    # two projects described, the last sentence asks about one: its programme and its figures
    ("Vi är partner i ett Interreg-projekt på 40 mkr. Nu söker vi själva ESF+ som projektägare, 9 mkr. Vad gäller för "
     "Interreg-projektet?", (False, False, False), "Interreg"),
    ("Kulturnämnden leder en Erasmus+-ansökan på 3 mkr och är partner i en Horisont Europa-ansökan på 60 mkr som Lund "
     "leder. Behövs informationsärende för Erasmus+-ansökan där vi är koordinator?", (True, True, False), "Erasmus+"),
])
def test_of_two_projects_the_one_asked_about_gives_the_facts(question: str, expected: tuple, programme: str) -> None:
    assert verdict_of(question) == expected
    assert ask(question).facts.programme == programme


def test_a_grant_and_the_eu_rate_give_the_total_whatever_the_asker_concludes() -> None:
    # 9 MSEK at a 75 % rate is a total of 12 MSEK: "under 12 miljoner" here compares the grant, it is no fact of the budget
    assert verdict_of("Stödet från ERUF är 9 MSEK med en stödandel på 75 %, vi är projektägare. Vi ligger väl under 12 "
                    "miljoner, så inget informationsärende?") == (True, True, True)


@pytest.mark.parametrize("question, expected", [
    # the project asked about, where the message describes two: its own role and figures count, not the other's
    ("Vi har två ansökningar på gång: dels en Erasmus+-ansökan där vi är samordnare, totalt 2 mkr, dels en Interreg-"
     "ansökan där Aalborg leder och vi är partner, 30 mkr. Vad gäller för Erasmus+-ansökan?", (True, True, False)),
    ("erasmus där vi e partner o urbact där vi e lead, 13 mkr. urbact -> infoärende?", (True, True, True)),
    ("We lead a LIFE bid of EUR 1.5 million and are a partner in a Horizon bid. For LIFE, what do we have to do?",
     (True, True, True)),
    # a funder other than the EU, asked about beside an EU project: no EU routine for it
    ("Vi leder ett projekt med 14 mkr från Vinnova och är partner i ett EU-finansierat nätverk. Behövs "
     "informationsärende för Vinnova-projektet?", (False, False, False)),
    # a partner's role in "the other" project is not the one asked about
    ("Vi är koordinator för en ESF+-ansökan på 16 mkr. I det andra projektet är vi bara partner. Vad ska vi göra "
     "med ESF+-ansökan?", (True, True, True)),
])
def test_of_several_projects_the_one_asked_about_gives_the_facts(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    # a wholly owned company as the project's owner is not a nämnd owning it (4.1 is the nämnders' routine)
    ("Malmö Stadsteater AB tänker själv stå som huvudsökande i en Kreativa Europa-ansökan på 14 mkr. Gäller rutinen?",
     (False, False, False)),
    ("MKB är inte partner utan koordinerar själva LIFE-ansökan, 20 mkr. Måste KS informeras?", (False, False, False)),
    # partners in more words: "vi som bara är partner", joining as a partner, "medverkan som partner", "ba partner"
    ("Måste vi som bara är partner i en ERUF-ansökan på 30 mkr skicka informationsärende?", (False, False, False)),
    ("We are joining an Interreg Baltic consortium as a partner, budget EUR 3 million. Must we inform KS?",
     (False, False, False)),
    ("vi e ba partner i esf+ 15 mkr, infoärende?", (False, False, False)),
    # "ansvarig part" is the owner's role, "samverkanspart" a partner's
    ("Arbetsmarknadsförvaltningen är ansvarig part i en AMIF-ansökan på 5 mkr och Region Skåne samverkanspart. Ska "
     "stadskontoret informeras?", (True, True, False)),
])
def test_roles_said_in_more_words_are_read(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question", [
    "Grundskoleförvaltningen och Malmö Live söker Erasmus+ ihop, 2 mkr. Det är inte bestämt vem av oss som blir "
    "koordinator. Vad gäller?",
    "vet inte om vi e ägare el partner i interreg ans, 5 mkr, ks?",
])
def test_an_owner_left_open_in_more_words_leaves_the_routine_open(question: str) -> None:
    assert verdict_of(question)[:2] == (None, None)


@pytest.mark.parametrize("question, expected", [
    # "det nya" asked about: the project said to be new, applied for by the asker itself
    ("Vi är partner i ett Urbact-nätverk som Lyon leder, och nu ska vi själva söka ett nytt Interreg-projekt på 20 "
     "mkr. Vad gäller för det nya?", (True, True, True)),
    # a budget raised since: the figure it was raised to
    ("Vi koordinerar en ESF+-ansökan. Budgeten var 10 mkr men vi har höjt den till 13 mkr. Informationsärende?",
     (True, True, True)),
])
def test_the_new_project_and_the_raised_budget(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_a_company_owning_the_project_asked_about_is_kept_as_the_company() -> None:
    result = ask("MKB koordinerar en LIFE-ansökan på 20 mkr och vi på miljöförvaltningen leder en Interreg-ansökan på "
                 "3 mkr. Vad gäller för LIFE-ansökan?")
    assert (result.facts.malmo_is_project_owner, result.facts.owner_is_company) == (False, True)
    assert verdict_of(result.question) == (False, False, False)


@pytest.mark.parametrize("question, expected", [
    # projects listed by number or letter, the question naming one by its label
    ("Vi har två ansökningar. 1) ESF+ där vi är partner, 30 mkr. 2) Erasmus+ som vi koordinerar, 13 mkr. Frågan gäller "
     "2: behövs informationsärende?", (True, True, True)),
    ("Projekt A: Interreg där Lund leder. Projekt B: ett LIFE-projekt som vi äger, 5 mkr. Vad gäller för B?",
     (True, True, False)),
])
def test_a_listed_project_asked_about_by_its_label(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    # roles that changed: taken over, from one to the other, "i stället för"; the role as it now stands counts
    ("Köpenhamn drog sig ur, så nu tar vi över som koordinator för Interreg-ansökan på 14 mkr. Vad gäller?",
     (True, True, True)),
    ("Vi har gått från projektägare till vanlig partner i vår LIFE-ansökan. Måste KS-förvaltningen fortfarande veta?",
     (False, False, False)),
    ("Vi sökte först som partner i ESF+, men i höstas tog vi över som lead partner, 6 mkr. Informera KS?",
     (True, True, False)),
    # "koord", "ensam stödmottagare", "ks-förv", "the City Executive Office"
    ("vi e koord i ett urbact, 2 mkr, ks-förv?", (True, True, False)),
    ("Vi är ensam stödmottagare i ett ERUF-projekt på 20 mkr. Vad gäller?", (True, True, True)),
])
def test_roles_as_they_now_stand_and_shortened_words(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected
