"""Section text: its canonical form, its sentences and list items, and quotes taken from it.

In the data a line starting with "- " is a list item (the PDF's bullets); any other line
continues the line above it, and a blank line starts a new paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LIST_MARK = "- "
QUOTE_JOIN = " … "
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")
_SPACES = re.compile(r"\s+")


def canonical_text(raw: str) -> str:
    """Join wrapped lines; keep paragraphs apart by a blank line and list items on their own line."""
    paragraphs: list[list[str]] = []
    lines: list[str] = []
    for raw_line in raw.splitlines():
        line = _SPACES.sub(" ", raw_line).strip()
        if not line:
            if lines:
                paragraphs.append(lines)
                lines = []
        elif line.startswith(LIST_MARK) or not lines:
            lines.append(line)
        else:
            lines[-1] = f"{lines[-1]} {line}"
    if lines:
        paragraphs.append(lines)
    return "\n\n".join("\n".join(p) for p in paragraphs)


def plain_text(text: str) -> str:
    """The words only: list marks removed and all whitespace collapsed (for comparing texts)."""
    lines = [line[len(LIST_MARK):] if line.startswith(LIST_MARK) else line for line in text.splitlines()]
    return _SPACES.sub(" ", " ".join(lines)).strip()


@dataclass(frozen=True)
class Unit:
    """A sentence or a list item, with the line that introduces its list ("Kommunstyrelsen:")."""

    text: str
    intro: str | None = None


def units(text: str) -> list[Unit]:
    result: list[Unit] = []
    for paragraph in canonical_text(text).split("\n\n"):
        intro: str | None = None
        for line in paragraph.split("\n"):
            if line.startswith(LIST_MARK):
                result.append(Unit(line[len(LIST_MARK):], intro))
                continue
            sentences = _SENTENCE_END.split(line)
            result.extend(Unit(s) for s in sentences)
            intro = sentences[-1] if sentences[-1].endswith(":") else None
    return result


def quote(text: str, matches: list[str] | None) -> str:
    """The sentences and list items of `text` that contain any of `matches`, verbatim.

    Without `matches` the whole text is the quote. Parts that are not next to each other in the
    policy are joined by " … ", and a list item is preceded by the line introducing its list.
    """
    if not matches:
        return canonical_text(text)
    wanted = [m.casefold() for m in matches]
    parts: list[str] = []
    for unit in units(text):
        if any(m in unit.text.casefold() for m in wanted):
            if unit.intro and unit.intro not in parts:
                parts.append(unit.intro)
            parts.append(unit.text)
    if not parts:
        raise ValueError(f"no sentence contains any of {matches!r}")
    return QUOTE_JOIN.join(parts)
