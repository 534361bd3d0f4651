"""Reading a short reply to one of Lotsen's own questions, such as "Vilken är projektets totalbudget?"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from policy.budget import threshold_on
from policy.loader import PolicyData, load_policy
from policy.normalise import clean, fold


def parse_amount(
    text: str, on: date | None = None, *, policy: PolicyData | None = None
) -> tuple[Decimal, Literal["SEK", "EUR"] | None] | None:
    """The first money amount in `text` as (value, currency), or None when there is none.

    Accepts what the questions accept ("14 500 000 kr", "1,2 MEUR", "12 mnkr", "€2m", "12000000");
    the currency is None when the reply names none (the rules then read it as SEK and say so).
    """
    policy = policy or load_policy()
    threshold = threshold_on(on, policy=policy)
    # A reply is read no further than a question is: that bounds what one pasted text costs.
    text = text[: policy.decision.max_question_length]
    amounts = policy.fact_reader.amounts.read(fold(clean(text)), threshold)
    if not amounts:
        return None
    return amounts[0].value, amounts[0].currency  # type: ignore[return-value]
