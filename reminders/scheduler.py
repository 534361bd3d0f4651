"""The scheduler: claims due reminders, hands them to a deliverer, and records what came of each.

Several instances may share one database. Each claim is its own short transaction that leases the claimed rows
to this instance (`FOR UPDATE SKIP LOCKED` on PostgreSQL, see `storage.reminders.claim_due`); a batch is sent
`concurrency` posts at a time, and what was delivered is marked sent in groups (`mark_sent_many`, one UPDATE and
one commit a group) while the lease is still ours, so no other instance sends it meanwhile. An instance that dies
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
from reminders.delivery import Deliverer, DeliveryOutcome, DeliveryStatus, ReminderSender
from reminders.planner import plan_recurring_reminders
from reminders.relevance import SkipReason, sort_out
from storage.models import Reminder
from storage.reminders import claim_due, due_alongside, mark_failed, mark_retry, mark_sent_many, mark_skipped

logger = logging.getLogger("lotsen.reminders")

# A reminder not yet started when this share of its lease has passed is left for the lease to run out, so that
# a slow batch never sends what another instance may already have claimed again.
LEASE_SAFETY_SHARE = 0.75
# Reminders claimed at a time: the claim, the pile check, the conversations' lookup and a batch's last posts cost
# about the same for 500 as for 100 (bench/reminders.py: 500 went faster than 200). Even at Teams' pace (below) a
# batch is sent in seconds, far inside its two-minute lease; an instance that dies leaves at most this many (and
# the next batch, claimed while this one is sent) for the lease to give back.
BATCH_SIZE = 500
# Posts at once, per instance: the bound on what one instance asks of Teams. Teams throttles a bot at a few dozen
# messages a second per tenant (429 with Retry-After, honoured by the retry); at a connector's usual 100–300 ms a
# post, 16 at once stays about there. A local stand-in answers in a millisecond, and 16 already keep this
# process's one core busy (bench/reminders.py: 32 were no faster).
SEND_CONCURRENCY = 16
# While many sends of a batch are still to come, the outcomes are gathered this long before they are recorded
# together: one transaction for a few dozen reminders rather than a few. A reminder sent is then at most this much
# longer not yet marked sent (the window in which a crash means a second card), which the posts' own time dwarfs.
RECORD_GATHER_SECONDS = 0.05


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


@dataclass(frozen=True)
class _Batch:
    """One claim: what it took, what of that is to be sent (and how), what was skipped, and when."""

    claimed: list[Reminder]
    to_send: list[Reminder]
    skipped: RunStats
    sender: ReminderSender | None  # None when nothing is to be sent
    moment: datetime  # the time it was claimed at, as the scheduler's clock reads it
    leased_at: float  # time.monotonic() when it was claimed: its lease runs from then


class ReminderScheduler(BackgroundWorker[Reminder]):
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        deliverer: Deliverer,
        *,
        poll_seconds: float,
        deadline_mmdd: str,
        hour: int,
        batch: int = BATCH_SIZE,
        concurrency: int = SEND_CONCURRENCY,
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
        self._batches = deliverer  # the same deliverer, typed as what `prepare`s a claimed batch
        self._recurring_every = recurring_every
        self._deadline_mmdd = deadline_mmdd
        self._hour = hour
        # The recurring reminders are planned once an hour, not every round.
        self._next_recurring: datetime | None = None

    # --- one round ------------------------------------------------------------------------------------------

    async def ensure_recurring(self, now: datetime | None = None) -> int:
        """Plans the recurring reminders (annual reports, missing contact persons) up to `now`; returns how many."""
        # In short transactions of its own, a chunk at a time: at decades of data one long transaction would hold
        # SQLite's write lock, and the event loop, for seconds (bench/volume.py).
        return await plan_recurring_reminders(
            self._session_factory, now=now or self._clock(), deadline_mmdd=self._deadline_mmdd, hour=self._hour
        )

    async def run_due(self, now: datetime | None = None) -> RunStats:
        """Delivers everything due at `now` (default: the clock, read again for each batch), batch after batch.

        The next batch is claimed (and sorted out, and its conversations read) while the current one is being
        sent, so that the posts need not wait for those statements; it is leased from its own claim on.
        """
        stats = RunStats()
        handled: set[int] = set()
        batch = await self._claim_batch(now)
        while batch is not None:
            fresh = [reminder for reminder in batch.claimed if reminder.id not in handled]
            handled.update(reminder.id for reminder in batch.claimed)
            stats += batch.skipped
            # Only what this round already handled (and could not record): send it, but claim no more, never spin.
            upcoming = asyncio.create_task(self._claim_batch(now)) if fresh and not self._stopping.is_set() else None
            try:
                if batch.to_send and batch.sender is not None:
                    stats += await self._deliver_batch(batch.sender, batch.to_send, batch.moment, batch.leased_at)
            except BaseException:
                if upcoming is not None:
                    upcoming.cancel()
                    await asyncio.gather(upcoming, return_exceptions=True)
                raise
            batch = await upcoming if upcoming is not None else None
            if batch is not None and self._stopping.is_set():
                # Stopping: the batch claimed meanwhile is not sent; its lease runs out, and it is claimed again.
                stats += batch.skipped  # those were recorded with the claim
                break
        return stats

    async def _claim_batch(self, now: datetime | None) -> _Batch | None:
        """Claims a batch and sorts out what is no longer worth sending, in one short transaction, then reads
        what sending the rest needs; None when nothing is due."""
        if self._stopping.is_set():
            return None
        moment = _aware(now) if now is not None else self._clock()
        leased_at = time.monotonic()
        async with self._session_factory.begin() as session:
            claimed = await claim_due(session, now=moment, owner=self.owner, lease=self._lease, limit=self._batch)
            to_send, skipped = await self._skip_what_is_no_longer_worth_sending(session, claimed, moment)
        if not claimed:
            return None
        sender = await self._batches.prepare(to_send) if to_send else None
        return _Batch(claimed, to_send, skipped, sender, moment, leased_at)

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

    async def _deliver_batch(self, sender: ReminderSender, reminders: Sequence[Reminder], claimed_at: datetime,
                             leased_at: float) -> RunStats:
        """Sends a batch, at most `concurrency` at a time; outcomes are recorded as they come, in groups.

        Recording soon keeps the window small in which a sent reminder is not yet marked sent; grouping the
        outcomes that arrived meanwhile into one transaction (the sent ones in one UPDATE) keeps the number of
        statements and commits low. While a group is recorded, the sends go on.
        """
        semaphore = asyncio.Semaphore(self._concurrency)
        outcomes: asyncio.Queue[tuple[Reminder, DeliveryOutcome | None]] = asyncio.Queue()
        latest_start = self._lease.total_seconds() * LEASE_SAFETY_SHARE

        async def send(reminder: Reminder) -> None:
            outcome: DeliveryOutcome | None = None
            try:
                async with semaphore:
                    if time.monotonic() - leased_at < latest_start:
                        outcome = await self._send(sender, reminder)
            finally:
                outcomes.put_nowait((reminder, outcome))

        senders = [asyncio.create_task(send(reminder)) for reminder in reminders]
        stats = RunStats()
        waiting = len(senders)
        try:
            while waiting:
                group = [await outcomes.get()]
                if waiting - 1 > self._concurrency:  # not the batch's last posts: their outcomes are not waited for
                    await asyncio.sleep(RECORD_GATHER_SECONDS)
                while not outcomes.empty():
                    group.append(outcomes.get_nowait())
                waiting -= len(group)
                stats += await self._record(group, claimed_at)
        finally:
            # Cancelled (stop) or the database failed: what is still sending finishes or is cancelled, and
            # stays leased; it is claimed again once the lease has run out.
            for task in senders:
                task.cancel()
            await asyncio.gather(*senders, return_exceptions=True)
        return stats

    async def _send(self, sender: ReminderSender, reminder: Reminder) -> DeliveryOutcome:
        try:
            return await sender.deliver(reminder)
        except Exception as error:  # a deliverer's bug must not stop the others: try again later
            logger.exception("delivering reminder %s failed unexpectedly", reminder.id)
            return DeliveryOutcome.retry(f"{type(error).__name__}: {error}")

    async def _record(self, group: list[tuple[Reminder, DeliveryOutcome | None]], claimed_at: datetime) -> RunStats:
        """Records a group of outcomes in one transaction: the delivered ones in one UPDATE (`mark_sent_many`),
        the few to retry or give up on one by one (each has its own error and time)."""
        stats = RunStats()
        delivered = [reminder.id for reminder, outcome in group
                     if outcome is not None and outcome.status == DeliveryStatus.DELIVERED]
        async with self._session_factory.begin() as session:
            if delivered:
                stats.delivered += len(delivered)
                marked = await mark_sent_many(session, delivered, owner=self.owner, at=claimed_at)
                for reminder_id in sorted(set(delivered) - marked):
                    logger.warning("reminder %s was sent after its lease had passed to another instance",
                                   reminder_id)
            for reminder, outcome in group:
                if outcome is None:
                    logger.warning("reminder %s not sent before its lease ran short; it will be claimed again",
                                   reminder.id)
                elif outcome.status == DeliveryStatus.DELIVERED:
                    continue
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
