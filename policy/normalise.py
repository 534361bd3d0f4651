"""Text normalisation: case, diacritics, punctuation, tokens and stems.

Officials type "ansokan" for "ansökan" and "KS:s" for "kommunstyrelsens", so matching is done on
folded text (lower case, no diacritics) and on Snowball stems of both languages.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_SV = snowballstemmer.stemmer("swedish")
_EN = snowballstemmer.stemmer("english")

# Letters, digits and "+" (Erasmus+, ESF+) make up a token; everything else separates tokens,
# so "EU-ansökan" is "eu" + "ansökan" and "EU:s" is "eu" + "s".
_TOKEN = re.compile(r"[^\W_]+\+?", re.UNICODE)
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007\u2009]+")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
                         "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def clean(text: str) -> str:
    """NFKC, one kind of space, one kind of dash and quote, lower case."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return _SPACES.sub(" ", text).strip().lower()


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case without diacritics: "Förvaltning" -> "forvaltning"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Lower-cased tokens, diacritics kept (the stemmers need them)."""
    return _TOKEN.findall(clean(text))


@lru_cache(maxsize=16384)
def stem_sv(token: str) -> str:
    return fold(_SV.stemWord(token))


@lru_cache(maxsize=16384)
def stem_en(token: str) -> str:
    return fold(_EN.stemWord(token))


@lru_cache(maxsize=16384)
def token_keys(token: str) -> frozenset[str]:
    """Every form under which a typed token may be found: folded, and stemmed in both languages."""
    folded = fold(token)
    return frozenset({folded, stem_sv(token), stem_sv(folded), stem_en(folded)})


def term_keys(word: str, lang: str) -> frozenset[str]:
    """The forms a word written in the data is known by (its own language's stem and itself).

    Short words are known only as written: stemmed, "före" would be "för".
    """
    folded = fold(word)
    if len(folded) <= 4:
        return frozenset({folded})
    return frozenset({folded, stem_sv(word) if lang == "sv" else stem_en(folded)})


class FoldedWords:
    """A question's words folded ("Förvaltningen" -> "forvaltningen"), for data-driven look-ups of
    word starts and phrases (topics.yaml `concepts`, `first_section_when`)."""

    def __init__(self, text: str) -> None:
        self.words = [fold(w) for w in tokens(text)]
        self._padded = f" {' '.join(self.words)} "

    def has_phrase(self, phrase: str) -> bool:
        """`phrase` (folded, words one space apart) at the start of a word."""
        return f" {phrase}" in self._padded

    def has_word_starting(self, start: str) -> bool:
        return any(w.startswith(start) for w in self.words)

    def has_word_containing(self, part: str) -> bool:
        return any(part in w for w in self.words)
