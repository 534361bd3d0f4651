"""The EU programmes and funds an application can name: the choice list of the registration, and reading a typed name.

The list is the policy module's (policy/data/programmes.yaml, read by policy/programmes.py; its header says how
to add one): the entries it offers, in its order. No botbuilder here.

A typed answer is recognised, ignoring case, diacritics, hyphens and punctuation, in this order:
1. the whole answer is a programme's key, name or alias ("ESF", "Horisont Europa", "södra östersjön");
2. the answer contains names of one programme only ("vi söker från Horisont Europa");
3. the answer is a near miss of one name or alias (RapidFuzz ratio at least FUZZY_MIN), and no other
   programme comes within FUZZY_MARGIN of it ("Horison Europa", "Urbakt").
Anything else, such as "Interreg" (five programmes) or "Europa", is not recognised: the dialog shows the list.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from dialogs.common.input_parsing import plain
from policy.programmes import OTHER, PROGRAMMES_FILE, Programme, ProgrammeDataError, read_programmes

__all__ = [
    "FUZZY_MARGIN",
    "FUZZY_MIN",
    "FUZZY_MIN_LENGTH",
    "OTHER",
    "PROGRAMMES_FILE",
    "Programme",
    "ProgrammeDataError",
    "get_programme",
    "load_programmes",
    "match_programme",
    "programme_name",
]

FUZZY_MIN = 80  # RapidFuzz ratio (0–100) a typed answer needs to count as a misspelt name
FUZZY_MARGIN = 5  # how far ahead of every other programme the best one must be
FUZZY_MIN_LENGTH = 4  # shorter answers ("ESF", "ISF", "CEF") are abbreviations: exact only


def _match_form(text: str) -> str:
    """How names are compared: folded, with hyphens, slashes and punctuation as spaces ("Öresund-Kattegat" = "oresund kattegat")."""
    return " ".join(re.sub(r"[^\w+]", " ", plain(text)).split())


class _Catalogue:
    def __init__(self, programmes: tuple[Programme, ...], path: Path) -> None:
        self.programmes = programmes
        self.by_key = {p.key: p for p in programmes}
        self.forms: dict[str, Programme] = {}
        for programme in programmes:
            for name in (programme.key.replace("_", " "), programme.name_sv, programme.name_en, *programme.aliases):
                form = _match_form(name)
                owner = self.forms.setdefault(form, programme)
                if owner.key != programme.key:
                    raise ProgrammeDataError(f"{path}: {name!r} names both {owner.key} and {programme.key}")
        alternation = "|".join(re.escape(f) for f in sorted(self.forms, key=len, reverse=True))
        self.contained = re.compile(rf"(?<![\w+])(?:{alternation})(?![\w+])")


@lru_cache(maxsize=4)
def _catalogue(path: Path) -> _Catalogue:
    return _Catalogue(read_programmes(path).offered, path)


def load_programmes(path: Path | None = None) -> list[Programme]:
    """Every programme in the order offered, "other" included (read once, then cached)."""
    return list(_catalogue((path or PROGRAMMES_FILE).resolve()).programmes)


def get_programme(key: str) -> Programme:
    """The programme offered with this key; KeyError for any other key."""
    try:
        return _catalogue(PROGRAMMES_FILE).by_key[key]
    except KeyError:
        raise KeyError(f"unknown EU programme key {key!r}") from None


def programme_name(key: str, lang: str) -> str:
    """The programme's name in `lang` ("sv" unless "en"). For "other" this is the generic "Annat program eller
    fond": the caller shows the official's own text (programme_other) instead."""
    return get_programme(key).name(lang)


def match_programme(text: str) -> Programme | None:
    """The programme a typed answer names, or None when none or more than one fits (see the module's doc)."""
    catalogue = _catalogue(PROGRAMMES_FILE)
    typed = _match_form(text)
    if not typed:
        return None
    if typed in catalogue.forms:
        return catalogue.forms[typed]
    named = {catalogue.forms[m.group(0)].key for m in catalogue.contained.finditer(typed)}
    if named:
        return catalogue.by_key[named.pop()] if len(named) == 1 else None
    if len(typed) < FUZZY_MIN_LENGTH:
        return None
    best: dict[str, float] = {}
    for form, programme in catalogue.forms.items():
        best[programme.key] = max(best.get(programme.key, 0.0), fuzz.ratio(typed, form))
    ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
    (top_key, top), (_, second) = ranked[0], ranked[1]
    if top >= FUZZY_MIN and top - second >= FUZZY_MARGIN:
        return catalogue.by_key[top_key]
    return None
