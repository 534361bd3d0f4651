"""The reminder backlog and the notice outbox as two numbers, counted in the database every half minute for the
telemetry's gauges (observability/otel.py) to report, rather than on every metrics export.

`reminders_due`: reminders due now or earlier that have not gone out (pending or snoozed; claimed ones too, until
they are marked sent). `notices_pending`: notices not yet delivered nor given up. Both count the whole
database, so every instance reports the same numbers: a dashboard takes their maximum, not their sum.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import CLAIMABLE_REMINDER_STATES, Notice, NoticeState, Reminder

logger = logging.getLogger("lotsen.backlog")

REFRESH_SECONDS = 30.0


@dataclass(frozen=True)
class BacklogCounts:
    reminders_due: int
    notices_pending: int


async def count_backlog(session: AsyncSession, now: datetime) -> BacklogCounts:
    reminders_due = await session.scalar(
        select(func.count()).select_from(Reminder)
        .where(Reminder.state.in_(CLAIMABLE_REMINDER_STATES), Reminder.due_at <= now))
    notices_pending = await session.scalar(
        select(func.count()).select_from(Notice).where(Notice.state == NoticeState.PENDING))
    return BacklogCounts(reminders_due=reminders_due or 0, notices_pending=notices_pending or 0)


class BacklogWatcher:
    """Keeps the latest counts (None until the first count succeeds), refreshed every `interval` seconds."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], interval: float = REFRESH_SECONDS) -> None:
        self._session_factory = session_factory
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self.counts: BacklogCounts | None = None

    async def refresh(self, now: datetime | None = None) -> BacklogCounts | None:
        """Counts again; a database that does not answer leaves the last counts standing, and says so in the log."""
        try:
            async with self._session_factory() as session:
                self.counts = await count_backlog(session, now or datetime.now(timezone.utc))
        except Exception:
            logger.warning("could not count the reminder backlog and notice outbox", exc_info=True)
        return self.counts

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="lotsen-backlog-counts")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while True:
            await self.refresh()
            await asyncio.sleep(self._interval)
