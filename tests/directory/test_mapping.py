"""directory/mapping.py: the shipped mapping file, exact matching (case and spaces aside), the administrators'
mappings over the file's, and what a user's values decide: placed, ambiguous, or no match."""

from __future__ import annotations

import pytest

from directory.mapping import MappingRule, MappingTable, decide, load_mapping_file
from storage.models import DirectoryOutcome, DirectorySource
from storage.organisations import load_organisation_entries

DEPARTMENT, GROUP = DirectorySource.DEPARTMENT, DirectorySource.GROUP
ACTIVE = {"miljonamnden", "kommunstyrelsen", "valnamnden", "kulturnamnden", "fritidsnamnden"}


def _table(*rules: MappingRule) -> MappingTable:
    return MappingTable(rules)


def _rule(value: str, *slugs: str, source: DirectorySource = DEPARTMENT, origin: str = "file") -> MappingRule:
    return MappingRule(source, value, slugs, origin)  # type: ignore[arg-type]


def test_the_shipped_file_maps_only_to_organisations_lotsen_has():
    slugs = {entry.slug for entry in load_organisation_entries()}
    rules = load_mapping_file()
    assert {slug for rule in rules for slug in rule.organisations} <= slugs
    departments = MappingTable(rules)
    assert departments.rule_for(DEPARTMENT, "Miljöförvaltningen").organisations == ("miljonamnden",)
    assert departments.rule_for(DirectorySource.COMPANY_NAME, "MKB Fastighets AB").organisations == (
        "mkb-fastighets-ab",)


def test_values_match_exactly_but_for_case_and_spaces():
    table = _table(_rule("Miljöförvaltningen", "miljonamnden"))
    for typed in ("Miljöförvaltningen", "  MILJÖFÖRVALTNINGEN ", "miljöförvaltningen"):
        decision = decide(table, DEPARTMENT, [typed], ACTIVE)
        assert (decision.outcome, decision.organisation) == (DirectoryOutcome.PLACED, "miljonamnden")
    for other in ("Miljoforvaltningen", "Miljöförvaltningen Syd", "Miljö förvaltningen"):
        assert decide(table, DEPARTMENT, [other], ACTIVE).outcome == DirectoryOutcome.NO_MATCH
    # Another source's mapping says nothing about this one.
    assert decide(table, GROUP, ["Miljöförvaltningen"], ACTIVE).outcome == DirectoryOutcome.NO_MATCH


def test_a_value_that_maps_to_two_organisations_is_ambiguous():
    decision = decide(_table(_rule("Stadskontoret", "kommunstyrelsen", "valnamnden")), DEPARTMENT,
                      ["Stadskontoret"], ACTIVE)
    assert decision.outcome == DirectoryOutcome.AMBIGUOUS
    assert decision.organisation is None
    assert decision.candidates == ("kommunstyrelsen", "valnamnden")


def test_groups_that_lead_to_different_organisations_are_ambiguous_and_to_one_place():
    table = _table(_rule("MF alla", "miljonamnden", source=GROUP), _rule("g-42", "miljonamnden", source=GROUP),
                   _rule("KF alla", "kulturnamnden", source=GROUP))
    same = decide(table, GROUP, ["Alla i Malmö", "g-1", "MF alla", "g-42"], ACTIVE)
    assert (same.outcome, same.organisation, same.matched_value) == (DirectoryOutcome.PLACED, "miljonamnden",
                                                                     "MF alla")
    different = decide(table, GROUP, ["MF alla", "g-2", "KF alla", "g-3"], ACTIVE)
    assert different.outcome == DirectoryOutcome.AMBIGUOUS
    assert different.matches == (("MF alla", ("miljonamnden",)), ("KF alla", ("kulturnamnden",)))


def test_no_value_or_an_unmapped_one_is_no_match():
    table = _table(_rule("Miljöförvaltningen", "miljonamnden"))
    assert decide(table, DEPARTMENT, [], ACTIVE).outcome == DirectoryOutcome.NO_MATCH
    assert decide(table, DEPARTMENT, ["Okänd förvaltning"], ACTIVE).outcome == DirectoryOutcome.NO_MATCH


def test_an_organisation_that_is_not_active_places_nobody():
    table = _table(_rule("Gamla kontoret", "overformyndarnamnden"), _rule("Stadskontoret", "kommunstyrelsen",
                                                                         "overformyndarnamnden"))
    assert decide(table, DEPARTMENT, ["Gamla kontoret"], ACTIVE).outcome == DirectoryOutcome.NO_MATCH
    assert decide(table, DEPARTMENT, ["Stadskontoret"], ACTIVE).organisation == "kommunstyrelsen"


def test_an_administrators_mapping_wins_over_the_files_for_the_same_value():
    table = _table(_rule("Stadskontoret", "kommunstyrelsen", "valnamnden"),
                   _rule(" stadskontoret", "kommunstyrelsen", origin="admin"))
    decision = decide(table, DEPARTMENT, ["Stadskontoret"], ACTIVE)
    assert (decision.outcome, decision.organisation) == (DirectoryOutcome.PLACED, "kommunstyrelsen")
    assert [rule.origin for rule in table.rules(DEPARTMENT)] == ["admin"]


@pytest.mark.parametrize("content", [
    "mappings:\n  department:\n    Miljöförvaltningen: miljonamnden\n    MILJÖFÖRVALTNINGEN: kulturnamnden\n",
    "mappings:\n  department:\n    Miljöförvaltningen: Miljönämnden\n",  # a name, not a slug
    "mappings:\n  title:\n    Handläggare: miljonamnden\n",  # not a source
    "mappings:\n  department:\n    Miljöförvaltningen: []\n",
], ids=["duplicate", "not-a-slug", "unknown-source", "no-organisation"])
def test_a_broken_mapping_file_is_refused(tmp_path, content):
    path = tmp_path / "mapping.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError):
        load_mapping_file(path)
