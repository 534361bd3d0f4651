"""Finding the words of topics.yaml in what people type, and scoring topics."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policy import PolicyData
from policy.normalise import tokens
from tests.policy.helpers import ANSWER_DAY


def _words(policy: PolicyData, typed: str) -> set[str]:
    """The data words a typed token is found as."""
    vocab = policy.matcher.vocab
    names = {wid: word for (word, _), wid in vocab._ids.items()}
    return {names[wid] for wid in vocab.match(typed)}


@pytest.mark.parametrize(("typed", "word"), [
    ("nätverket", "natverk"),            # inflection
    ("redovisningen", "redovisning"),    # inflection
    ("projektansökan", "ansokan"),       # compound, last part
    ("informationsärendet", "informationsarende"),
    ("partnerstadssamarbeten", "partnerstadssamarbete"),
    ("förvalting", "forvaltning"),       # typo
    ("infomrera", "informera"),          # typo
    ("kommunstyrlesen", "kommunstyrelsen"),
    ("decides", "decide"),               # English stem
])
def test_typed_forms_find_the_data_word(policy: PolicyData, typed: str, word: str) -> None:
    assert word in _words(policy, typed)


def test_short_words_are_not_found_inside_compounds(policy: PolicyData) -> None:
    assert "stod" not in _words(policy, "försörjningsstöd")
    assert "partner" not in _words(policy, "partnerstad")


def test_a_compound_part_must_end_where_the_known_word_ends(policy: PolicyData) -> None:
    assert "inriktning" in _words(policy, "inriktningarna")
    assert "ingar" not in _words(policy, "inriktningarna")  # not "inriktn" + "ingår" + "na"
    assert {"projektansokan", "ansokan"} <= _words(policy, "projektansökan")


def test_a_committee_is_found_in_its_name(policy: PolicyData) -> None:
    token_ids = [policy.matcher.vocab.match(t) for t in tokens("kulturnämnden")]
    assert policy.matcher.actors_in(token_ids) == {"committee"}


def _ranking(policy: PolicyData, question: str) -> list[tuple[str | None, int]]:
    extraction = policy.fact_reader.read(question, Decimal(12_000_000), ANSWER_DAY)
    return [(s.topic.id if s.topic else None, s.score) for s in policy.matcher.rank(question, extraction)]


def test_the_longest_alias_names_the_actor(policy: PolicyData) -> None:
    token_ids = [policy.matcher.vocab.match(t) for t in tokens("kommunstyrelsens förvaltning och KS")]
    assert policy.matcher.actors_in(token_ids) == {"ks_administration", "ks"}


def test_a_penalty_keeps_a_question_the_policy_cannot_answer_out(policy: PolicyData) -> None:
    assert _ranking(policy, "Hur många partnerstäder har Malmö?") == []
    assert _ranking(policy, "Vem beslutar om nya partnerstäder?")[0][0] == "partner_cities"


def test_a_required_group_must_match(policy: PolicyData) -> None:
    # Goals need an international/policy context: a project's KF goals are the 4.1 routine's.
    ranking = _ranking(policy, "Måste projektet ligga i linje med kommunfullmäktiges mål?")
    assert "goals" not in [topic for topic, _ in ranking]


def test_a_named_section_is_looked_up(policy: PolicyData) -> None:
    assert _ranking(policy, "Vad står i avsnitt 3.4?")[0] == (None, 4)
    # ... unless a topic of that section fits the question.
    assert _ranking(policy, "Vad säger 4.1 om informationsärendet och gränsen?")[0][0] == "information_item_threshold"
