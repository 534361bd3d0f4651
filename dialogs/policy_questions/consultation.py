"""A short consultation: asks only for the facts a question about routine 4.1 lacked, then gives the verdict.

The dialog's state is plain JSON (the question, its topic, the language, the rate and the facts so far), so
that it survives a restart: the next message after a restart continues with the next question. It starts from
what the conversation remembers (the answer's facts) and keeps each fact it learns there too
(`dialogs.policy_questions.memory`), so that the next question knows it as well.
"""

from __future__ import annotations

from typing import Any

from botbuilder.core import MessageFactory
from botbuilder.dialogs import (
    ComponentDialog,
    DialogContext,
    DialogTurnResult,
    PromptOptions,
    PromptValidatorContext,
    TextPrompt,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.schema import ActionTypes, CardAction, SuggestedActions

from dialogs.policy_questions.answer_cards import answer_card, new_ref
from dialogs.common.cpu_work import run_cpu_bound_unless_short
from dialogs.common.chat_commands import PASSED_ON
from dialogs.common.input_parsing import command_words, parse_role, parse_yes_no, plain
from dialogs.policy_questions.memory import PolicyMemory
from dialogs.common.replies import card_message
from policy import ProjectFacts, answer, evaluate_eu_routine, missing_fact_question, parse_amount
from storage.application_data import MalmoRole
from texts import Language, text

YES_NO_FACTS = {"project_owner": "malmo_is_project_owner", "eu_funding": "eu_funding"}


def yes_or_no(message: str) -> bool | None:
    """Yes or no; to "is Malmö the project owner?" the role itself ("projektägare", "partner") answers too."""
    answer = parse_yes_no(message)
    if answer is None and (role := parse_role(message)) is not None:
        answer = role == MalmoRole.OWNER
    return answer


class ConsultationDialog(ComponentDialog):
    YES_NO_PROMPT = "yes_no_prompt"
    AMOUNT_PROMPT = "amount_prompt"
    STEPS = "consultation_steps"

    def __init__(self, eur_sek_rate: float | None, memory: PolicyMemory) -> None:
        super().__init__(ConsultationDialog.__name__)
        self._eur_sek_rate = eur_sek_rate
        self._memory = memory
        self.add_dialog(TextPrompt(self.YES_NO_PROMPT, self._is_yes_or_no))
        self.add_dialog(TextPrompt(self.AMOUNT_PROMPT, self._is_amount))
        self.add_dialog(WaterfallDialog(self.STEPS, [self._ask_next_fact, self._record_fact]))
        self.initial_dialog_id = self.STEPS

    async def continue_dialog(self, dc: DialogContext) -> DialogTurnResult:
        # A new question while a fact is asked for ends the consultation and is answered as the question it is;
        # the facts given so far are remembered, so its answer knows them. Not "svara ja eller nej" to it.
        if _a_new_question(dc.context.activity.text or ""):
            return await dc.end_dialog({PASSED_ON: True})
        return await super().continue_dialog(dc)

    @staticmethod
    def options(question: str, lang: Language, facts: ProjectFacts, *, topic: str | None = None,
                eur_sek_rate: float | None = None) -> dict[str, Any]:
        """`topic`: the first answer's, so that the verdict answers the same question; `eur_sek_rate`: the rate
        the first answer used (the official's own, or the configured one)."""
        return {"question": question, "lang": lang, "facts": facts.model_dump(mode="json"), "topic": topic,
                "eur_sek_rate": eur_sek_rate}

    def _rate(self, options: dict[str, Any]) -> float | None:
        # Consultations begun before the rate was kept in their state use the configured one.
        rate = options.get("eur_sek_rate")
        return rate if isinstance(rate, (int, float)) and not isinstance(rate, bool) else self._eur_sek_rate

    async def _ask_next_fact(self, step: WaterfallStepContext) -> DialogTurnResult:
        options = step.options
        lang: Language = options["lang"]
        facts = ProjectFacts.model_validate(options["facts"])
        rate = self._rate(options)
        routine = evaluate_eu_routine(facts, eur_sek_rate=rate, lang=lang)
        if not routine.missing_facts:
            final = await run_cpu_bound_unless_short(answer, options["question"], lang=lang, eur_sek_rate=rate,
                                                     facts=facts, topic=options.get("topic"))
            await self._memory.remember_facts(step.context, final.facts)
            offer = bool(final.verdict and final.verdict.routine_applies)
            card = answer_card(final, lang, offer_registration=offer, feedback_ref=new_ref())
            await step.context.send_activity(card_message(card))
            return await step.end_dialog(final.verdict.model_dump() if final.verdict else None)

        missing = routine.missing_facts[0]
        step.values["missing"] = missing
        question = missing_fact_question(missing, lang)
        if missing in YES_NO_FACTS:
            prompt = MessageFactory.text(question)
            prompt.suggested_actions = _yes_no_buttons(lang)
            retry = MessageFactory.text(text("consultation.retry_yes_no", lang))
            retry.suggested_actions = _yes_no_buttons(lang)
            return await step.prompt(self.YES_NO_PROMPT, PromptOptions(prompt=prompt, retry_prompt=retry))
        return await step.prompt(
            self.AMOUNT_PROMPT,
            PromptOptions(
                prompt=MessageFactory.text(question),
                retry_prompt=MessageFactory.text(text("consultation.retry_amount", lang)),
            ),
        )

    async def _record_fact(self, step: WaterfallStepContext) -> DialogTurnResult:
        options = dict(step.options)
        facts = dict(options["facts"])
        missing = step.values["missing"]
        if missing in YES_NO_FACTS:
            facts[YES_NO_FACTS[missing]] = yes_or_no(step.result)
        else:
            amount, currency = parse_amount(step.result)
            facts["total_budget"] = str(amount)
            facts["currency"] = currency
            # A reply to "what is the total budget?" is the total itself, whatever bound a question implied.
            facts["budget_bound"] = "exact"
        options["facts"] = facts
        # Remembered at once: a question asked before the consultation ends knows this fact too.
        await self._memory.remember_facts(step.context, ProjectFacts.model_validate(facts))
        return await step.replace_dialog(self.STEPS, options)

    @staticmethod
    async def _is_yes_or_no(prompt: PromptValidatorContext) -> bool:
        return prompt.recognized.succeeded and yes_or_no(prompt.recognized.value or "") is not None

    @staticmethod
    async def _is_amount(prompt: PromptValidatorContext) -> bool:
        return prompt.recognized.succeeded and parse_amount(prompt.recognized.value or "") is not None


# A question of its own, not an answer: it asks ("?") in three words or more, or it opens with a question word
# (texts: consultation.question_words; "vad menas med projektägare", "gäller det även partnerprojekt").
# "Finansieringen kommer från Interreg" and "vi är bara partner i projektet" stay answers; "Vad menas med
# projektägare?" is not read as "ja".
def _a_new_question(message: str) -> bool:
    words = message.split()
    if len(words) < 3:
        return False
    return message.rstrip().endswith("?") or plain(words[0]) in command_words("consultation.question_words")


def _yes_no_buttons(lang: Language) -> SuggestedActions:
    labels = (text("consultation.answer_yes", lang), text("consultation.answer_no", lang))
    return SuggestedActions(actions=[CardAction(type=ActionTypes.im_back, title=label, value=label) for label in labels])
