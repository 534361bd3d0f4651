"""Facts read out of questions, table-driven from tests/policy/data/fact_cases.yaml."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from policy import PolicyData, ProjectFacts
from tests.policy.helpers import ANSWER_DAY, case_id, load_cases

CASES = load_cases("fact_cases.yaml")
THRESHOLD = Decimal(12_000_000)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c["q"]) for c in CASES])
def test_fact_case(case: dict[str, Any], policy: PolicyData) -> None:
    extraction = policy.fact_reader.read(case["q"], THRESHOLD, ANSWER_DAY)
    expected = ProjectFacts(**case["facts"])
    for name in case["facts"]:
        assert getattr(extraction.facts, name) == getattr(expected, name), name
    if "sections" in case:
        assert extraction.section_refs == case["sections"]


def test_a_share_is_marked_as_part_of_the_budget(policy: PolicyData) -> None:
    extraction = policy.fact_reader.read("Vår andel är 4 miljoner", THRESHOLD, ANSWER_DAY)
    assert extraction.budget_is_part and extraction.mentions_amount


def test_a_threshold_mention_is_no_amount_fact(policy: PolicyData) -> None:
    extraction = policy.fact_reader.read("Gäller 12-miljonersgränsen hela budgeten?", THRESHOLD, ANSWER_DAY)
    assert not extraction.mentions_amount and extraction.facts.total_budget is None


def test_consultation_facts_are_merged_and_the_question_wins() -> None:
    known = ProjectFacts(malmo_is_project_owner=True, eu_funding=True, total_budget=Decimal(20_000_000), currency="SEK")
    said = ProjectFacts(malmo_is_project_owner=False, programme="Interreg")
    merged = known.merged_with(said)
    assert merged.malmo_is_project_owner is False and merged.programme == "Interreg"
    assert merged.eu_funding is True and merged.total_budget == 20_000_000


def test_a_bound_does_not_replace_a_known_total() -> None:
    known = ProjectFacts(total_budget=Decimal(20_000_000), currency="SEK")
    share = ProjectFacts(total_budget=Decimal(4_000_000), budget_bound="at_least")
    assert known.merged_with(share).total_budget == 20_000_000
    exact = ProjectFacts(total_budget=Decimal(1_000_000), currency="EUR")
    assert known.merged_with(exact).model_dump(include={"total_budget", "currency", "budget_bound"}) == {
        "total_budget": Decimal(1_000_000), "currency": "EUR", "budget_bound": "exact"}
