"""The shapes of the policy data (read from policy/data) and of the module's answers.

Data models are frozen: once loaded and checked, the policy is shared by every caller.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from policy.sections import canonical_text

Lang = Literal["sv", "en"]
MissingFact = Literal["project_owner", "eu_funding", "total_budget"]
MISSING_FACT_KEYS: tuple[MissingFact, ...] = ("project_owner", "eu_funding", "total_budget")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---- policy data --------------------------------------------------------------------------


class Localised(_Frozen):
    sv: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.sv if lang == "sv" else self.en


class Section(_Frozen):
    id: str
    title: Localised
    text: Localised

    @field_validator("text")
    @classmethod
    def _canonical(cls, text: Localised) -> Localised:
        # Authors may wrap lines freely in the YAML; keep one canonical form in memory.
        return Localised(sv=canonical_text(text.sv), en=canonical_text(text.en))


class Responsibility(_Frozen):
    actor: str
    section: str
    duty: Localised


class ObligationRule(_Frozen):
    id: str
    actor: str
    condition: Literal["always", "budget_threshold"]
    parameter: str | None = None
    quote: str
    due_quote: str | None = None


class EuRoutineRule(_Frozen):
    section: str
    applies_when: str
    scope_quote: str
    obligations: list[ObligationRule]


class PolicyVersion(_Frozen):
    id: str
    title: Localised
    adopted_by: str
    valid_from: date
    valid_from_note: str | None = None
    source: str | None = None
    sections: list[Section]
    responsibilities: list[Responsibility] = Field(default_factory=list)
    eu_routine: EuRoutineRule

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


class Actor(_Frozen):
    id: str
    name: Localised
    aliases: dict[Lang, list[str]]


class ParameterValue(_Frozen):
    valid_from: date
    value: Any
    section: str | None
    also: list[str] = Field(default_factory=list)
    note: str | None = None


class Parameter(_Frozen):
    name: str = ""
    description: str
    unit: str
    values: list[ParameterValue]


class Topic(_Frozen):
    """A topic Lotsen answers (topics.yaml)."""

    id: str
    sections: list[str]
    quotes: dict[str, list[str]] = Field(default_factory=dict)
    verdict: Literal["asked", "with_facts", "with_budget"] | None = None
    lead: Literal["when_open"] | None = None
    duties_of: str | None = None
    feature: str | None = None
    first_section_when: dict[str, list[str]] = Field(default_factory=dict)


class Decision(_Frozen):
    """How sure the topic classifier must be before it answers (topics.yaml `decision`)."""

    answer_score: float
    answer_margin: float
    # Near topics that cite the same section first: the better one answers from this score up.
    same_section_score: float | None = None
    option_score: float
    options: int = Field(ge=1, le=3)
    taught_similarity: float = Field(gt=0, le=1)
    max_question_length: int = Field(gt=0)


# ---- answers ------------------------------------------------------------------------------


class Citation(BaseModel):
    section: str
    title: str
    quote: str  # the policy's own Swedish words: the whole section or the relevant part of it


class Verdict(BaseModel):
    routine_applies: bool | None
    inform_ks_administration: bool | None
    information_item_to_ks: bool | None


class ProjectFacts(BaseModel):
    malmo_is_project_owner: bool | None = None
    eu_funding: bool | None = None
    total_budget: Decimal | None = None
    currency: Literal["SEK", "EUR"] | None = None
    programme: str | None = None
    submission_date: date | None = None
    # How `total_budget` bounds the real total: "over 15 million" is at_least, "under 12 million"
    # below. Malmö's share or the grant applied for is read as at_least: the total is no smaller.
    budget_bound: Literal["exact", "at_least", "below", "at_most"] = "exact"
    # The project owner is a company (a helägt bolag, or one the city owns in part), not a nämnd: 4.1's routine is
    # the nämnders', so `malmo_is_project_owner` is False and the answer says why (Lotsen's reading, README).
    owner_is_company: bool = False

    def tell_of_a_project(self) -> bool:
        """Whether these facts say something of a real project: who owns it, or its budget. (EU funding alone
        does not: "vår Interreg-ansökan" is how officials name any application.)"""
        return self.malmo_is_project_owner is not None or self.total_budget is not None

    def merged_with(self, other: "ProjectFacts") -> "ProjectFacts":
        """These facts, overridden by every fact `other` knows.

        The budget (amount, currency, bound) moves as one. A mere bound ("our share is 4 million",
        so at least 4 million) does not replace a total already known exactly, and of two
        "at least" figures in the same currency the larger one tells more.
        """
        data = self.model_dump()
        for name in ("malmo_is_project_owner", "eu_funding", "programme", "submission_date"):
            if getattr(other, name) is not None:
                data[name] = getattr(other, name)
        if other.malmo_is_project_owner is not None:  # who owns it, said again, says whether a company does
            data["owner_is_company"] = other.owner_is_company
        if other.total_budget is not None and self._budget_yields_to(other):
            data.update(total_budget=other.total_budget, currency=other.currency, budget_bound=other.budget_bound)
        return ProjectFacts(**data)

    def _budget_yields_to(self, other: "ProjectFacts") -> bool:
        if self.total_budget is None or other.budget_bound == "exact":
            return True
        if self.budget_bound == "exact":
            return False
        both_floors = (self.budget_bound == other.budget_bound == "at_least"
                       and (self.currency or "SEK") == (other.currency or "SEK"))  # no currency reads as SEK
        return not both_floors or other.total_budget > self.total_budget  # type: ignore[operator]


class Obligation(BaseModel):
    id: str
    actor: str
    applies: bool | None  # None: depends on a fact not yet known
    text: str
    due_note: str | None
    citation: Citation


class RoutineResult(BaseModel):
    on: date
    policy_version: str
    obligations: list[Obligation]
    verdict: Verdict
    missing_facts: list[MissingFact]
    threshold_sek: Decimal
    budget_sek: Decimal | None
    rate_used: float | None  # SEK per EUR, only when a EUR amount was converted
    uncertain: bool
    explanation: str
    citations: list[Citation]


AnswerKind = Literal["answer", "clarify", "out_of_scope", "feature", "section"]
Feature = Literal["register", "my_applications", "annual_report", "report_status", "contacts"]


class TopicOption(BaseModel):
    """One of the nearest topics offered when Lotsen is unsure ("Menar du …?")."""

    topic: str
    title: str  # short enough for a Teams button (at most 36 characters)


class Answer(BaseModel):
    question: str
    answer: str
    citations: list[Citation]
    verdict: Verdict | None
    missing_facts: list[MissingFact]
    out_of_scope: bool
    lang: Lang
    facts: ProjectFacts
    suggestions: list[str]
    topic: str | None
    # answer: a cited answer; clarify: unsure, `options` are the nearest topics; out_of_scope: no citation
    # (with `options` when the question names a policy concept); feature: the user asked for one of
    # Lotsen's features (`feature`); section: a section looked up by its number.
    kind: AnswerKind = "answer"
    options: list[TopicOption] = Field(default_factory=list)
    feature: Feature | None = None
    # The official's own exchange rate when the question names one ("räkna med 11,25"); the
    # conversation remembers it for her next questions.
    eur_sek_rate: float | None = None
    # A topic was chosen from a taught question (KS coordinators' "lär Lotsen").
    taught: bool = False
    # The verdict is what was asked and facts are missing: the bot asks for them (a consultation).
    consult: bool = False
    # What the question itself said of the project (`facts` adds what the conversation remembered).
    stated: ProjectFacts = Field(default_factory=ProjectFacts)
