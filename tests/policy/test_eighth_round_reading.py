"""Kinds of failure read off the eighth round's development sets 97 (projects that change before or while they run),
98 (companies, foundations, universities and regions beside the nämnder) and 101 (Swedish and English as a second
language), each measured once as unseen and then read, tested in words of their own.
"""

from __future__ import annotations

import pytest

from tests.policy.helpers import ask, verdict_of


@pytest.mark.parametrize("question, expected", [
    # what was, or was meant to be, gives way to what is
    ("Kulturförvaltningen skulle först vara koordinator för Kreativa Europa-ansökan, men nu är vi bara partner. "
     "Ska KS-förvaltningen ändå få veta?", (False, False, False)),
    ("Our committee was supposed to be the lead partner in an Interreg bid, but we are now an associated partner. "
     "Does the City Executive Office need to hear about it?", (False, False, False)),
    ("Region Skåne var tänkt som huvudsökande men drog sig ur, så nu har fritidsnämnden blivit ny lead för "
     "Erasmus+-ansökan på 200 000 euro. Vad gäller?", (True, True, False)),
    ("Det var meningen att Lunds universitet skulle samordna LIFE-projektet, men nu samordnar miljönämnden det. "
     "Budget 15 mkr. Informationsärende?", (True, True, True)),
])
def test_a_role_that_was_meant_to_be_gives_way_to_the_role_now(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question", [
    "Vi har överlåtit koordinatorsrollen i vårt ESF+-projekt till Region Skåne. Gäller rutinen fortfarande?",
    "We passed the lead role on our CEF application over to the Port of Copenhagen. Do we still inform KS?",
])
def test_a_role_handed_over_to_another_is_not_malmo_s(question: str) -> None:
    assert verdict_of(question) == (False, False, False)


@pytest.mark.parametrize("question, expected", [
    # a nämnd shortened to its field, as it is said in the corridor
    ("vux leder ett erasmus+ på 600 tkr, måste ks förv veta", (True, True, False)),
    ("arbetsmarknad huvudsökande amif 13 mkr – ärende till ks?", (True, True, True)),
    # the owner said with "bärande" and "säkert", the partner with "medaktör"
    ("Servicenämnden är bärande part i en Digital Europe-ansökan på 4 mkr. Ska stadskontoret informeras?",
     (True, True, False)),
    ("Budgeten är inte klar, men vi blir säkert koordinator i Horisont-ansökan. Ska vi meddela KS-förvaltningen nu?",
     (True, True, None)),
    ("Stadsbyggnadsförvaltningen är medaktör i ett URBACT-nätverk som Lissabon leder. Måste KS få veta?",
     (False, False, False)),
])
def test_the_owner_and_the_partner_in_more_words(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question", [
    # "de/dom" after another party is named is that party
    "Ett bostadsbolag söker Horisont Europa och vi är med som partner. Det är dom som är koordinator. Behövs något mot KS?",
    # another party, and the nämnd denied beside it
    "Måste vi informera KS när det är Malmö universitet och inte vår förvaltning som är huvudsökande?",
])
def test_another_party_named_as_the_owner_makes_malmo_not_the_owner(question: str) -> None:
    assert verdict_of(question) == (False, False, False)


@pytest.mark.parametrize("question, total", [
    ("Vi leder ett Interreg-projekt. Budgeten har sänkts från 15 till 11 miljoner efter dialog med sekretariatet.",
     11_000_000),
    ("We coordinate a LIFE project; the budget was raised from €900k to €1.2m in the second stage.", 1_200_000),
    ("Miljönämnden äger ett ERUF-projekt och projektbudgeten har justerats upp till 14 mkr.", 14_000_000),
    ("Vi är projektägare i ESF+ med 10 mkr, och nu har vi fått ytterligare 2,5 mkr för ett tredje år.", 12_500_000),
])
def test_the_budget_as_it_is_after_a_change(question: str, total: int) -> None:
    facts = ask(question).facts
    assert (facts.total_budget, facts.budget_bound) == (total, "exact")


def test_a_change_only_expected_across_the_threshold_leaves_the_information_item_open() -> None:
    question = ("Vi koordinerar en AMIF-ansökan på 11 miljoner, men den kan komma att öka till 14 miljoner. "
                "Behövs ett informationsärende?")
    assert verdict_of(question) == (True, True, None)


@pytest.mark.parametrize("question, expected", [
    # the last question asks about the figure supposed, by its number alone or in full
    ("Kulturnämnden leder en Kreativa Europa-ansökan på 10 miljoner. Om den landar på 12, behövs informationsärende?",
     (True, True, True)),
    ("Vi är lead i ett Interreg-projekt på 13 mkr. Om budgeten vore 9 mkr, skulle vi slippa informationsärendet?",
     (True, True, False)),
])
def test_a_figure_supposed_in_the_last_question_is_the_one_asked_about(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question", [
    "Om pengarna till vårt projekt inte kommer från EU utan från Energimyndigheten, och vi leder det, gäller rutinen då?",
    "Our project is not funded from the EU but from the Swedish Institute, and we are the coordinator. Does 4.1 apply?",
    # EU words that are no money: EU citizens, and a likeness
    "Vi leder ett projekt för EU-medborgare i hemlöshet med pengar från Postkodstiftelsen, 3 mkr. Ska KS informeras?",
])
def test_money_said_to_come_from_another_funder_than_the_eu_is_not_eu_money(question: str) -> None:
    assert verdict_of(question) == (False, False, False)


@pytest.mark.parametrize("question", [
    # a project of another funder led by the nämnd beside an EU project it is a partner in: the routine concerns the EU one
    "Vi driver ett Formas-projekt på 20 mkr och är dessutom partner i en Horisont Europa-ansökan. Vad gäller enligt rutinen?",
    "Gäller samma sak för Vinnova som för Interreg? Konkret leder vi en Vinnova-ansökan på 5 miljoner.",
])
def test_of_an_eu_project_and_another_funder_s_the_routine_concerns_the_one_asked_or_the_eu_one(question: str) -> None:
    assert verdict_of(question) == (False, False, False)


def test_one_project_funded_by_the_eu_and_another_funder_is_read_whole() -> None:
    question = "Vi leder ett ESF+-projekt, 10 mkr från EU och 4 mkr medfinansiering från Arvsfonden i samma projekt. Infoärende?"
    assert verdict_of(question) == (True, True, True)


@pytest.mark.parametrize("question", [
    # either, said as two guesses, or nothing decided of the role
    "Koordinatorn i vårt Interreg-konsortium ska bytas ut, kan bli vi, kan bli Rostock. Budget 20 mkr. Ska KS-förvaltningen veta?",
    "The coordinator of our Erasmus+ partnership is leaving; it might be us, it might be Ghent. €300,000. Must we tell KS?",
])
def test_a_role_still_open_between_us_and_another_leaves_the_owner_unknown(question: str) -> None:
    assert ask(question).facts.malmo_is_project_owner is None


@pytest.mark.parametrize("question", [
    "Ingår stadens bolag i det som den internationella policyn gäller för?",
    "Har Malmö Live Konserthus överhuvudtaget något att göra med den internationella policyn?",
])
def test_whether_a_company_is_covered_is_section_1(question: str) -> None:
    assert ask(question).citations[0].section == "1"


@pytest.mark.parametrize("question", [
    "Sysav ägs av flera kommuner – räknas bolaget som en del av Malmö stad enligt policyn?",
    "Does a company the city owns only 30 % of count as part of the city under the international policy?",
])
def test_whether_another_organisation_counts_as_the_city_is_section_1(question: str) -> None:
    assert ask(question).citations[0].section == "1"


def test_who_is_compiling_the_reports_is_ks_administration_s() -> None:
    assert ask("Who is compiling the committees' international reports each year?").citations[0].section == "3.2.1"


@pytest.mark.parametrize("question, expected", [
    # the owner in words that are not the policy's
    ("Vi på miljöförvaltningen håller i rodret för en LIFE-ansökan på 9 mkr. Vem ska få veta?", (True, True, False)),
    ("Gatukontoret är motorn i ett CEF-projekt på 2 miljoner euro. Måste vi göra något mot stadskontoret?", (True, True, True)),
    ("Vi på kulturförvaltningen står för ansökan till Kreativa Europa, 700 000 kr. Ska KS informeras?", (True, True, False)),
    ("Servicenämnden är sammanhållande i en Digital Europe-ansökan på 5 mkr. Behövs något mot KS?", (True, True, False)),
    ("The funding sits with us at the labour market department: an ESF+ project of 14 MSEK. Who do we tell?",
     (True, True, True)),
    ("We at the culture department are running the show on a Creative Europe bid of €300,000. Must KS know?",
     (True, True, False)),
    ("Vi på trafikkontoret är huvudsökand för en CEF-ansökan, 6 mkr. Infoärende?", (True, True, False)),
    ("We at the parks and streets office are lead applicant on an ERDF bid of 15 MSEK. Do we send a note to KS?",
     (True, True, True)),
    # another party formally the applicant, the role stated in brackets
    ("Vi och en högskola i Polen skriver en Erasmus+-ansökan. Polackerna står formellt som sökande. Ska KS veta?",
     (False, False, False)),
    ("Partner: Lunds kommun, Region Skåne (koordinator), fritidsnämnden. Interreg, 20 mkr. Vad gäller för oss?",
     (False, False, False)),
    ("Konsortiet: kulturnämnden (projektägare), två museer i Riga. Kreativa Europa, 1,5 mkr. Vad gäller?",
     (True, True, False)),
    ("tekniska medsökande i urbact 5 mkr behövs nåt mot ks", (False, False, False)),
])
def test_the_owner_and_the_partner_in_words_that_are_not_the_policy_s(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_a_denial_inside_the_subject_turns_the_role() -> None:
    question = ("Nu är det inte längre staden som är koordinator för Horisont-ansökan, Aalborg tar över och vi blir partner. "
                "30 mkr. Behövs informationsärende?")
    assert verdict_of(question) == (False, False, False)


@pytest.mark.parametrize("question", [
    "Vi äger ett Interreg-projekt och budgeten hamnar på drygt 12 miljoner. Blir det informationsärende då eller?",
    "budget 12 mkr jämnt, vi e lead i life. infoärende t ks el ej",
])
def test_a_tag_question_does_not_make_the_budget_the_threshold(question: str) -> None:
    assert verdict_of(question) == (True, True, True)


def test_a_budget_enlarged_to_a_figure_is_that_figure() -> None:
    question = "Vi leder ett ESF+-projekt på 10 mkr, och programmet vill att vi utökar det till 12,5 mkr. Informationsärende?"
    assert verdict_of(question) == (True, True, True)


@pytest.mark.parametrize("question, section", [
    ("Who runs the city's EU network, and who can join it?", "3.2.1"),
    ("Vem av oss ska vara vårt ombud i EU-nätverket?", "3.3"),
    ("Stämmer det att den internationella policyn inte gäller för stadens bolag?", "1"),
])
def test_the_network_and_the_companies_asked_in_other_words(question: str, section: str) -> None:
    assert ask(question).citations[0].section == section


@pytest.mark.parametrize("question, expected", [
    # several projects in one message, the one asked about told by its name, its order or the sentence before the question
    ("Kulturförvaltningen har tre ansökningar på gång: en Interreg där vi är partner, en Kreativa Europa där kulturnämnden "
     "är koordinator (ca 14 mkr) och en Horizon där Malmö universitet leder. Behövs informationsärende för Kreativa "
     "Europa-ansökan?", (True, True, True)),
    ("Vi är med i två URBACT-nätverk. I det ena leder vi, budget 800 000 euro, i det andra är Lissabon lead och vi "
     "partner. Gäller rutinen för det andra?", (False, False, False)),
    ("Fritidsförvaltningen är med i två Erasmus+-ansökningar. I den ena är vi partner, i den andra är det vi som "
     "koordinerar, 20 mkr. Vad gäller för den andra?", (True, True, True)),
    ("miljö har 2 ansökn: LIFE 2 M€ där vi leder + interreg där vi e partner. infoärende för LIFE?", (True, True, True)),
    ("Tre spår: AMIF (koordinator, 6 mkr), Horizon Europe (partner) och Vinnova (huvudsökande). Vad gäller för AMIF?",
     (True, True, False)),
])
def test_the_project_asked_about_among_several(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_several_projects_with_roles_that_differ_and_none_asked_leave_the_role_open() -> None:
    # Malmö leads one and is a partner in the other; the question asks about neither: the role is asked, not guessed
    question = "Vi leder ett LIFE-projekt på 15 mkr och är partner i en Horizon-ansökan. Måste vi informera KS förvaltning?"
    assert ask(question).facts.malmo_is_project_owner is None


def test_a_role_changed_with_an_arrow_is_the_new_role() -> None:
    question = "Nämnd: kulturnämnden / Roll: partner -> koordinator / Program: Kreativa Europa / Budget: 3 mkr. Vad gäller?"
    assert verdict_of(question) == (True, True, False)


@pytest.mark.parametrize("question, expected", [
    # an EU programme is EU money whoever pays it out, whatever the asker believes
    ("Erasmus+ betalas ju ut av Universitets- och högskolerådet, så det är väl svenska pengar och inte EU? Vi är "
     "koordinator, 2 mkr. Måste KS-förvaltningen veta?", (True, True, False)),
    ("Interreg money comes through Region Skåne's secretariat, so it is not EU money, right? We lead a 20 MSEK project.",
     (True, True, True)),
    # but money said to come from elsewhere instead is not
    ("Om vårt projekt inte får pengar från EU utan från Kulturrådet, och vi leder det, gäller rutinen då?",
     (False, False, False)),
    ("Vi leder ett projekt med pengar från Postkodstiftelsen, 13 mkr. Det är ju inte EU-pengar, så rutinen gäller väl inte?",
     (False, False, False)),
])
def test_eu_money_is_the_programme_s_whoever_pays_it_out(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question", [
    "Jag jobbar på Sysav och vi är huvudsökande i en LIFE-ansökan på 30 mkr. Måste vi informera KS?",
    "Arbetar på Malmö Leasing, vi ska koordinera en Digital Europe-ansökan. Behöver stadskontoret veta?",
])
def test_an_asker_working_at_a_company_or_a_kommunalforbund_is_not_a_namnd(question: str) -> None:
    assert verdict_of(question) == (False, False, False)


def test_a_budget_pulled_down_is_the_new_figure() -> None:
    question = "Vi leder en CEF-ansökan på 14 mkr, men partnerna drog ner budgeten till 10 mkr. Informationsärende?"
    assert verdict_of(question) == (True, True, False)


@pytest.mark.parametrize("question, expected", [
    # a company named "Malmö …" as the partner is not Malmö stad's role
    ("Fritidsnämnden är koordinator för en Erasmus+-ansökan med Malmö Live som partner, 3 mkr. Ska KS förvaltning veta?",
     (True, True, False)),
    # a company "ansvarig projektägare" is a company owning it
    ("Hamnbolaget är ansvarig projektägare för en CEF-ansökan på 40 mkr. Omfattas det av rutinen?", (False, False, False)),
])
def test_companies_beside_the_namnder_in_more_words(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_the_eu_part_is_a_part_of_the_total() -> None:
    question = ("Vi leder en LIFE-ansökan, totalt drygt 13 mkr, varav 60 % EU-medel, så EU-delen blir runt 8 mkr. "
                "Behövs informationsärende?")
    assert verdict_of(question) == (True, True, True)
