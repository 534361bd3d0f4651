"""What the reminder scheduler and the notice outbox share: a round of work repeated in an asyncio task inside
the app, stopped gracefully with it, and the pause that grows after each failed attempt.

No botbuilder and no database here: the subclass says what one round is (`_round`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from abc import ABC, abstractmethod
from datetime import datetime, timedelta, timezone


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


class BackgroundWorker(ABC):
    """Runs `_round` every `poll_seconds` (sooner after `wake`) from `start` until `stop`; a round that fails is
    logged and the next one tried, since the database may be away for a while."""

    def __init__(self, *, kind: str, owner: str, poll_seconds: float, stop_grace_seconds: float,
                 logger: logging.Logger) -> None:
        """`kind` names the work in the log ("reminder round failed"); `owner` tells instances apart."""
        self._kind = kind
        self._name = f"{kind} worker {owner}"
        self._poll_seconds = poll_seconds
        self._stop_grace_seconds = stop_grace_seconds
        self._logger = logger
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._woken = asyncio.Event()

    @abstractmethod
    async def _round(self) -> None:
        """One round of the subclass's work: deliver what is due (and, for reminders, plan what the rules ask)."""

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
