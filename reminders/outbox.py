"""The notice outbox at work: delivers what `storage.notices` holds, at once after the commit that added it,
and again with backoff while the recipient cannot be reached.

A notice is added in the transaction of what it is about (an application saved, a report submitted, returned
or approved). Its commit wakes this outbox, which claims it under a lease (as the reminder scheduler claims
reminders), posts it through the given deliverer and records the outcome, with what follows from it, in one
transaction:

- delivered: the notice is sent; for an application, KS förvaltning informed (its history);
- a passing failure (a 5xx, a timeout, 429): tried again after a pause that doubles, up to `max_backoff`;
- gone (403/404, the conversation deleted) or out of attempts: the notice failed; for an application, KS
  förvaltning not reached (its history); and whoever caused it is told in the conversation they acted in
  (an `UNDELIVERED` notice), so that they can inform the recipient another way.

An instance that dies after the commit and before the post leaves the notice pending: it is posted when this
or another instance next runs (at start-up, on the next wake-up or poll). One that dies between the post and
"sent" leaves a lease that runs out: the notice is posted again. Delivery is at least once. No botbuilder here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Unpack

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reminders.background import BackgroundWorker, WorkerOptions
from reminders.delivery import DeliveryOutcome, DeliveryStatus
from storage.applications import record_ks_administration_informed, record_ks_administration_not_reached
from storage.models import Application, Notice, NoticeKind
from storage.notices import NoticeSpec, claim_due, enqueue, mark_failed, mark_retry, mark_sent, on_enqueued

logger = logging.getLogger("lotsen.notices")


class NoticeDeliverer(Protocol):
    async def deliver(self, notice: Notice) -> DeliveryOutcome:
        """Posts one claimed notice; never raises for a delivery failure."""
        ...


@dataclass
class OutboxStats:
    delivered: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.delivered or self.retried or self.failed)


class NoticeOutbox(BackgroundWorker[Notice]):
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        deliverer: NoticeDeliverer,
        *,
        poll_seconds: float = 30.0,
        batch: int = 20,
        max_attempts: int = 10,
        **options: Unpack[WorkerOptions],
    ) -> None:
        """As `BackgroundWorker`; `poll_seconds` must be positive: every instance runs the outbox."""
        if poll_seconds <= 0:
            raise ValueError("poll_seconds must be positive")
        super().__init__(session_factory, deliverer, kind="notice", logger=logger, poll_seconds=poll_seconds,
                         batch=batch, max_attempts=max_attempts, **options)
        self._unlisten: Callable[[], None] | None = None

    # --- one round ------------------------------------------------------------------------------------------

    async def run_due(self, now: datetime | None = None) -> OutboxStats:
        """Delivers every notice due at `now` (default: the clock), one batch after another, each in turn
        (notices are few: a handful a day); the follow-ups a failure adds go out in the same round."""
        stats = OutboxStats()
        handled: set[int] = set()
        while not self._stopping.is_set():
            moment = now or self._clock()
            async with self._session_factory.begin() as session:
                claimed = await claim_due(session, now=moment, owner=self.owner, lease=self._lease, limit=self._batch)
            fresh = [notice for notice in claimed if notice.id not in handled]
            if not fresh:
                break
            for notice in fresh:
                handled.add(notice.id)
                outcome = await self._deliver(notice)
                await self._record(notice, outcome, moment, stats)
        return stats

    async def _record(self, notice: Notice, outcome: DeliveryOutcome, moment: datetime, stats: OutboxStats) -> None:
        async with self._session_factory.begin() as session:
            if outcome.status == DeliveryStatus.DELIVERED:
                stats.delivered += 1
                if await mark_sent(session, notice.id, owner=self.owner, at=moment):
                    await _record_delivered(session, notice, moment)
                else:
                    logger.warning("notice %s was posted after its lease had passed to another instance", notice.id)
            elif self._gives_up(outcome, notice.attempts):
                stats.failed += 1
                logger.warning("notice %s did not reach its recipient, given up: %s", notice.id, outcome.error)
                if await mark_failed(session, notice.id, owner=self.owner, error=outcome.error or ""):
                    await _record_given_up(session, notice, outcome.error or "")
            else:
                stats.retried += 1
                retry_at = moment + self.backoff(notice.attempts, outcome.retry_after)
                logger.info("notice %s will be tried again at %s: %s", notice.id, retry_at, outcome.error)
                await mark_retry(session, notice.id, owner=self.owner, error=outcome.error or "", retry_at=retry_at)

    # --- inside the app: a round when woken (a notice was committed), else every poll_seconds -----------

    def start(self) -> None:
        if self._unlisten is None:
            self._unlisten = on_enqueued(self.wake)
        super().start()

    async def stop(self) -> None:
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None
        await super().stop()

    async def _round(self) -> None:
        stats = await self.run_due()
        if stats.anything:
            logger.info("notices: %d delivered, %d to retry, %d given up", stats.delivered, stats.retried,
                        stats.failed)


async def _record_delivered(session: AsyncSession, notice: Notice, at: datetime) -> None:
    if notice.kind == NoticeKind.KS_APPLICATION:
        application = await session.get(Application, notice.subject_id)
        if application is not None:
            await record_ks_administration_informed(session, application, at=at, actor=None)


async def _record_given_up(session: AsyncSession, notice: Notice, error: str) -> None:
    """The notice will not reach its recipient: say so where it is recorded, and tell whoever caused it."""
    details = notice.details or {}
    if notice.kind == NoticeKind.KS_APPLICATION:
        application = await session.get(Application, notice.subject_id)
        if application is not None:
            # The history is read by KS förvaltning: the reason was written in Swedish when the notice was added.
            await record_ks_administration_not_reached(
                session, application, reason=details.get("not_reached_reason_sv") or error, actor=None)
    if notice.kind == NoticeKind.UNDELIVERED or not details.get("sender_conversation_id"):
        return  # a follow-up that failed is not followed up again
    await enqueue(session, NoticeSpec(
        kind=NoticeKind.UNDELIVERED, subject_type="notice", subject_id=notice.id,
        recipient_conversation_id=details["sender_conversation_id"],
        details={"about": notice.kind.value, "subject_name": details.get("subject_name", ""),
                 "lang": details.get("lang", "sv"), "recipient_name": details.get("recipient_name", ""),
                 "error": error}))
