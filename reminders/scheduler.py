"""The scheduler: claims due reminders, hands them to a deliverer, and records what came of each.

Several instances may share one database. Each claim is its own short transaction that leases the claimed rows
to this instance (`FOR UPDATE SKIP LOCKED` on PostgreSQL, see `storage.reminders.claim_due`); what was delivered
is marked sent while the lease is still ours, so no other instance sends it meanwhile. An instance that dies
mid-send leaves a lease that runs out, and the reminder is claimed again, by anyone: if it died after Teams
took the card and before "sent" was committed, the card is sent a second time. Delivery is therefore at least
once; Teams' connector has no idempotency key for a proactive post, nor a way to ask whether one arrived.

In the claim's transaction, before anything is sent, `reminders.relevance` sorts out what is no longer worth
sending: a reminder whose deadline has passed, and all but the latest of a pile due at once (the app was down
over several weekly reminders). Those are cancelled with the reason, never sent.

`run_due` is one round at one moment (the CLI's `reminders run-due` and the tests call it with a simulated
time); `start`/`stop` run rounds every `poll_seconds` inside the app. Missed reminders (the app was down) are
simply due, and go out on the next round, one per pile. No botbuilder here: the deliverer is given.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Unpack

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reminders.background import BackgroundWorker, WorkerOptions
from reminders.calendar import local_date
from reminders.delivery import Deliverer, DeliveryOutcome, DeliveryStatus
from reminders.planner import ensure_recurring_reminders
from reminders.relevance import SkipReason, sort_out
from storage.models import Reminder
from storage.reminders import claim_due, due_alongside, mark_failed, mark_retry, mark_sent, mark_skipped

logger = logging.getLogger("lotsen.reminders")

# A reminder not yet started when this share of its lease has passed is left for the lease to run out, so that
# a slow batch never sends what another instance may already have claimed again.
LEASE_SAFETY_SHARE = 0.75


@dataclass
class RunStats:
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    deadline_passed: int = 0  # not sent: the deadline it led up to was over
    superseded: int = 0  # not sent: a later reminder of its pile went instead

    def __iadd__(self, other: RunStats) -> RunStats:
        self.delivered += other.delivered
        self.retried += other.retried
        self.failed += other.failed
        self.deadline_passed += other.deadline_passed
        self.superseded += other.superseded
        return self

    @property
    def anything(self) -> bool:
        return any((self.delivered, self.retried, self.failed, self.deadline_passed, self.superseded))


class ReminderScheduler(BackgroundWorker[Reminder]):
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        deliverer: Deliverer,
        *,
        poll_seconds: float,
        deadline_mmdd: str,
        hour: int,
        batch: int = 100,
        concurrency: int = 16,
        max_attempts: int = 6,
        recurring_every: timedelta = timedelta(hours=1),
        **options: Unpack[WorkerOptions],
    ) -> None:
        """`concurrency`: how many of a batch are posted at once; `recurring_every`: how often the recurring
        reminders are planned; `deadline_mmdd` and `hour`: the annual report's deadline and the hour reminders
        go out, Malmö time. The rest as `BackgroundWorker`."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        super().__init__(session_factory, deliverer, kind="reminder", logger=logger, poll_seconds=poll_seconds,
                         batch=batch, max_attempts=max_attempts, **options)
        self._concurrency = concurrency
        self._recurring_every = recurring_every
        self._deadline_mmdd = deadline_mmdd
        self._hour = hour
        # The recurring reminders are planned once an hour, not every round.
        self._next_recurring: datetime | None = None

    # --- one round ------------------------------------------------------------------------------------------

    async def ensure_recurring(self, now: datetime | None = None) -> int:
        """Plans the recurring reminders (annual reports, missing contact persons) up to `now`; returns how many."""
        async with self._session_factory.begin() as session:
            return await ensure_recurring_reminders(
                session, now=now or self._clock(), deadline_mmdd=self._deadline_mmdd, hour=self._hour
            )

    async def run_due(self, now: datetime | None = None) -> RunStats:
        """Delivers everything due at `now` (default: the clock, read again for each batch), batch after batch."""
        stats = RunStats()
        handled: set[int] = set()
        while not self._stopping.is_set():
            moment = _aware(now) if now is not None else self._clock()
            async with self._session_factory.begin() as session:
                claimed = await claim_due(session, now=moment, owner=self.owner, lease=self._lease, limit=self._batch)
                to_send, skipped = await self._skip_what_is_no_longer_worth_sending(session, claimed, moment)
            if not claimed:
                break
            fresh = [reminder for reminder in claimed if reminder.id not in handled]
            handled.update(reminder.id for reminder in claimed)
            stats += skipped
            stats += await self._deliver_batch(to_send, moment)
            if not fresh:  # only what this round already handled (and could not record): stop, never spin
                break
        return stats

    async def _skip_what_is_no_longer_worth_sending(
        self, session: AsyncSession, claimed: Sequence[Reminder], moment: datetime
    ) -> tuple[list[Reminder], RunStats]:
        """Cancels the claimed reminders whose deadline has passed or that a later one of their pile replaces,
        in the claim's transaction (so a skip is never sent, even if this instance dies next); returns the
        rest, to send."""
        if not claimed:
            return [], RunStats()
        sorting = sort_out(claimed, await due_alongside(session, claimed, now=moment), local_date(moment))
        stats = RunStats()
        for skip in sorting.skips:
            await mark_skipped(session, skip.reminder, owner=self.owner, reason=skip.reason, at=moment,
                               superseded_by=skip.superseded_by)
            if skip.reason == SkipReason.DEADLINE_PASSED:
                stats.deadline_passed += 1
            else:
                stats.superseded += 1
            logger.info("reminder %s not sent: %s%s", skip.reminder.id, skip.reason.value,
                        f" by {skip.superseded_by}" if skip.superseded_by is not None else "")
        return sorting.to_send, stats

    async def _deliver_batch(self, reminders: Sequence[Reminder], claimed_at: datetime) -> RunStats:
        """Sends a batch, at most `concurrency` at a time; outcomes are recorded as they come, in groups.

        Recording soon keeps the window small in which a sent reminder is not yet marked sent; grouping the
        outcomes that arrived meanwhile into one transaction keeps the number of commits (SQLite's cost) low.
        """
        semaphore = asyncio.Semaphore(self._concurrency)
        outcomes: asyncio.Queue[tuple[Reminder, DeliveryOutcome | None]] = asyncio.Queue()
        started = time.monotonic()
        latest_start = self._lease.total_seconds() * LEASE_SAFETY_SHARE

        async def send(reminder: Reminder) -> None:
            outcome: DeliveryOutcome | None = None
            try:
                async with semaphore:
                    if time.monotonic() - started < latest_start:
                        outcome = await self._deliver(reminder)
            finally:
                outcomes.put_nowait((reminder, outcome))

        senders = [asyncio.create_task(send(reminder)) for reminder in reminders]
        stats = RunStats()
        waiting = len(senders)
        try:
            while waiting:
                group = [await outcomes.get()]
                while not outcomes.empty():
                    group.append(outcomes.get_nowait())
                waiting -= len(group)
                stats += await self._record(group, claimed_at)
        finally:
            # Cancelled (stop) or the database failed: what is still sending finishes or is cancelled, and
            # stays leased; it is claimed again once the lease has run out.
            for sender in senders:
                sender.cancel()
            await asyncio.gather(*senders, return_exceptions=True)
        return stats

    async def _record(self, group: list[tuple[Reminder, DeliveryOutcome | None]], claimed_at: datetime) -> RunStats:
        stats = RunStats()
        async with self._session_factory.begin() as session:
            for reminder, outcome in group:
                if outcome is None:
                    logger.warning("reminder %s not sent before its lease ran short; it will be claimed again",
                                   reminder.id)
                elif outcome.status == DeliveryStatus.DELIVERED:
                    stats.delivered += 1
                    if not await mark_sent(session, reminder.id, owner=self.owner, at=claimed_at):
                        logger.warning("reminder %s was sent after its lease had passed to another instance",
                                       reminder.id)
                elif self._gives_up(outcome, reminder.attempts):
                    stats.failed += 1
                    logger.warning("reminder %s failed for good: %s", reminder.id, outcome.error)
                    await mark_failed(session, reminder.id, owner=self.owner, error=outcome.error or "")
                else:
                    stats.retried += 1
                    retry_at = claimed_at + self.backoff(reminder.attempts, outcome.retry_after)
                    logger.info("reminder %s will be tried again at %s: %s", reminder.id, retry_at, outcome.error)
                    await mark_retry(session, reminder.id, owner=self.owner, error=outcome.error or "",
                                     retry_at=retry_at)
        return stats

    # --- inside the app: one round every poll_seconds (reminders/background.py) ----------------------------

    async def _round(self) -> None:
        now = self._clock()
        if self._next_recurring is None or now >= self._next_recurring:
            planned = await self.ensure_recurring(now)
            if planned:
                logger.info("planned %d recurring reminders", planned)
            self._next_recurring = now + self._recurring_every
        stats = await self.run_due()
        if stats.anything:
            logger.info("reminders: %d delivered, %d to retry, %d failed; not sent: %d past their "
                        "deadline, %d superseded", stats.delivered, stats.retried, stats.failed,
                        stats.deadline_passed, stats.superseded)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: give the scheduler timezone-aware times")
    return moment.astimezone(timezone.utc)
