"""Notices that Lotsen owes someone (policy 4.1 and 3.3): added to the outbox in the turn's own transaction,
delivered after its commit and retried until they arrive (reminders/outbox.py, bot/notice_delivery.py).

What can be known in the turn is answered in the turn: a terminal chat (nobody can be written to later), no
KS conversation configured, Lotsen not installed there, or a submitter without a chat with Lotsen. Then there
is no notice, and the caller says why (a key of registration.ks_reasons or ks.review.reasons). Otherwise the
notice is on its way: the user is told so, and told again only if it cannot be delivered.
"""

from __future__ import annotations

from dataclasses import dataclass

from botbuilder.core import TurnContext
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.common.cards import ADAPTIVE_CARD_CONTENT_TYPE, Card
from settings import Settings
from storage.applications import record_ks_administration_not_reached
from storage.conversations import (
    base_conversation_id,
    get_conversation_reference,
    get_personal_reference_for_user,
    is_terminal,
)
from storage.models import Application, NoticeKind, User
from storage.notices import NoticeSpec, enqueue
from texts import Language, text


@dataclass(frozen=True)
class NotificationOutcome:
    reason: str | None  # None: the notice is on its way; else why it cannot be sent (a key of the reasons)

    @property
    def queued(self) -> bool:
        return self.reason is None


async def inform_ks_about_application(context: TurnContext, session: AsyncSession, settings: Settings,
                                      application: Application, card: Card, lang: Language
                                      ) -> NotificationOutcome:
    """KS förvaltning is informed of a registered application (4.1); a notice that cannot be sent is recorded
    in the application's history as not reached, in Swedish (KS förvaltning reads it)."""
    reason = await _ks_channel_problem(context, session, settings)
    if reason is not None:
        await record_ks_administration_not_reached(
            session, application, reason=text(f"registration.ks_reasons.{reason}", "sv"), actor=None)
        return NotificationOutcome(reason)
    await enqueue(session, NoticeSpec(
        kind=NoticeKind.KS_APPLICATION, subject_type="application", subject_id=application.id,
        recipient_conversation_id=settings.ks_administration_conversation_id, card=attachment_document(card),
        details={**_sender(context, lang), "subject_name": application.project_name,
                 "not_reached_reason_sv": text("registration.ks_reasons.unreachable", "sv")}))
    return NotificationOutcome(None)


async def inform_ks_about_annual_report(context: TurnContext, session: AsyncSession, settings: Settings,
                                        report_id: int, subject_name: str, card: Card, lang: Language
                                        ) -> NotificationOutcome:
    """KS förvaltning gets the summary of a submitted annual report (3.3)."""
    reason = await _ks_channel_problem(context, session, settings)
    if reason is not None:
        return NotificationOutcome(reason)
    await enqueue(session, NoticeSpec(
        kind=NoticeKind.KS_ANNUAL_REPORT, subject_type="annual_report", subject_id=report_id,
        recipient_conversation_id=settings.ks_administration_conversation_id, card=attachment_document(card),
        details={**_sender(context, lang), "subject_name": subject_name}))
    return NotificationOutcome(None)


async def tell_submitter(context: TurnContext, session: AsyncSession, submitter: User, report_id: int,
                         subject_name: str, card: Card, lang: Language) -> NotificationOutcome:
    """Whoever submitted an annual report hears, in their chat with Lotsen, that it was returned or approved."""
    if is_terminal(context.activity.service_url):
        return NotificationOutcome("terminal")
    record = await get_personal_reference_for_user(session, submitter.id)
    if record is None:
        return NotificationOutcome("not_installed")
    if is_terminal(record.service_url):
        return NotificationOutcome("terminal")
    await enqueue(session, NoticeSpec(
        kind=NoticeKind.REVIEW_OUTCOME, subject_type="annual_report", subject_id=report_id,
        recipient_user_id=submitter.id, card=attachment_document(card),
        details={**_sender(context, lang), "subject_name": subject_name, "recipient_name": submitter.name}))
    return NotificationOutcome(None)


async def _ks_channel_problem(context: TurnContext, session: AsyncSession, settings: Settings) -> str | None:
    """Why KS förvaltning's channel cannot be written to at all (a key of registration.ks_reasons), or None."""
    if is_terminal(context.activity.service_url):
        return "terminal"
    conversation_id = settings.ks_administration_conversation_id
    if not conversation_id:
        return "not_configured"
    if await get_conversation_reference(session, conversation_id) is None:
        return "not_installed"
    return None


def attachment_document(card: Card) -> dict[str, object]:
    """A card as the outbox keeps it (`Notice.card`): an attachment as Teams takes it, posted as it is
    (bot/notice_delivery.py)."""
    return {"contentType": ADAPTIVE_CARD_CONTENT_TYPE, "content": card}


def _sender(context: TurnContext, lang: Language) -> dict[str, str]:
    """Where to tell whoever caused the notice if it cannot be delivered: the conversation they acted in."""
    return {"sender_conversation_id": base_conversation_id(context.activity.conversation.id), "lang": lang}
