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


def _all_set_questions() -> list[str]:
    questions = [case["q"] for case in CASES]
    for path in sorted((CASES_DIR / "dev").glob("*.yaml")):
        questions += [item["q"] for item in load_cases(f"dev/{path.name}")]
    return questions


def test_the_spoken_forms_read_as_applied_one_by_one(policy: PolicyData) -> None:
    """A spoken form that starts with letters is tried only where they occur: every fact case and question of the
    read sets reads exactly as with every form applied in turn, and the forms did change many of them."""
    changed = 0
    for question in _all_set_questions():
        one_by_one = question
        for pattern, replacement, _head in policy.spoken_forms:
            one_by_one = pattern.sub(replacement, one_by_one)
        assert policy.as_typed(question) == one_by_one, question
        changed += one_by_one != question
    assert sum(head is not None for _, _, head in policy.spoken_forms) >= 40
    assert changed > 50  # tried on many real rewrites, not vacuously


def test_a_programme_s_name_is_looked_for_before_its_pattern(policy: PolicyData) -> None:
    """Each programme name's pattern can match only where its literal text occurs, so looking for the text first
    hides nothing: on every fact case and question of the read sets."""
    from policy.normalise import clean, fold

    matched = 0
    for question in _all_set_questions():
        text = fold(clean(question))
        for pattern, literal, sensitive, _name, _eu in policy.fact_reader._programmes:
            where = question if sensitive else text
            if pattern.search(where):
                matched += 1
                assert literal in where, (literal, where)
    assert matched > 500
