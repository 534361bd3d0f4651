"""Kinds of failure read off development sets 48 (project managers in the technical and planning units: the nämnder
by their abbreviations, amounts in every unit) and 50 (facts pasted as a form: "Roll: …", bullets, " / " between
lines), each measured once as unseen and then read; tested in words of their own.

A nämnd named by its abbreviation (TN, MN, KN, SBN …) is Malmö stad; facts on lines of their own, after bullets or
between " / " are statements each; a form's field that leaves the owner open ("Huvudsökande: oklart") leaves it open;
an English name ends in what it is ("the planning committee"); a funder's field naming anyone but the EU means no
EU money; a request with its details after a colon ("Registrera vår ansökan: …") is the feature.
"""

from __future__ import annotations

import pytest

from tests.policy.helpers import ask


def _verdict(question: str) -> tuple[bool | None, bool | None, bool | None]:
    result = ask(question)
    assert result.verdict is not None, question
    v = result.verdict
    return v.routine_applies, v.inform_ks_administration, v.information_item_to_ks


@pytest.mark.parametrize("question, expected", [
    ("MN huvudsökande, LIFE, 16 mnkr tot. vad gäller mot KS?", (True, True, True)),
    ("kn koordinerar kreativa europa-ansökan 3 mnkr, måste vi nåt?", (True, True, False)),
    ("Parks dept (tekniska nämnden) leading an Interreg North Sea bid, 2 years at 7 MSEK a year: what must we do?",
     (True, True, True)),
])
def test_a_nämnd_named_by_its_abbreviation_is_malmö_stad(question: str, expected: tuple) -> None:
    assert _verdict(question) == expected


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
    assert _verdict(question) == expected


def test_a_form_field_that_leaves_the_owner_open_leaves_the_verdict_open() -> None:
    assert _verdict("Program: Interreg / Huvudsökande: ej bestämt, vi eller Rostock / Budget: 6 mkr / Informera KS?") \
        == (None, None, False)


@pytest.mark.parametrize("question", [
    "Finansiär: Länsstyrelsen Skåne / Projektägare: vi / Budget: 15 mkr / Gäller EU-rutinen?",
    "Vi har aldrig fått några EU-pengar till det här, bara från Energimyndigheten. Vi är projektägare, 20 mkr. "
    "Måste vi informera KS?",
])
def test_money_from_another_funder_is_not_the_eu_routine(question: str) -> None:
    assert _verdict(question) == (False, False, False)


def test_the_work_package_leader_is_not_the_owner_when_another_coordinates() -> None:
    assert _verdict("Horizon Europe, Malmö leder WP2 men Lyon koordinator, totalt 6 M€. Vad gäller?") \
        == (False, False, False)


@pytest.mark.parametrize("question, feature", [
    ("Lägg in vår ansökan: Program: LIFE / Roll: projektägare / Totalbudget: 9 mkr", "register"),
    ("Vi vill lämna in årets redovisning: Nämnd: fritidsnämnden / År: 2025", "annual_report"),
])
def test_a_request_with_its_details_after_a_colon_is_the_feature(question: str, feature: str) -> None:
    result = ask(question)
    assert result.kind == "feature" and result.feature == feature
