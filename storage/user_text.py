"""Text people type, cleaned on the way in and made safe on the way out (DESIGN.md, Conventions).

In: `clean` takes out what no one means to type but can paste or send: control characters (an ESC, a NUL),
invisible formatting (zero-width characters, bidi overrides and isolates, the BOM, tag characters), lone
surrogates and noncharacters. Lines and tabs stay. What it removes can neither be stored in every database
(PostgreSQL refuses NUL), nor be written to XML (Word, Excel), nor be seen, so two names that look the same
are the same. `fit` cuts a cleaned text to the length of its column.

Out: `card_markdown` and `document_markdown` escape user text for Markdown (an Adaptive Card's TextBlock, the
Markdown compilation), so that a name like "[logga in](https://…)" is shown as written, never as a link;
`terminal_line` makes it one harmless line for an operator's terminal.

Pure Python, no botbuilder and no database: the bot, the reports and the command line all use it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

ZERO_WIDTH_JOINER = "\u200d"
# Invisible although not of the format category: Hangul fillers (a "blank" name), the combining grapheme
# joiner and the Khmer inherent vowels.
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5")
_LINE_BREAKS = re.compile("\r\n?|[\u0085\u2028\u2029]")


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _joins_emoji(text: str, index: int) -> bool:
    """A zero-width joiner inside an emoji sequence (👩‍💻) belongs to it; anywhere else it hides in a word."""
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    emoji_before = bool(before) and (unicodedata.category(before) == "So" or before in "\ufe0f\U0001f3fb"
                                     "\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")
    return emoji_before and bool(after) and unicodedata.category(after) == "So"


def _kept(text: str, index: int) -> bool:
    character = text[index]
    if character in "\n\t":
        return True
    if character in _INVISIBLE or _is_noncharacter(ord(character)):
        return False
    category = unicodedata.category(character)
    if category == "Cf":
        return character == ZERO_WIDTH_JOINER and _joins_emoji(text, index)
    return category not in ("Cc", "Cs")


def clean(text: str) -> str:
    """`text` without control, invisible-formatting, surrogate and noncharacter code points; every line break
    (CR LF, CR, U+2028 …) becomes a newline. Printable text comes back as it was."""
    if text.isprintable() and _INVISIBLE.isdisjoint(text):
        return text
    text = _LINE_BREAKS.sub("\n", text)
    return "".join(character for index, character in enumerate(text) if _kept(text, index))


def clean_value(value: Any) -> Any:
    """Every string in `value` (a card's data: dicts and lists of strings, numbers, booleans) cleaned, keys too."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean_value(key): clean_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_value(item) for item in value]
    return value


def fit(text: str, max_length: int) -> str:
    """`text` cut to `max_length` characters (a column's length), without trailing spaces where it was cut."""
    return text if len(text) <= max_length else text[:max_length].rstrip()


# --- out: Markdown --------------------------------------------------------------------------------------------

# What makes Markdown of user text in a TextBlock or Fact (Teams renders links, bold, italic and lists there): a
# backslash, *, [ ], `, ~; _ at the edge of a word (inside one, as in "eu_routine", it never emphasises); < that
# opens an autolink (<https://…>, <name@host>); & that opens an entity (&#91; is a "["); and the ":" of "://" and
# the "." of "www.", so that an address is shown, not linked. Lists are left as typed: they change a text's
# layout, not what it says, and Lotsen's own policy quotes are lists. Cards show no HTML, so "<b>" stays.
_BARE_ADDRESS = r"|(?<=[A-Za-z]):(?=//)|(?<=\bwww)\."
_CARD_INLINE = re.compile(r"[\\*\[\]`~]|(?<![^\W_])_|_(?![^\W_])|&(?=#?\w+;)"
                          r"|<(?=[A-Za-z][A-Za-z0-9+.\-]{1,31}:|[^\s<>@]+@)" + _BARE_ADDRESS, re.IGNORECASE)
# A document renderer also reads HTML and tables: "<" and "|" always.
_DOCUMENT_INLINE = re.compile(r"[\\*\[\]`~<|]|(?<![^\W_])_|_(?![^\W_])|&(?=#?\w+;)" + _BARE_ADDRESS,
                              re.IGNORECASE)
# What a line may begin with to become a heading or a quote; in a document also a list item.
_CARD_OPENING = re.compile(r"[#>]")
_DOCUMENT_OPENING = re.compile(r"[#>]|[+\-](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)")
# A line of only = or - under another makes that one a heading.
_UNDERLINE = re.compile(r"(?:=+|-{2,})[ \t]*")


def _escape_line(line: str, inline: re.Pattern[str], opening: re.Pattern[str]) -> str:
    line = inline.sub(lambda match: "\\" + match.group(0), line)
    text = line.lstrip(" \t")
    indent = line[:len(line) - len(text)]
    if (found := opening.match(text)) is not None:
        marker = found.group(0)
        # "1." is escaped at its dot ("1\."), "#" before it ("\#").
        marker = f"{marker[:-1]}\\{marker[-1]}" if marker[0].isdigit() else f"\\{marker}"
        text = marker + text[found.end():]
    elif _UNDERLINE.fullmatch(text):
        text = "\\" + text
    return indent + text


def card_markdown(text: str) -> str:
    """User text as an Adaptive Card TextBlock or Fact shows it: what it says, never a link or formatting."""
    return "\n".join(_escape_line(line, _CARD_INLINE, _CARD_OPENING) for line in text.split("\n"))


def document_markdown(text: str) -> str:
    """Plain text for a Markdown document, shown as written by any CommonMark renderer: no links, no HTML, no
    emphasis, and no heading, quote, list or table started by what a line happens to begin with. Line breaks
    stay line breaks; blank lines and indentation (which would end a list item or start code) do not."""
    lines = [_escape_line(line.strip(), _DOCUMENT_INLINE, _DOCUMENT_OPENING) for line in text.split("\n")]
    return "\\\n".join(line for line in lines if line)


# --- out: the terminal -------------------------------------------------------------------------------------


def terminal_line(text: str) -> str:
    """User text on one line of an operator's terminal: line breaks and tabs become spaces, and every other
    control or invisible character is shown as � (an escape sequence in a question must not reach the
    terminal as one, nor a bidi override turn a listing around)."""
    return "".join(
        " " if character in "\t\n\r" or unicodedata.category(character) in ("Zl", "Zp")
        else "\ufffd" if unicodedata.category(character).startswith("C") or character in _INVISIBLE
        else character
        for character in text
    )
