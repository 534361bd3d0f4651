"""Section text: canonical form, units and quotes."""

from __future__ import annotations

import pytest

from policy.sections import canonical_text, plain_text, quote, units

RAW = """Kommunstyrelsen:
- beslutar om nya
  partnerstadssamarbeten
- beslutar om medverkan i internationella deklarationer

Ett nytt stycke. Med två meningar.
"""


def test_canonical_text_joins_wrapped_lines() -> None:
    assert canonical_text(RAW) == ("Kommunstyrelsen:\n- beslutar om nya partnerstadssamarbeten\n"
                                   "- beslutar om medverkan i internationella deklarationer\n\n"
                                   "Ett nytt stycke. Med två meningar.")


def test_plain_text_is_the_words_only() -> None:
    assert plain_text(canonical_text(RAW)).startswith("Kommunstyrelsen: beslutar om nya partnerstadssamarbeten beslutar")


def test_units_are_list_items_and_sentences() -> None:
    texts = [(u.text, u.intro) for u in units(RAW)]
    assert texts == [("Kommunstyrelsen:", None), ("beslutar om nya partnerstadssamarbeten", "Kommunstyrelsen:"),
                     ("beslutar om medverkan i internationella deklarationer", "Kommunstyrelsen:"),
                     ("Ett nytt stycke.", None), ("Med två meningar.", None)]


def test_quote_picks_the_matching_parts_with_their_intro() -> None:
    assert quote(RAW, ["deklarationer"]) == "Kommunstyrelsen: … beslutar om medverkan i internationella deklarationer"
    assert quote(RAW, ["två"]) == "Med två meningar."
    assert quote(RAW, None) == canonical_text(RAW)
    with pytest.raises(ValueError):
        quote(RAW, ["finns inte"])
