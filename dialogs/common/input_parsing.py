"""Reading what officials type in answer to the registration's questions: dates, money, yes/no, roles, commands.

Pure functions, Swedish first and English too; the words are data in dialogs/common/data/input_words.yaml. No
botbuilder here: the dialogs call these and choose what to say.

Dates (`parse_date`) are always day first, as in Sweden ("3/4" is 3 April; "4/15" is no date). Accepted:
- ISO and compact dates: "2027-03-15", "20270315";
- numbers day first: "15/3", "15/3 2027", "15.3.2027", "15-3-27" (a two-digit year is 20xx);
- month names, Swedish or English: "15 mars 2027", "den 15 mars", "15:e mars", "15 Mar 2027", "March 15, 2027",
  optionally after a weekday ("fredag 15 mars"), which must then agree with the date;
- days relative to today: "i dag", "i morgon", "i övermorgon", "i går", "today", "tomorrow";
- periods from today: "om två veckor", "om 3 dagar", "om en månad", "in 2 weeks";
- weekdays. "fredag", "på fredag", "this friday" is the coming Friday, the first one after today (said on a
  Friday it is a week later: today is "i dag"). "nästa fredag", "fredag nästa vecka", "next friday" is the
  Friday of next calendar week (weeks start on Monday). Swedes use "nästa fredag" both ways; "på fredag"
  already names the coming Friday, so "nästa" is read as the one other meaning it has, the week after. Said
  on a Saturday or Sunday the two are the same day. The dialog shows the date it understood, so a reader
  who meant the other one sees it at once.
A date without a year is its next occurrence on or after today (29 February: the next leap year). A year
more than YEAR_WINDOW years from today is taken for a typo. Impossible dates ("31/2", "32 mars") are None.

dateutil's `parser.parse` is not used on the whole reply: it reads "32 mars" as March 2032, turns "4/15"
into 15 April despite `dayfirst`, and fills a missing day from the default ("mars 2027"). So the shapes are
recognised here, the words are looked up in a dateutil `parserinfo` built from the data, and the calendar
(valid days, leap years, months of different lengths, weekdays) is dateutil's `relativedelta` and `date`.

Money (`parse_money`) is read by the policy module's `parse_amount`; a reply naming no currency is SEK. A
negative amount is not a Money: `parse_money` gives None for it and `is_negative_amount` says why, so the
dialog can say "the budget cannot be negative" instead of "I did not understand". Zero is a valid Money. An
amount above MAX_AMOUNT is not read as one either (None): it is a slip of the keyboard, and the dialog asks again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from dateutil.parser import parserinfo
from dateutil.relativedelta import relativedelta

from policy.yaml_files import load_yaml
from policy import parse_amount
from storage.application_data import MalmoRole, Money
from texts import LANGUAGES, lookup

WORDS_FILE = Path(__file__).resolve().parent / "data" / "input_words.yaml"
YEAR_WINDOW = 30  # years either side of today that a typed year may be
# The largest amount read as money, in kronor or euro alike: no EU project comes near 10^12 (the whole EU budget
# for 2021–2027 is about 1.2 * 10^12 euro), so anything larger is a typo. It also keeps Money.of within the
# 15-digit decimal precision that botbuilder's number recognizers set for the whole process.
MAX_AMOUNT = Decimal(10) ** 12

# The catalog keys (under the dialog's retry texts) naming a problem with the dates.
DEADLINE_PASSED = "deadline_passed"
SUBMISSION_AFTER_DEADLINE = "submission_after_deadline"
END_BEFORE_START = "end_before_start"
DECISION_BEFORE_SUBMISSION = "decision_before_submission"

_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
                         "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u202f": " "})
_EDGE_PUNCTUATION = " \t\n.!?,;:\"'»«”“()"


@lru_cache(maxsize=1024)
def plain(text: str) -> str:
    """Lower case, no diacritics, one kind of dash and space, no punctuation around: how replies are compared.
    Remembered: every route's recogniser folds the same message of a turn again."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    decomposed = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(folded.split()).strip(_EDGE_PUNCTUATION)


@lru_cache(maxsize=16384)
def plain_word(word: str) -> str:
    """`plain` of one word, remembered: each recogniser of a turn folds the message's first words again, and the
    same few hundred words come back turn after turn."""
    return plain(word)


# ---- the words ------------------------------------------------------------------------------


class _DateInfo(parserinfo):
    """dateutil's word tables, filled from the data: month and weekday names, and filler words as JUMP."""

    def __init__(self, months: list[list[str]], weekdays: list[list[str]], fillers: list[str]) -> None:
        self.MONTHS = [tuple(_phrases(names)) for names in months]
        self.WEEKDAYS = [tuple(_phrases(names)) for names in weekdays]
        self.JUMP = _phrases(fillers)
        super().__init__(dayfirst=True)


@dataclass(frozen=True)
class _Words:
    info: _DateInfo
    days: dict[str, int]
    units: dict[str, str]
    counts: dict[str, int]
    weekday_phrase: re.Pattern[str]
    period_phrase: re.Pattern[str]
    negative: re.Pattern[str]
    yes: frozenset[str]
    no: frozenset[str]
    leading_yes: re.Pattern[str]
    leading_no: re.Pattern[str]
    negation: re.Pattern[str]
    skip: frozenset[str]
    back: frozenset[str]
    cancel: frozenset[str]
    me: frozenset[str]
    role_phrase: re.Pattern[str]
    roles: dict[str, MalmoRole]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _phrases(words: list[Any]) -> list[str]:
    return [plain(_text(w)) for w in words]


def _text(word: Any) -> str:
    # YAML reads an unquoted yes, no, on or off as a boolean: say so rather than match "True".
    if not isinstance(word, str):
        raise ValueError(f"{WORDS_FILE}: {word!r} is not text; quote it")
    return word


@lru_cache(maxsize=1)
def _words() -> _Words:
    with WORDS_FILE.open(encoding="utf-8") as f:
        doc = load_yaml(f)
    d = doc["dates"]
    if len(d["months"]) != 12 or len(d["weekdays"]) != 7:
        raise ValueError(f"{WORDS_FILE}: dates.months needs 12 entries and dates.weekdays 7")
    info = _DateInfo(d["months"], d["weekdays"], d["fillers"])
    weekday_names = [w for names in d["weekdays"] for w in _phrases(names)]
    weekday_phrase = re.compile(
        rf"^(?:(?P<next>{_alternation(_phrases(d['next_week_weekday']))}) "
        rf"|(?:{_alternation(_phrases(d['coming_weekday']))}) )?"
        rf"(?P<weekday>{_alternation(weekday_names)})"
        rf"(?: (?P<after>{_alternation(_phrases(d['next_week_after']))}))?$")
    counts = {plain(_text(k)): int(v) for k, v in d["counts"].items()}
    units = {plain(_text(k)): v for k, v in d["units"].items()}
    period_phrase = re.compile(
        rf"^(?:{_alternation(_phrases(d['in']))}) (?P<count>\d{{1,3}}|{_alternation(list(counts))}) "
        rf"(?P<unit>{_alternation(list(units))})$")
    minus_words = _alternation(_phrases(doc["amounts"]["minus_words"]))
    negative = re.compile(rf"(?:^|[\s(])(?:-\s?(?=[\d€])|(?:{minus_words})\s)")
    roles = {w: MalmoRole(role) for role, ws in doc["roles"].items() for w in _phrases(ws)}
    return _Words(
        info=info,
        days={plain(_text(k)): int(v) for k, v in d["days"].items()},
        units=units,
        counts=counts,
        weekday_phrase=weekday_phrase,
        period_phrase=period_phrase,
        negative=negative,
        yes=frozenset(_phrases(doc["yes_words"])),
        no=frozenset(_phrases(doc["no_words"])),
        leading_yes=re.compile(rf"^(?:{_alternation(_phrases(doc['leading_yes']))})(?:[ ,.!;:]|$)"),
        leading_no=re.compile(rf"^(?:{_alternation(_phrases(doc['leading_no']))})(?:[ ,.!;:]|$)"),
        negation=re.compile(rf"\b(?:{_alternation(_phrases(doc['negations']))})\b"),
        skip=frozenset(_phrases(doc["skip"])),
        back=frozenset(_phrases(doc["back"])),
        cancel=frozenset(_phrases(doc["cancel"])),
        me=frozenset(_phrases(doc["me"])),
        role_phrase=re.compile(rf"(?<![\w-])(?:{_alternation(list(roles))})(?![\w-])"),
        roles=roles,
    )


# ---- dates ----------------------------------------------------------------------------------

_ORDINAL = re.compile(r"(?<=\d)(?::e|:a|:te|st|nd|rd|th|e)\b")
_ABBREVIATION_DOT = re.compile(r"(?<=[a-z])\.")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})(?:(?:[./-]| )(\d{4}|\d{2}))?$")
_DAY = re.compile(r"^\d{1,2}$")
_YEAR = re.compile(r"^(?:\d{4}|\d{2})$")


def parse_date(text: str, today: date) -> date | None:
    """The date a reply names, or None when it names none (or an impossible one). See the module's doc."""
    words = _words()
    s = plain(text)
    if not s:
        return None
    if s in words.days:
        return today + relativedelta(days=words.days[s])
    return _period(s, today, words) or _weekday(s, today, words) or _absolute(s, today, words)


def _period(s: str, today: date, words: _Words) -> date | None:
    found = words.period_phrase.match(s)
    if not found:
        return None
    count = found["count"]
    n = int(count) if count.isdigit() else words.counts[count]
    return today + relativedelta(**{words.units[found["unit"]]: n})


def _weekday(s: str, today: date, words: _Words) -> date | None:
    found = words.weekday_phrase.match(s)
    if not found:
        return None
    weekday = words.info.weekday(found["weekday"])
    if found["next"] or found["after"]:
        monday_next_week = today + relativedelta(days=1, weekday=0)
        return monday_next_week + relativedelta(weekday=weekday)
    return today + relativedelta(days=1, weekday=weekday)


def _absolute(s: str, today: date, words: _Words) -> date | None:
    s = _ABBREVIATION_DOT.sub("", _ORDINAL.sub("", s.replace(",", " ")))
    tokens = [t for t in s.split() if not words.info.jump(t)]
    weekday = None
    if len(tokens) > 1 and words.info.weekday(tokens[0]) is not None:
        weekday = words.info.weekday(tokens.pop(0))
    day_month_year = _numbers(" ".join(tokens), tokens, words.info)
    if day_month_year is None:
        return None
    day, month, year = day_month_year
    if year is None:
        found = _next_occurrence(day, month, today)
    else:
        found = _valid(year, month, day) if abs(year - today.year) <= YEAR_WINDOW else None
    if found is None or (weekday is not None and found.weekday() != weekday):
        return None
    return found


def _numbers(s: str, tokens: list[str], info: parserinfo) -> tuple[int, int, int | None] | None:
    """(day, month, year or None) from the shapes a date may take, or None."""
    if m := _ISO.match(s) or _COMPACT.match(s):
        return int(m[3]), int(m[2]), int(m[1])
    if m := _DAY_FIRST.match(s):
        return int(m[1]), int(m[2]), _year(m[3])
    if len(tokens) not in (2, 3) or (len(tokens) == 3 and not _YEAR.match(tokens[2])):
        return None
    year = _year(tokens[2]) if len(tokens) == 3 else None
    first, second = tokens[0], tokens[1]
    if _DAY.match(first) and info.month(second):  # "15 mars"
        return int(first), info.month(second), year
    if info.month(first) and _DAY.match(second):  # "march 15"
        return int(second), info.month(first), year
    return None


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    return 2000 + int(raw) if len(raw) == 2 else int(raw)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_occurrence(day: int, month: int, today: date) -> date | None:
    # Eight years always hold a 29 February; a day that no year has (31/2) gives None.
    for year in range(today.year, today.year + 9):
        found = _valid(year, month, day)
        if found is not None and found >= today:
            return found
    return None


# ---- checking dates against each other -----------------------------------------------------


def check_submission_dates(planned_submission: date | None, call_deadline: date | None, today: date) -> str | None:
    """A deadline before today has passed; a planned submission after the deadline is too late.

    A planned submission before today is allowed: the application may already be in (4.1 lets the
    information item follow the submission). Either date may be unknown yet; then it is not checked.
    """
    if call_deadline is not None and call_deadline < today:
        return DEADLINE_PASSED
    if planned_submission is not None and call_deadline is not None and planned_submission > call_deadline:
        return SUBMISSION_AFTER_DEADLINE
    return None


def check_project_period(start: date | None, end: date | None) -> str | None:
    """The project cannot end before it starts (a project of one day, start = end, is allowed)."""
    if start is not None and end is not None and end < start:
        return END_BEFORE_START
    return None


def check_decision_date(decision: date | None, planned_submission: date | None) -> str | None:
    """The funder cannot decide before the application is in (the same day is allowed)."""
    if decision is not None and planned_submission is not None and decision < planned_submission:
        return DECISION_BEFORE_SUBMISSION
    return None


# ---- money ----------------------------------------------------------------------------------


def parse_money(text: str, on: date | None = None) -> Money | None:
    """The first amount in the reply as Money (no currency named: SEK), or None when there is none, it is negative
    or it is above MAX_AMOUNT.

    "12,5 miljoner", "14 500 000 kr", "1,2 MEUR", "800k euro". `on` picks the policy data in force (default today).
    """
    if is_negative_amount(text):
        return None
    reading = parse_amount(text, on)
    if reading is None:
        return None
    value, currency = reading
    if value > MAX_AMOUNT:
        return None
    return Money.of(value, currency or "SEK")


def is_negative_amount(text: str) -> bool:
    """Whether the reply holds an amount with a minus before it ("-5 miljoner", "minus 3 000 kr", "−2 MEUR")."""
    return bool(_words().negative.search(plain(text))) and parse_amount(text) is not None


# ---- yes, no and commands -------------------------------------------------------------------


def parse_yes_no(text: str) -> bool | None:
    """True for "ja", "stämmer", "yes"…, False for "nej", "inte än", "no"…, None when neither is clear.

    A reply may go on after its first word ("ja, det har nämnden gjort", "nej, inte än"), but a yes
    followed by a negation ("ja men inte än") is not understood rather than guessed.
    """
    words = _words()
    s = plain(text)
    if s in words.skip:  # "no idea", "vet inte": not an answer, whatever word it starts with
        return None
    if s in words.yes:
        return True
    if s in words.no:
        return False
    if words.leading_no.match(s):
        return False
    if words.leading_yes.match(s) and not words.negation.search(s.replace("n't", " not")):
        return True
    return None


def is_skip(text: str) -> bool:
    """The reply skips an optional question ("hoppa över", "vet inte", "-", "skip")."""
    return plain(text) in _words().skip


def is_back(text: str) -> bool:
    """The reply asks to go one question back ("tillbaka", "ångra", "back")."""
    return plain(text) in _words().back


def is_cancel(text: str) -> bool:
    """The reply cancels the registration ("avbryt", "avsluta", "cancel")."""
    return plain(text) in _words().cancel


def means_me(text: str) -> bool:
    """The reply names the user themself ("jag", "mig", "jag själv", "me")."""
    return plain(text) in _words().me


def parse_role(text: str) -> MalmoRole | None:
    """Malmö stad's role named in the reply: OWNER for "projektägare", "lead partner", "koordinator"…,
    PARTNER for "partner", "projektpartner"…; None when neither, both, or negated ("inte projektägare").

    Numbers ("1", "2") from a list of buttons are the dialog's business, not read here.
    """
    words = _words()
    s = re.sub(r"[/(),;:]", " ", plain(text))
    if words.negation.search(s.replace("n't", " not")):
        return None
    found = {words.roles[m.group(0)] for m in words.role_phrase.finditer(s)}
    return found.pop() if len(found) == 1 else None


# ---- commands typed with words of the catalogs ---------------------------------------------


@cache
def command_words(key: str) -> tuple[str, ...]:
    """A word list of both catalogs ("ks.words.status"), folded by `plain`, longest phrase first."""
    words = {plain(str(word)) for lang in LANGUAGES for word in lookup(key, lang)}
    return tuple(sorted(words, key=lambda phrase: (-len(phrase.split()), phrase)))


def split_after(message: str, phrases: Sequence[str]) -> tuple[str, str] | None:
    """(the first of `phrases` — folded, longest first — that `message` starts with, word for word, and what
    follows it as typed: "" for the phrase alone), or None when it starts with none of them."""
    words = message.split()
    if not words or not phrases:
        return None
    # Only as many words as the longest phrase has can match; a long question's other words are not folded.
    longest = max(phrase.count(" ") + 1 for phrase in phrases)
    folded = [plain_word(word) for word in words[:longest]]
    for phrase in phrases:
        phrase_words = phrase.split()
        if folded[: len(phrase_words)] == phrase_words:
            return phrase, " ".join(words[len(phrase_words):])
    return None


def rest_after(message: str, phrases: Sequence[str]) -> str | None:
    """What follows the first of `phrases` that `message` starts with, as typed ("" for the phrase alone), or None."""
    found = split_after(message, phrases)
    return found[1] if found is not None else None


def command_rest(message: str, key: str) -> str | None:
    """What follows the phrase of `key` that `message` starts with, as typed ("" for the phrase alone), or None."""
    return rest_after(message, command_words(key))
