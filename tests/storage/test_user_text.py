"""User text cleaned on the way in and escaped on the way out (storage/user_text.py), read back as a CommonMark
renderer with bare addresses linked (markdown-it, as Teams and GitHub-like viewers do) and as a terminal would."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from storage.user_text import card_markdown, clean, clean_value, document_markdown, fit, terminal_line

HOSTILE = [
    "[logga in](https://evil.example)",
    "![bild](https://evil.example/x.png)",
    "<https://evil.example>",
    "<ks@evil.example>",
    "https://evil.example/login och www.evil.example",
    "**fet** __fet__ *kursiv* _kursiv_ ~~struken~~ `kod`",
    "&#91;logga in&#93;(https://evil.example)",
    "\\[logga in\\](https://evil.example)",
    "# Rubrik",
    "> citat",
    "Rubrik\n===",
    "Rubrik\n---",
]


def _render(markdown: str, *, html: bool) -> str:
    renderer = MarkdownIt("commonmark", {"linkify": True, "html": html}).enable(["linkify", "strikethrough",
                                                                                 "table"])
    return renderer.render(markdown)


@pytest.mark.parametrize("text, cleaned", [
    ("Anna\x1b[31mAndersson", "Anna[31mAndersson"),  # ESC: what follows is plain text without it
    ("Anna\x00Andersson", "AnnaAndersson"),
    ("Anna\x9b31m", "Anna31m"),  # the one-character CSI of the C1 controls
    ("An\u200bna", "Anna"),  # zero-width space
    ("\ufeffAnna", "Anna"),  # BOM
    ("Anna\u202eAndersson", "AnnaAndersson"),  # right-to-left override
    ("Anna\u2066x\u2069", "Annax"),  # isolates
    ("Anna\u00ad", "Anna"),  # soft hyphen
    ("A\U000e0041nna", "Anna"),  # a tag character (hidden ASCII)
    ("Anna\ud800", "Anna"),  # a lone surrogate
    ("Anna\uffff", "Anna"),  # a noncharacter
    ("\u3164Anna", "Anna"),  # the Hangul filler: a blank that is a letter
])
def test_control_and_invisible_characters_are_taken_out(text, cleaned):
    assert clean(text) == cleaned


def test_lines_tabs_letters_and_emoji_are_kept():
    text = "Gröna tak i Malmö\tfas 2\r\nrad två\rrad tre\u2028👩\u200d💻 ✔\ufe0f"
    assert clean(text) == "Gröna tak i Malmö\tfas 2\nrad två\nrad tre\n👩\u200d💻 ✔\ufe0f"
    assert clean("Åsa Öberg – 12 000 000 kr (§ 4.1)") == "Åsa Öberg – 12 000 000 kr (§ 4.1)"


def test_a_joiner_that_hides_in_a_word_goes():
    assert clean("Anna\u200dAndersson") == "AnnaAndersson"


def test_every_text_of_a_card_value_is_cleaned_keys_too():
    value = {"action\x00": "registration_form", "project_name": "Gröna\u200b tak\x1b", "year": 2026,
             "nested": ["a\x07", {"b": "c\u202e"}], "flag": True, "none": None}
    assert clean_value(value) == {"action": "registration_form", "project_name": "Gröna tak", "year": 2026,
                                  "nested": ["a", {"b": "c"}], "flag": True, "none": None}


def test_fit_cuts_to_a_column():
    assert fit("Anna Andersson", 255) == "Anna Andersson"
    assert fit("Anna " + "x" * 300, 200) == ("Anna " + "x" * 300)[:200]
    assert fit("Anna   Andersson", 6) == "Anna"


@pytest.mark.parametrize("text", HOSTILE)
def test_card_text_never_becomes_a_link_or_formatting(text):
    rendered = _render(card_markdown(text), html=False)  # Adaptive Cards render no HTML
    for tag in ("<a ", "<img", "<strong>", "<em>", "<s>", "<code>", "<h1>", "<h2>", "<blockquote>"):
        assert tag not in rendered, (text, card_markdown(text), rendered)


@pytest.mark.parametrize("text", HOSTILE + ["<script>alert(1)</script>", "<b onclick=x>fet</b>", "| a | b |\n|---|---|",
                                            "- punkt\n1. ett\n+ plus", "    kod", "```\nkod\n```"])
def test_document_text_never_becomes_a_link_html_or_structure(text):
    rendered = _render(document_markdown(text), html=True)
    assert rendered.startswith("<p>") and rendered.count("<p>") == 1, (text, rendered)
    for tag in ("<a ", "<img", "<strong>", "<em>", "<s>", "<code>", "<script", "<b ", "<table", "<li>", "<pre>"):
        assert tag not in rendered, (text, document_markdown(text), rendered)


@pytest.mark.parametrize("text", ["Gröna tak i Malmö (fas 2)", "EU-2026-0001", "eu_routine", "12 000 000 kr",
                                  "Erasmus+", "Malmö stad - projektägare", "3.4 Helägda bolag"])
def test_ordinary_text_reads_the_same_after_escaping(text):
    for escape, html in ((card_markdown, False), (document_markdown, True)):
        assert _render(escape(text), html=html) == f"<p>{text.replace('&', '&amp;')}</p>\n"


def test_a_card_keeps_the_lines_and_lists_people_type():
    assert card_markdown("Vi ska:\n- bygga tak\n- plantera") == "Vi ska:\n- bygga tak\n- plantera"


def test_a_terminal_line_shows_no_escape_sequence_and_no_bidi_override():
    shown = terminal_line("Anna\x1b]0;title\x07\x1b[2J\x9b31m\u202eevil\nrad två\ttab")
    assert shown == "Anna\ufffd]0;title\ufffd\ufffd[2J\ufffd31m\ufffdevil rad två tab"
    assert all(character.isprintable() for character in shown)
