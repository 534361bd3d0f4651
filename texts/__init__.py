"""The text catalogs: every sentence a user reads, one folder of YAML files per language, Swedish first."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

# libyaml's parser when PyYAML has it: the catalogs are most of what a starting bot reads.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Language = Literal["sv", "en"]
LANGUAGES: tuple[Language, ...] = ("sv", "en")
DEFAULT_LANGUAGE: Language = "sv"
_CATALOG_DIR = Path(__file__).parent


def language_of(locale: str | None) -> Language:
    """Swedish unless the Teams locale is English: Swedish comes first, English is the second language."""
    if locale and locale.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


@cache
def catalog(lang: Language) -> dict[str, Any]:
    """All of a language's files (`texts/<lang>/*.yaml`, one per part of the bot) as one catalog."""
    merged: dict[str, Any] = {}
    for path in sorted((_CATALOG_DIR / lang).glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            part = yaml.load(handle, Loader=_SAFE_LOADER) or {}
        clashes = merged.keys() & part.keys()
        if clashes:
            raise ValueError(f"{path}: keys already defined in another {lang} file: {sorted(clashes)}")
        merged.update(part)
    return merged


def lookup(key: str, lang: Language) -> Any:
    """The catalog entry at a dotted key ("welcome.title"), in `lang`; a missing key is a programming error."""
    node: Any = catalog(lang)
    for part in key.split("."):
        node = node[part]
    return node


def text(key: str, lang: Language, **values: object) -> str:
    entry = lookup(key, lang)
    return entry.format(**values) if values else entry
