"""Money amounts in questions: "12,5 miljoner", "14 500 000 kr", "1,2 MEUR", "€2m", "20 million SEK".

Each amount is read with what it is about (the total budget, a part of it, or the 4.1 threshold
itself) and how it bounds the total ("över 15 miljoner"). The words come from facts.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from policy.normalise import fold

Kind = Literal["total", "part", "unmarked", "threshold"]
Bound = Literal["exact", "at_least", "below", "at_most"]

# Digits grouped by spaces ("14 500 000"), by "." or "," in threes ("1,200,000"), or plain with
# an optional decimal part ("12,5", "1.2"). Not inside a longer number or a section id ("3.2.1").
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?: \d{3})+(?:,\d+)?|\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)(?![\d]|[.,]\d)"
)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: Literal["SEK", "EUR"] | None
    kind: Kind
    bound: Bound
    start: int
    end: int


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _phrases(words: list[str]) -> list[tuple[str, ...]]:
    return [tuple(_WORD.findall(fold(w))) for w in words]


class AmountReader:
    def __init__(self, vocab: dict[str, Any]) -> None:
        self.multipliers = {fold(k): v for k, v in vocab["multipliers"].items()}
        self.currencies = {fold(k): v for k, v in vocab["currencies"].items()}
        self.number_words = {fold(k): v for k, v in vocab["number_words"].items()}
        self.bare_minimum = Decimal(vocab["bare_minimum"])
        self.window = int(vocab["window"])
        self.cues_before = {kind: _phrases(ws) for kind, ws in vocab["cues_before"].items()}
        self.cues_after = {kind: _phrases(ws) for kind, ws in vocab["cues_after"].items()}
        self._mult = re.compile(rf"(?P<space> ?)(?P<mult>{_alternation(list(self.multipliers))})(?![a-z])\.?")
        self._cur_after = re.compile(rf" ?(?P<cur>{_alternation(list(self.currencies))})(?![a-z])")
        self._cur_before = re.compile(r"(?<![a-z])(?P<cur>€|eur|sek|kr) ?$")
        self._number_word = re.compile(rf"(?<![\w])(?P<word>{_alternation(list(self.number_words))}) (?={_alternation(list(self.multipliers))}\b)")
        self._threshold_after = re.compile(r"^ ?(?:" + "|".join(fold(p) for p in vocab["threshold_after"]) + ")")
        self._threshold_before = re.compile(r"(?:" + "|".join(fold(p) for p in vocab["threshold_before"]) + r") ?$")
        self._equal_before = re.compile(r"\b(?:" + "|".join(vocab["threshold_if_equal_before"]) + r") ?$")
        self._equal_question = re.compile("|".join(vocab["threshold_if_equal_question"]))
        self._comp_before = {b: re.compile(rf"\b(?:{_alternation([fold(w) for w in ws])}) ?$") for b, ws in vocab["comparators_before"].items()}
        self._comp_after = {b: re.compile(rf"^ ?(?:{_alternation([fold(w) for w in ws])})\b") for b, ws in vocab["comparators_after"].items()}

    # ---- reading ---------------------------------------------------------------------------

    def read(self, text: str, threshold: Decimal) -> list[Amount]:
        """Every amount in `text` (already cleaned and folded), in order."""
        found: list[Amount] = []
        prev_end = 0
        for start, num_end, raw, is_word in self._numbers(text):
            parsed = self._unit(text, start, num_end, raw, is_word)
            if parsed is None:
                continue
            value, currency, start, end = parsed
            # The threshold is in SEK: "12 miljoner euro" is never a mention of it.
            kind = self._kind(text, start, end, prev_end, value == threshold and currency != "EUR")
            bound = self._bound(text, start, end)
            found.append(Amount(value, currency, kind, bound, start, end))
            prev_end = end
        return found

    def _numbers(self, text: str) -> list[tuple[int, int, str, bool]]:
        spans = [(m.start(), m.end(), m.group(1), False) for m in _NUMBER.finditer(text)]
        spans += [(m.start(), m.end("word"), m.group("word"), True) for m in self._number_word.finditer(text)]
        return sorted(spans)

    def _unit(self, text: str, start: int, end: int, raw: str, is_word: bool) -> tuple[Decimal, str | None, int, int] | None:
        factor, currency = Decimal(1), None
        mult = self._mult.match(text, end)
        if mult and self.multipliers[mult["mult"]].get("attached_only") and mult["space"]:
            mult = None
        if mult:
            spec = self.multipliers[mult["mult"]]
            factor, currency = Decimal(spec["factor"]), spec.get("currency")
            end = mult.end()
        cur = self._cur_after.match(text, end)
        if cur:
            currency = currency or self.currencies[cur["cur"]]
            end = cur.end()
        before = self._cur_before.search(text, 0, start)
        if before and currency is None:
            currency = self.currencies[before["cur"]]
            start = before.start()
        if is_word:
            number = Decimal(self.number_words[raw])
        else:
            number = _parse_number(raw, has_multiplier=mult is not None)
            if number is None:
                return None
        value = number * factor
        # A bare number is an amount only when large: years, counts and section ids are not.
        if mult is None and currency is None and value < self.bare_minimum:
            return None
        return (Decimal(int(value)) if value == value.to_integral() else value), currency, start, end

    # ---- what the amount is about ------------------------------------------------------------

    def _kind(self, text: str, start: int, end: int, prev_end: int, equal: bool) -> Kind:
        before_text = text[prev_end:start]
        if self._threshold_after.search(text[end:]) or self._threshold_before.search(before_text):
            return "threshold"
        before = _WORD.findall(before_text)[-self.window:]
        strong = _nearest_cue(before, {k: v for k, v in self.cues_before.items() if k != "weak"})
        if strong:
            return strong  # type: ignore[return-value]
        if equal and (self._equal_before.search(before_text) or self._equal_question.search(text)):
            return "threshold"
        after = _WORD.findall(text[end:])[:3]
        for kind, cues in self.cues_after.items():
            if any(_starts_at(after, i, cue) for cue in cues for i in range(len(after))):
                return kind  # type: ignore[return-value]
        if _nearest_cue(before, {"total": self.cues_before["weak"]}):
            return "total"
        return "threshold" if equal else "unmarked"

    def _bound(self, text: str, start: int, end: int) -> Bound:
        head = text[max(0, start - 30):start]
        for bound, pattern in self._comp_before.items():
            if pattern.search(head):
                return bound  # type: ignore[return-value]
        for bound, pattern in self._comp_after.items():
            if pattern.search(text[end:]):
                return bound  # type: ignore[return-value]
        return "exact"


def _starts_at(words: list[str], i: int, cue: tuple[str, ...]) -> bool:
    return tuple(words[i:i + len(cue)]) == cue


def _nearest_cue(words: list[str], cues: dict[str, list[tuple[str, ...]]]) -> str | None:
    for i in range(len(words) - 1, -1, -1):
        for kind, phrases in cues.items():
            if any(_starts_at(words, i, cue) for cue in phrases):
                return kind
    return None


def _parse_number(raw: str, has_multiplier: bool) -> Decimal | None:
    """"14 500 000" and "1,200,000" are grouped thousands; "12,5" and "1.2" are decimals.

    One group of three after a single "," or "." is thousands without a multiplier ("800,000
    euros") but a decimal with one ("1,500 miljoner" is 1.5 million).
    """
    text = raw.replace(" ", "")
    groups = re.fullmatch(r"\d{1,3}(?:([.,])\d{3})+", text)
    if groups and not (has_multiplier and text.count(groups.group(1)) == 1):
        text = text.replace(groups.group(1), "")
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
