"""Normalising what people type."""

from __future__ import annotations

from policy.normalise import clean, fold, term_keys, token_keys, tokens


def test_fold_removes_case_and_diacritics() -> None:
    assert fold("Förvaltningen ÅÄÖ é") == "forvaltningen aao e"


def test_clean_unifies_spaces_dashes_and_case() -> None:
    assert clean("14\u00a0500\u202f000  KR – EU\u2011ansökan") == "14 500 000 kr - eu-ansökan"


def test_tokens_split_compounds_at_hyphens_and_colons() -> None:
    assert tokens("EU-ansökan till KS:s förvaltning, Erasmus+ och ESF+!") == [
        "eu", "ansökan", "till", "ks", "s", "förvaltning", "erasmus+", "och", "esf+"]


def test_typed_without_diacritics_meets_the_written_word() -> None:
    assert token_keys("ansokan") & term_keys("ansökan", "sv")
    assert token_keys("namnderna") & term_keys("nämnderna", "sv")
    assert token_keys("decides") & term_keys("decide", "en")


def test_short_words_are_not_stemmed_into_others() -> None:
    assert not token_keys("för") & term_keys("före", "sv")
