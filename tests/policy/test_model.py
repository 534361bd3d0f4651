"""The answer models: merging what a consultation knows with what a question says."""

from __future__ import annotations

from decimal import Decimal

from policy import ProjectFacts


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
    floor = ProjectFacts(total_budget=Decimal(20_000_000), currency="SEK", budget_bound="at_least")
    assert floor.merged_with(share).total_budget == 20_000_000  # the larger floor tells more
    assert share.merged_with(floor).total_budget == 20_000_000
    exact = ProjectFacts(total_budget=Decimal(1_000_000), currency="EUR")
    assert known.merged_with(exact).model_dump(include={"total_budget", "currency", "budget_bound"}) == {
        "total_budget": Decimal(1_000_000), "currency": "EUR", "budget_bound": "exact"}
