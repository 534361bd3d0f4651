"""The one formatter (policy/formatting.py): figures as a Swedish or English reader writes them, and where text goes
onto a card, its amounts and dates kept on one line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from policy.formatting import format_amount, format_date, keep_together

NBSP = "\u00a0"


def test_the_formatter_writes_plain_spaces_for_documents_answers_and_the_terminal():
    """The policy's answers (checked by the frozen question sets), the documents and the terminal read these."""
    assert format_amount(Decimal("12000000"), "sv") == "12 000 000"
    assert format_amount(Decimal("4500000.50"), "sv") == "4 500 000,50"
    assert format_amount(Decimal("12000000"), "en") == "12,000,000"
    assert format_date(date(2026, 12, 5), "sv") == "5 december 2026"


@pytest.mark.parametrize(("text", "kept"), [
    ("Totalbudget 12 000 000 kr.", f"Totalbudget 12{NBSP}000{NBSP}000{NBSP}kr."),
    ("4 500 000,50 kr", f"4{NBSP}500{NBSP}000,50{NBSP}kr"),
    ("SEK 12,000,000 or EUR 1,200,000", f"SEK{NBSP}12,000,000 or EUR{NBSP}1,200,000"),
    ("800 000 euro, 12 miljoner eller 1,2 MEUR", f"800{NBSP}000{NBSP}euro, 12{NBSP}miljoner eller 1,2{NBSP}MEUR"),
    ("Senast 31 mars 2026 kl. 09.00", f"Senast 31{NBSP}mars{NBSP}2026 kl.{NBSP}09.00"),
    ("Godkänd 5 dec. 2026, den 15 mars", f"Godkänd 5{NBSP}dec.{NBSP}2026, den 15{NBSP}mars"),
    ("Deadline 15 March 2027", f"Deadline 15{NBSP}March{NBSP}2027"),
    # Left as they are: no group of thousands, no unit, no month.
    ("Under 2026 120 projekt i 3 nämnder", "Under 2026 120 projekt i 3 nämnder"),
    ("12 kronans skola, 3 marsvin, 7 krav", "12 kronans skola, 3 marsvin, 7 krav"),
    ("EU-2026-0007 · Del 2 av 6", "EU-2026-0007 · Del 2 av 6"),
])
def test_a_card_keeps_amounts_and_dates_on_one_line(text, kept):
    assert keep_together(text) == kept
    assert keep_together(kept) == kept  # once is enough
