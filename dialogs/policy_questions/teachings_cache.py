"""The questions KS coordinators have taught, kept in memory per process and read again when they change.

A teaching ("lär Lotsen: … → …") takes effect at once for everyone, whichever instance answers: before each
question the cache asks the database for the teaching generation (one cheap query, see
`storage.policy_learning.teaching_generation`) and reads the active teachings again only when it moved.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from policy import Teachings
from storage.policy_learning import active_teachings, teaching_generation


class TeachingsCache:
    def __init__(self) -> None:
        self._generation: int | None = None
        self._teachings = Teachings()
        self._lock = asyncio.Lock()

    async def current(self, session: AsyncSession) -> Teachings:
        """The active teachings as of now, for `policy.answer(teachings=…)`."""
        generation = await teaching_generation(session)
        if generation == self._generation:
            return self._teachings
        async with self._lock:  # several turns at once read the rows once
            if generation != self._generation:
                rows = await active_teachings(session)
                self._teachings = Teachings([(row.question, row.topic) for row in rows if row.topic])
                self._generation = generation
            return self._teachings
