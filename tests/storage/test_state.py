"""storage/state.py: the JSON state store with optimistic concurrency, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import create_engine, create_session_factory
from storage.state import ETagConflict, StoredState, delete_state, read_state, write_state

Factory = async_sessionmaker[AsyncSession]


async def _write(factory: Factory, key: str, data: dict, expected: str | None) -> str:
    async with factory.begin() as session:
        return await write_state(session, key, data, expected)


async def _read(factory: Factory, *keys: str) -> dict[str, StoredState]:
    async with factory.begin() as session:
        return await read_state(session, list(keys))


async def test_reading_missing_keys_gives_nothing(session_factory: Factory) -> None:
    assert await _read(session_factory, "nobody/here") == {}
    async with session_factory.begin() as session:
        assert await read_state(session, []) == {}


async def test_write_then_read_returns_data_and_e_tag(session_factory: Factory) -> None:
    e_tag = await _write(session_factory, "k", {"count": 1, "nested": {"list": [1, 2.5, None, True]}}, None)
    stored = await _read(session_factory, "k")
    assert stored == {"k": StoredState({"count": 1, "nested": {"list": [1, 2.5, None, True]}}, e_tag)}
    assert e_tag


async def test_each_write_gives_a_new_e_tag(session_factory: Factory) -> None:
    first = await _write(session_factory, "k", {"v": 1}, None)
    second = await _write(session_factory, "k", {"v": 2}, first)
    third = await _write(session_factory, "k", {"v": 3}, "*")
    assert len({first, second, third}) == 3
    assert (await _read(session_factory, "k"))["k"] == StoredState({"v": 3}, third)


async def test_stale_e_tag_raises_and_leaves_data_untouched(session_factory: Factory) -> None:
    first = await _write(session_factory, "k", {"v": 1}, None)
    second = await _write(session_factory, "k", {"v": 2}, first)

    with pytest.raises(ETagConflict) as raised:
        await _write(session_factory, "k", {"v": "stale"}, first)

    assert raised.value.key == "k"
    assert raised.value.exists is True
    assert isinstance(raised.value, KeyError)  # what botbuilder's MemoryStorage raises
    assert "changed" in str(raised.value)
    assert (await _read(session_factory, "k"))["k"] == StoredState({"v": 2}, second)


async def test_conflict_inside_a_callers_transaction_writes_nothing(session_factory: Factory) -> None:
    first = await _write(session_factory, "a", {"v": 1}, None)
    await _write(session_factory, "a", {"v": 2}, first)

    with pytest.raises(ETagConflict):
        async with session_factory.begin() as session:
            await write_state(session, "b", {"v": "written before the conflict"}, None)
            await write_state(session, "a", {"v": "stale"}, first)

    stored = await _read(session_factory, "a", "b")
    assert set(stored) == {"a"}
    assert stored["a"].data == {"v": 2}


async def test_wildcard_and_none_overwrite_whatever_is_stored(session_factory: Factory) -> None:
    await _write(session_factory, "k", {"v": 1}, None)
    await _write(session_factory, "k", {"v": 2}, "*")
    assert (await _read(session_factory, "k"))["k"].data == {"v": 2}
    await _write(session_factory, "k", {"v": 3}, None)
    assert (await _read(session_factory, "k"))["k"].data == {"v": 3}


async def test_specific_e_tag_for_a_missing_key_is_a_conflict(session_factory: Factory) -> None:
    with pytest.raises(ETagConflict) as raised:
        await _write(session_factory, "never-written", {"v": 1}, "some-e-tag")
    assert raised.value.exists is False
    assert "no such item" in str(raised.value)
    assert await _read(session_factory, "never-written") == {}


async def test_empty_e_tag_is_refused(session_factory: Factory) -> None:
    await _write(session_factory, "k", {"v": 1}, None)
    with pytest.raises(ValueError, match="e_tag missing"):
        await _write(session_factory, "k", {"v": 2}, "")
    assert (await _read(session_factory, "k"))["k"].data == {"v": 1}


async def test_bad_keys_are_refused(session_factory: Factory) -> None:
    with pytest.raises(ValueError):
        await _write(session_factory, "", {"v": 1}, None)
    with pytest.raises(ValueError):
        await _write(session_factory, "x" * 1025, {"v": 1}, None)
    long_key = "msteams/conversations/" + "a:1" * 330 + "/"
    assert len(long_key) <= 1024
    await _write(session_factory, long_key, {"v": 1}, None)
    assert (await _read(session_factory, long_key))[long_key].data == {"v": 1}


async def test_delete_removes_only_the_given_keys(session_factory: Factory) -> None:
    for key in ("a", "b", "c"):
        await _write(session_factory, key, {"key": key}, None)
    async with session_factory.begin() as session:
        assert await delete_state(session, ["a", "c", "missing"]) == 2
    assert set(await _read(session_factory, "a", "b", "c")) == {"b"}
    async with session_factory.begin() as session:
        assert await delete_state(session, []) == 0


async def test_unicode_round_trips(session_factory: Factory) -> None:
    data = {
        "svenska": "Åsa Öberg på Miljönämnden, ärende 2024/ÅÄÖ",
        "emoji": "👩🏽‍💼🇸🇪✅",
        "cjk": "马尔默市 マルメ 말뫼",
        "escapes": "quote \" backslash \\ tab \t nul \x00 newline \n",
        "lone_surrogate": "\ud800",
        "nyckel_åäö": {"🔑": ["日本", "ß"]},
    }
    key = "msteams/users/29:åäö-🙂/"
    await _write(session_factory, key, data, None)
    assert (await _read(session_factory, key))[key].data == data


async def test_large_state_round_trips(session_factory: Factory) -> None:
    data = {
        "history": [{"index": index, "text": f"meddelande {index} åäö " + "x" * 180} for index in range(10_000)],
        "blob": "Ö" * 200_000,
    }
    assert len(str(data)) > 2_000_000
    e_tag = await _write(session_factory, "big", data, None)
    stored = (await _read(session_factory, "big"))["big"]
    assert stored.data == data
    data["history"].append({"index": "one more"})
    await _write(session_factory, "big", data, e_tag)
    assert (await _read(session_factory, "big"))["big"].data["history"][-1] == {"index": "one more"}


async def test_many_keys_in_one_read(session_factory: Factory) -> None:
    keys = [f"msteams/conversations/c{index}/" for index in range(1_200)]
    async with session_factory.begin() as session:
        for index, key in enumerate(keys):
            await write_state(session, key, {"index": index}, None)
    stored = await _read(session_factory, *keys, "missing-1", "missing-2", keys[0])
    assert len(stored) == 1_200
    assert all(stored[key].data == {"index": index} for index, key in enumerate(keys))


async def test_concurrent_writers_with_the_same_e_tag_exactly_one_wins(session_factory: Factory) -> None:
    e_tag = await _write(session_factory, "contended", {"writer": None}, None)

    async def writer(number: int) -> str | None:
        try:
            return await _write(session_factory, "contended", {"writer": number}, e_tag)
        except ETagConflict:
            return None

    results = await asyncio.gather(*(writer(number) for number in range(20)))

    winners = [(number, new_e_tag) for number, new_e_tag in enumerate(results) if new_e_tag is not None]
    assert len(winners) == 1
    number, new_e_tag = winners[0]
    assert (await _read(session_factory, "contended"))["contended"] == StoredState({"writer": number}, new_e_tag)


async def test_concurrent_writers_with_a_stale_e_tag_all_lose(session_factory: Factory) -> None:
    stale = await _write(session_factory, "k", {"v": 1}, None)
    current = await _write(session_factory, "k", {"v": 2}, stale)

    async def writer(number: int) -> bool:
        try:
            await _write(session_factory, "k", {"v": number}, stale)
        except ETagConflict:
            return False
        return True

    assert not any(await asyncio.gather(*(writer(number) for number in range(20))))
    assert (await _read(session_factory, "k"))["k"] == StoredState({"v": 2}, current)


async def test_writers_in_separate_engines_exactly_one_wins(database_url: str, engine: AsyncEngine) -> None:
    """As two processes would: each writer with its own engine, pool and connection."""
    engines = [create_engine(database_url) for _ in range(5)]
    try:
        factories = [create_session_factory(each) for each in engines]
        e_tag = await _write(factories[0], "shared", {"writer": None}, None)

        async def writer(number: int) -> bool:
            try:
                await _write(factories[number % len(factories)], "shared", {"writer": number}, e_tag)
            except ETagConflict:
                return False
            return True

        results = await asyncio.gather(*(writer(number) for number in range(10)))
        assert results.count(True) == 1
        assert (await _read(factories[1], "shared"))["shared"].data == {"writer": results.index(True)}
    finally:
        for each in engines:
            await each.dispose()


async def test_concurrent_upserts_of_a_new_key_do_not_collide(session_factory: Factory) -> None:
    results = await asyncio.gather(
        *(_write(session_factory, "brand-new", {"writer": number}, None) for number in range(20)),
        return_exceptions=True,
    )
    assert not [result for result in results if isinstance(result, BaseException)]
    stored = (await _read(session_factory, "brand-new"))["brand-new"]
    assert stored.e_tag in results
    assert stored.data == {"writer": results.index(stored.e_tag)}
