"""What the reminder scheduler and the notice outbox share: a round of work repeated in an asyncio task inside
the app and stopped gracefully with it; the rows they claim under a lease (`storage.leases`) and hand to a
deliverer, with how large a claim is, how long its lease lasts and how often a failed delivery is tried again.

No botbuilder here, and the database only through the session factory given: the subclass says what one round
is (`_round`) and records the outcomes in its own tables.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Generic, Protocol, TypedDict, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reminders.delivery import DeliveryOutcome, DeliveryStatus


def utc_clock() -> datetime:
    return datetime.now(timezone.utc)


def default_owner() -> str:
    """A name for this instance's leases: host, process and a random part (two workers in one process differ)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def backoff(attempts_before: int, base: timedelta, cap: timedelta, retry_after: timedelta | None = None
            ) -> timedelta:
    """The pause after a failed attempt: base · 2^(attempts before it), capped; longer if the channel asks."""
    delay = min(base * (2 ** min(attempts_before, 30)), cap)
    return max(delay, retry_after) if retry_after is not None else delay


class _Identified(Protocol):
    @property
    def id(self) -> int: ...


Item = TypeVar("Item", bound=_Identified)
Item_contra = TypeVar("Item_contra", contravariant=True)


class ItemDeliverer(Protocol[Item_contra]):
    async def deliver(self, item: Item_contra, /) -> DeliveryOutcome:
        """Posts one claimed row; never raises for a delivery failure."""
        ...


class WorkerOptions(TypedDict, total=False):
    """The settings every worker takes with the same meaning and default; a subclass adds its own."""

    owner: str | None  # names this instance's leases; None: `default_owner()`
    clock: Callable[[], datetime] | None  # UTC now; None: the real clock (tests pass a simulated one)
    lease: timedelta  # how long a claimed row is this instance's
    backoff_base: timedelta  # the pause after the first failed attempt, doubled after each
    max_backoff: timedelta  # the longest pause between two attempts
    stop_grace_seconds: float  # how long `stop` lets the current round finish


class BackgroundWorker(ABC, Generic[Item]):
    """Runs `_round` every `poll_seconds` (sooner after `wake`) from `start` until `stop`; a round that fails is
    logged and the next one tried, since the database may be away for a while. A round claims up to `batch`
    due rows under a lease, delivers them through `deliverer` and gives up on a row after `max_attempts`."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], deliverer: ItemDeliverer[Item], *,
                 kind: str, logger: logging.Logger, poll_seconds: float, batch: int, max_attempts: int,
                 owner: str | None = None, clock: Callable[[], datetime] | None = None,
                 lease: timedelta = timedelta(minutes=2), backoff_base: timedelta = timedelta(minutes=1),
                 max_backoff: timedelta = timedelta(hours=1), stop_grace_seconds: float = 10.0) -> None:
        """`kind` names the work in the log ("reminder round failed"); `owner` tells instances apart."""
        if batch < 1 or max_attempts < 1:
            raise ValueError("batch and max_attempts must be at least 1")
        self.owner = owner or default_owner()
        self.max_attempts = max_attempts
        self._session_factory = session_factory
        self._deliverer = deliverer
        self._clock = clock or utc_clock
        self._lease = lease
        self._batch = batch
        self._backoff_base = backoff_base
        self._max_backoff = max_backoff
        self._kind = kind
        self._name = f"{kind} worker {self.owner}"
        self._poll_seconds = poll_seconds
        self._stop_grace_seconds = stop_grace_seconds
        self._logger = logger
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._woken = asyncio.Event()

    @abstractmethod
    async def _round(self) -> None:
        """One round of the subclass's work: deliver what is due (and, for reminders, plan what the rules ask)."""

    # --- delivering one claimed row -----------------------------------------------------------------------

    async def _deliver(self, item: Item) -> DeliveryOutcome:
        try:
            return await self._deliverer.deliver(item)
        except Exception as error:  # a deliverer's bug must not stop the others: try again later
            self._logger.exception("delivering %s %s failed unexpectedly", self._kind, item.id)
            return DeliveryOutcome.retry(f"{type(error).__name__}: {error}")

    def _gives_up(self, outcome: DeliveryOutcome, attempts_before: int) -> bool:
        """The recipient is gone, or this failed attempt was the last one allowed."""
        return outcome.status == DeliveryStatus.GONE or attempts_before + 1 >= self.max_attempts

    def backoff(self, attempts_before: int, retry_after: timedelta | None = None) -> timedelta:
        return backoff(attempts_before, self._backoff_base, self._max_backoff, retry_after)

    # --- the task inside the app ----------------------------------------------------------------------------

    def wake(self) -> None:
        """There is work now: run a round rather than wait for the next poll."""
        self._woken.set()

    def start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self._stopping.clear()
        self._task = asyncio.create_task(self._loop(), name=self._name)

    async def stop(self) -> None:
        """Lets the current round finish (up to the grace period), then ends the task."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        self._woken.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), self._stop_grace_seconds)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            self._woken.clear()
            try:
                await self._round()
            except Exception:
                self._logger.exception("%s round failed", self._kind)
            try:
                await asyncio.wait_for(self._woken.wait(), self._poll_seconds)
            except asyncio.TimeoutError:
                pass
