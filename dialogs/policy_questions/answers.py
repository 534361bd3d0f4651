"""Free text that is no command: answered from the policy module, and followed up when facts are missing.

Each question is answered knowing what the conversation told Lotsen before (`dialogs.policy_questions.memory`) and what
KS coordinators have taught (`dialogs.policy_questions.teachings_cache`). What the answer is decides the reply:

- a cited answer (or a section looked up by number): the answer card, with "Hjälpte svaret? 👍 / 👎"; a
  question for the verdict on routine 4.1 that lacks facts goes on with the consultation (`ConsultationDialog`);
- "clarify", Lotsen is unsure: "Menar du …?" with a button per topic it hesitated between; the press answers
  the question on the chosen topic. An out-of-scope answer that names a policy concept offers topics too;
- "out_of_scope": kept for KS förvaltning (`storage.questions`), without who asked;
- "feature", the question asks for one of Lotsen's own jobs: the button that starts it, or, for KS
  förvaltning's views (report status, contact persons), the view itself to those who may see it.

The presses of those cards, and "glöm uppgifterna", are recognised here (`recognise`) and answered at once,
whatever dialog is running: a vote or a forgetting leaves it where it was.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from botbuilder.core import TurnContext
from botbuilder.dialogs import DialogContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.policy_questions.answer_cards import (
    CHOICE_ACTION,
    FEEDBACK_ACTION,
    ChoicePress,
    FeedbackPress,
    answer_card,
    choices_card,
    feature_card,
    is_press,
    new_ref,
    read_choice,
    read_feedback,
)
from dialogs.common.chat_commands import ChatCommand
from dialogs.policy_questions.consultation import ConsultationDialog
from dialogs.common.cpu_work import run_cpu_bound_unless_short
from dialogs.common.formatting import format_amount
from dialogs.policy_questions.memory import (PolicyMemory, Remembered, describe_remembered, is_forget_request,
                                              still_used)
from dialogs.policy_questions.teachings_cache import TeachingsCache
from dialogs.common.turn_user import acting_user
from dialogs.common.replies import card_message
from dialogs.common.turn import Turn
from policy import Answer, InvalidInputError, answer, load_policy
from storage.access import can_see_all_organisations
from storage.policy_learning import get_clarification, record_clarification, record_clarification_choice, record_feedback
from storage.questions import record_unanswered_question
from texts import LANGUAGES, Language, text

logger = logging.getLogger("lotsen.questions")

# Answers that carry "Hjälpte svaret?": a cited answer or a section; not a question back, a feature or a refusal.
FEEDBACK_KINDS = frozenset({"answer", "section"})


@dataclass(frozen=True)
class PolicyRequest:
    """A press on a policy card, or "glöm uppgifterna"; `unreadable` a press whose data is not ours."""

    kind: Literal["feedback", "choice", "forget", "unreadable"]
    feedback: FeedbackPress | None = None
    choice: ChoicePress | None = None
    action: str = ""


class PolicyQuestions:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        eur_sek_rate: float | None,
        memory: PolicyMemory,
        teachings: TeachingsCache | None = None,
        views: Mapping[str, tuple[ChatCommand, object]] | None = None,
    ) -> None:
        """`views`: the command and request that show KS förvaltning's view of a feature ("report_status",
        "contacts"), for a question that asks for it."""
        self._session_factory = session_factory
        self._eur_sek_rate = eur_sek_rate
        self._memory = memory
        self._teachings = teachings or TeachingsCache()
        self._views = dict(views or {})

    # --- presses and "glöm uppgifterna" ----------------------------------------------------------------------

    @staticmethod
    def recognise(message: str, value: object) -> PolicyRequest | None:
        if is_press(value, FEEDBACK_ACTION):
            feedback = read_feedback(value)
            return PolicyRequest("feedback", feedback=feedback) if feedback else PolicyRequest(
                "unreadable", action=FEEDBACK_ACTION)
        if is_press(value, CHOICE_ACTION):
            choice = read_choice(value)
            return PolicyRequest("choice", choice=choice) if choice else PolicyRequest(
                "unreadable", action=CHOICE_ACTION)
        if is_forget_request(message):
            return PolicyRequest("forget")
        return None

    async def handle(self, turn: Turn, request: PolicyRequest) -> None:
        """A press on an answer's card or "glöm uppgifterna": answered at once, whatever dialog is running."""
        dialog_context, context, lang = turn.dialogs, turn.context, turn.lang
        if request.kind == "feedback":
            assert request.feedback is not None
            await self._vote(context, request.feedback)
        elif request.kind == "choice":
            assert request.choice is not None
            await self._choose(turn, request.choice)
        elif request.kind == "forget":
            forgotten = await self._memory.forget(context)
            if _in_consultation(dialog_context):
                await dialog_context.cancel_all_dialogs()  # it asked for facts that are forgotten now
            await context.send_activity(text("policy_chat.memory.forgotten" if forgotten else
                                             "policy_chat.memory.nothing", lang))
        else:
            key = "feedback" if request.action == FEEDBACK_ACTION else "choices"
            await context.send_activity(text(f"policy_chat.{key}.unreadable", lang))

    async def _vote(self, context: TurnContext, press: FeedbackPress) -> None:
        # No identity: what was answered and how it helped, not who pressed.
        async with self._session_factory.begin() as session:
            await record_feedback(session, answer_ref=press.ref, question=press.question, topic=press.topic,
                                  lang=press.lang, helpful=press.helpful)
        key = "policy_chat.feedback.thanks" if press.helpful else "policy_chat.feedback.thanks_not_helpful"
        await context.send_activity(text(key, press.lang))

    async def _choose(self, turn: Turn, press: ChoicePress) -> None:
        """Answers the question of a "Menar du …?" card on the topic pressed. The question and the topics
        offered are read from what was recorded when the card was shown, not from the press."""
        dialog_context, context, locale_lang = turn.dialogs, turn.context, turn.lang
        async with self._session_factory.begin() as session:
            asked = await get_clarification(session, press.ref)
            if asked is None or press.topic not in asked.offered:
                question = None
            else:
                await record_clarification_choice(session, ref=press.ref, chosen=press.topic)
                question = asked.question
        if question is None:
            await context.send_activity(text("policy_chat.choices.unreadable", locale_lang))
            return
        remembered = await self._memory.load(context)
        try:
            result = await run_cpu_bound_unless_short(answer, question, eur_sek_rate=self._rate(remembered),
                                                      facts=remembered.facts, topic=press.topic)
        except InvalidInputError:
            # A topic the policy no longer has (offered before the policy data changed).
            await context.send_activity(text("policy_chat.choices.unreadable", locale_lang))
            return
        consult = True
        if _in_consultation(dialog_context):
            await dialog_context.cancel_all_dialogs()  # a new question: the consultation's is behind us
        elif dialog_context.active_dialog is not None:
            consult = False  # answered at once; the running dialog (a registration, say) stays where it was
        await self._respond(turn, result, remembered, consult=consult)

    # --- questions -------------------------------------------------------------------------------------------

    async def answer(self, turn: Turn, question: str) -> None:
        if len(question) > max_question_length():
            # Said plainly rather than answered from the question's start, which may leave out what matters.
            await turn.send(question_too_long_reply(turn.lang))
            return
        remembered = await self._memory.load(turn.context)
        async with self._session_factory() as session:
            teachings = await self._teachings.current(session)
        # CPU work: in the worker thread, so that other conversations' turns go on meanwhile.
        result = await run_cpu_bound_unless_short(answer, question, eur_sek_rate=self._rate(remembered),
                                                  facts=remembered.facts, teachings=teachings)
        await self._respond(turn, result, remembered, consult=True)

    def _rate(self, remembered: Remembered) -> float | None:
        """The official's own rate, named in an earlier question, wins over the configured one."""
        return remembered.eur_sek_rate if remembered.eur_sek_rate is not None else self._eur_sek_rate

    async def _respond(self, turn: Turn, result: Answer, before: Remembered, *, consult: bool) -> None:
        """The answer in the language of the question when that is clear, else the Teams locale's."""
        dialog_context, context = turn.dialogs, turn.context
        lang: Language = result.lang if result.lang in LANGUAGES else turn.lang
        rate = result.eur_sek_rate if result.eur_sek_rate is not None else before.eur_sek_rate
        await self._memory.save(context, result.facts, rate)
        if result.kind == "feature":
            await self._feature(turn, result, lang)
            return
        async with self._session_factory.begin() as session:
            if result.out_of_scope:
                # Kept for KS förvaltning to see what officials ask that the policy does not answer; no identity.
                await record_unanswered_question(session, result.question, lang)
            if result.options and (result.kind == "clarify" or result.out_of_scope):
                ref = new_ref()
                await record_clarification(session, ref=ref, question=result.question,
                                           offered=[option.topic for option in result.options], lang=lang)
                card = choices_card(result, ref, lang)
            else:
                used = still_used(before, result.facts, result.stated, rate_given=result.eur_sek_rate is not None)
                note = describe_remembered(used, lang) if result.verdict is not None else None
                feedback_ref = new_ref() if result.kind in FEEDBACK_KINDS else None
                card = answer_card(result, lang, feedback_ref=feedback_ref, note=note)
        await context.send_activity(card_message(card))
        # The policy module says when the verdict is what was asked and facts for it are missing (`consult`):
        # a verdict that merely comes along with another answer is not followed by questions.
        if consult and result.consult and result.verdict is not None and result.missing_facts:
            await dialog_context.begin_dialog(
                ConsultationDialog.__name__,
                ConsultationDialog.options(result.question, lang, result.facts, topic=result.topic,
                                           eur_sek_rate=rate if rate is not None else self._eur_sek_rate),
            )

    async def _feature(self, turn: Turn, result: Answer, lang: Language) -> None:
        view = self._views.get(result.feature or "")
        if view is not None and await self._may_see_views(turn.context):
            command, request = view
            # Shown in the language the question was written in.
            await command.handle(replace(turn, lang=lang), request)
            return
        await turn.send(card_message(feature_card(result, lang)))

    async def _may_see_views(self, context: TurnContext) -> bool:
        async with self._session_factory() as session:
            user = await acting_user(session, context)
            return user is not None and can_see_all_organisations(user)


def max_question_length() -> int:
    """The longest question the policy answers, from its data (topics.yaml `decision`)."""
    return load_policy().decision.max_question_length


def question_too_long_reply(lang: Language) -> str:
    return text("too_long.question", lang, max=format_amount(Decimal(max_question_length()), lang))


def _in_consultation(dialog_context: DialogContext) -> bool:
    active = dialog_context.active_dialog
    return active is not None and active.id == ConsultationDialog.__name__

