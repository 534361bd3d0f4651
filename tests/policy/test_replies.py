"""Reading a reply to "what is the total budget?"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policy import parse_amount
from tests.policy.helpers import ANSWER_DAY


@pytest.mark.parametrize(("reply", "expected"), [
    ("14 MSEK", (Decimal(14_000_000), "SEK")),
    ("ungefär 1,2 MEUR", (Decimal(1_200_000), "EUR")),
    ("12 miljoner", (Decimal(12_000_000), None)),
    ("12000000", (Decimal(12_000_000), None)),
    ("det vet jag inte", None),
    ("15", None),
])
def test_parse_amount_reads_a_reply(reply: str, expected: tuple[Decimal, str | None] | None) -> None:
    assert parse_amount(reply, ANSWER_DAY) == expected


def test_a_reply_is_read_no_further_than_a_question(policy) -> None:
    limit = policy.decision.max_question_length
    assert parse_amount("Budgeten: " + "x" * (limit - 30) + " 12 miljoner", ANSWER_DAY) == (Decimal(12_000_000), None)
    assert parse_amount("Budgeten: " + "x" * limit + " 12 miljoner", ANSWER_DAY) is None


def test_a_long_run_of_number_words_is_no_amount_and_a_spoken_number_still_is() -> None:
    # Number words without a multiplier after them: read once, not searched again from every word.
    assert parse_amount("a " * 400 + "tio tio " * 50, ANSWER_DAY) is None
    assert parse_amount("tre hundra fyrtio fem miljoner kronor", ANSWER_DAY) == (Decimal(345_000_000), "SEK")
