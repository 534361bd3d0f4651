"""Kinds of failure read off development sets 48 (project managers in the technical and planning units: the nämnder
by their abbreviations, amounts in every unit), 50 (facts pasted as a form: "Roll: …", bullets, " / " between
lines), 51 (officials who name the policy's sections, sometimes wrongly), 54 (questions spelled badly) and 56
(international staff who name the city's bodies in English words of their own), 58 (neighbourhood and
urban-development projects), 60 (roles in consortia described precisely), 63 (two or three questions in one
message) and 65 (Öresund colleagues writing Swedish with Danish mixed in), each measured once as unseen and then read;
tested in words of their own.

A section named beside a question is context, not the question: the question is answered from the section that
answers it, and the answer says so when the asker named another; only a message that asks for the section itself
("Vad står det i 3.3?") gets the section's text.

A nämnd named by its abbreviation (TN, MN, KN, SBN …) is Malmö stad; facts on lines of their own, after bullets or
between " / " are statements each; a form's field that leaves the owner open ("Huvudsökande: oklart") leaves it open;
an English name ends in what it is ("the planning committee"); a funder's field naming anyone but the EU means no
EU money; a request with its details after a colon ("Registrera vår ansökan: …") is the feature.
"""

from __future__ import annotations

import pytest

from tests.policy.helpers import ask, verdict_of


@pytest.mark.parametrize("question, expected", [
    ("MN huvudsökande, LIFE, 16 mnkr tot. vad gäller mot KS?", (True, True, True)),
    ("kn koordinerar kreativa europa-ansökan 3 mnkr, måste vi nåt?", (True, True, False)),
    ("Parks dept (tekniska nämnden) leading an Interreg North Sea bid, 2 years at 7 MSEK a year: what must we do?",
     (True, True, True)),
])
def test_a_nämnd_named_by_its_abbreviation_is_malmö_stad(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    # a line per fact, as typed with shift+enter in Teams
    ("Projekt: Skolgårdar för alla\nRoll: koordinator\nProgram: Erasmus+\nBudget: 13 mkr\nVad måste vi göra?",
     (True, True, True)),
    ("• Program: Interreg Öresund-Kattegat-Skagerrak • Roll: lead partner • Totalt: 5 mkr • informera KS?",
     (True, True, False)),
    ("Sökande: Funktionsstöds- och omsorgsnämnden / Program: ESF+ / Budget: 2 MEUR / Vad ska vi göra?",
     (True, True, True)),
    ("Lead applicant: the city's labour market committee / Programme: ESF+ / Budget: 4 MSEK / Do we inform KS?",
     (True, True, False)),
])
def test_facts_pasted_as_a_form_are_read_line_by_line(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_a_form_field_that_leaves_the_owner_open_leaves_the_verdict_open() -> None:
    assert verdict_of("Program: Interreg / Huvudsökande: ej bestämt, vi eller Rostock / Budget: 6 mkr / Informera KS?") \
        == (None, None, False)


@pytest.mark.parametrize("question", [
    "Finansiär: Länsstyrelsen Skåne / Projektägare: vi / Budget: 15 mkr / Gäller EU-rutinen?",
    "Vi har aldrig fått några EU-pengar till det här, bara från Energimyndigheten. Vi är projektägare, 20 mkr. "
    "Måste vi informera KS?",
])
def test_money_from_another_funder_is_not_the_eu_routine(question: str) -> None:
    assert verdict_of(question) == (False, False, False)


def test_the_work_package_leader_is_not_the_owner_when_another_coordinates() -> None:
    assert verdict_of("Horizon Europe, Malmö leder WP2 men Lyon koordinator, totalt 6 M€. Vad gäller?") \
        == (False, False, False)


@pytest.mark.parametrize("question, feature", [
    ("Lägg in vår ansökan: Program: LIFE / Roll: projektägare / Totalbudget: 9 mkr", "register"),
    ("Vi vill lämna in årets redovisning: Nämnd: fritidsnämnden / År: 2025", "annual_report"),
])
def test_a_request_with_its_details_after_a_colon_is_the_feature(question: str, feature: str) -> None:
    result = ask(question)
    assert result.kind == "feature" and result.feature == feature


@pytest.mark.parametrize("question", [
    "Vad står det i punkt 3.4?",
    "vad säger avsnitt 2?",
    "Kan du visa avsnitt 3.2.1 tack",
    "3.3?",
    "What does section 4.1 say?",
])
def test_a_message_asking_for_a_section_gets_its_text(question: str) -> None:
    result = ask(question)
    assert result.kind == "section" and result.topic == "section_lookup"


@pytest.mark.parametrize("question, topic, section", [
    # the asker looks in the wrong place: the answer comes from where it is, and says so
    ("Vilka ska samla ihop nämndernas rapporter om internationellt arbete? Jag tittade i 3.4.", "annual_compilation",
     "3.2.1"),
    ("Is it the city council that adopts this policy, as 3.3 seems to say?", None, "3.1"),
])
def test_a_section_named_beside_a_question_does_not_replace_it(question: str, topic: str | None, section: str) -> None:
    result = ask(question)
    assert result.kind == "answer" and result.citations[0].section == section
    assert topic is None or result.topic == topic
    named = "3.4" if "3.4" in question else "3.3"
    assert named in result.answer.split("\n")[0] and section in result.answer.split("\n")[0]


def test_the_section_named_is_not_mentioned_when_it_is_the_one_that_answers() -> None:
    result = ask("Enligt 3.3 ska nämnden redovisa sitt internationella arbete, men när på året ska det göras?")
    assert result.kind == "answer" and result.citations[0].section.startswith("3.3")
    assert "nämnde" not in result.answer


@pytest.mark.parametrize("question", [
    "Nämns det i 4.1 hur vi ska upphandla en projektutvärderare?",
    "Vad gäller för traktamente när jag åker till vår vänort? Finns det i avsnitt 3.3?",
    "Hur dyra gåvor får vi ge till en delegation från Kina?",
])
def test_another_rule_asked_with_a_section_named_stays_outside_the_policy(question: str) -> None:
    result = ask(question)
    assert result.out_of_scope and not result.citations


def test_money_said_not_to_come_from_the_eu_is_not_the_routine() -> None:
    assert verdict_of("Pengarna kommer inte från EU utan från Vinnova. Vi är koordinator, 15 mkr. Måste vi informera "
                    "KS?") == (False, False, False)


def test_the_city_owning_through_another_nämnd_is_the_city_owning() -> None:
    assert verdict_of("Vi är bara partner, men Malmö stad är ändå huvudsökande genom fritidsnämnden. ESF+, 4 mkr. "
                    "Gäller rutinen?") == (True, True, False)


@pytest.mark.parametrize("question, expected", [
    ("Fritidsnämden är koordinator för en Erasmus-ansökan på 14 miljner, vad måste vi göra?", (True, True, True)),
    ("vi e ledpartner i ett interreg projekt, 3 miloner totalt", (True, True, False)),
    ("Our comitee is the lead applicant for a LIFE aplication of 2 milion euro. What now?", (True, True, True)),
    ("Vi är ansvarig organistion för en EU-ansökan på 5 miljoner, måste vi skicka nåt?", (True, True, False)),
    ("ansökan 300 000 euro, vi huvudsökande, behövs info ärende?", (True, True, False)),
])
def test_misspelled_words_that_carry_the_facts_are_read_as_meant(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_a_nämnd_leading_a_consortium_owns_the_project() -> None:
    assert verdict_of("Kulturnämnden leder ett konsortium i Kreativa Europa, 20 mkr. Vad gäller?") == (True, True, True)


def test_a_nordic_council_of_ministers_grant_split_in_two_words_is_not_eu_money() -> None:
    assert verdict_of("Vi har pengar från Nordiska minister rådet och är ägare, 14 mkr. Gäller rutinen?") \
        == (False, False, False)


@pytest.mark.parametrize("question, feature", [
    ("kan du hjälpa mig att redovisa vad nämnden gjort internationellt i år", "annual_report"),
    ("Could you help me register our new Erasmus+ application?", "register"),
])
def test_asking_for_help_with_a_job_leads_to_it(question: str, feature: str) -> None:
    result = ask(question)
    assert result.feature == feature and result.kind in ("feature", "answer")


def test_what_the_council_gets_asked_in_haste_is_its_own_duty() -> None:
    result = ask("får kf ngn sammanställning av intl arbetet?")
    assert result.kind == "answer" and result.topic == "kf_role"


@pytest.mark.parametrize("question, expected", [
    ("hey we r coordinatr of an erasmus+ app, 2m eur, must we tell the city office?", (True, True, True)),
    ("Our unit leads an Interreg North Sea Region application, 800,000 euros in total. Obligations?", (True, True, False)),
    ("Our board is the beneficiary coordinating the consortium of a LIFE bid, EUR 3 million in total.", (True, True, True)),
    ("Lead applicant = the city of Aarhus, partners = us and Kiel. ESF+, total 25 MSEK. What applies?",
     (False, False, False)),
    ("We submitted last week as lead applicant, 30 milj total. Too late for info to KS?", (True, True, True)),
])
def test_english_in_words_of_its_own_is_read(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question", [
    "We are still discussing whether we or Tallinn coordinate the Interreg bid, 4 MEUR in total.",
    "Vi vet inte än om vi eller Kiel blir koordinator i Horizon-ansökan, 50 mkr.",
])
def test_which_of_two_will_lead_left_open_leaves_the_owner_open(question: str) -> None:
    assert verdict_of(question)[0] is None


@pytest.mark.parametrize("question, section", [
    # responsibility for EU projects in general is 3.3's ("ansvarar för hantering av EU-projekt inom sin verksamhet")
    ("Vem har ansvaret för EU-projekten inom vår förvaltning, vi själva eller stadskontoret?", "3.3"),
    # their budget, anchoring and what happens to the results are 4.1's
    ("Vilket ansvar har nämnden för att budgeten i ett EU-projekt hålls?", "4.1"),
])
def test_who_answers_for_eu_projects_and_for_their_budget(question: str, section: str) -> None:
    result = ask(question)
    assert result.topic == "committee_project_duties" and result.citations[0].section == section


def test_where_the_annual_reports_end_up_is_the_council() -> None:
    result = ask("Var hamnar till slut den sammanställda redovisningen av nämndernas internationella arbete?")
    assert result.citations[0].section == "3.1"


def test_a_foundation_as_funder_of_the_city_s_own_project_is_the_routine_s_question() -> None:
    assert verdict_of("Pengarna kommer från en privat stiftelse och vi är projektägare, 16 mkr. Måste KS informeras?") \
        == (False, False, False)


@pytest.mark.parametrize("question, expected", [
    # a figure said again without its unit takes the unit of the one before it
    ("Totalbudgeten är inte över 12 miljoner, den är bara 9, och vi koordinerar en LIFE-ansökan. Informationsärende?",
     (True, True, False)),
    ("EU-stödet är 6 miljoner och med vår egen insats landar det på 14 totalt, vi leder ESF+-projektet. Ärende till KS?",
     (True, True, True)),
    # owning said last in a list of facts
    ("ansökan redan inskickad, erasmus+, 15 milj, vi äger. kan infoärendet skickas nu?", (True, True, True)),
    ("We sent our URBACT application on Friday as lead, 300,000 euro in total. Too late to tell KS?", (True, True, False)),
    # another's role as lead named before the city's as a partner
    ("Interreg Europe, lead partner Lunds kommun, Malmö stad partner med egen budget på 2 mkr, totalt 20 mkr. Ärende?",
     (False, False, False)),
])
def test_figures_and_roles_said_in_passing(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_partners_named_with_an_open_owner_and_eu_money_get_the_routine() -> None:
    result = ask("Vi har ett projekt i Lindängen med högskolan och två föreningar, vem som söker är inte bestämt. "
                 "Budgeten blir kanske 4 mkr, pengarna från Regionalfonden. Ska stadskontoret informeras?")
    assert result.topic in ("eu_routine", "how_to_inform", "owner_or_partner")
    assert result.verdict is not None and result.verdict.routine_applies is None
    assert result.verdict.information_item_to_ks is False


@pytest.mark.parametrize("question, expected", [
    # roles beside the owner's: not the owner
    ("Miljönämnden är linked third party till Lunds universitet i ett Horizon-projekt, 40 mkr. Gäller rutinen?",
     (False, False, False)),
    ("We are an affiliated entity of the coordinator in a LIFE project. Does the routine apply?", (False, False, False)),
    ("Gatukontoret är underleverantör åt koordinatorn i CEF-projektet. Ska KS förvaltning informeras?",
     (False, False, False)),
    ("Vi är bara taskledare i ett Interreg-projekt som Gdańsk leder, 6 mkr. Något vi måste göra?", (False, False, False)),
    # what only the owner does
    ("Kulturnämnden skrev under bidragsavtalet på alla partners vägnar, Kreativa Europa, 2 M€ totalt. Vad gäller?",
     (True, True, True)),
    ("We hold the budget for the whole consortium and pay the partners, Interreg Baltic, EUR 800,000 in total.",
     (True, True, False)),
    # no one chosen yet
    ("Vi håller i projektkontoret men ingen koordinator är utsedd än, ESF+, 20 mkr. Vad gäller?", (None, None, None)),
    ("The lead partner has not been chosen yet; we host the secretariat. Interreg, 3 MEUR.", (None, None, None)),
])
def test_roles_in_a_consortium(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


def test_who_owns_a_consortium_s_results_is_outside_the_policy() -> None:
    result = ask("Vem äger upphovsrätten till det material som konsortiet tar fram?")
    assert result.out_of_scope and not result.citations


@pytest.mark.parametrize("question, section", [
    ("vi är taskledare i ett eu-projekt, vem ska ta hand om det hos oss, vi eller stadskontoret?", "3.3"),
    ("Vem fattar beslut om att söka ett EU-projekt där vi blir projektägare, vi eller KS?", "4.1"),
])
def test_handling_is_3_3_deciding_is_4_1(question: str, section: str) -> None:
    result = ask(question)
    assert result.topic == "committee_project_duties" and result.citations[0].section == section


@pytest.mark.parametrize("question, expected", [
    # the city's nämnder named as boards in English
    ("1) The Environment Board coordinates a LIFE application of EUR 700,000 in total. Who must we inform? 2) When?",
     (True, True, False)),
    ("The Streets and Parks Board leads an Interreg bid, SEK 15 million in total. Information item needed?",
     (True, True, True)),
    # the EU routine named in the question is not EU money
    ("Our project is funded by a Danish foundation and we lead it, SEK 14 million. Does the EU application routine "
     "apply?", (False, False, False)),
])
def test_boards_and_the_routine_named_in_english(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected


@pytest.mark.parametrize("question, expected", [
    ("Kulturförvaltningen er projektejer for en ansøgning til Kreativa Europa, 15 mio. kr. Hvad skal vi gøre?",
     (True, True, True)),
    ("Vi er kun samarbejdspartner, Aarhus Kommune er hovedansøger, Erasmus+, 2 mio. kr. Skal vi informere KS?",
     (False, False, False)),
    ("Pengene kommer fra Nordisk Ministerråd, vi er projektejer, 14 mio. kr. Gælder EU-rutinen?", (False, False, False)),
    ("Vi ved ikke endnu hvem der bliver leadpartner i Interreg-ansøgningen, 5 mio. euro. Hvad gælder?",
     (None, None, None)),
])
def test_swedish_with_danish_mixed_in_is_read(question: str, expected: tuple) -> None:
    assert verdict_of(question) == expected
