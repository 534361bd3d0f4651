"""Numbers and dates as a Swedish or English reader writes them ("14 500 000", "4 500 000,50", "15 mars 2027",
"14.05"), by Babel from the Unicode CLDR data, so that no month name or separator is typed by hand.

The one formatter of the project: the policy's answers, the dialogs, the informationsärende and the reports all
use it (it is here because policy/ imports nothing of ours and everything else may import policy/). The words
around a figure ("{amount} kr", "kl.") are texts and stay in the catalogs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from babel.dates import format_date as babel_date, format_time as babel_time, get_month_names
from babel.numbers import format_decimal, get_group_symbol

LOCALES: dict[str, str] = {"sv": "sv_SE", "en": "en"}
DATE_PATTERN = "d MMMM y"  # "15 mars 2027", "15 March 2027": no leading zero, the month's full name
# A clock time, 24-hour in both languages; Swedish writes "14.05" (Språkrådet), where CLDR has "14:05".
TIME_PATTERNS: dict[str, str] = {"sv": "HH.mm", "en": "HH:mm"}
# Where Lotsen's thousands separator differs from CLDR's. Swedish CLDR has a no-break space (U+00A0); Lotsen writes a
# plain space, which is what the policy's answers (and the frozen question sets that check them), the documents and
# the terminal read. What must not break across lines, on a card in a narrow window, is kept together where text
# goes onto a card (`keep_together`, called by dialogs.common.cards.adaptive_card).
GROUP_SEPARATOR_OVERRIDES: dict[str, str] = {"sv": " "}
NO_BREAK_SPACE = "\u00a0"
# The words written next to a figure, in the catalogs' formats ("{amount} kr", "SEK {amount}", "{date} kl. {time}")
# and as officials type them ("12 miljoner", "1,2 MEUR"): a line must not break between them and the figure.
UNITS_AFTER_FIGURE = ("kr", "kronor", "euro", "SEK", "EUR", "MSEK", "MEUR", "mnkr", "miljon", "miljoner", "miljard",
                      "miljarder", "million", "millions", "billion", "%")
UNITS_BEFORE_FIGURE = ("SEK", "EUR", "€", "kl.")


def format_number(value: Decimal | float | int, lang: str, decimals: int = 0) -> str:
    """`value` rounded half up to `decimals` places, grouped by thousands: "12 650 000", "11,00", "12,650,000"."""
    return _formatted(value, lang, decimals)


# Babel builds the pattern anew on every call (some 40 µs); an answer shows the same few figures again and again.
# Equal values (12, 12.0, Decimal("12.00")) share an entry, as they format alike once rounded.
@lru_cache(maxsize=4096)
def _formatted(value: Decimal | float | int, lang: str, decimals: int) -> str:
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    locale = _locale(lang)
    shown = format_decimal(rounded, format=pattern, locale=locale)
    override = GROUP_SEPARATOR_OVERRIDES.get(lang)
    return shown.replace(get_group_symbol(locale), override) if override is not None else shown


def format_amount(value: Decimal, lang: str) -> str:
    """An amount as given: whole kronor or euro without decimals, else with two ("4 500 000,50")."""
    return format_number(value, lang, 0 if value == value.to_integral_value() else 2)


def format_date(value: date, lang: str) -> str:
    """"15 mars 2027" or "15 March 2027"."""
    return babel_date(value, DATE_PATTERN, locale=_locale(lang))


def format_time(value: datetime, lang: str) -> str:
    """The clock time of `value` as it is (convert it to Malmö's time first): "14.05" or "14:05"."""
    return babel_time(value, TIME_PATTERNS["en" if lang == "en" else "sv"], locale=_locale(lang))


def keep_together(text: str) -> str:
    """`text` with a no-break space (U+00A0) for each space inside an amount or a date, and between a figure and
    its unit ("12 000 000 kr", "SEK 12,000,000", "15 mars 2027", "5 dec. 2026", "kl. 14.05"), so that a narrow
    window (Teams on a phone) never breaks a line there. Any other space is left as it is; so are figures a reader
    typed, which read the same with the no-break space (and are read back the same: input parsing takes both)."""
    for pattern, keep in _figure_patterns():
        text = pattern.sub(keep, text)
    return text


def _joined(match: re.Match[str]) -> str:
    return match.group(0).replace(" ", NO_BREAK_SPACE)


@cache
def _figure_patterns() -> tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...]:
    def words(names: tuple[str, ...] | list[str]) -> str:
        return "|".join(re.escape(name) for name in sorted(set(names), key=len, reverse=True))

    # Month names as Babel writes them in either language, wide and abbreviated, with or without the dot.
    months = [name.rstrip(".") for locale in LOCALES.values() for width in ("wide", "abbreviated")
              for name in get_month_names(width, locale=locale).values()]
    space = f"[ {NO_BREAK_SPACE}]"
    letter_after = r"(?![^\W\d_])"  # the word ends there: "kr" is not the start of "kronan"
    return (
        # Groups of thousands: "12 000 000", "4 500 000,50" (not "2026 100": a group has at most three digits).
        (re.compile(rf"(?<![\d.,])\d{{1,3}}(?:{space}\d{{3}})+(?!\d)"), _joined),
        (re.compile(rf"(?<!\d)\d{{1,2}} (?:{words(months)})\.?(?: \d{{4}})?{letter_after}", re.IGNORECASE), _joined),
        (re.compile(rf"(?<=\d) (?=(?:{words(UNITS_AFTER_FIGURE)}){letter_after})"), NO_BREAK_SPACE),
        (re.compile(rf"(?<![^\W\d_])({words(UNITS_BEFORE_FIGURE)}) (?=\d)"), rf"\1{NO_BREAK_SPACE}"),
    )


def _locale(lang: str) -> str:
    """Swedish unless English: the catalogs' rule for any other language code."""
    return LOCALES["en" if lang == "en" else "sv"]
