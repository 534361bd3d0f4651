"""What a conversation has told Lotsen about its project, remembered between policy questions.

"Vi är bara partner" in one question and "måste vi skicka informationsärende?" in the next: the second is
answered knowing the first. The facts (`policy.ProjectFacts`, all that is known: each answer's `facts` are the
remembered ones merged with the question's) and the official's own exchange rate ("räkna med 11,25") are kept
in the conversation's state, as plain JSON, so that they survive a restart like the dialogs do. "glöm
uppgifterna" forgets them.

In a channel or group chat the conversation's members share what is remembered, as they share its dialogs.
"""

from __future__ import annotations

import logging
import math
from decimal import Decimal
from dataclasses import dataclass, field
from typing import Any

from botbuilder.core import StatePropertyAccessor, TurnContext
from pydantic import ValidationError

from dialogs.common.formatting import format_amount, format_date
from dialogs.common.input_parsing import command_words, plain
from policy import ProjectFacts
from texts import Language, text

logger = logging.getLogger("lotsen.questions")


@dataclass(frozen=True)
class Remembered:
    facts: ProjectFacts = field(default_factory=ProjectFacts)
    eur_sek_rate: float | None = None  # the official's own rate, named in an earlier question

    @property
    def empty(self) -> bool:
        return self.eur_sek_rate is None and self.facts == ProjectFacts()


class PolicyMemory:
    """Reads and writes a conversation's remembered facts through a ConversationState property."""

    def __init__(self, accessor: StatePropertyAccessor) -> None:
        self._accessor = accessor

    async def load(self, turn_context: TurnContext) -> Remembered:
        stored = await self._accessor.get(turn_context)
        if not isinstance(stored, dict) or not stored:
            return Remembered()
        try:
            facts = ProjectFacts.model_validate(stored.get("facts") or {})
        except ValidationError:
            # Written by an older version of the facts: start afresh rather than fail every question.
            logger.warning("Remembered project facts could not be read; forgetting them")
            facts = ProjectFacts()
        return Remembered(facts, _rate(stored.get("eur_sek_rate")))

    async def save(self, turn_context: TurnContext, facts: ProjectFacts, eur_sek_rate: float | None) -> None:
        """Kept in the turn's state; LotsenBot writes the state when the turn has succeeded."""
        remembered = Remembered(facts, _rate(eur_sek_rate))
        if remembered.empty:
            await self._delete(turn_context)
            return
        await self._accessor.set(turn_context, {"facts": facts.model_dump(mode="json"),
                                                "eur_sek_rate": remembered.eur_sek_rate})

    async def remember_facts(self, turn_context: TurnContext, facts: ProjectFacts) -> None:
        """Keeps `facts` as all that is known, and the rate as it was."""
        await self.save(turn_context, facts, (await self.load(turn_context)).eur_sek_rate)

    async def forget(self, turn_context: TurnContext) -> bool:
        """Forgets everything remembered; False when there was nothing to forget."""
        had_any = not (await self.load(turn_context)).empty
        await self._delete(turn_context)
        return had_any

    async def _delete(self, turn_context: TurnContext) -> None:
        # botbuilder's delete fails on a property that was never set.
        if await self._accessor.get(turn_context) is not None:
            await self._accessor.delete(turn_context)


def _rate(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) and value > 0 else None


def is_forget_request(message: str) -> bool:
    """"glöm uppgifterna", "glöm mina uppgifter", "forget the facts" (either language, whatever the locale)."""
    return bool(message) and plain(message) in command_words("policy_chat.words.forget")


def still_used(before: Remembered, answered: ProjectFacts, stated: ProjectFacts, rate_given: bool) -> Remembered:
    """Of what was remembered before a question, what its answer still rests on: the facts the question did not state
    itself (`stated`) and that the answer (`answered`) still holds ("Jag räknar med …" names no fact the question gave
    or replaced, nor one of a project it left behind)."""
    facts, kept = before.facts, {}
    if (facts.malmo_is_project_owner is not None and stated.malmo_is_project_owner is None
            and (facts.malmo_is_project_owner, facts.owner_is_company)
            == (answered.malmo_is_project_owner, answered.owner_is_company)):
        kept.update(malmo_is_project_owner=facts.malmo_is_project_owner, owner_is_company=facts.owner_is_company)
    for name in ("eu_funding", "programme", "submission_date"):
        if getattr(facts, name) is not None and getattr(stated, name) is None \
                and getattr(facts, name) == getattr(answered, name):
            kept[name] = getattr(facts, name)
    budget = ("total_budget", "currency", "budget_bound")
    if facts.total_budget is not None and stated.total_budget is None \
            and all(getattr(facts, n) == getattr(answered, n) for n in budget):
        kept.update({n: getattr(facts, n) for n in budget})
    return Remembered(ProjectFacts(**kept), None if rate_given else before.eur_sek_rate)


def describe_remembered(remembered: Remembered, lang: Language) -> str | None:
    """What is remembered, as a sentence for the answer card ("Jag räknar med …"); None when nothing is."""
    facts = remembered.facts
    parts: list[str] = []
    if facts.malmo_is_project_owner is not None:
        parts.append(text("policy_chat.memory.facts." + ("owner" if facts.malmo_is_project_owner else "partner"), lang))
    if facts.eu_funding is not None:
        parts.append(text("policy_chat.memory.facts." + ("eu_funding" if facts.eu_funding else "no_eu_funding"), lang))
    if facts.total_budget is not None:
        key = "format.eur" if facts.currency == "EUR" else "format.sek"
        amount = text(key, lang, amount=format_amount(facts.total_budget, lang))
        parts.append(text(f"policy_chat.memory.facts.budget.{facts.budget_bound}", lang, amount=amount))
    if facts.programme:
        parts.append(text("policy_chat.memory.facts.programme", lang, programme=facts.programme))
    if facts.submission_date is not None:
        parts.append(text("policy_chat.memory.facts.submission", lang, date=format_date(facts.submission_date, lang)))
    if remembered.eur_sek_rate is not None:
        rate = format_amount(Decimal(str(remembered.eur_sek_rate)), lang)
        parts.append(text("policy_chat.memory.facts.rate", lang, rate=rate))
    if not parts:
        return None
    return text("policy_chat.memory.used", lang, facts=text("policy_chat.memory.separator", lang).join(parts))
