"""The routine of section 4.1 (EU funding where Malmö stad is project owner) as rules.

Three-valued throughout: a verdict field is True, False, or None when it depends on a fact that
is not known, and then that fact is listed in `missing_facts`. The rules themselves (which
obligations, their conditions, their words) come from the policy version in force.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from policy.budget import BudgetCheck, check_budget, threshold_on
from policy.dates import today
from policy.errors import InvalidInputError
from policy.loader import PolicyData, load_policy
from policy.model import Citation, Lang, MissingFact, Obligation, ProjectFacts, RoutineResult, Verdict


def _and(a: bool | None, b: bool | None) -> bool | None:
    """Kleene's AND: False wins, then unknown."""
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _reaches(check: BudgetCheck | None, bound: str) -> bool | None:
    """Whether the total budget is at or above the threshold, given how the figure bounds it."""
    if check is None:
        return None
    if bound == "exact":
        return check.reaches
    if bound == "at_least":
        return True if check.reaches else None
    if bound == "below":  # "under 12 miljoner": below the threshold even when the figure is the threshold
        return False if check.budget_sek <= check.threshold_sek else None
    return False if not check.reaches else None  # at_most


def evaluate_eu_routine(
    facts: ProjectFacts,
    on: date | None = None,
    eur_sek_rate: float | None = None,
    lang: Lang = "sv",
    *,
    policy: PolicyData | None = None,
) -> RoutineResult:
    """Which 4.1 obligations apply to a project, each with its citation.

    `on` picks the policy version and parameters in force; without it the submission date
    counts (the rules at the time of applying), else today. `eur_sek_rate` is SEK per EUR for
    budgets in euro; without it the configured default is used, and the answer states the rate.
    """
    policy = policy or load_policy()
    on = on or facts.submission_date or today()
    version = policy.version_on(on)
    rule = version.eu_routine
    section = version.section(rule.section)
    assert section is not None  # checked when the data was loaded
    texts = policy.texts
    threshold = threshold_on(on, policy=policy)
    margin = Decimal(str(policy.parameter_value("uncertainty_margin", on)))

    owner, eu = facts.malmo_is_project_owner, facts.eu_funding
    applies = False if owner is False or eu is False else (True if owner and eu else None)

    check = (check_budget(facts.total_budget, facts.currency, on, eur_sek_rate, policy=policy)
             if facts.total_budget is not None else None)
    budget_sek = check.budget_sek if check else None
    rate_used = check.rate_used if check else None
    reaches = _reaches(check, facts.budget_bound)
    # Uncertain: a converted amount decides the information item but lies close to the threshold.
    uncertain = (
        applies is not False and rate_used is not None and reaches is not None and budget_sek is not None
        and abs(budget_sek - threshold) <= margin * threshold
    )
    verdict = Verdict(
        routine_applies=applies,
        inform_ks_administration=applies,
        information_item_to_ks=_and(applies, reaches),
    )

    missing: list[MissingFact] = []
    if applies is None:
        if owner is None:
            missing.append("project_owner")
        if eu is None:
            missing.append("eu_funding")
    if verdict.information_item_to_ks is None and reaches is None:
        missing.append("total_budget")

    obligations: list[Obligation] = []
    if applies is not False:
        for ob in rule.obligations:
            ob_applies = applies if ob.condition == "always" else verdict.information_item_to_ks
            if ob_applies is False:
                continue
            ob_threshold = (texts.money(Decimal(str(policy.parameter_value(ob.parameter, on))), "SEK", lang)
                            if ob.parameter else "")
            due = None
            if texts.has(f"obligations.{ob.id}.due"):
                due = (texts.text(f"obligations.{ob.id}.due_with_date", lang, date=facts.submission_date.isoformat())
                       if facts.submission_date else texts.text(f"obligations.{ob.id}.due", lang))
            words = " ".join(q for q in (ob.quote, ob.due_quote) if q)
            obligations.append(Obligation(
                id=ob.id, actor=ob.actor, applies=ob_applies,
                text=texts.text(f"obligations.{ob.id}.text", lang, threshold=ob_threshold),
                due_note=due,
                citation=Citation(section=section.id, title=section.title.get(lang), quote=words),
            ))

    explanation = _explain(facts, applies, reaches, budget_sek, rate_used, uncertain, threshold, missing, lang, policy)
    citations = [Citation(section=section.id, title=section.title.get(lang), quote=rule.scope_quote)]
    return RoutineResult(
        on=on, policy_version=version.id, obligations=obligations, verdict=verdict, missing_facts=missing,
        threshold_sek=threshold, budget_sek=budget_sek, rate_used=rate_used, uncertain=uncertain,
        explanation=explanation, citations=citations,
    )


def _explain(facts: ProjectFacts, applies: bool | None, reaches: bool | None, budget_sek: Decimal | None,
             rate_used: float | None, uncertain: bool, threshold: Decimal, missing: list[MissingFact],
             lang: Lang, policy: PolicyData) -> str:
    """A few plain sentences: whether the routine applies, what it requires, what it depends on."""
    texts = policy.texts

    def t(key: str, **params: object) -> str:
        return texts.text(f"routine.{key}", lang, **params)

    threshold_text = texts.money(threshold, "SEK", lang)
    lines: list[str] = []
    budget_text = ""
    if budget_sek is not None and facts.total_budget is not None:
        shown = texts.money(facts.total_budget, facts.currency or "SEK", lang)
        if rate_used is not None:  # state the conversion and the rate used
            shown = t("converted", eur=shown, sek=texts.money(budget_sek, "SEK", lang), rate=texts.rate(rate_used, lang))
        budget_text = t(f"budget.{facts.budget_bound}", amount=shown)
    if applies is False:
        if facts.malmo_is_project_owner is False:
            lines.append(t("company_owner" if facts.owner_is_company else "not_owner"))
        else:
            lines.append(t("not_eu"))
    else:
        if applies:
            lines += [t("applies"), t("inform_yes")]
        if reaches is True:
            lines.append(t("info_item_yes" if applies else "if_applies_yes", budget=budget_text, threshold=threshold_text))
        elif reaches is False:
            lines.append(t("info_item_no", budget=budget_text, threshold=threshold_text))
        elif budget_text:
            lines.append(t("info_item_open", budget=budget_text, threshold=threshold_text))
        elif applies:
            lines.append(t("info_item_unknown", threshold=threshold_text))
        if uncertain:
            lines.append(t("uncertain"))
        if facts.total_budget is not None and facts.currency is None:
            lines.append(t("assumed_sek"))
    if missing:
        questions = " ".join(missing_fact_question(key, lang, policy=policy) for key in missing)
        lines.append(t("depends", questions=questions))
    return " ".join(lines)


def missing_fact_question(key: str, lang: Lang = "sv", *, policy: PolicyData | None = None) -> str:
    """The question to ask the user for a missing fact ("project_owner" -> "Är Malmö stad projektägare …?")."""
    texts = (policy or load_policy()).texts
    if not texts.has(f"missing.{key}", lang):
        raise InvalidInputError("unknown_missing_key", key=key)
    return texts.text(f"missing.{key}", lang)
