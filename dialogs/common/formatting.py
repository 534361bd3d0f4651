"""Dates and money the way a Swedish (or English) reader expects them: "15 mars 2027", "14 500 000 kr".

The figures come from the one formatter (policy.formatting, Babel); the words around them ("{amount} kr",
"{date} kl. {time}") from the catalog.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from policy import formatting
from policy.dates import MALMO_TIME
from storage.application_data import Money
from texts import Language, text


def format_date(value: date, lang: Language = "sv") -> str:
    return formatting.format_date(value, lang)


def format_moment(moment: datetime, lang: Language = "sv") -> str:
    """An aware time as Malmö reads it: "3 mars 2026 kl. 14.05"."""
    local = moment.astimezone(MALMO_TIME)
    return text("format.date_time", lang, date=formatting.format_date(local.date(), lang),
                time=formatting.format_time(local, lang))


def format_amount(value: Decimal, lang: Language = "sv") -> str:
    """A number as given: without decimals when whole, else with two ("4 500 000,50")."""
    return formatting.format_amount(value, lang)


def format_money(money: Money, lang: Language = "sv") -> str:
    key = "format.eur" if money.currency == "EUR" else "format.sek"
    return text(key, lang, amount=formatting.format_amount(money.amount, lang))
