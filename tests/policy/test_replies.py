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
