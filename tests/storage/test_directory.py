"""storage/directory_mappings.py and storage/directory_lookups.py on both databases: one mapping per source and
value (case and spaces aside), a lookup claimed once a day, and who decided a user's organisation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from storage.directory_lookups import claim_lookup, last_lookup, placed_by_a_person, record_lookup
from storage.directory_mappings import list_mappings, remove_mapping, set_mapping
from storage.models import DirectoryOutcome, DirectorySource, Notice, NoticeKind, NoticeState
from storage.organisations import get_organisation
from storage.users import set_user_organisation, upsert_user

DEPARTMENT, GROUP = DirectorySource.DEPARTMENT, DirectorySource.GROUP
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)


async def test_mapping_a_value_again_moves_it_and_sources_are_apart(session_factory):
    async with session_factory.begin() as session:
        environment = await get_organisation(session, "miljonamnden")
        culture = await get_organisation(session, "kulturnamnden")
        await set_mapping(session, DEPARTMENT, "Miljöförvaltningen", environment, actor=None)
        await set_mapping(session, GROUP, "Miljöförvaltningen", culture, actor=None)
        moved = await set_mapping(session, DEPARTMENT, "  MILJÖFÖRVALTNINGEN ", culture, actor=None)
        assert (moved.value, moved.organisation_id) == ("MILJÖFÖRVALTNINGEN", culture.id)
    async with session_factory() as session:
        mappings = [(m.source, m.normalised_value, m.organisation.slug) for m in await list_mappings(session)]
        assert mappings == [(DEPARTMENT, "miljöförvaltningen", "kulturnamnden"),
                            (GROUP, "miljöförvaltningen", "kulturnamnden")]
    async with session_factory.begin() as session:
        assert await remove_mapping(session, DEPARTMENT, "miljöförvaltningen")
        assert not await remove_mapping(session, DEPARTMENT, "miljöförvaltningen")
        with pytest.raises(ValueError):
            await set_mapping(session, DEPARTMENT, "   ", environment, actor=None)
    async with session_factory() as session:
        assert [m.source for m in await list_mappings(session)] == [GROUP]


async def test_a_lookup_is_claimed_once_a_day(session_factory):
    async with session_factory.begin() as session:
        user = await upsert_user(session, "29:nils", aad_object_id="aad-nils", name="Nils Nilsson")
        user_id = user.id
        assert await claim_lookup(session, user_id, DEPARTMENT, now=NOW, not_since=NOW - timedelta(days=1))
        await record_lookup(session, user_id, DirectoryOutcome.AMBIGUOUS, found_values=["Stadskontoret"],
                            candidates=["kommunstyrelsen", "valnamnden"])
    later = NOW + timedelta(hours=20)
    async with session_factory.begin() as session:
        assert not await claim_lookup(session, user_id, DEPARTMENT, now=later, not_since=later - timedelta(days=1))
        lookup = await last_lookup(session, user_id)
        assert (lookup.outcome, lookup.candidates, lookup.looked_up_at) == (
            DirectoryOutcome.AMBIGUOUS, ["kommunstyrelsen", "valnamnden"], NOW)
    next_day = NOW + timedelta(days=1, seconds=1)
    async with session_factory.begin() as session:
        assert await claim_lookup(session, user_id, DEPARTMENT, now=next_day, not_since=next_day - timedelta(days=1))
        assert (await last_lookup(session, user_id)).looked_up_at == next_day


async def test_only_a_persons_placement_counts_as_decided(session_factory):
    async with session_factory.begin() as session:
        user = await upsert_user(session, "29:nils", aad_object_id="aad-nils", name="Nils Nilsson")
        environment = await get_organisation(session, "miljonamnden")
        assert not await placed_by_a_person(session, user.id)
        await set_user_organisation(session, user, environment, how={"by": "directory", "source": "department",
                                                                     "value": "Miljöförvaltningen"})
        assert not await placed_by_a_person(session, user.id)
        await set_user_organisation(session, user, None)  # the operator takes them out again
        assert await placed_by_a_person(session, user.id)


async def test_the_notice_to_administrators_is_a_kind_the_database_takes(session_factory):
    async with session_factory.begin() as session:
        user = await upsert_user(session, "29:ada", aad_object_id=None, name="Ada Admin")
        session.add(Notice(kind=NoticeKind.DIRECTORY_UNPLACED, subject_type="user", subject_id=user.id,
                           recipient_user_id=user.id, details={}, state=NoticeState.PENDING, due_at=NOW, attempts=0))
    with pytest.raises(IntegrityError):  # the CHECK constraint still holds for kinds that do not exist
        async with session_factory.begin() as session:
            session.add(Notice(kind="no_such_kind", subject_type="user", subject_id=1, recipient_user_id=user.id,
                               details={}, state=NoticeState.PENDING, due_at=NOW, attempts=0))
