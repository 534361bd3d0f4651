"""Reading money amounts, table-driven from tests/policy/data/amount_cases.yaml."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from policy import PolicyData
from policy.normalise import clean, fold
from tests.policy.helpers import load_cases

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
