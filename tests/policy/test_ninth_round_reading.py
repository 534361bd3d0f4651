"""Kinds of failure read off the ninth round's development sets 121 (money details: EU rates, own contribution,
shares against totals), 122 (euro and other currencies near the threshold) and 124 (an EU coordinator juggling
several projects), each measured once as unseen and then read, tested in words of their own.
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
    # the share right before the figure: the total is the figure over the share
    ("Kulturnämnden leder en Kreativa Europa-ansökan där EU täcker 75 %, det vill säga 9 mkr.", Decimal(12_000_000)),
    ("Programmet finansierar 60 procent – vilket blir 6 miljoner kronor – och vi koordinerar.", Decimal(10_000_000)),
    ("We lead the bid; our own contribution of 20% comes to SEK 2.6 million.", Decimal(13_000_000)),
    # the share right after it, of the budget
    ("Vi söker 4,5 mkr (50 % av budgeten) från ESF+ som huvudsökande.", Decimal(9_000_000)),
])
def test_a_figure_said_to_be_a_share_gives_the_total(question: str, total: Decimal) -> None:
    assert _budget(question) == (total, "exact")


@pytest.mark.parametrize("question", [
    # a figure named the total, with a rate beside it, stays the total
    "Budgeten är 10 mkr totalt, 80 % från Interreg, och vi är lead.",
    # "80 procent av 10 mkr" is a share of the figure, not the figure a share
    "EU står för 80 procent av 10 mkr i vårt Erasmus+-projekt där vi koordinerar.",
])
def test_a_total_with_a_rate_beside_it_stays_the_total(question: str) -> None:
    assert _budget(question) == (Decimal(10_000_000), "exact")


def test_the_own_co_financing_and_the_eu_rate_give_the_total() -> None:
    alone = "Miljönämnden är lead i LIFE, EU-stödet är 60 %, vår egenfinansiering 5 mkr och inga andra partner."
    assert _budget(alone) == (Decimal(12_500_000), "exact")
    # with partners, their co-financing comes on top: at least that much
    shared = "Miljönämnden är lead i LIFE med fyra partner, EU-stödet är 60 % och vår egenfinansiering 4 mkr."
    assert _budget(shared) == (Decimal(10_000_000), "at_least")


@pytest.mark.parametrize("question, expected", [
    ("Fritidsnämnden leder ett Interreg-projekt; bidraget från EU blir 65 procent, alltså 8,45 miljoner. Infoärende?",
     (True, True, True)),
    ("we coordinate an erasmus+ ka2, eu pays 80% = €500k, do we need a paper to the board?", (True, True, False)),
])
def test_the_verdict_from_a_share(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question", [
    "Tekniska nämnden leder en Interreg ÖKS-ansökan på 9 millioner kroner. Behövs informationsärende till KS?",
    "Vi är huvudsökande i Interreg, budget DKK 8,5 mio., med partner i Aarhus. Ärende till KS?",
    "Our committee leads a project with a budget of USD 1.3 million from an EU programme. Information item needed?",
])
def test_a_budget_in_another_currency_is_not_taken_for_kronor(question: str) -> None:
    # the routine applies (owner, EU money), and whether the information item is needed is asked, not guessed
    assert verdict_of(question) == (True, True, None)


def test_the_asker_s_comparison_of_a_foreign_budget_with_the_threshold_is_no_fact() -> None:
    question = ("Partnern i Odense säger att budgeten landar på 9 millioner kroner, alltså under 12 miljoner. "
                "Kulturnämnden är koordinator. Slipper vi informationsärende?")
    assert verdict_of(question) == (True, True, None)


def test_a_budget_in_kronor_said_beside_one_in_another_currency_counts() -> None:
    question = ("Servicenämnden är huvudsökande i Interreg; budgeten är 9 miljoner DKK, omräknat ungefär 13,5 miljoner kronor. "
                "Behövs ärende till KS?")
    assert verdict_of(question) == (True, True, True)


@pytest.mark.parametrize("question, expected", [
    # "drygt" far below the threshold is still below it; near or above it, it says at least
    ("Vi leder ett ESF+-projekt på drygt 6 miljoner. Informationsärende?", (True, True, False)),
    ("Vi leder ett ESF+-projekt på drygt 11,5 miljoner. Informationsärende?", (True, True, None)),
    ("Vi leder ett ESF+-projekt på drygt 12 miljoner. Informationsärende?", (True, True, True)),
])
def test_a_little_over_a_figure(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question", [
    "Malmö Live, som är helt ägt av staden, ska vara koordinator i en Kreativa Europa-ansökan. Ska KS informeras?",
    "Jag arbetar på Sydvatten, som är ett kommunalförbund, och vi ska vara lead i en LIFE-ansökan. Gäller 4.1 oss?",
])
def test_an_asker_at_a_company_or_kommunalforbund_said_in_other_words(question: str) -> None:
    assert verdict_of(question) == (False, False, False)


def test_a_role_still_open_between_a_nämnd_and_another_is_not_guessed() -> None:
    question = ("Vi vet inte ännu om det blir miljöförvaltningen eller SLU som står som koordinator för LIFE-ansökan. "
                "Vad gäller?")
    assert verdict_of(question)[:2] == (None, None)


@pytest.mark.parametrize("question, expected", [
    # a place after the owner named is no "I": the nämnd is the partner
    ("Kulturförvaltningen är partner i ett projekt som leds av ett museum i Gdańsk. Gäller rutinen?", (False, False, False)),
    # "we are the lead", however the rest of the message goes on
    ("We are the coordinator of a Digital Europe bid. Our share is SEK 3 million; the total I do not know.",
     (True, True, None)),
    # a förvaltning shortened in a hurry
    ("grundskoleförvaltn e koordinator i erasmus+, 5 mkr, ks?", (True, True, False)),
])
def test_the_owner_read_in_more_forms(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    # told apart by order, "den första" without a noun after it
    ("Vi har två ESF+-ansökningar. Den första är en där vi är partner till Lund, den andra leder vi själva, 5 mkr. "
     "Vad gäller för den första?", (False, False, False)),
    ("den första e en interreg vi leder 3 mkr, den andra en life där vi e partner. ska ks förv veta om den första?",
     (True, True, False)),
    # by size
    ("Fritidsnämnden är lead i två Erasmus+-projekt, ett på 4 mkr och ett på 15 mkr. Behövs informationsärende för "
     "det större?", (True, True, True)),
    ("We lead two URBACT networks, one at SEK 14 million and one at SEK 7 million. Is an information item needed for "
     "the smaller one?", (True, True, False)),
    # lettered items, and a nämnd's name with "och" inside it
    ("Två ansökningar: A) Interreg, hälsa-, vård- och omsorgsnämnden lead, 13 mkr; B) Horisont Europa, vi partner "
     "till KTH, 40 mkr. Vad gäller för A?", (True, True, True)),
    # a listed item asked about by its programme's name
    ("Läget: 1) ett AMIF-projekt där nämnden är huvudsökande, 6 mkr, 2) en Horisont-ansökan där vi är partner. "
     "Vad gäller för AMIF-projektet?", (True, True, False)),
    # the asked one's role said as a consortium partner
    ("Two bids: one in Digital Europe where we're only a consortium partner (€3M), and one in CEF that our committee "
     "leads (€500k). Does the routine apply to the Digital Europe one?", (False, False, False)),
])
def test_one_of_several_projects_asked_about(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    # applying alone is owning the project
    ("miljöförv söker själv LIFE, 4 mkr totalt. måste ks förv veta?", (True, True, False)),
    ("Our culture department applies on its own to Creative Europe, €1.3 million. Do we inform the Executive Office?",
     (True, True, True)),
    # applied for by a company of the city, said as one of them
    ("Horisont-ansökan på 20 mkr skickas in av ett av stadens bolag, men vi på förvaltningen skriver den. Ska KS "
     "informeras?", (False, False, False)),
    ("CEF-ansökan söks av tekniska nämnden, 30 mkr. Behövs informationsärende?", (True, True, True)),
])
def test_who_applies_said_in_more_forms(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question", [
    # the subject before a relative clause that names no role
    "Förbundet, där Malmö ingår med flera kommuner, ska vara lead i en Interreg-ansökan på 16 mkr. Informationsärende?",
    "Stiftelsen, som staden en gång grundade, leder en Erasmus+-ansökan. Ska KS förvaltning informeras?",
    # the asker speaks for a company and asks about "our" application
    "Vi på hamnbolaget undrar: måste vi skicka något till KS om vår CEF-ansökan på 30 mkr?",
    "we are a city-owned company, do we need to inform the executive office about our LIFE bid?",
])
def test_an_organisation_beside_the_nämnder_is_not_a_nämnd_owning_the_project(question: str) -> None:
    assert verdict_of(question) == (False, False, False)


@pytest.mark.parametrize("question, expected", [
    # a relative clause that says who leads is read
    ("Hela projektet, som vi själva koordinerar, är ett Interreg på 13 mkr. Ärende till KS?", (True, True, True)),
    # a wholly owned company among the partners does not make the asker a company
    ("Kulturnämnden är huvudsökande i Kreativa Europa, 5 mkr, med Malmö Live och ett helägt bolag som partner. "
     "Ska KS förvaltning veta?", (True, True, False)),
])
def test_the_nämnd_s_own_role_stands(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    # a university said short is another organisation
    ("lunds uni söker horisont som koordinator, vi e med som partner. gäller eu-rutinen oss?", (False, False, False)),
    # joining, said with the infinitive
    ("Gatukontoret har blivit tillfrågat att medverka som associerad partner i ett Interreg-projekt. Gäller rutinen?",
     (False, False, False)),
    # who owns it still open, said with words between
    ("Vi vet helt enkelt inte ännu om det blir vi eller Region Skåne som koordinerar ESF+-ansökan. Vad gäller mot KS?",
     (None, None, None)),
    # kronor in slang, and "drygt" eleven is under twelve
    ("vi söker själva erasmus+ för 300 000 spänn, måste vi informera ks förvaltning?", (True, True, False)),
    ("Kulturnämnden är lead i ett Kreativa Europa-projekt på drygt elva miljoner. Behövs informationsärende?",
     (True, True, False)),
])
def test_roles_and_figures_in_everyday_words(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_a_question_of_the_city_s_own_steps_with_malmo_s_role_said_is_not_refused() -> None:
    question = ("A Danish municipality coordinates our Interreg project and the environment department is only a "
                "partner. Is anything needed internally at the city?")
    assert verdict_of(question) == (False, False, False)


def test_an_owner_the_asker_cannot_tell_is_not_read() -> None:
    question = ("Honestly I can't really tell from the papers whether we are the lead or a partner in this Interreg bid. "
                "Do we inform the Executive Office?")
    facts = load_policy().fact_reader.read(question, threshold_on(ANSWER_DAY), ANSWER_DAY).facts
    assert facts.malmo_is_project_owner is None


@pytest.mark.parametrize("question, expected", [
    # a role said in the past ("va"), alone: what it was is what counts
    ("gymnasienämnden va koordinator i erasmus+ i fjol, 3 mkr, borde ks förv ha fått veta?", (True, True, False)),
    # ... and what it is now wins over what it was
    ("Tekniska nämnden va partner först men är nu lead i CEF-ansökan på 20 mkr. Informationsärende?", (True, True, True)),
    # a förvaltning or unit shortened, a library by its nickname
    ("kulturfvaltn e projektägare i kreativa europa, 2 mkr, ks förv?", (True, True, False)),
    ("bibblan e lead i interreg, 14 mkr, infoärende?", (True, True, True)),
    # an organisation named, then what kind it is
    ("Info: Sydvatten, som är ett kommunalförbund, leder en LIFE-ansökan på 30 mkr. Ska KS informeras?",
     (False, False, False)),
    # working at one of the city's companies, said in many words
    ("Jag jobbar på ett av stadens helägda bolag och vi är lead i en Interreg-ansökan på 15 mkr. Gäller rutinen?",
     (False, False, False)),
])
def test_roles_said_in_the_past_and_in_short(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, total", [
    # a figure taken back
    ("Vi leder Interreg-projektet, budgeten är inte 13 mkr utan 11 mkr.", Decimal(11_000_000)),
    ("vi koordinerar life, budget 12, nej 11,8 mkr", Decimal(11_800_000)),
    ("We lead a Horizon bid of €1.3m – sorry, I mean €1.1m.", Decimal(1_100_000)),
    # "utan" after a figure not denied is no correction
    ("Vi leder ett ESF+-projekt på 13 mkr utan moms.", Decimal(13_000_000)),
    # each partner's figure, written before it or as what each gets
    ("Vi leder ett Erasmus+-projekt, 5 partners á 2,6 mkr inklusive oss.", Decimal(13_000_000)),
    ("Vi leder Interreg, sex partner som får 2 mkr var.", Decimal(12_000_000)),
])
def test_the_budget_said_in_more_ways(question: str, total: Decimal) -> None:
    assert _budget(question)[0] == total


@pytest.mark.parametrize("question", [
    # a cleft sentence stressing a company
    "Det är stadens helägda bolag som står som huvudsökande i Interreg-ansökan, inte förvaltningen. Ska KS informeras?",
    # the company's role in apposition
    "The harbour company, as coordinator of a CEF bid of €3m, wonders whether it must inform the City Executive Board.",
    # a kommunalförbund as the subject of a role said without a verb of being now
    "Info: VA SYD, som är ett kommunalförbund, var koordinator för ett LIFE-projekt på 20 mkr. Skulle KS förvaltning "
    "ha informerats?",
])
def test_a_company_as_the_subject_of_the_role(question: str) -> None:
    assert verdict_of(question) == (False, False, False)


def test_an_answer_says_how_it_worked_out_a_total_from_a_share() -> None:
    sv = ask("Servicenämnden leder en Digital Europe-ansökan där EU står för 80 procent, det vill säga 8 mkr. "
             "Informationsärende?")
    assert sv.verdict is not None and sv.verdict.information_item_to_ks is False
    assert "8 000 000 kr är 80 % av projektet, alltså 10 000 000 kr totalt" in sv.answer
    en = ask("We coordinate an Interreg bid; our own co-financing of 25 % comes to SEK 3.5 million. Info item?", lang="en")
    assert en.verdict is not None and en.verdict.information_item_to_ks is True
    assert "SEK 3,500,000 is 25 % of the project, so SEK 14,000,000 in all" in en.answer


def test_an_eu_project_with_its_budget_and_the_city_s_own_steps_asked_is_not_refused() -> None:
    answer_ = ask("I helped draft a Horizon Europe proposal for the city, total €5 million, but I can't tell from the papers "
                  "whether Malmö coordinates it. Did the City Executive Office need to be told?")
    assert not answer_.out_of_scope and answer_.citations[0].section == "4.1"
