"""The cards of KS förvaltning's learning commands: unanswered questions, answers marked 👎, the questions
Lotsen was unsure about, the topics, and the taught questions.

Times are stored in UTC and shown as Malmö reads them ("3 mars 2026 kl. 14.05"). Topics are named by their
short title from the policy module, with the id a coordinator types in "lär Lotsen: … → …".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


from dialogs.common.cards import Card, adaptive_card
from dialogs.common.formatting import format_moment
from policy import load_policy
from storage.models import AnswerFeedback, Clarification, TaughtQuestion, UnansweredQuestion
from texts import Language, text

# Questions are shown whole up to this many characters: a card in Teams must stay under about 28 KB.
QUESTION_SHOWN_LENGTH = 300


def topic_title(topic: str | None, lang: Language) -> str:
    """A topic's short title ("Partnerstäder"); the id itself for a topic the policy no longer has."""
    if topic is None:
        return text("learning.no_topic", lang)
    policy = load_policy()
    return policy.topic_title(topic, lang) if topic in policy.topic_ids else topic


def _heading(value: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "weight": "Bolder", "size": "Large", "wrap": True}


def _line(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True, "spacing": "Small", **style}


def _meta(value: str) -> dict[str, Any]:
    return _line(value, isSubtle=True, size="Small", spacing="Medium")


def _shown(question: str) -> str:
    question = " ".join(question.split())
    return question if len(question) <= QUESTION_SHOWN_LENGTH else question[:QUESTION_SHOWN_LENGTH - 1] + "…"


def _card(kind: str, count: int, lang: Language, entries: list[dict[str, Any]]) -> Card:
    body = [_heading(text(f"learning.{kind}.title", lang))]
    if not count:
        body.append(_line(text(f"learning.{kind}.none", lang)))
    else:
        body.append(_line(text(f"learning.{kind}.intro", lang, count=count), isSubtle=True))
        body += entries
    return adaptive_card(body)


def unanswered_card(questions: Sequence[UnansweredQuestion], lang: Language) -> Card:
    entries = []
    for question in questions:
        language = text(f"learning.languages.{question.lang}", lang) if question.lang in ("sv", "en") else question.lang
        entries += [_meta(text("learning.unanswered.meta", lang, when=format_moment(question.asked_at, lang),
                               language=language)),
                    _line(_shown(question.text))]
    return _card("unanswered", len(questions), lang, entries)


def bad_answers_card(votes: Sequence[AnswerFeedback], lang: Language) -> Card:
    entries = []
    for vote in votes:
        entries += [_meta(text("learning.bad_answers.meta", lang, when=format_moment(vote.updated_at, lang),
                               topic=topic_title(vote.topic, lang))),
                    _line(_shown(vote.question))]
    return _card("bad_answers", len(votes), lang, entries)


def clarifications_card(clarifications: Sequence[Clarification], lang: Language) -> Card:
    entries = []
    for asked in clarifications:
        when = format_moment(asked.asked_at, lang)
        meta = (text("learning.clarifications.meta_chosen", lang, when=when, chosen=topic_title(asked.chosen, lang))
                if asked.chosen else text("learning.clarifications.meta_open", lang, when=when))
        offered = ", ".join(topic_title(topic, lang) for topic in asked.offered)
        entries += [_meta(meta), _line(_shown(asked.question)),
                    _line(text("learning.clarifications.offered", lang, topics=offered), isSubtle=True)]
    return _card("clarifications", len(clarifications), lang, entries)


def topics_card(lang: Language) -> Card:
    policy = load_policy()
    entries = [_line(text("learning.topics.entry", lang, title=policy.topic_title(topic, lang), topic=topic))
               for topic in policy.topic_ids]
    body = [_heading(text("learning.topics.title", lang)), _line(text("learning.topics.intro", lang), isSubtle=True),
            *entries]
    return adaptive_card(body)


def taught_card(teachings: Sequence[TaughtQuestion], teachers: Mapping[int, str], lang: Language) -> Card:
    """`teachers`: user id → name; a teaching without a user is the operator's command line."""
    entries = []
    for taught in reversed(teachings):  # newest first
        who = (teachers.get(taught.taught_by_user_id, "") if taught.taught_by_user_id is not None
               else text("learning.operator", lang))
        entries += [_meta(text("learning.taught.meta", lang, when=format_moment(taught.taught_at, lang), who=who)),
                    _line(text("learning.taught.entry", lang, question=_shown(taught.question),
                               title=topic_title(taught.topic, lang), topic=taught.topic))]
    return _card("taught", len(teachings), lang, entries)
