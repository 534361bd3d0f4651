"""Kinds of failure read off this round's development sets, and misses of earlier read sets left until now, tested in
words of their own.

SMS-style words that carry a fact: "life" written small where it names an application or a project (the programme
LIFE, not the English word), a misspelt coordinator ("koordinatr") or Horizon ("horzon"), a role in a short aside
before a comma ("vi leder (koord), …").
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
    ("ska söka life nu, vi e koordinatr, 1,5 meur totalt. ks?", (True, True, True)),
    ("horzon europe ansökan, vi koordinator, 8 mkr tot, vad gäller", (True, True, False)),
    ("life-projekt, vi driver (lead), 900 000 euro, måste ks få info?", (True, True, False)),
])
def test_sms_style_facts_are_read(question: str, expected: tuple) -> None:
    assert _verdict(question) == expected


def test_life_as_an_english_word_is_no_programme() -> None:
    assert ask("What does the policy say about work-life balance on trips abroad?").facts.programme is None
