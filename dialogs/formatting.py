"""Dates and money the way a Swedish (or English) reader expects them: "15 mars 2027", "14 500 000 kr"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from policy.dates import MALMO_TIME
from storage.application_data import Money
from texts import Language, lookup, text


def format_date(value: date, lang: Language = "sv") -> str:
    month = lookup("format.months", lang)[value.month - 1]
    return text("format.date", lang, day=value.day, month=month, year=value.year)


def format_moment(moment: datetime, lang: Language = "sv") -> str:
    """An aware time as Malmö reads it: "3 mars 2026 kl. 14.05"."""
    local = moment.astimezone(MALMO_TIME)
    return text("format.date_time", lang, date=format_date(local.date(), lang), hour=f"{local.hour:02d}",
                minute=f"{local.minute:02d}")


def format_amount(value: Decimal, lang: Language = "sv") -> str:
    decimals = 0 if value == value.to_integral_value() else 2
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded:,.{decimals}f}".partition(".")
    whole = whole.replace(",", text("format.thousands", lang))
    return f"{whole}{text('format.decimal', lang)}{fraction}" if fraction else whole


def format_money(money: Money, lang: Language = "sv") -> str:
    key = "format.eur" if money.currency == "EUR" else "format.sek"
    return text(key, lang, amount=format_amount(money.amount, lang))
