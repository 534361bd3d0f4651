"""A total budget against the threshold of routine 4.1: converted to kronor and compared with the threshold in force
on a date.

One place for the conversion and the comparison, so that the answer to a question, the registration's verdict,
the informationsärende and the compilation cannot disagree about an amount in euro or one near the line. The
threshold and the default rate are parameters (policy/data/parameters.yaml), valid from a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from policy.dates import today
from policy.errors import InvalidInputError
from policy.loader import PolicyData, load_policy

THRESHOLD_PARAMETER = "information_item_threshold_sek"
DEFAULT_RATE_PARAMETER = "eur_sek_default_rate"


def threshold_on(on: date | None = None, *, policy: PolicyData | None = None) -> Decimal:
    """The 4.1 threshold in kronor in force on `on` (default: today in Malmö)."""
    return Decimal(str((policy or load_policy()).parameter_value(THRESHOLD_PARAMETER, on or today())))


def resolve_rate(eur_sek_rate: float | None, on: date | None = None, *, policy: PolicyData | None = None) -> float:
    """SEK per EUR: the rate given (the official's or the configured one), else the policy's default on `on`."""
    policy = policy or load_policy()
    rate = eur_sek_rate if eur_sek_rate is not None else float(policy.parameter_value(DEFAULT_RATE_PARAMETER,
                                                                                      on or today()))
    if not rate > 0:
        raise InvalidInputError("bad_rate", value=eur_sek_rate)
    return rate


def in_sek(amount: Decimal, currency: str | None, eur_sek_rate: float | Decimal) -> Decimal:
    """The amount in kronor, unrounded: as it is in SEK (or with no currency named), times the rate in EUR."""
    if currency == "EUR":
        return amount * Decimal(str(eur_sek_rate))
    return amount


@dataclass(frozen=True)
class BudgetCheck:
    """A budget in kronor beside the threshold in force; `rate_used` is set when it was converted from euro."""

    budget_sek: Decimal
    threshold_sek: Decimal
    rate_used: float | None

    @property
    def reaches(self) -> bool:
        """At or above the threshold: "12 miljoner kronor eller däröver" (4.1)."""
        return self.budget_sek >= self.threshold_sek


def check_budget(amount: Decimal, currency: str | None, on: date | None = None, eur_sek_rate: float | None = None,
                 *, policy: PolicyData | None = None) -> BudgetCheck:
    """`amount` in `currency` against the threshold in force on `on`; euro is converted at `eur_sek_rate`, else at
    the policy's default rate on that date."""
    policy = policy or load_policy()
    on = on or today()
    rate = resolve_rate(eur_sek_rate, on, policy=policy) if currency == "EUR" else None
    budget_sek = in_sek(amount, currency, rate) if rate is not None else amount
    return BudgetCheck(budget_sek=budget_sek, threshold_sek=threshold_on(on, policy=policy), rate_used=rate)
