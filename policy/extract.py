"""Facts read out of a question: project owner or partner, EU funding and programme, total
budget, submission date, and any section the question names. The words are data (facts.yaml,
programmes.yaml); what is not said stays unknown (None), never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from policy.amounts import Amount, AmountReader
from policy.model import ProjectFacts
from policy.normalise import clean, fold


@dataclass(frozen=True)
class Extraction:
    facts: ProjectFacts
    amounts: list[Amount] = field(default_factory=list)
    budget_is_part: bool = False  # the budget figure is Malmö's share or the grant, not the total
    section_refs: list[str] = field(default_factory=list)

    @property
    def mentions_amount(self) -> bool:
        return any(a.kind != "threshold" for a in self.amounts)


def _any(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{fold(p)})" for p in patterns))


class FactReader:
    def __init__(self, vocab: dict[str, Any], programmes: dict[str, Any], section_ids: set[str]) -> None:
        self.amounts = AmountReader(vocab["amounts"])
        owner = vocab["project_owner"]
        self._owner_rules = [(None, _any(owner["ambiguous"])), (False, _any(owner["partner"])), (True, _any(owner["owner"]))]
        eu = vocab["eu_funding"]
        self._not_eu = _any(eu["not_eu"])
        self._eu_words = _any(eu["eu_words"])
        self._funding_words = _any(eu["funding_words"])
        self._programmes: list[tuple[re.Pattern[str], bool, str, bool]] = []
        tails = "|".join(re.escape(fold(t)) for t in programmes.get("compound_tails", []))
        for programme in programmes["programmes"]:
            sensitive = bool(programme.get("case_sensitive"))
            for alias in sorted(programme["aliases"], key=len, reverse=True):
                text = alias if sensitive else fold(alias)
                pattern = re.compile(rf"(?<![\w]){re.escape(text)}(?:(?![\w])|(?=(?:{tails})\b))")
                self._programmes.append((pattern, sensitive, programme["name"], programme.get("eu", True)))
        submission = vocab["submission_date"]
        self._submission_cue = _any([rf"\b{re.escape(fold(c))}" for c in submission["cues"]])
        self.months = {fold(k): v for k, v in submission["months"].items()}
        month = "|".join(sorted(self.months, key=len, reverse=True))
        self._dates = [
            ("ymd", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
            ("dmy", re.compile(rf"\b(\d{{1,2}}) ({month})\.?(?: (\d{{4}}))?\b")),
            ("mdy", re.compile(rf"\b({month})\.? (\d{{1,2}})(?:st|nd|rd|th)?,?(?: (\d{{4}}))?\b")),
        ]
        self.section_ids = section_ids
        words = "|".join(re.escape(fold(w)) for w in vocab["section_reference"]["words"])
        self._section_named = re.compile(rf"(?:{words}) ?(\d+(?:\.\d+)*[a-c]?)\b")
        self._section_bare = re.compile(r"(?<![\w.,])(\d+\.\d+(?:\.\d+)?)(?![\w]|[.,]\d)")

    def read(self, question: str, threshold: Decimal, today: date) -> Extraction:
        text = fold(clean(question))
        amounts = self.amounts.read(text, threshold)
        budget, is_part = _budget(amounts)
        programme, programme_is_eu = self._programme(question, text)
        facts = ProjectFacts(
            malmo_is_project_owner=self._owner(text),
            eu_funding=self._eu_funding(text, programme, programme_is_eu),
            total_budget=budget.value if budget else None,
            currency=budget.currency if budget else None,
            budget_bound=("at_least" if is_part and budget.bound == "exact" else budget.bound) if budget else "exact",
            programme=programme,
            submission_date=self._submission_date(text, today),
        )
        return Extraction(facts, amounts, is_part, self._sections(text))

    def _owner(self, text: str) -> bool | None:
        for verdict, pattern in self._owner_rules:
            if pattern.search(text):
                return verdict
        return None

    def _programme(self, question: str, text: str) -> tuple[str | None, bool]:
        for pattern, sensitive, name, is_eu in self._programmes:
            if pattern.search(question if sensitive else text):
                return name, is_eu
        return None, False

    def _eu_funding(self, text: str, programme: str | None, programme_is_eu: bool) -> bool | None:
        if self._not_eu.search(text) or (programme and not programme_is_eu):
            return False
        if programme:
            return True
        if self._eu_words.search(text) and self._funding_words.search(text):
            return True
        return None

    def _submission_date(self, text: str, today: date) -> date | None:
        if not self._submission_cue.search(text):
            return None
        for form, pattern in self._dates:
            for m in pattern.finditer(text):
                if form == "ymd":
                    y, mo, d = int(m[1]), int(m[2]), int(m[3])
                elif form == "dmy":
                    d, mo, y = int(m[1]), self.months[m[2]], int(m[3] or today.year)
                else:
                    mo, d, y = self.months[m[1]], int(m[2]), int(m[3] or today.year)
                try:
                    return date(y, mo, d)
                except ValueError:
                    continue
        return None

    def _sections(self, text: str) -> list[str]:
        found = [m[1] for m in self._section_named.finditer(text)]
        found += [m[1] for m in self._section_bare.finditer(text)]
        seen: list[str] = []
        for sid in found:
            if sid in self.section_ids and sid not in seen:
                seen.append(sid)
        return seen


def _budget(amounts: list[Amount]) -> tuple[Amount | None, bool]:
    """The amount that tells most about the total budget, and whether it is only a part of it."""
    facts = [a for a in amounts if a.kind != "threshold"]
    for kind in ("total", "unmarked"):
        chosen = next((a for a in facts if a.kind == kind), None)
        if chosen:
            return chosen, False
    # Only parts (share, grant): the largest one is a floor under the total, if it bounds at all.
    parts = [a for a in facts if a.bound in ("exact", "at_least")]
    if parts:
        return max(parts, key=lambda a: a.value), True
    return None, False
