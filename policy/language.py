"""Which language a question is in: Swedish unless English clearly dominates."""

from __future__ import annotations

from policy.model import Lang
from policy.normalise import tokens


def detect_language(question: str, markers: dict[str, frozenset[str]]) -> Lang:
    sv, en = _scores(question, markers)
    return "en" if en > sv else "sv"


def written_language(message: str, markers: dict[str, frozenset[str]]) -> Lang | None:
    """The language a message is written in when it tells: at least two signs of one language and at least twice
    as many as of the other ("mina påminnelser", "show my reminders"). None for a message that does not ("ok",
    "skicka in", a name, "a, b"), whose answer follows the user's Teams locale."""
    sv, en = _scores(message, markers)
    winner, loser = max(sv, en), min(sv, en)
    if winner < 2 or winner < 2 * loser:
        return None
    return "sv" if sv > en else "en"


def _scores(text: str, markers: dict[str, frozenset[str]]) -> tuple[int, int]:
    words = tokens(text)
    # Å, ä and ö tip the balance, but only by one: English questions say "Malmö" too.
    sv = sum(w in markers["sv"] for w in words) + any(c in text.lower() for c in "åäö")
    en = sum(w in markers["en"] for w in words)
    return sv, en
