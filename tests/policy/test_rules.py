"""The 4.1 routine, table-driven from tests/policy/data/rule_cases.yaml."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from policy import InvalidInputError, PolicyData, ProjectFacts, evaluate_eu_routine, missing_fact_question
from policy.sections import plain_text
from tests.policy.helpers import ANSWER_DAY, load_cases

CASES = load_cases("rule_cases.yaml")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rule_case(case: dict[str, Any], policy: PolicyData) -> None:
    lang = case.get("lang", "sv")
    result = evaluate_eu_routine(ProjectFacts(**case["facts"]), on=ANSWER_DAY, eur_sek_rate=case.get("rate"), lang=lang)
    assert result.verdict.model_dump() == case["verdict"]
    assert result.missing_facts == case["missing"]
    assert [o.id for o in result.obligations] == case["obligations"]
    assert result.uncertain is case["uncertain"]
    if "rate_used" in case:
        assert result.rate_used == case["rate_used"]
    if "budget_sek" in case:
        assert result.budget_sek == Decimal(case["budget_sek"])
    for words in case.get("explanation", []):
        assert words in result.explanation
    # Every obligation cites 4.1 in the policy's own words, and says in the right language what to do.
    section = policy.section("4.1", ANSWER_DAY)
    for ob in result.obligations:
        assert ob.citation.section == "4.1"
        assert plain_text(ob.citation.quote) in plain_text(section.text.sv)
        assert ob.text and ob.applies in (True, None)
        if ob.id == "information_item_to_ks":
            assert ob.applies is case["verdict"]["information_item_to_ks"]
    # Each missing fact is asked for in the explanation.
    for key in result.missing_facts:
        assert missing_fact_question(key, lang) in result.explanation


def test_information_item_may_be_sent_after_submission() -> None:
    facts = ProjectFacts(malmo_is_project_owner=True, eu_funding=True, total_budget=Decimal(20_000_000), currency="SEK")
    item = next(o for o in evaluate_eu_routine(facts, on=ANSWER_DAY).obligations if o.id == "information_item_to_ks")
    assert item.due_note and "efter" in item.due_note
    assert "efter att ansökan om projektmedel lämnats in" in item.citation.quote
    dated = facts.model_copy(update={"submission_date": ANSWER_DAY})
    item = next(o for o in evaluate_eu_routine(dated, on=ANSWER_DAY).obligations if o.id == "information_item_to_ks")
    assert item.due_note and "2025-06-01" in item.due_note


def test_ks_administration_is_informed_whatever_the_programme_fund_and_budget() -> None:
    for budget in (1, 100_000, 11_999_999, 12_000_000, 500_000_000):
        facts = ProjectFacts(malmo_is_project_owner=True, eu_funding=True, total_budget=Decimal(budget), currency="SEK")
        result = evaluate_eu_routine(facts, on=ANSWER_DAY)
        assert result.verdict.inform_ks_administration is True
        assert result.obligations[0].id == "inform_ks_administration" and result.obligations[0].applies is True


def test_obligation_texts_in_english() -> None:
    facts = ProjectFacts(malmo_is_project_owner=True, eu_funding=True, total_budget=Decimal(20_000_000), currency="SEK")
    result = evaluate_eu_routine(facts, on=ANSWER_DAY, lang="en")
    assert result.obligations[1].text.startswith("Send an information item") and "SEK 12,000,000" in result.obligations[1].text
    assert "Swedish" not in result.obligations[1].citation.quote and "informationsärende" in result.obligations[1].citation.quote


@pytest.mark.parametrize("rate", [0, -11.0])
def test_a_rate_must_be_positive(rate: float) -> None:
    facts = ProjectFacts(malmo_is_project_owner=True, eu_funding=True, total_budget=Decimal(1_000_000), currency="EUR")
    with pytest.raises(InvalidInputError):
        evaluate_eu_routine(facts, on=ANSWER_DAY, eur_sek_rate=rate)


@pytest.mark.parametrize(("key", "lang", "expected"), [
    ("project_owner", "sv", "Är Malmö stad projektägare"),
    ("total_budget", "sv", "Vilken är projektets totalbudget"),
    ("eu_funding", "sv", "EU:s program eller fonder"),
    ("project_owner", "en", "Is the City of Malmö the project owner"),
    ("total_budget", "en", "total budget"),
    ("eu_funding", "en", "EU programme or fund"),
])
def test_missing_fact_questions(key: str, lang: str, expected: str) -> None:
    question = missing_fact_question(key, lang)  # type: ignore[arg-type]
    assert expected in question and question.endswith("?")


def test_unknown_missing_fact_key() -> None:
    with pytest.raises(InvalidInputError):
        missing_fact_question("currency", "sv")
