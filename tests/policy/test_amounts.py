"""Reading money amounts, table-driven from tests/policy/data/amount_cases.yaml."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from policy import PolicyData, parse_amount
from policy.normalise import clean, fold
from tests.policy.helpers import ANSWER_DAY, load_cases

CASES = load_cases("amount_cases.yaml")
THRESHOLD = Decimal(12_000_000)


@pytest.mark.parametrize("case", CASES, ids=[c["text"] for c in CASES])
def test_amount_case(case: dict[str, Any], policy: PolicyData) -> None:
    found = policy.fact_reader.amounts.read(fold(clean(case["text"])), THRESHOLD)
    if case["value"] is None:
        assert found == []
        return
    assert len(found) == 1
    amount = found[0]
    assert amount.value == Decimal(str(case["value"]))
    assert amount.currency == case["currency"]
    assert amount.kind == case.get("kind", "unmarked")
    assert amount.bound == case.get("bound", "exact")


def test_two_amounts_are_told_apart(policy: PolicyData) -> None:
    text = fold(clean("Vår andel är 5 MSEK men totalbudgeten är 30 MSEK"))
    share, total = policy.fact_reader.amounts.read(text, THRESHOLD)
    assert (share.value, share.kind) == (Decimal(5_000_000), "part")
    assert (total.value, total.kind) == (Decimal(30_000_000), "total")


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
