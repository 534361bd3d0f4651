"""Kinds of failure read off development sets 19 (terse chat) and 20 (situation first), measured once as unseen and
then read; tested in words of their own.

Who adopted the policy asked with whom it covers is answered from section 1; a city company named by its everyday name
is a company; a scene set before a colon is not a request of its own; the rule asked about "at what budget" for a kind
of nämnd gets the rule, not a verdict; who administers EU projects inside a förvaltning is 3.3's; who gets to see the
compilation is kommunfullmäktige's (3.1); "manager" is not "manage".
"""

from __future__ import annotations

import pytest

from tests.policy.helpers import ask as _ask


@pytest.mark.parametrize("question", [
    "Vilket organ antog policyn, och gäller den för bolagen också?",
    "Who decided on the international policy and which organisations does it cover?",
])
def test_who_adopted_it_with_whom_it_covers_is_section_1(question: str) -> None:
    result = _ask(question)
    assert result.kind == "answer" and result.citations[0].section == "1"


def test_who_adopts_it_alone_stays_kommunfullmaktiges_duty() -> None:
    result = _ask("Vilket organ fattar beslut om policyn för det internationella arbetet?")
    assert result.kind == "answer" and result.citations[0].section == "3.1"


def test_a_city_company_by_its_everyday_name_is_answered_as_a_company() -> None:
    result = _ask("Vi på Malmö Parkering undrar om vi är tvungna att ha någon i stadens EU-nätverk?")
    assert result.kind == "answer" and result.citations[0].section == "3.4"


def test_a_scene_set_before_a_colon_does_not_decide_the_answer() -> None:
    result = _ask("Inför årets sammanställning hos stadskontoret: vilka nämnder har redan skickat in sin redovisning?")
    assert result.feature == "report_status"


def test_a_request_before_a_colon_still_decides_it() -> None:
    result = _ask("Registrera ett nytt EU-projekt: LIFE, vi är koordinator, 6 mkr totalt.")
    assert result.feature == "register"


def test_at_what_budget_a_nämnd_must_send_the_item_is_the_rule_not_a_verdict() -> None:
    result = _ask("Från vilken totalbudget måste en förvaltning skicka informationsärende till KS när den är projektägare?")
    assert result.kind == "answer" and result.citations[0].section == "4.1"
    assert result.verdict is None and not result.missing_facts


def test_who_administers_eu_projects_inside_a_förvaltning_is_3_3() -> None:
    result = _ask("Vem ska administrera de EU-finansierade projekten inom förvaltningens eget område?")
    assert result.kind == "answer" and result.citations[0].section == "3.3"


def test_who_gets_to_see_the_compilation_is_kommunfullmäktige() -> None:
    result = _ask("Vem får se den samlade redovisningen av stadens internationella arbete till sist?")
    assert result.kind == "answer" and result.citations[0].section == "3.1"


def test_a_manager_asking_is_not_a_question_about_managing_projects() -> None:
    result = _ask("My manager wonders: the Environment Committee coordinates a LIFE bid of 20 million kronor. "
                  "What do we have to do?")
    assert result.kind == "answer" and result.citations[0].section == "4.1"
    assert result.verdict is not None and result.verdict.information_item_to_ks is True


@pytest.mark.parametrize("question", [
    "Vilka öppettider har kommunstyrelsens förvaltning under jullovet?",
    "What is the phone number of the city's EU office in Brussels?",
    "I vilken byggnad håller kommunfullmäktige sina sammanträden?",
])
def test_a_practical_detail_the_policy_never_holds_gets_no_citation(question: str) -> None:
    result = _ask(question)
    assert result.out_of_scope and not result.citations


def test_where_to_send_the_information_is_not_a_practical_detail() -> None:
    result = _ask("Till vilken mejladress skickar vi informationen om vår EU-ansökan till KS förvaltning?")
    assert result.citations and result.citations[0].section == "4.1"


@pytest.mark.parametrize("question", [
    "Chefen frågar: kulturnämnden söker Kreativa Europa som projektägare, budgeten är inte klar. Vilka behöver få veta?",
    "Our committee coordinates an Erasmus+ application; who do we have to inform?",
])
def test_who_must_be_told_about_an_owned_eu_project_gets_the_verdict(question: str) -> None:
    result = _ask(question)
    assert result.kind == "answer" and result.citations[0].section == "4.1"
    assert result.verdict is not None and result.verdict.inform_ks_administration is True


def test_who_must_be_told_without_a_project_stays_the_topic_asked() -> None:
    result = _ask("Vilka ska informeras enligt policyn när en nämnd söker EU-medel?")
    assert result.kind in ("answer", "clarify") and (result.verdict is None or result.missing_facts)


def test_small_applications_in_general_get_the_rule_not_a_verdict() -> None:
    result = _ask("Är det sant att mindre EU-ansökningar under fem miljoner inte behöver rapporteras någonstans?")
    assert result.citations and result.citations[0].section == "4.1"
    assert result.verdict is None and not result.missing_facts


def test_who_answers_for_following_it_is_section_3() -> None:
    result = _ask("Har varje nämnd ansvar för att följa policyn, också de som sällan jobbar internationellt?")
    assert result.kind == "answer" and result.citations[0].section == "3"


def test_som_starting_a_relative_clause_is_not_asking_what_counts_as_international_work() -> None:
    result = _ask("Vilka områden är det som det internationella arbetet ska prioritera?")
    assert result.kind == "answer" and result.citations[0].section.startswith("2")


def test_who_gets_the_compilation_in_the_end_is_kommunfullmäktige() -> None:
    result = _ask("vem får den samlade redovisningen sist, fullmäktige eller styrelsen")
    assert result.kind == "answer" and result.citations[0].section == "3.1"
