"""The text catalogs: Swedish and English have the same keys, and the locale picks the language."""

from __future__ import annotations

from texts import LANGUAGES, catalog, language_of, text


def _keys(node, prefix=""):
    keys = set()
    for key, value in node.items():
        keys.add(prefix + key)
        if isinstance(value, dict):
            keys |= _keys(value, f"{prefix}{key}.")
    return keys


def test_every_text_exists_in_both_languages():
    swedish, english = (_keys(catalog(lang)) for lang in LANGUAGES)
    assert swedish == english
    assert "welcome.title" in swedish


def test_the_locale_picks_english_only_for_english():
    assert language_of("en-US") == "en"
    assert language_of("en-GB") == "en"
    assert language_of("sv-SE") == "sv"
    assert language_of("de-DE") == "sv"  # Swedish first
    assert language_of(None) == "sv"
    assert text("welcome.title", "en") == "Hi! I'm Lotsen"
