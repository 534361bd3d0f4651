"""Facts read out of questions, table-driven from tests/policy/data/fact_cases.yaml."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from policy import PolicyData, ProjectFacts
from tests.policy.helpers import ANSWER_DAY, CASES as CASES_DIR, case_id, load_cases

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
    if "rate" in case:
        assert extraction.eur_sek_rate == (None if case["rate"] is None else Decimal(case["rate"]))
    if "part" in case:
        assert extraction.budget_is_part is case["part"]


def test_a_share_is_marked_as_part_of_the_budget(policy: PolicyData) -> None:
    extraction = policy.fact_reader.read("Vår andel är 4 miljoner", THRESHOLD, ANSWER_DAY)
    assert extraction.budget_is_part and extraction.mentions_amount


def test_a_threshold_mention_is_no_amount_fact(policy: PolicyData) -> None:
    extraction = policy.fact_reader.read("Gäller 12-miljonersgränsen hela budgeten?", THRESHOLD, ANSWER_DAY)
    assert not extraction.mentions_amount and extraction.facts.total_budget is None


def test_a_pattern_s_prefilter_never_hides_a_match(policy: PolicyData) -> None:
    """The owner patterns that start with their subject are tried only where what follows the subject occurs: on every
    fact case and every question of the read sets, each such pattern matches nowhere the pre-filter does not."""
    from policy.normalise import clean, fold

    questions = [case["q"] for case in CASES]
    for path in sorted((CASES_DIR / "dev").glob("*.yaml")):
        questions += [item["q"] for item in load_cases(f"dev/{path.name}")]
    texts = [fold(clean(q)) for q in questions]
    rules = [(pattern, prefilter) for pattern, _, _, prefilter in policy.fact_reader.owner._rules]
    assert sum(prefilter is not None for _, prefilter in rules) >= 20
    matched = 0
    for text in texts:
        for pattern, prefilter in rules:
            if prefilter is not None and pattern.search(text):
                matched += 1
                assert prefilter.search(text), (pattern.pattern[:60], text)
    assert matched > 500  # the property was tried on many real matches, not vacuously
