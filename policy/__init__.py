"""Lotsen's policy module: Malmö stad's policy for international work as data, the 4.1 routine
as rules, and question answering with citations. Pure Python: no botbuilder, no network, no
database, nothing else of the project imported.

    from policy import answer
    answer("Måste jag informera KS om vår ansökan?").answer
"""

from policy.answering import answer
from policy.budget import BudgetCheck, check_budget, in_sek, resolve_rate, threshold_on
from policy.errors import (
    InvalidInputError,
    NotInForceError,
    PolicyDataError,
    PolicyError,
    UnknownParameterError,
    UnknownSectionError,
)
from policy.loader import PolicyData, get_section, load_policy
from policy.model import (
    Answer,
    Citation,
    Obligation,
    ProjectFacts,
    RoutineResult,
    Section,
    TopicOption,
    Verdict,
)
from policy.teachings import Teachings, teaching_text
from policy.parameters import parameter_entry, parameter_value
from policy.replies import parse_amount
from policy.rules import evaluate_eu_routine, missing_fact_question

__all__ = [
    "Answer",
    "BudgetCheck",
    "Citation",
    "InvalidInputError",
    "NotInForceError",
    "Obligation",
    "PolicyData",
    "PolicyDataError",
    "PolicyError",
    "ProjectFacts",
    "RoutineResult",
    "Section",
    "Teachings",
    "TopicOption",
    "UnknownParameterError",
    "UnknownSectionError",
    "Verdict",
    "answer",
    "check_budget",
    "evaluate_eu_routine",
    "get_section",
    "in_sek",
    "load_policy",
    "missing_fact_question",
    "parameter_entry",
    "parameter_value",
    "parse_amount",
    "resolve_rate",
    "teaching_text",
    "threshold_on",
]
