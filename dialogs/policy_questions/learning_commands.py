"""KS förvaltning teaches Lotsen in chat (issue "Policy answers that hold on questions nobody wrote for them"):

- "obesvarade frågor": what the policy could not answer; "dåliga svar": answers marked 👎; "osäkra frågor":
  where Lotsen asked "Menar du …?" and what was chosen; "ämnen": the topics a question can be taught to;
  "lärda frågor": what is taught now;
- "lär Lotsen: <fråga> → <ämne>" (also "->"): the question, and questions close to it, are about that topic,
  for everyone from the next question on (`dialogs.policy_questions.teachings_cache`); the topic is its id or its title, in
  either language, whatever the case and diacritics;
- "glöm lärd fråga: <fråga>": the question is answered as before it was taught.

KS coordinators and administrators only (`storage.access.can_see_all_organisations`, which `teach` checks too);
anyone else is told who may. The lists keep no identity of who asked, so they may be shown in a channel too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.common.input_parsing import command_words, plain
from dialogs.common.turn import Turn
from dialogs.policy_questions.learning_cards import (
    bad_answers_card,
    clarifications_card,
    taught_card,
    topic_title,
    topics_card,
    unanswered_card,
)
from dialogs.common.turn_user import acting_user
from dialogs.common.cards import Card
from dialogs.common.replies import card_message
from policy import load_policy, teaching_text
from storage.access import AccessDenied, can_see_all_organisations
from storage.models import User
from storage.policy_learning import (
    active_teachings,
    list_bad_answers,
    list_clarifications,
    teach,
    teaching_key,
)
from storage.questions import list_unanswered_questions
from storage.users import get_user
from texts import LANGUAGES, Language, lookup, text

LIST_LIMIT = 20
TAUGHT_LIMIT = 100

ListAction = Literal["unanswered", "bad_answers", "clarifications", "topics", "taught"]
LISTS: tuple[ListAction, ...] = ("unanswered", "bad_answers", "clarifications", "topics", "taught")


@dataclass(frozen=True)
class LearningRequest:
    action: Literal["unanswered", "bad_answers", "clarifications", "topics", "taught", "teach", "forget"]
    question: str = ""
    topic: str = ""  # as typed: an id or a title
    usage: bool = False  # the command was recognised but not its parts: answer how to write it


def find_topic(typed: str) -> str | None:
    """The topic id `typed` names: its id ("partner_cities", "partner cities") or its title in either
    language ("Partnerstäder", "partnerstader"); None when none does."""
    wanted = plain(typed)
    if not wanted:
        return None
    policy = load_policy()
    for topic in policy.topic_ids:
        names = {plain(topic), plain(topic.replace("_", " "))}
        names |= {plain(policy.topic_title(topic, lang)) for lang in LANGUAGES}
        if wanted in names:
            return topic
    return None


def _split_at_arrow(rest: str) -> tuple[str, str] | None:
    """(question, topic) of "<fråga> → <ämne>": the last arrow separates, so a question may hold one."""
    found = [(rest.rfind(arrow), arrow) for lang in LANGUAGES for arrow in lookup("learning.words.arrows", lang)]
    index, arrow = max(found)
    if index < 0:
        return None
    question, topic = rest[:index].strip(), rest[index + len(arrow):].strip()
    return (question, topic) if question and topic else None


class LearningCommands:
    """A `dialogs.common.chat_commands.ChatCommand`; see the module's doc."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], limit: int = LIST_LIMIT) -> None:
        self._session_factory = session_factory
        self._limit = limit

    def recognise(self, message: str, value: object, lang: Language) -> LearningRequest | None:
        message = " ".join((message or "").split())
        if not message:
            return None
        folded = plain(message)
        for action in LISTS:
            if folded in command_words(f"learning.words.{action}"):
                return LearningRequest(action)
        head, colon, rest = message.partition(":")
        if not colon:
            return None
        command = plain(head)
        if command in command_words("learning.words.teach"):
            split = _split_at_arrow(rest)
            if split is None:
                return LearningRequest("teach", usage=True)
            return LearningRequest("teach", question=split[0], topic=split[1])
        if command in command_words("learning.words.forget"):
            question = rest.strip()
            return LearningRequest("forget", question=question, usage=not teaching_text(question))
        return None

    async def handle(self, turn: Turn, request: object) -> None:
        lang = turn.lang
        assert isinstance(request, LearningRequest)
        turn_context = turn.context
        async with self._session_factory.begin() as session:
            user = await acting_user(session, turn_context)
            # Refused before anything is looked up, so that a refusal says nothing about what there is.
            if user is None or not can_see_all_organisations(user):
                reply: str | Card = text("learning.not_allowed", lang)
            else:
                reply = await self._reply(session, user, request, lang)
        if isinstance(reply, str):
            await turn_context.send_activity(reply)
        else:
            await turn_context.send_activity(card_message(reply))

    async def _reply(self, session: AsyncSession, user: User, request: LearningRequest,
                     lang: Language) -> str | Card:
        if request.action == "unanswered":
            return unanswered_card(await list_unanswered_questions(session, limit=self._limit), lang)
        if request.action == "bad_answers":
            return bad_answers_card(await list_bad_answers(session, limit=self._limit), lang)
        if request.action == "clarifications":
            return clarifications_card(await list_clarifications(session, limit=self._limit), lang)
        if request.action == "topics":
            return topics_card(lang)
        if request.action == "taught":
            return await self._taught(session, lang)
        if request.action == "teach":
            return await self._teach(session, user, request, lang)
        return await self._forget(session, user, request, lang)

    @staticmethod
    async def _taught(session: AsyncSession, lang: Language) -> Card:
        teachings = (await active_teachings(session))[-TAUGHT_LIMIT:]
        teachers: dict[int, str] = {}
        for user_id in {taught.taught_by_user_id for taught in teachings} - {None}:
            assert user_id is not None
            teacher = await get_user(session, user_id)
            if teacher is not None:
                teachers[user_id] = teacher.name
        return taught_card(teachings, teachers, lang)

    @staticmethod
    async def _teach(session: AsyncSession, user: User, request: LearningRequest, lang: Language) -> str:
        if request.usage:
            return text("learning.teach.usage", lang)
        topic = find_topic(request.topic)
        if topic is None:
            return text("learning.teach.unknown_topic", lang, topic=request.topic)
        normalised = teaching_text(request.question)
        if not normalised:
            return text("learning.teach.usage", lang)
        try:
            await teach(session, question=request.question, normalised=normalised, topic=topic, actor=user)
        except AccessDenied:
            return text("learning.not_allowed", lang)
        return text("learning.teach.done", lang, question=request.question, title=topic_title(topic, lang),
                    topic=topic)

    @staticmethod
    async def _forget(session: AsyncSession, user: User, request: LearningRequest, lang: Language) -> str:
        if request.usage:
            return text("learning.forget.usage", lang)
        normalised = teaching_text(request.question)
        taught = {row.normalised for row in await active_teachings(session)}
        if teaching_key(normalised) not in taught:
            return text("learning.forget.not_taught", lang, question=request.question)
        try:
            await teach(session, question=request.question, normalised=normalised, topic=None, actor=user)
        except AccessDenied:
            return text("learning.not_allowed", lang)
        return text("learning.forget.done", lang, question=request.question)
