"""What the topic classifier sees of a question: words, stems, word pairs and character n-grams.

Character n-grams inside words make the classifier robust to what officials actually type: typos
("projektagare"), missing diacritics, SMS abbreviations and Swedish compounds ("EU-projektansökan"
shares most of its n-grams with "projekt" and "ansökan"). Stems of both languages let inflected
forms meet; word pairs keep a little word order ("bara partner", "lead partner"). Digits are all
the same digit, so "14 miljoner" and "15 miljoner" look alike: amounts are facts, not topics.

The same function serves training (policy/train.py, scikit-learn) and answering (classifier.py,
plain Python), so both see exactly the same features.
"""

from __future__ import annotations

import re
from functools import lru_cache

from policy.normalise import fold, stem_en, stem_sv, tokens

NGRAM_SIZES = range(2, 6)
_DIGIT = re.compile(r"\d")
# Very long "words" (pasted links, ids) add nothing but cost n-grams.
_MAX_WORD = 30


def _ngrams(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i:i + n] for n in NGRAM_SIZES for i in range(len(padded) - n + 1)]


@lru_cache(maxsize=4096)
def analyse(question: str) -> tuple[str, ...]:
    """The features of `question`, one entry per occurrence (term frequencies count)."""
    features: list[str] = []
    folded: list[str] = []
    for word in words_of(question):
        plain, own = word_features(word)
        folded.append(plain)
        features.extend(own)
    features.extend(pair_features(folded))
    return tuple(features)


def words_of(question: str) -> list[str]:
    """The question's words as features are made of them (a pasted link or id cut short)."""
    return [w[:_MAX_WORD] for w in tokens(question)]


def word_features(word: str) -> tuple[str, tuple[str, ...]]:
    """A word's own features (the word, its stems, its n-grams) and the word folded, which its pairs are made of.
    The same for every question the word is in: the classifier keeps them by word."""
    plain = _DIGIT.sub("0", fold(word))
    features = [f"w:{plain}"]
    if not plain.isdigit():
        features.append(f"s:{fold(stem_sv(word))}")
        features.append(f"e:{fold(stem_en(word))}")
    features.extend(_ngrams(plain))
    return plain, tuple(features)


def pair_features(folded: list[str]) -> list[str]:
    """Features of the pairs of neighbouring words ("bara partner", "lead partner"), from the words folded."""
    return [f"b:{a}_{b}" for a, b in zip(folded, folded[1:])]
