"""The EU programmes and funds an application can name: the choice list of the registration, and reading a typed name.

The list is data (dialogs/data/eu_programmes.yaml; its header says how to add one). No botbuilder here.

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
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz

from dialogs.input_parsing import plain

PROGRAMMES_FILE = Path(__file__).resolve().parent / "data" / "eu_programmes.yaml"
OTHER = "other"  # the key of "annat": the official types the programme's name (programme_other)
FUZZY_MIN = 80  # RapidFuzz ratio (0–100) a typed answer needs to count as a misspelt name
FUZZY_MARGIN = 5  # how far ahead of every other programme the best one must be
FUZZY_MIN_LENGTH = 4  # shorter answers ("ESF", "ISF", "CEF") are abbreviations: exact only


class ProgrammeDataError(ValueError):
    """eu_programmes.yaml is malformed; the message names the file and the problem."""


class Programme(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9_]+$")
    name_sv: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    kind: Literal["program", "fond", "annat"]  # "annat" only for OTHER
    aliases: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_sv

    @property
    def is_other(self) -> bool:
        return self.key == OTHER


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
    try:
        with path.open(encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        programmes = tuple(Programme.model_validate(entry) for entry in doc["programmes"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValidationError) as e:
        raise ProgrammeDataError(f"{path}: {e}") from e
    keys = [p.key for p in programmes]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ProgrammeDataError(f"{path}: keys used twice: {', '.join(duplicates)}")
    if OTHER not in keys:
        raise ProgrammeDataError(f"{path}: the entry {OTHER!r} (annat) is missing")
    wrong_kind = [p.key for p in programmes if (p.kind == "annat") != p.is_other]
    if wrong_kind:
        raise ProgrammeDataError(f"{path}: kind 'annat' is for {OTHER!r} alone: {', '.join(wrong_kind)}")
    return _Catalogue(programmes, path)


def load_programmes(path: Path | None = None) -> list[Programme]:
    """Every programme in the order offered, "other" included (read once, then cached)."""
    return list(_catalogue((path or PROGRAMMES_FILE).resolve()).programmes)


def get_programme(key: str) -> Programme:
    """The programme with this key; KeyError for a key not in the data."""
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
