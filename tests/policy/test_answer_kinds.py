"""What kind of answer a question gets: sure, unsure ("Menar du …?"), outside, a feature, taught.

Written in words of their own (not the corpus', not the question set's), per the failures officials
met: the verdict must not replace the question asked, facts given earlier count, a named rate wins,
out-of-scope questions get no citation, a question naming a policy concept is never just refused.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from policy import InvalidInputError, PolicyData, ProjectFacts, Teachings, answer, load_policy
from tests.policy.helpers import ANSWER_DAY, copy_data


def _never_sure(tmp_path: Path) -> PolicyData:
    """The shipped data with a classifier that is never sure enough to answer alone."""
    data = copy_data(tmp_path / "data")
    topics = yaml.safe_load((data / "topics.yaml").read_text(encoding="utf-8"))
    topics["decision"].update(answer_score=50.0, same_section_score=50.0, option_score=-50.0)
    (data / "topics.yaml").write_text(yaml.safe_dump(topics, allow_unicode=True), encoding="utf-8")
    return load_policy(data)


def test_unsure_offers_the_nearest_topics_and_cites_nothing(tmp_path: Path) -> None:
    policy = _never_sure(tmp_path)
    a = answer("Vem avgör om vi får gå med i Eurocities?", on=ANSWER_DAY, policy=policy)
    assert a.kind == "clarify" and not a.citations and a.verdict is None and not a.out_of_scope
    assert 1 <= len(a.options) <= policy.decision.options
    assert a.options[0].topic == policy.classifier.rank(a.question)[0].topic or a.options[0].topic in policy.topics
    assert all(0 < len(o.title) <= 36 for o in a.options)
    assert "network_membership" in {o.topic for o in a.options}


def test_a_chosen_option_is_answered_with_its_citation() -> None:
    a = answer("vilka får bestämma om det där med städerna", on=ANSWER_DAY, topic="partner_cities")
    assert a.kind == "answer" and a.topic == "partner_cities" and a.citations[0].section == "3.2"


def test_an_unknown_forced_topic_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        answer("vad gäller", on=ANSWER_DAY, topic="no_such_topic")


@pytest.mark.parametrize("question", [
    "Hur många semesterdagar får jag spara till nästa år?",
    "Vilken momssats gäller för konsulttjänster?",
])
def test_a_question_outside_the_policy_gets_no_citation(question: str) -> None:
    a = answer(question, on=ANSWER_DAY)
    assert a.kind == "out_of_scope" and a.out_of_scope and a.citations == [] and a.verdict is None


@pytest.mark.parametrize("question", [
    "Får vi lämna ut personnummer på deltagarna till vår partner i Tyskland enligt GDPR?",
    "Ska moms läggas på fakturan från vår spanska projektpartner?",
    "Vem betalar middagen när en delegation från Gdańsk kommer på studiebesök?",
])
def test_other_rules_stay_out_even_when_they_share_the_policys_words(question: str) -> None:
    a = answer(question, on=ANSWER_DAY)
    assert a.out_of_scope and a.citations == []
    assert a.options, "a question naming a policy concept is offered the nearest topics"


def test_teachings_decide_for_the_same_question_and_close_ones(policy: PolicyData) -> None:
    taught = Teachings([("Vad gäller för våra vänskapsskolor i Polen?", "partner_cities")])
    same = answer("vad gäller för våra VÄNSKAPSSKOLOR i polen", on=ANSWER_DAY, teachings=taught)
    assert same.topic == "partner_cities" and same.taught
    close = answer("Vad gäller för vänskapsskolor i Polen?", on=ANSWER_DAY, teachings=taught)
    assert close.topic == "partner_cities" and close.taught
    other = answer("Vem antar policyn?", on=ANSWER_DAY, teachings=taught)
    assert not other.taught


def test_a_question_can_be_taught_out_of_scope() -> None:
    taught = Teachings([("Vem betalar för kaffet på nätverksträffen?", "out_of_scope")])
    a = answer("Vem betalar för kaffet på nätverksträffen?", on=ANSWER_DAY, teachings=taught)
    assert a.out_of_scope and a.citations == [] and a.taught


@pytest.mark.parametrize(("question", "feature"), [
    ("Går det att lägga in vår nya Interreg-ansökan i Lotsen?", "register"),
    ("Visa vilka nämnder som fortfarande inte skickat sin årsredovisning", "report_status"),
    ("Vilka förvaltningar har ingen utsedd kontaktperson just nu?", "contacts"),
])
def test_plain_requests_lead_to_the_feature(question: str, feature: str) -> None:
    a = answer(question, on=ANSWER_DAY)
    assert a.feature == feature


def test_the_question_asked_comes_first_and_no_verdict_without_facts() -> None:
    a = answer("Vilken nämnd har ansvaret för att ett EU-projekts budget hålls?", on=ANSWER_DAY)
    assert a.citations[0].section == "4.1" and a.verdict is None and not a.consult
    timing = answer("Hur länge får vi vänta med informationsärendet till KS?", on=ANSWER_DAY)
    assert timing.topic == "information_item_timing" and timing.verdict is None


def test_facts_said_earlier_give_the_verdict_after_the_answer() -> None:
    earlier = ProjectFacts(malmo_is_project_owner=False, eu_funding=True)
    a = answer("Hur länge får vi vänta med informationsärendet till KS?", on=ANSWER_DAY, facts=earlier)
    assert a.topic == "information_item_timing"
    assert a.verdict is not None and a.verdict.routine_applies is False
    assert a.facts.malmo_is_project_owner is False and not a.consult


def test_the_verdict_asked_for_starts_a_consultation_when_facts_are_missing() -> None:
    a = answer("Behöver stadskontoret få veta något om att vi söker pengar ur Erasmus+?", on=ANSWER_DAY)
    assert a.verdict is not None and a.consult and "project_owner" in a.missing_facts


def test_a_rate_the_official_names_is_used_and_returned() -> None:
    a = answer("Vi koordinerar ett LIFE-projekt på 1,1 miljoner euro, räkna med 11,5 kr per euro. Krävs ett "
               "informationsärende?", on=ANSWER_DAY)
    assert a.eur_sek_rate == pytest.approx(11.5)
    assert a.verdict is not None and a.verdict.information_item_to_ks is True


def test_a_very_long_question_is_cut_before_matching(policy: PolicyData) -> None:
    a = answer("Vem beslutar om partnerstäder? " + "bla " * 5000, on=ANSWER_DAY)
    assert len(a.question) == policy.decision.max_question_length


def test_a_conversation_keeps_the_budget_across_questions() -> None:
    first = answer("Vårt Horizon Europe-projekt har en totalbudget på 14 miljoner kronor.", on=ANSWER_DAY)
    assert first.facts.total_budget == Decimal("14000000")
    second = answer("Och vi är projektägare, måste KS få ett informationsärende?", on=ANSWER_DAY, facts=first.facts)
    assert second.verdict is not None and second.verdict.information_item_to_ks is True


@pytest.mark.parametrize(("question", "first"), [
    # Who handles EU projects in the nämnd's own verksamhet is 3.3's sentence; the nämnd's 4.1 duties follow.
    ("Vem sköter hanteringen av internationella projekt inom nämndens egen verksamhet?", "3.3"),
    # Whom the policy applies to is section 1's sentence; what the companies do is 3.4's.
    ("Omfattas stadens helägda bolag av policyn?", "1"),
])
def test_the_first_citation_is_the_sentence_that_answers(question: str, first: str) -> None:
    assert answer(question, on=ANSWER_DAY).citations[0].section == first


def test_where_the_policy_is_silent_lotsen_says_so_and_names_who_to_ask() -> None:
    half_owned = answer("Gäller policyn för ett bolag där staden bara äger hälften?", on=ANSWER_DAY)
    assert half_owned.topic == "partly_owned" and "omfattas inte" in half_owned.answer
    how = answer("Ska vi informera stadskontoret via mejl eller finns det ett formulär?", on=ANSWER_DAY)
    assert how.topic == "how_to_inform" and how.feature == "register" and how.verdict is None
    assert "inte i vilken form" in how.answer and "kommunstyrelsens förvaltning" in how.answer
