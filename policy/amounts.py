"""Money amounts in questions: "12,5 miljoner", "14 500 000 kr", "1,2 MEUR", "€2m", "20 million SEK",
"900 k€", "3 mille", and spoken ones: "tolv miljoner", "en och en halv miljon euro", "two point five million".

Each amount is read with what it is about (the total budget, a part of it, or the 4.1 threshold
itself) and how it bounds the total ("över 15 miljoner"). The words come from facts.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
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
# After "som"/"as", words that name no role: "as much as", "som mest".
_NOT_A_ROLE = frozenset({"much", "many", "high", "mycket", "mest", "hogst", "up", "well", "far", "long"})
_CLAUSE_BREAK = re.compile(r"[,.;:!?](?:\s|$)")
_SENTENCE_BREAK = re.compile(r"[.!?](?:\s|$)")
# The most number words one spoken number has ("tre hundra fyrtio fem"). Unbounded, a run of number words
# without a multiplier after it ("a a a …") was searched again from every word: the square of its length.
_SPOKEN_PARTS = 6
# How much over a figure "drygt" (a little over) goes at most: "drygt elva miljoner" would be said "tolv" from twelve.
_SLIGHTLY = Decimal("1.09")
# How far before a number a currency written before it ("€ 2 m", "sek 500 000") may start.
_CURRENCY_BEFORE = 8


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: Literal["SEK", "EUR"] | None
    kind: Kind
    bound: Bound
    start: int
    end: int


class _Searched:
    """Whether a pattern occurs anywhere in a text, searched once per text however many of its amounts ask."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._found: dict[re.Pattern[str], bool] = {}

    def has(self, pattern: re.Pattern[str]) -> bool:
        if pattern not in self._found:
            self._found[pattern] = pattern.search(self._text) is not None
        return self._found[pattern]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _phrases(words: list[str]) -> list[tuple[str, ...]]:
    return [tuple(_WORD.findall(fold(w))) for w in words]


class AmountReader:
    def __init__(self, vocab: dict[str, Any]) -> None:
        self.multipliers = {fold(k): v for k, v in vocab["multipliers"].items()}
        self.currencies = {fold(k): v for k, v in vocab["currencies"].items()}
        self.number_words = {fold(k): Decimal(str(v)) for k, v in vocab["number_words"].items()}
        self.fractions = {fold(k): Decimal(str(v)) for k, v in vocab["fraction_words"].items()}
        self.bare_minimum = Decimal(vocab["bare_minimum"])
        # A small number right after an amount that takes that amount's unit: "inte över 12 miljoner, bara 10".
        carried = vocab.get("unit_carried", {})
        self._carried_before = re.compile(rf"(?:^|\W)(?:{_alternation(carried.get('before', []))}) $") \
            if carried.get("before") else None
        self._carried_after = re.compile(rf" (?:{_alternation(carried.get('after', []))})\b") \
            if carried.get("after") else None
        self._carried_reach = int(carried.get("reach", 0))
        self.window = int(vocab["window"])
        self._inclusive = {fold(w) for w in vocab.get("inclusive", [])}
        self.cues_before = {kind: _phrases(ws) for kind, ws in vocab["cues_before"].items()}
        self.cues_after = {kind: _phrases(ws) for kind, ws in vocab["cues_after"].items()}
        self._share_opening = _phrases(vocab.get("share_opening", []))
        mult = _alternation(list(self.multipliers))
        self._mult = re.compile(rf"(?P<space> ?)(?P<mult>{mult})(?![a-z])\.?")
        self._cur_after = re.compile(rf" ?(?P<cur>{_alternation(list(self.currencies))})(?![a-z])")
        self._cur_before = re.compile(r"(?<![a-z])(?P<cur>€|eur|sek|kr) ?$")
        self._number_word = re.compile(_alternation(list(self.number_words)))
        # Never a number word before "k" or "m": "sjuk" is not 7 000, "fourm" not 4 million.
        plain = [w for w, spec in self.multipliers.items() if not spec.get("ambiguous")]
        self._spoken = self._spoken_pattern(vocab, _alternation(plain))
        # Matched at the amount's end (`match(text, end)`), not searched in a copy of the rest of the text.
        self._threshold_after = re.compile(r" ?(?:" + "|".join(fold(p) for p in vocab["threshold_after"]) + ")")
        self._threshold_before = re.compile(r"(?:" + "|".join(fold(p) for p in vocab["threshold_before"]) + r") ?$")
        self._threshold_named = re.compile("|".join(fold(p) for p in vocab["threshold_named"]))
        self._equal_before = re.compile(r"\b(?:" + "|".join(vocab["threshold_if_equal_before"]) + r") ?$")
        self._given_before = {fold(w) for w in vocab.get("given_before", [])}
        self._budget_named = {fold(w) for w in vocab.get("budget_named", [])}
        self._own_before_budget = {fold(w) for w in vocab.get("own_before_budget", [])}
        self._applying = _phrases(vocab.get("applying_verbs", []))
        self._role_before_amount = {fold(w) for w in vocab.get("role_before_amount", [])}
        self._equal_question = re.compile("|".join(vocab["threshold_if_equal_question"]))
        self._comp_before = {b: re.compile(rf"\b(?:{_alternation([fold(w) for w in ws])}) ?$") for b, ws in vocab["comparators_before"].items()}
        self._slightly_over = re.compile(rf"\b(?:{_alternation([fold(w) for w in vocab.get('slightly_over_before', [])])}) ?$") \
            if vocab.get("slightly_over_before") else None
        foreign_after = _alternation([fold(w) for w in vocab.get("foreign_currency_after", [])])
        self._foreign_after = re.compile(rf" ?(?:{foreign_after})(?![a-z])") if foreign_after else None
        self._foreign_before = re.compile(rf"(?<![a-z])(?:{'|'.join(vocab.get('foreign_currency_before', []))}) ?$") \
            if vocab.get("foreign_currency_before") else None
        self._comp_after = {b: re.compile(rf" ?(?:{_alternation([fold(w) for w in ws])})\b") for b, ws in vocab["comparators_after"].items()}

    def _spoken_pattern(self, vocab: dict[str, Any], mult: str) -> re.Pattern[str]:
        """Number words before a multiplier: "tjugofem", "en och en halv", "två komma fem", "half a".

        A digit may start the phrase only when a spoken part follows ("1 och en halv miljon").
        """
        ones = _alternation(list(self.number_words))
        whole = rf"(?:{ones})(?:[ -]?(?:{ones})){{0,{_SPOKEN_PARTS - 1}}}"
        frac = _alternation(list(self.fractions))
        point = _alternation([fold(w) for w in vocab["decimal_words"]])
        conj = _alternation([fold(w) for w in vocab["and_words"]])
        return re.compile(
            rf"(?<![\w.,])(?:(?P<int>\d+(?= (?:{conj}|{point}) )|{whole})"
            rf"(?: (?:{point}) (?P<dec>\d+|{whole}))?"
            rf"(?: (?:{conj}) (?:(?:en|ett|a) )?(?P<frac>{frac}))?"
            rf"|(?:(?:en|ett|a) )?(?P<half>{frac})(?: (?:a|an|en))?)"
            rf"(?= ?(?:{mult})(?![a-z]))"
        )

    def multiplier_at(self, text: str, pos: int) -> bool:
        """Whether a multiplier ("miljoner", "mkr") follows at `pos`: the number before it is an amount."""
        return self._mult.match(text, pos) is not None

    # ---- reading ---------------------------------------------------------------------------

    def read(self, text: str, threshold: Decimal, about_a_project: bool = False) -> list[Amount]:
        """Every amount in `text` (already cleaned and folded), in order.

        `about_a_project`: the question states facts about a project (owner, programme), so a bare
        amount equal to the threshold is more likely its budget than the threshold itself.
        """
        return self.read_noting_foreign(text, threshold, about_a_project)[0]

    def read_noting_foreign(self, text: str, threshold: Decimal, about_a_project: bool = False
                            ) -> tuple[list[Amount], bool]:
        """`read`'s amounts, and whether the text also gives one in a currency other than kronor and euro (which is
        not read: "8,6 miljoner DKK")."""
        found: list[Amount] = []
        foreign = False
        prev_end = 0
        searched = _Searched(text)
        unit: tuple[Decimal, str | None, int] | None = None  # the last amount's multiplier, currency and end
        for start, num_end, raw, spoken in self._numbers(text):
            parsed = self._unit(text, start, num_end, raw, spoken)
            if parsed is None:
                parsed = self._carried_unit(text, start, num_end, raw, unit)
                if parsed is None:
                    continue
            value, currency, start, end, factor = parsed
            if currency is None and self._in_foreign_currency(text, start, end):
                unit, foreign = None, True
                continue
            if factor is not None:
                unit = (factor, currency, end)
            bound = self._bound(text, start, end)
            if (bound == "at_least" and currency != "EUR" and self._slightly_over is not None
                    and value * _SLIGHTLY < threshold and self._slightly_over.search(text, max(0, start - 20), start)):
                bound = "exact"  # "drygt elva miljoner" is eleven and a little, not twelve
            # The threshold is in SEK: "12 miljoner euro" is never a mention of it.
            equal = value == threshold and currency != "EUR"
            kind = self._kind(text, start, end, prev_end, equal, bound != "exact" or about_a_project, searched)
            found.append(Amount(value, currency, kind, bound, start, end))
            prev_end = end
        return found, foreign

    def _in_foreign_currency(self, text: str, start: int, end: int) -> bool:
        """Whether the amount at start:end is in a currency other than kronor and euro ("8,6 miljoner DKK", "$2m")."""
        return bool((self._foreign_after and self._foreign_after.match(text, end))
                    or (self._foreign_before and self._foreign_before.search(text, max(0, start - _CURRENCY_BEFORE), start)))

    def _carried_unit(self, text: str, start: int, end: int, raw: str, unit: tuple[Decimal, str | None, int] | None
                      ) -> tuple[Decimal, str | None, int, int, None] | None:
        """A bare number that says the amount again, in the unit of the one just before it in the same sentence: "inte
        över 12 miljoner, bara 10", "EU-bidraget är 8 miljoner, med medfinansieringen blir det 13 totalt"."""
        if unit is None or self._carried_before is None:
            return None
        factor, currency, previous_end = unit
        between = text[previous_end:start]
        if start - previous_end > self._carried_reach or _SENTENCE_BREAK.search(between):
            return None
        cued = bool(self._carried_before.search(text[max(0, start - 20):start]))
        cued = cued or bool(self._carried_after and self._carried_after.match(text, end))
        number = _parse_number(raw, has_multiplier=True)
        if not cued or number is None:
            return None
        value = number * factor
        # Its unit is carried, not written: a number after it does not take it ("… bara 10, kanske 9").
        return (Decimal(int(value)) if value == value.to_integral() else value), currency, start, end, None

    def _numbers(self, text: str) -> list[tuple[int, int, str, Decimal | None]]:
        """(start, end, digits, value of a spoken number or None), left to right, not overlapping."""
        spans = [(m.start(), m.end(), m.group(1), None) for m in _NUMBER.finditer(text)]
        spans += [(m.start(), m.end(), m.group(0), self._spoken_value(m)) for m in self._spoken.finditer(text)]
        spans.sort(key=lambda s: (s[0], -s[1]))
        kept: list[tuple[int, int, str, Decimal | None]] = []
        for span in spans:
            if not kept or span[0] >= kept[-1][1]:
                kept.append(span)
        return kept

    def _spoken_value(self, m: re.Match[str]) -> Decimal:
        if m["half"]:
            return self.fractions[m["half"]]
        value = _compose(self._words(m["int"]))
        if m["dec"]:
            digits = self._words(m["dec"])
            # "komma fem" is .5, "komma två fem" .25, "komma tjugofem" .25
            text = "".join(str(d) for d in digits) if all(d < 10 for d in digits) else str(_compose(digits))
            value += Decimal("0." + text)
        if m["frac"]:
            value += self.fractions[m["frac"]]
        return value

    def _words(self, text: str) -> list[Decimal]:
        if text.isdigit():
            return [Decimal(text)]
        return [self.number_words[w] for w in self._number_word.findall(text)]

    def _unit(self, text: str, start: int, end: int, raw: str, spoken: Decimal | None
              ) -> tuple[Decimal, str | None, int, int, Decimal | None] | None:
        """The amount a number starts: its value, currency, span, and the multiplier written after it ("mkr"), if any."""
        factor, currency = Decimal(1), None
        mult = self._mult.match(text, end)
        # "2m", "800k", "1.2 m eur": an ambiguous multiplier needs the number or a currency at its side.
        if (mult and self.multipliers[mult["mult"]].get("ambiguous") and mult["space"]
                and not self._cur_after.match(text, mult.end())):
            mult = None
        if mult:
            spec = self.multipliers[mult["mult"]]
            factor, currency = Decimal(spec["factor"]), spec.get("currency")
            end = mult.end()
        cur = self._cur_after.match(text, end)
        if cur:
            currency = currency or self.currencies[cur["cur"]]
            end = cur.end()
        # Only the few characters before the number can hold it (a currency and a space); searching from the
        # text's start made every number cost the length of the text before it.
        before = self._cur_before.search(text, max(0, start - _CURRENCY_BEFORE), start)
        if before and currency is None:
            currency = self.currencies[before["cur"]]
            start = before.start()
        number = spoken if spoken is not None else _parse_number(raw, has_multiplier=mult is not None)
        if number is None:
            return None
        value = number * factor
        # A bare number is an amount only when large: years, counts and section ids are not.
        if mult is None and currency is None and value < self.bare_minimum:
            return None
        written = factor if mult else None
        return (Decimal(int(value)) if value == value.to_integral() else value), currency, start, end, written

    # ---- what the amount is about ------------------------------------------------------------

    def _kind(self, text: str, start: int, end: int, prev_end: int, equal: bool, stated: bool,
              searched: _Searched) -> Kind:
        """What the amount is about. `stated`: the amount is bounded ("under 12 milj") or the question
        is about a project, so without threshold words it is not the threshold itself."""
        before_text = text[prev_end:start]
        if self._threshold_after.match(text, end) or self._threshold_before.search(before_text):
            return "threshold"
        words = _WORD.findall(before_text)
        before = words[-self.window:]
        strong_cues = {k: v for k, v in self.cues_before.items() if k != "weak"}
        # "Totalkostnaden inklusive vår egen insats ligger runt 9 mkr": what the total includes is not what the amount is.
        inclusive = next((i for i in range(len(words) - len(before), len(words)) if words[i] in self._inclusive), None)
        if inclusive and _nearest_cue(words[max(0, inclusive - 2):inclusive], strong_cues) == "total":
            return "total"
        strong = _nearest_cue(before, strong_cues)
        after = [m.group(0) for m in islice(_WORD.finditer(text, end), 3)]
        marked = [kind for kind, cues in self.cues_after.items()
                  if any(_starts_at(after, i, cue) for cue in cues for i in range(len(after)))]
        clause = _WORD.findall(_CLAUSE_BREAK.split(before_text)[-1])
        if strong and "total" in marked and not _nearest_cue(clause[-self.window:], strong_cues):
            # "söker Erasmus+ som koordinator, budget 2,1 Mkr totalt": the cue in the amount's own clause decides.
            return "total"
        if (strong and after and any(_starts_at(after, 0, cue) for cue in self.cues_after.get("total", ()))
                and not _nearest_cue(before[-2:], strong_cues)):
            # "med vår medfinansiering blir det 13 miljoner totalt": "totalt" right after says what the figure is, unless
            # a part is named right before it ("EU-bidrag 7 mkr totalt" is the grant, all years together).
            return "total"
        if (strong == "part" and before and before[-1] in self._budget_named
                and not (len(before) > 1 and before[-2] in self._own_before_budget)):
            # "söker Interreg som huvudpartner, budget 3,2 miljoner": the figure named the budget is the project's, though a
            # verb of applying came first ("egen budget 3 mkr" stays the own part, a cue of its own).
            return "total"
        if strong == "part" and "part" not in marked and self._stands_apart_from_applying(before, clause):
            return "total"
        if strong:
            return strong  # type: ignore[return-value]
        if (opening := _nearest_cue(clause[:-self.window][:3], {"part": self._share_opening})) is not None:
            # The clause opened with whose part it is: "Malmös andel i projektet där vi är lead är bara 3,2 mkr".
            return opening  # type: ignore[return-value]
        # A figure marked after it ("12 miljoner jämnt", "… totalt") or said to be exact ("exakt 12 000 000 kr") is a
        # figure given, even in a question that offers alternatives ("… – eller?").
        given = stated and bool(before) and before[-1] in self._given_before
        if (equal and not marked and not given
                and (self._equal_before.search(before_text) or searched.has(self._equal_question))):
            return "threshold"
        for kind in marked:
            if kind != "unmarked":
                return kind  # type: ignore[return-value]
        if _nearest_cue(before, {"total": self.cues_before["weak"]}):
            return "total"
        # "12 miljoner jämnt" is a figure given; a bare "12 miljoner" the threshold, unless stated.
        if equal and not marked and not given and not (stated and not searched.has(self._threshold_named)):
            return "threshold"
        return "unmarked"

    def _stands_apart_from_applying(self, before: list[str], clause: list[str]) -> bool:
        """The only part cue before the amount is a verb of applying, and the amount is not its object: a clause break
        or a role ("som koordinator") lies between them."""
        part_cues = self.cues_before["part"]
        verb_at = next((i for i in range(len(before) - 1, -1, -1)
                        if any(_starts_at(before, i, cue) for cue in self._applying)), None)
        if verb_at is None:
            return False
        verb_words = {j + k for j in range(len(before)) for verb in self._applying if _starts_at(before, j, verb)
                      for k in range(len(verb))}
        # Any other part cue in the window ("söker EU-bidrag, 4 mkr") keeps the amount a part.
        if any(_starts_at(before, i, cue) for i in range(len(before)) if i not in verb_words for cue in part_cues):
            return False
        after_verb = before[verb_at + 1:]
        # a role named after "som"/"as" ("som koordinator"), not "as much as"
        named_role = any(word in self._role_before_amount and k + 1 < len(after_verb)
                         and after_verb[k + 1] not in _NOT_A_ROLE for k, word in enumerate(after_verb))
        return len(clause) < len(before) - verb_at or named_role

    def _bound(self, text: str, start: int, end: int) -> Bound:
        head = text[max(0, start - 30):start]
        for bound, pattern in self._comp_before.items():
            if pattern.search(head):
                return bound  # type: ignore[return-value]
        for bound, pattern in self._comp_after.items():
            if pattern.match(text, end):
                return bound  # type: ignore[return-value]
        return "exact"


def _starts_at(words: list[str], i: int, cue: tuple[str, ...]) -> bool:
    return tuple(words[i:i + len(cue)]) == cue


def _nearest_cue(words: list[str], cues: dict[str, list[tuple[str, ...]]]) -> str | None:
    """The kind of the cue nearest before the end of `words` (of kinds in the order given, at the same place)."""
    by_first = [(kind, _by_first_word(phrases)) for kind, phrases in cues.items()]
    for i in range(len(words) - 1, -1, -1):
        word = words[i]
        for kind, starting in by_first:
            if any(_starts_at(words, i, cue) for cue in starting.get(word, ())):
                return kind
    return None


_FIRST_WORDS: dict[int, tuple[list[tuple[str, ...]], dict[str, list[tuple[str, ...]]]]] = {}


def _by_first_word(phrases: list[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """A cue list's phrases by their first word, made once per list (the lists live as long as the reader): a phrase
    can start at a word only if that word is its first, so only those are compared (this was most of reading amounts)."""
    known = _FIRST_WORDS.get(id(phrases))
    if known is not None and known[0] is phrases:
        return known[1]
    starting: dict[str, list[tuple[str, ...]]] = {}
    for cue in phrases:
        starting.setdefault(cue[0], []).append(cue)
    _FIRST_WORDS[id(phrases)] = (phrases, starting)
    return starting


def _compose(numbers: list[Decimal]) -> Decimal:
    """Spoken number words as one number: [20, 5] is 25, [2, 100, 50] is 250."""
    value = Decimal(0)
    for n in numbers:
        value = (value or 1) * n if n == 100 else value + n
    return value


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
