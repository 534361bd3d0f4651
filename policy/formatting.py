"""Numbers and dates as a Swedish or English reader writes them ("14 500 000", "4 500 000,50", "15 mars 2027",
"14.05"), by Babel from the Unicode CLDR data, so that no month name or separator is typed by hand.

The one formatter of the project: the policy's answers, the dialogs, the informationsärende and the reports all
use it (it is here because policy/ imports nothing of ours and everything else may import policy/). The words
around a figure ("{amount} kr", "kl.") are texts and stay in the catalogs.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date as babel_date, format_time as babel_time
from babel.numbers import format_decimal, get_group_symbol

LOCALES: dict[str, str] = {"sv": "sv_SE", "en": "en"}
DATE_PATTERN = "d MMMM y"  # "15 mars 2027", "15 March 2027": no leading zero, the month's full name
# A clock time, 24-hour in both languages; Swedish writes "14.05" (Språkrådet), where CLDR has "14:05".
TIME_PATTERNS: dict[str, str] = {"sv": "HH.mm", "en": "HH:mm"}
# Where Lotsen's thousands separator differs from CLDR's. Swedish CLDR has a no-break space (U+00A0), which would
# keep an amount on one line in Teams; Lotsen has always written a plain space, and the tests and documents say
# so. Removing the entry switches every amount to CLDR's separator at once.
GROUP_SEPARATOR_OVERRIDES: dict[str, str] = {"sv": " "}


def format_number(value: Decimal | float | int, lang: str, decimals: int = 0) -> str:
    """`value` rounded half up to `decimals` places, grouped by thousands: "12 650 000", "11,00", "12,650,000"."""
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


def _locale(lang: str) -> str:
    """Swedish unless English: the catalogs' rule for any other language code."""
    return LOCALES["en" if lang == "en" else "sv"]
