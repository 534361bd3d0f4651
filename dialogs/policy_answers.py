"""Free text that is no command: answered from the policy module, and followed up when facts are missing."""

from __future__ import annotations

import logging

from botbuilder.core import MessageFactory
from botbuilder.dialogs import DialogContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Language
from dialogs.answer_cards import answer_card
from dialogs.consultation import ConsultationDialog
from policy import answer
from storage.questions import record_unanswered_question

logger = logging.getLogger("lotsen.questions")


class PolicyQuestions:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], eur_sek_rate: float | None) -> None:
        self._session_factory = session_factory
        self._eur_sek_rate = eur_sek_rate

    async def answer(self, dialog_context: DialogContext, question: str, locale_lang: Language) -> None:
        result = answer(question, eur_sek_rate=self._eur_sek_rate)
        lang: Language = result.lang if result.lang in ("sv", "en") else locale_lang
        await dialog_context.context.send_activity(MessageFactory.attachment(answer_card(result, lang)))
        if result.out_of_scope:
            # Kept for KS förvaltning to see what officials ask that the policy does not answer; no identity.
            async with self._session_factory.begin() as session:
                await record_unanswered_question(session, question, lang)
        elif result.verdict is not None and result.missing_facts:
            await dialog_context.begin_dialog(
                ConsultationDialog.__name__, ConsultationDialog.options(question, lang, result.facts)
            )
