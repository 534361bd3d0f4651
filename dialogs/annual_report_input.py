"""Reading what officials type in the annual report: the command that opens it ("årsredovisning Miljönämnden
2025"), the list commands ("ändra 2", "ta bort 2"), focus areas ("a och c", "verksamhetsutveckling, profilering",
"2b") and names.

Pure functions on top of `dialogs.input_parsing.plain`; the words are in the catalogs (annual_report.words),
both languages at once, because people type either whatever their Teams locale says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.i18n import LANGUAGES, lookup
from dialogs.input_parsing import plain
from storage.models import FocusArea

# Reports are kept for these years (the table's check constraint).
FIRST_YEAR, LAST_YEAR = 2000, 2200
TEXT_MAX_LENGTH = 4000
NAME_MAX_LENGTH = 200
_YEARISH = re.compile(r"^\d{1,6}$")
_LEADING_FILLERS = frozenset({"for", "av", "of", "ar", "year", "till", "to"})
_FOCUS_SEPARATORS = re.compile(r"[,;/+&().:\-–]")
_FOCUS_LETTER = re.compile(r"^2?([abc])$")
_NAME = re.compile(r"^[^\W\d_][^\W\d_ .'’\-]*(?:[ .'’\-]+[^\W\d_]+)*\.?$")


@cache
def phrases(key: str) -> tuple[str, ...]:
    """A word list of the catalogs (`annual_report.<key>`), both languages, folded, longest phrase first."""
    words = {plain(str(word)) for lang in LANGUAGES for word in lookup(f"annual_report.{key}", lang)}
    return tuple(sorted(words, key=lambda phrase: (-len(phrase.split()), phrase)))


def rest_after(message: str, candidates: tuple[str, ...]) -> str | None:
    """What follows the longest of `candidates` that `message` starts with, word for word ("" for the phrase
    alone), in the words as typed; None when it starts with none of them."""
    words = message.split()
    folded = [plain(word) for word in words]
    for phrase in candidates:
        phrase_words = phrase.split()
        if folded[: len(phrase_words)] == phrase_words:
            return " ".join(words[len(phrase_words):])
    return None


def is_one_of(message: str, key: str) -> bool:
    return plain(message) in phrases(key)


@dataclass(frozen=True)
class OpenRequest:
    """What "årsredovisning …" asked for: an organisation by name and a year, each None when not given."""

    organisation: str | None = None
    year: int | None = None
    bad_year: str | None = None  # a number that cannot be a report's year, as typed


def parse_open(message: str) -> OpenRequest | None:
    """The request when `message` is the command that opens the annual report, else None.

    "årsredovisning", "årsredovisning 2025", "årsredovisning Miljönämnden 2025", "annual report for 2025".
    A question ("årsredovisning – hur gör vi?") is left to the policy answers, and "annual report status" to
    KS förvaltning's command.
    """
    message = " ".join((message or "").split())
    rest = rest_after(message, phrases("commands"))
    if rest is None:
        return None
    if rest.rstrip().endswith("?"):
        return None
    words = [word.strip(",.:;") for word in rest.split()]
    words = [word for word in words if word]
    if words and plain(words[0]) in phrases("words.other_commands"):
        return None
    while words and plain(words[0]) in _LEADING_FILLERS:
        words.pop(0)
    year: int | None = None
    bad_year: str | None = None
    for position in (len(words) - 1, 0):
        if words and 0 <= position < len(words) and _YEARISH.match(words[position]):
            typed = words.pop(position)
            if len(typed) == 4 and FIRST_YEAR <= int(typed) <= LAST_YEAR:
                year = int(typed)
            else:
                bad_year = typed
            break
    organisation = " ".join(words) or None
    return OpenRequest(organisation=organisation, year=year, bad_year=bad_year)


def numbered(message: str, key: str) -> tuple[bool, int | None]:
    """(True, n) for "ändra 2" when `key` is "words.edit"; (True, None) for the word alone or with no number;
    (False, None) when the message does not start with those words."""
    rest = rest_after(" ".join(message.split()), phrases(key))
    if rest is None:
        return False, None
    rest = plain(rest).removeprefix("nr").removeprefix("punkt").strip(" .#")
    return True, (int(rest) if rest.isdigit() and len(rest) <= 4 else None)


@cache
def _focus_words() -> dict[str, FocusArea]:
    words: dict[str, FocusArea] = {}
    for area in FocusArea:
        for phrase in phrases(f"words.focus_areas.{area.value}"):
            words[phrase] = area
    return words


def parse_focus_areas(answer: str) -> list[str] | None:
    """The focus areas of policy section 2 an answer names, in policy order ("2a", "2b", "2c"); None when the
    answer names none, or holds anything else (so "inte a" is asked again rather than read as "a").

    "a och c", "2b", "a, b", "verksamhetsutveckling, profilering", "alla", and a card's "2a,2c".
    """
    folded = plain(_FOCUS_SEPARATORS.sub(" ", plain(answer)))
    if not folded:
        return None
    if folded in phrases("words.all_focus_areas"):
        return [area.value for area in FocusArea]
    named = _focus_words()
    fillers = set(phrases("words.focus_fillers"))
    longest = max(len(phrase.split()) for phrase in named)
    tokens = folded.split()
    found: set[FocusArea] = set()
    position = 0
    while position < len(tokens):
        for length in range(min(longest, len(tokens) - position), 0, -1):
            candidate = " ".join(tokens[position: position + length])
            if candidate in named:
                found.add(named[candidate])
                position += length
                break
        else:
            token = tokens[position]
            letter = _FOCUS_LETTER.match(token)
            if letter:
                found.add(FocusArea(f"2{letter.group(1)}"))
            elif token not in fillers:
                return None
            position += 1
    if not found:
        return None
    return [area.value for area in FocusArea if area in found]


def read_name(answer: str) -> str | None:
    """A person's first and last name as typed ("Anna Andersson", "Per-Olof O'Neill"), with single spaces; None
    when it is no such name (one word such as "kanske", digits, a question, too long)."""
    cleaned = " ".join(answer.split()).strip(" ,;:")
    if not cleaned or len(cleaned) > NAME_MAX_LENGTH or not _NAME.match(cleaned) or len(cleaned.split()) < 2:
        return None
    return cleaned
