"""Answering a question: read its facts, pick its topic, build the answer from catalog texts.

No topic scoring high enough means out of scope: an honest answer with no citation, never a
guess. Every citation quotes the policy's own Swedish words.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from policy.dates import today
from policy.errors import InvalidInputError
from policy.extract import Extraction
from policy.language import detect_language
from policy.loader import PolicyData, load_policy
from policy.matching import Topic
from policy.model import Answer, Citation, Lang, ProjectFacts, RoutineResult
from policy.rules import THRESHOLD_PARAMETER, evaluate_eu_routine, resolve_rate
from policy.sections import quote
from policy.texts import LANGS


def answer(
    question: str,
    lang: Lang | None = None,
    on: date | None = None,
    eur_sek_rate: float | None = None,
    facts: ProjectFacts | None = None,
    *,
    policy: PolicyData | None = None,
) -> Answer:
    """Answer `question` from the policy in force on `on` (default today).

    `facts` are what an ongoing consultation already knows; facts in the question win.
    """
    policy = policy or load_policy()
    if not question or not question.strip():
        raise InvalidInputError("empty_question")
    if lang is not None and lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    if eur_sek_rate is not None:
        resolve_rate(eur_sek_rate, on or today(), policy)
    lang = lang or detect_language(question, policy.markers)
    day = on or today()
    threshold = Decimal(str(policy.parameter_value(THRESHOLD_PARAMETER, day)))
    extraction = policy.fact_reader.read(question, threshold, day)
    known = (facts or ProjectFacts()).merged_with(extraction.facts)

    ranking = policy.matcher.rank(question, extraction)
    if not ranking:
        return _out_of_scope(question, lang, known, policy)
    best = ranking[0].topic
    if best is None:
        return _section_answer(question, lang, day, known, extraction.section_refs[0], policy)
    if best.routine:
        result = evaluate_eu_routine(known, on, eur_sek_rate, lang, policy=policy)
        return _routine_answer(question, lang, best, result, known, extraction, policy)
    return _topic_answer(question, lang, day, best, known, policy)


def _citations(topic: Topic, day: date, lang: Lang, policy: PolicyData) -> list[Citation]:
    version = policy.version_on(day)
    cites = []
    for sid in topic.sections:
        section = version.section(sid)
        assert section is not None  # checked when the data was loaded
        cites.append(Citation(section=sid, title=section.title.get(lang),
                              quote=quote(section.text.sv, topic.quotes.get(sid))))
    return cites


def _duties(actor: str, day: date, lang: Lang, policy: PolicyData) -> str:
    records = [r for r in policy.version_on(day).responsibilities if r.actor == actor]
    return "\n".join(policy.texts.text("format.list_item", lang, text=r.duty.get(lang)) for r in records)


def _suggestions(key: str, lang: Lang, policy: PolicyData) -> list[str]:
    return policy.texts.texts(f"suggestions.{key}", lang)[:3]


def _topic_answer(question: str, lang: Lang, day: date, topic: Topic, known: ProjectFacts,
                  policy: PolicyData) -> Answer:
    params = {"duties": _duties(topic.duties_of, day, lang, policy)} if topic.duties_of else {}
    return Answer(
        question=question, answer=policy.texts.text(f"answers.{topic.id}", lang, **params),
        citations=_citations(topic, day, lang, policy), verdict=None, missing_facts=[], out_of_scope=False,
        lang=lang, facts=known, suggestions=_suggestions(topic.id, lang, policy), topic=topic.id,
    )


def _routine_answer(question: str, lang: Lang, topic: Topic, result: RoutineResult, known: ProjectFacts,
                    extraction: Extraction, policy: PolicyData) -> Answer:
    texts = policy.texts
    parts: list[str] = []
    if not (topic.lead_when_open and result.verdict.routine_applies is not None):
        parts.append(texts.text(f"answers.{topic.id}", lang, threshold=texts.money(result.threshold_sek, "SEK", lang)))
    asked = extraction.facts
    if extraction.budget_is_part and asked.total_budget is not None:
        parts.append(texts.text("routine.part_note", lang, amount=texts.money(asked.total_budget, asked.currency or "SEK", lang)))
    parts.append(result.explanation)
    citations = _citations(topic, result.on, lang, policy)
    if result.verdict.routine_applies is False and known.malmo_is_project_owner is False:
        for sid, words in policy.topics_doc.get("partner_support", {}).items():
            section = policy.section(sid, result.on)
            citations.append(Citation(section=sid, title=section.title.get(lang), quote=quote(section.text.sv, words)))
    return Answer(
        question=question, answer=" ".join(p for p in parts if p), citations=citations, verdict=result.verdict,
        missing_facts=list(result.missing_facts), out_of_scope=False, lang=lang, facts=known,
        suggestions=_suggestions(topic.id, lang, policy), topic=topic.id,
    )


def _section_answer(question: str, lang: Lang, day: date, known: ProjectFacts, section_id: str,
                    policy: PolicyData) -> Answer:
    section = policy.section(section_id, day)
    text = policy.texts.text("answers.section_lookup", lang, section=section.id, title=section.title.get(lang),
                             text=section.text.get(lang))
    return Answer(
        question=question, answer=text,
        citations=[Citation(section=section.id, title=section.title.get(lang), quote=section.text.sv)],
        verdict=None, missing_facts=[], out_of_scope=False, lang=lang, facts=known,
        suggestions=_suggestions("section_lookup", lang, policy), topic="section_lookup",
    )


def _out_of_scope(question: str, lang: Lang, known: ProjectFacts, policy: PolicyData) -> Answer:
    return Answer(
        question=question, answer=policy.texts.text("out_of_scope", lang), citations=[], verdict=None,
        missing_facts=[], out_of_scope=True, lang=lang, facts=known,
        suggestions=_suggestions("out_of_scope", lang, policy), topic=None,
    )
