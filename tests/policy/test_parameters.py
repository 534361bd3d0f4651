"""Parameters and sections by date, including a second policy version (a test fixture)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from policy import PolicyData, ProjectFacts, answer, evaluate_eu_routine, get_section, parameter_value
from policy.errors import NotInForceError, UnknownParameterError
from policy.parameters import parameter_entry
from tests.policy.helpers import ANSWER_DAY

BEFORE = date(2029, 12, 31)
AFTER = date(2030, 1, 1)


def test_values_in_force_today() -> None:
    assert parameter_value("information_item_threshold_sek", ANSWER_DAY) == 12_000_000
    assert parameter_value("always_informed", ANSWER_DAY) == "ks_administration"
    assert parameter_value("information_item_recipient", ANSWER_DAY) == "ks"
    assert parameter_value("information_item_after_submission_allowed", ANSWER_DAY) is True
    assert parameter_value("annual_report", ANSWER_DAY) == {
        "reporter": "committee", "recipient": "ks", "frequency": "yearly",
        "compiled_by": "ks_administration", "compiled_for": "kf"}
    assert parameter_value("eur_sek_default_rate", ANSWER_DAY) == 11.0
    assert parameter_value("information_item_threshold_sek") == 12_000_000  # today


def test_entry_tells_where_a_value_comes_from() -> None:
    entry = parameter_entry("information_item_threshold_sek", ANSWER_DAY)
    assert entry.section == "4.1" and entry.valid_from == date(2016, 11, 1)
    assert parameter_entry("annual_report", ANSWER_DAY).also == ["4", "3.2.1", "3.1"]


def test_unknown_parameter_and_day_before_any_value() -> None:
    with pytest.raises(UnknownParameterError):
        parameter_value("no_such_thing", ANSWER_DAY)
    with pytest.raises(NotInForceError):
        parameter_value("information_item_threshold_sek", date(2016, 10, 31))


def test_revision_changes_values_from_its_date(revised_policy: PolicyData) -> None:
    name = "information_item_threshold_sek"
    assert parameter_value(name, BEFORE, policy=revised_policy) == 12_000_000
    assert parameter_value(name, AFTER, policy=revised_policy) == 15_000_000
    assert parameter_value("policy_follow_up", AFTER, policy=revised_policy)["frequency"] == "yearly"
    # Values the revision does not touch stay in force.
    assert parameter_value("always_informed", AFTER, policy=revised_policy) == "ks_administration"


def test_revision_changes_sections_from_its_date(revised_policy: PolicyData) -> None:
    assert [v.id for v in revised_policy.versions] == ["2016", "2030-fixture"]
    old = get_section("5", BEFORE, policy=revised_policy)
    new = get_section("5", AFTER, policy=revised_policy)
    assert "mandatperiod" in old.text.sv and "varje år" in new.text.sv
    assert "15 miljoner" in get_section("4.1", AFTER, policy=revised_policy).text.sv


def test_the_shipped_data_has_no_revision(policy: PolicyData) -> None:
    assert [v.id for v in policy.versions] == ["2016"]
    assert parameter_value("information_item_threshold_sek", AFTER) == 12_000_000


def test_rules_follow_the_version_in_force(revised_policy: PolicyData) -> None:
    facts = ProjectFacts(malmo_is_project_owner=True, eu_funding=True, total_budget=Decimal(13_000_000), currency="SEK")
    before = evaluate_eu_routine(facts, on=BEFORE, policy=revised_policy)
    after = evaluate_eu_routine(facts, on=AFTER, policy=revised_policy)
    assert before.verdict.information_item_to_ks is True and before.policy_version == "2016"
    assert after.verdict.information_item_to_ks is False and after.policy_version == "2030-fixture"
    assert after.threshold_sek == 15_000_000
    item_before = next(o for o in before.obligations if o.id == "information_item_to_ks")
    assert "12 miljoner" in item_before.citation.quote
    bigger = facts.model_copy(update={"total_budget": Decimal(16_000_000)})
    item_after = next(o for o in evaluate_eu_routine(bigger, on=AFTER, policy=revised_policy).obligations
                      if o.id == "information_item_to_ks")
    assert "15 miljoner" in item_after.citation.quote and "15 000 000 kr" in item_after.text


def test_the_submission_date_picks_the_version_when_no_date_is_given(revised_policy: PolicyData) -> None:
    facts = ProjectFacts(malmo_is_project_owner=True, eu_funding=True, total_budget=Decimal(13_000_000),
                         currency="SEK", submission_date=date(2030, 3, 1))
    assert evaluate_eu_routine(facts, policy=revised_policy).verdict.information_item_to_ks is False


def test_answers_follow_the_version_in_force(revised_policy: PolicyData) -> None:
    q = "Vi är projektägare i ett Interreg-projekt med totalbudget 13 miljoner kronor. Informationsärende?"
    before = answer(q, on=BEFORE, policy=revised_policy)
    after = answer(q, on=AFTER, policy=revised_policy)
    assert before.verdict and before.verdict.information_item_to_ks is True
    assert after.verdict and after.verdict.information_item_to_ks is False
    assert "15 000 000 kr" in after.answer
    follow_up = answer("Hur följs policyn upp?", on=AFTER, policy=revised_policy)
    assert follow_up.citations[0].section == "5" and "varje år" in follow_up.citations[0].quote
