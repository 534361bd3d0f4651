"""Placing a user without organisation in their nämnd or bolag from the directory, when Lotsen first meets them.

`DirectoryPlacer.place` runs in the caller's transaction (the turn's, bot/conversation_tracking.py):

1. a user already placed, or whose organisation an administrator or the operator ever set (even to none), is
   left alone, and never asked about again in this process: a person's placement always wins;
2. the lookup is claimed (storage/directory_lookups.py): at most one a day per user, across instances;
3. the directory is asked (directory/graph_client.py); when it cannot be, nobody is placed, it is logged, and
   the turn goes on as it would have;
4. the values decide (directory/mapping.py): exactly one organisation places the user, recorded in the history
   as placed by the directory ("by": "directory", the source and the value); ambiguous or no match places
   nobody and tells every administrator through the notice outbox, once for as long as the answer stays the
   same. The user is told what they are told today: an administrator places them.

An in-process memo keeps the turns of users that need nothing from asking the database again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.graph_client import DirectoryUnavailable
from directory.mapping import Decision, MappingRule, decide, mapping_table
from storage.directory_lookups import DIRECTORY, claim_lookup, last_lookup, placed_by_a_person, record_lookup
from storage.models import DirectoryOutcome, DirectorySource, NoticeKind, Organisation, Role, User, utc_now
from storage.notices import NoticeSpec, enqueue
from storage.organisations import list_organisations
from storage.unit_of_work import after_commit
from storage.users import set_user_organisation
from texts import language_of

logger = logging.getLogger("lotsen.directory")

LOOKUP_INTERVAL = timedelta(days=1)
# At most this many of a user's values are named in an administrator's notice (a user may be in many groups).
VALUES_SHOWN = 10


class DirectoryReader(Protocol):
    async def values_of(self, object_id: str, source: DirectorySource) -> list[str]:
        """The user's values of `source`; raises `DirectoryUnavailable` when the directory cannot be asked."""
        ...


@dataclass(frozen=True)
class PlacementResult:
    outcome: DirectoryOutcome | None  # None: nothing was looked up (settled, not due, no Entra id)
    organisation: str | None = None  # the slug the user was placed in


class DirectoryPlacer:
    def __init__(self, reader: DirectoryReader, source: DirectorySource, file_rules: Sequence[MappingRule], *,
                 clock: Callable[[], datetime] = utc_now, interval: timedelta = LOOKUP_INTERVAL) -> None:
        self._reader = reader
        self.source = DirectorySource(source)
        self._file_rules = tuple(file_rules)
        self._clock = clock
        self._interval = interval
        self._settled: set[int] = set()  # placed, or decided by a person: never looked up again
        self._looked_at: dict[int, datetime] = {}  # when this process last considered the user

    def due(self, user_id: int) -> bool:
        """Whether the user may need a lookup: answered from memory, so that it costs other turns nothing."""
        if user_id in self._settled:
            return False
        last = self._looked_at.get(user_id)
        return last is None or last <= self._clock() - self._interval

    async def place(self, session: AsyncSession, user_id: int) -> PlacementResult:
        """Looks the user up and places them, or tells the administrators; in the caller's transaction."""
        now = self._clock()
        after_commit(lambda: self._looked_at.__setitem__(user_id, now))
        user = await session.get(User, user_id)
        if user is None:
            return PlacementResult(None)
        if user.organisation_id is not None or await placed_by_a_person(session, user.id):
            after_commit(lambda: self._settled.add(user_id))
            return PlacementResult(None)
        if not user.aad_object_id:
            return PlacementResult(None)  # not a Teams user of the tenant (the Playground, the terminal chat)
        previous = await last_lookup(session, user.id)
        before = (previous.outcome, previous.candidates, previous.found_values) if previous is not None else None
        if not await claim_lookup(session, user.id, self.source, now=now, not_since=now - self._interval):
            return PlacementResult(None)
        try:
            values = await self._reader.values_of(user.aad_object_id, self.source)
        except Exception as error:  # the directory's trouble never fails the turn
            if isinstance(error, DirectoryUnavailable):
                logger.warning("directory lookup of user %s failed, nobody placed: %s", user.id, error)
            else:
                logger.exception("directory lookup of user %s failed, nobody placed", user.id)
            if before is not None:  # the attempt is recorded; what the directory last said stays
                await record_lookup(session, user.id, before[0], found_values=before[2], candidates=before[1])
            return PlacementResult(DirectoryOutcome.FAILED)
        organisations = {organisation.slug: organisation for organisation in await list_organisations(session)}
        decision = decide(await mapping_table(session, self._file_rules), self.source, values, organisations)
        await record_lookup(session, user.id, decision.outcome, found_values=values,
                            candidates=decision.candidates)
        if decision.outcome == DirectoryOutcome.PLACED:
            return await self._place(session, user, organisations[decision.organisation or ""], decision)
        if before != (decision.outcome, list(decision.candidates), list(values)):
            await self._tell_administrators(session, user, decision, organisations)
        logger.info("directory: user %s not placed (%s)", user.id, decision.outcome.value)
        return PlacementResult(decision.outcome)

    async def _place(self, session: AsyncSession, user: User, organisation: Organisation,
                     decision: Decision) -> PlacementResult:
        # Read again under the row's lock: an administrator may have placed the user while the directory answered.
        await session.refresh(user, with_for_update=True)
        if user.organisation_id is not None or await placed_by_a_person(session, user.id):
            after_commit(lambda: self._settled.add(user.id))
            return PlacementResult(None)
        await set_user_organisation(session, user, organisation, actor=None,
                                    how={"by": DIRECTORY, "source": self.source.value,
                                         "value": decision.matched_value})
        after_commit(lambda: self._settled.add(user.id))
        logger.info("directory: user %s placed in %s", user.id, organisation.slug)
        return PlacementResult(DirectoryOutcome.PLACED, organisation.slug)

    async def _tell_administrators(self, session: AsyncSession, user: User, decision: Decision,
                                   organisations: dict[str, Organisation]) -> None:
        """A notice to each administrator (their 1:1 chat with Lotsen): who, what the directory said, and
        which organisations it could mean. The text is written at delivery, in the administrator's language."""
        administrators = (await session.scalars(select(User).where(User.role == Role.ADMIN))).all()
        if not administrators:
            logger.warning("directory: user %s could not be placed and there is no administrator to tell", user.id)
        matches = [{"value": value, "organisations": [organisations[slug].name for slug in slugs]}
                   for value, slugs in decision.matches]
        for administrator in administrators:
            await enqueue(session, NoticeSpec(
                kind=NoticeKind.DIRECTORY_UNPLACED, subject_type="user", subject_id=user.id,
                recipient_user_id=administrator.id,
                details={"subject_name": user.name, "recipient_name": administrator.name,
                         "lang": language_of(administrator.locale), "outcome": decision.outcome.value,
                         "source": self.source.value, "values": list(decision.values[:VALUES_SHOWN]),
                         "more_values": max(0, len(decision.values) - VALUES_SHOWN), "matches": matches}))
