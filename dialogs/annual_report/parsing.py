"""Reading what officials type in the annual report: the command that opens it ("årsredovisning Miljönämnden
2025"), the list commands ("ändra 2", "ta bort 2"), focus areas ("a och c", "verksamhetsutveckling, profilering",
"2b"), names ("Anna Andersson", or "ingen" for no one) and questions asked meanwhile.

Pure functions on top of `dialogs.common.input_parsing.plain`; the words are in the catalogs (annual_report.words),
both languages at once, because people type either whatever their Teams locale says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from dialogs.common.input_parsing import command_words, plain, rest_after
from storage.models import FocusArea
from storage.organisations import load_organisation_entries, normalise, slugify
from texts import LANGUAGES, lookup

# Reports are kept for these years (the table's check constraint).
FIRST_YEAR, LAST_YEAR = 2000, 2200
TEXT_MAX_LENGTH = 4000
NAME_MAX_LENGTH = 200
_YEARISH = re.compile(r"^\d{1,6}$")
_LEADING_FILLERS = frozenset({"for", "av", "of", "ar", "year", "till", "to"})
_FOCUS_SEPARATORS = re.compile(r"[,;/+&().:\-–]")
_FOCUS_LETTER = re.compile(r"^2?([abc])$")
_NAME = re.compile(r"^[^\W\d_][^\W\d_ .'’\-]*(?:[ .'’\-]+[^\W\d_]+)*\.?$")
_NUMBER = re.compile(r"^\d{1,4}$")
# Other features' commands (their catalogs), so that one typed at the review is passed on rather than re-asked.
# A key another part of the bot no longer has is skipped: the command is then re-asked when it is short.
_OTHER_COMMAND_KEYS = (
    "commands.register", "commands.my_applications", "commands.conversation_id",
    "reminders.words.my_reminders", "reminders.words.pause", "reminders.words.resume",
    "ks.words.status", "ks.words.return", "ks.words.approve", "ks.words.compilation",
    "contacts.words.nouns", "contacts.words.overview", "contacts.words.ask",
    "user_admin.words.list", "user_admin.words.role", "user_admin.words.organisation",
    "event_history.words.command",
)
SHORT_REPLY_WORDS = 3  # at most this many words, and neither a question nor a command: not for anyone else


def phrases(key: str) -> tuple[str, ...]:
    """A word list of the catalogs (`annual_report.<key>`), both languages, folded, longest phrase first."""
    return command_words(f"annual_report.{key}")


def is_one_of(message: str, key: str) -> bool:
    return plain(message) in phrases(key)


@cache
def _known_organisations() -> frozenset[str]:
    """Every organisation's name (folded) and slug, from the file the database is seeded from."""
    entries = load_organisation_entries()
    return frozenset({normalise(entry.name) for entry in entries} | {entry.slug for entry in entries})


def is_known_organisation(name: str) -> bool:
    """Whether `name` is a nämnd's or bolag's name or slug, as storage.organisations.find_organisation matches."""
    known = _known_organisations()
    return normalise(name) in known or slugify(name) in known


def _looks_like_organisation(name: str) -> bool:
    """"Månnämnden", "Malmö Foo AB": the shape of an organisation's name, so that a misspelt one is answered with
    an example rather than taken for a question; a rest starting with a question word never is."""
    words = plain(name).split()
    if not words or words[0] in phrases("words.question_words"):
        return False
    return any(words[-1].endswith(ending) for ending in phrases("words.organisation_endings"))


@dataclass(frozen=True)
class OpenRequest:
    """What "årsredovisning …" asked for: an organisation by name and a year, each None when not given."""

    organisation: str | None = None
    year: int | None = None
    bad_year: str | None = None  # a number that cannot be a report's year, as typed


def parse_open(message: str, *, strict: bool = False) -> OpenRequest | None:
    """The request when `message` is the command that opens the annual report, else None.

    "årsredovisning", "årsredovisning 2025", "årsredovisning Miljönämnden 2025", "annual report for 2025".
    What follows the command must be a year, an organisation, or both: anything else ("årsredovisning när ska
    den vara inne", "annual report deadline") is a question for the policy answers, and "annual report status"
    is KS förvaltning's command. An organisation is one of the city's, or (unless `strict`) something shaped like
    one ("Månnämnden"), which is then answered with an example. `strict` is for a free-text answer being typed:
    "Årsredovisningen visade …" is the answer, only the command itself reopens.
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
    if organisation is not None and not (
            is_known_organisation(organisation) or (not strict and _looks_like_organisation(organisation))):
        return None
    return OpenRequest(organisation=organisation, year=year, bad_year=bad_year)


def part_command(message: str, *, strict: bool = False) -> tuple[str, int | None] | None:
    """A part card's command typed as the whole message: ("add", None), ("next", None), ("edit", n) or
    ("remove", n); None otherwise. `strict` (while a question about an item is open, where "inget" or "klar"
    may be an answer) takes only the unmistakable ones: "lägg till", "nästa", "ändra 2", "ta bort 2"."""
    if is_one_of(message, "words.add"):
        return "add", None
    if is_one_of(message, "words.next_strict") or (not strict and is_one_of(message, "words.next")):
        return "next", None
    for name, key in (("remove", "words.remove"), ("edit", "words.edit")):
        matched, number = numbered(message, key)
        if matched and (number is not None or (not strict and is_one_of(message, key))):
            return name, number
    return None


def is_question(message: str) -> bool:
    """A question asked meanwhile: it ends with "?" or starts with a question word ("hur", "vem", "what")."""
    stripped = message.strip()
    if stripped.endswith("?"):
        return True
    words = plain(stripped).split()
    return bool(words) and words[0] in phrases("words.question_words")


@cache
def _other_commands() -> tuple[tuple[str, ...], ...]:
    found: set[tuple[str, ...]] = set()
    for key in _OTHER_COMMAND_KEYS:
        for lang in LANGUAGES:
            try:
                words = lookup(key, lang)
            except (KeyError, TypeError):
                continue
            found |= {tuple(plain(str(word)).split()) for word in words if plain(str(word))}
    return tuple(found)


def is_other_command(message: str) -> bool:
    """The message starts with a command of another part of the bot ("mina ansökningar", "kontaktpersoner")."""
    folded = plain(message).split()
    return any(folded[: len(phrase)] == list(phrase) for phrase in _other_commands())


def is_small_talk(message: str) -> bool:
    """A short reply meant for no one else: "ok", "tack", "klar", "3" — neither a question nor a command."""
    words = plain(message).split()
    if not words or len(words) > SHORT_REPLY_WORDS:
        return False
    return not is_question(message) and not is_other_command(message)


def is_bare_number(message: str) -> int | None:
    """"3" typed alone: the number, else None."""
    folded = plain(message)
    return int(folded) if _NUMBER.match(folded) else None


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
    when it is no such name: one word ("kanske"), digits, a question, too long, or words no name has ("vi har
    inte", "not yet", "det är Anna"), which are sentences rather than names."""
    cleaned = " ".join(answer.split()).strip(" ,;:")
    if not cleaned or len(cleaned) > NAME_MAX_LENGTH or not _NAME.match(cleaned) or len(cleaned.split()) < 2:
        return None
    not_in_names = set(phrases("words.not_in_names"))
    if any(plain(word) in not_in_names for word in re.split(r"[ \-]+", cleaned)):
        return None
    return cleaned


def means_no_one(answer: str) -> bool:
    """The answer says there is no contact person or representative ("ingen", "vi har ingen", "nobody")."""
    return is_one_of(answer, "words.no_one")
