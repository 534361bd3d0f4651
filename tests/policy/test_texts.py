"""The text catalogs and number formatting."""

from __future__ import annotations

from decimal import Decimal

from policy import PolicyData
from policy.texts import flatten_keys


def test_both_languages_have_the_same_keys(policy: PolicyData) -> None:
    assert policy.texts.keys("sv") == policy.texts.keys("en")
    assert flatten_keys({"a": {"b": "x", "c": ["y"]}}) == {"a.b", "a.c"}


def test_swedish_and_english_money(policy: PolicyData) -> None:
    texts = policy.texts
    assert texts.money(Decimal(12_000_000), "SEK", "sv") == "12 000 000 kr"
    assert texts.money(Decimal(12_000_000), "SEK", "en") == "SEK 12,000,000"
    assert texts.money(Decimal("1200000"), "EUR", "sv") == "1 200 000 euro"
    assert texts.money(Decimal("12650000.40"), "SEK", "sv") == "12 650 000 kr"
    assert texts.money(Decimal("12.5"), "EUR", "en") == "EUR 12.50"
    assert texts.rate(11.0, "sv") == "11,00 kr per euro" and texts.rate(11.5, "en") == "SEK 11.50 per euro"


def test_no_figure_of_the_policy_is_written_into_a_text(policy: PolicyData) -> None:
    # Thresholds come from parameters.yaml; a catalog text that says "12" would go stale.
    for lang in ("sv", "en"):
        for key in policy.texts.keys(lang):
            value = policy.texts.raw(key, lang)
            assert "12" not in str(value), key
