"""Telling Swedish from English."""

from __future__ import annotations

import pytest

from policy import PolicyData
from policy.language import detect_language


@pytest.mark.parametrize(("question", "lang"), [
    ("Måste jag informera KS om vår ansökan?", "sv"),
    ("maste vi informera ksf om var ansokan", "sv"),
    ("vem beslutar om vanorter", "sv"),
    ("bolagens ansvar for internationella fragor", "sv"),
    ("Is the 12 million threshold about our share or the total budget?", "en"),
    ("Who represents Malmö in networks that require political representation?", "en"),
    ("Show me section 4.1", "en"),
    ("KS?", "sv"),
])
def test_detect_language(policy: PolicyData, question: str, lang: str) -> None:
    assert detect_language(question, policy.markers) == lang
