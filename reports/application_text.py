"""One EU application as "label: value" lines for a terminal (`python -m cli applications show`), labelled as
in the compilation, so that an operator reads the same words kommunfullmäktige does."""

from __future__ import annotations

from collections.abc import Mapping

from policy import load_policy
from reports.compilation import application_status, compilation_text, headers, labels
from reports.compilation_query import programme_name, to_sek
from storage.application_data import Money
from storage.applications import Application, application_reference
from storage.user_text import terminal_line


def _money_text(money: Money, eur_sek_rate: float | None, default_rate: float) -> str:
    """An amount as given; one in euro also in SEK, at the application's rate or else `default_rate`."""
    texts = load_policy().texts
    shown = texts.money(money.amount, money.currency, "sv")
    if money.currency == "SEK":
        return shown
    sek = texts.money(to_sek(money, eur_sek_rate, default_rate), "SEK", "sv")
    return compilation_text("converted", eur=shown, sek=sek)


def application_text(application: Application, names: Mapping[str, str], default_rate: float) -> str:
    """One application as "label: value" lines, labelled as in the compilation."""
    budget = (Money(amount_minor=application.total_budget_minor, currency=application.total_budget_currency)
              if application.total_budget_minor is not None else None)
    granted = (Money(amount_minor=application.granted_amount_minor, currency=application.granted_amount_currency)
               if application.granted_amount_minor is not None else None)
    none = compilation_text("none")
    values = [
        application_reference(application),
        terminal_line(application.project_name or none),
        application.organisation.name,
        terminal_line(programme_name(application, names)),
        labels("roles")[application.malmo_role] if application.malmo_role else none,
        _money_text(budget, application.eur_sek_rate, default_rate) if budget else none,
        application_status(application.status),
        _money_text(granted, application.eur_sek_rate, default_rate) if granted else none,
    ]
    return "\n".join(f"{label}: {value}" for label, value in zip(headers("headers.applications"), values)) + "\n"
