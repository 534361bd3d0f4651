"""The JSON document store behind botbuilder's Storage (see bot/sql_storage.py), with optimistic concurrency.

Each item is a JSON object under a string key, with an e_tag that changes on every write.

e_tag rules for `write_state` (those of botbuilder's BlobStorage and CosmosDbPartitionedStorage, the stores
that persist; MemoryStorage differs, see below):
- `expected_e_tag` None or "*": unconditional upsert (INSERT … ON CONFLICT DO UPDATE), never a conflict.
- any other value: a conditional `UPDATE … WHERE key = :key AND e_tag = :expected`. No row updated means the
  item changed since it was read, or no longer exists (or never did), and `ETagConflict` is raised: a
  conditional write is a claim about the current version, and a missing item has none (an If-Match upload
  to Blob storage fails likewise). MemoryStorage would instead write a missing key.
- "" is refused with ValueError, as every botbuilder storage refuses it ("etag missing").

The check-and-set is a single statement, so it is atomic on both databases: PostgreSQL re-evaluates the
WHERE clause on the newest row version after waiting for a concurrent writer's lock, and SQLite runs one
writer at a time. Of many writers with the same e_tag exactly one succeeds.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from functools import cache

from sqlalchemy import CursorResult, Executable, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._sql import dialect_of, insert_for
from storage.models import STATE_KEY_MAX_LENGTH, BotStateRecord, utc_now

WILDCARD_E_TAG = "*"
# Keys per statement: well below SQLite's and asyncpg's limits on bound parameters.
_KEYS_PER_STATEMENT = 500

_table = BotStateRecord.__table__


@dataclass(frozen=True, slots=True)
class StoredState:
    data: dict[str, Any]
    e_tag: str


class ETagConflict(KeyError):
    """The item's e_tag is not the one the writer expected; nothing was written.

    A KeyError because that is what botbuilder's MemoryStorage raises for an e_tag conflict, so code written
    against botbuilder's storages catches this one too.
    """

    def __init__(self, key: str, expected_e_tag: str, *, exists: bool) -> None:
        super().__init__(key)
        self.key = key
        self.expected_e_tag = expected_e_tag
        self.exists = exists

    def __str__(self) -> str:
        if self.exists:
            return f"e_tag conflict for {self.key!r}: it changed since e_tag {self.expected_e_tag!r}"
        return f"e_tag conflict for {self.key!r}: expected e_tag {self.expected_e_tag!r} but there is no such item"


def new_e_tag() -> str:
    return uuid.uuid4().hex


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not key:
        raise ValueError(f"State key must be a non-empty string, not {key!r}")
    if len(key) > STATE_KEY_MAX_LENGTH:
        raise ValueError(f"State key longer than {STATE_KEY_MAX_LENGTH} characters: {key[:80]!r}…")


def dumps(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates cannot be stored as UTF-8 text; escaped, they round-trip.
        text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text


# Every turn reads the bot state and many write it: these statements are built once (per database for the
# upsert), so that a turn only binds its values.
_READ = select(_table.c.key, _table.c.data, _table.c.e_tag).where(_table.c.key.in_(bindparam("keys", expanding=True)))
_WRITE_IF_UNCHANGED = (update(_table)
                       .where(_table.c.key == bindparam("match_key"), _table.c.e_tag == bindparam("expected"))
                       .values(data=bindparam("data"), e_tag=bindparam("e_tag"), updated_at=bindparam("at")))


@cache
def _upsert(dialect: str) -> Executable:
    statement = insert_for(dialect, _table)
    return statement.on_conflict_do_update(
        index_elements=[_table.c.key],
        set_={name: statement.excluded[name] for name in ("data", "e_tag", "updated_at")})


def _chunks(keys: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(keys), _KEYS_PER_STATEMENT):
        yield keys[start : start + _KEYS_PER_STATEMENT]


async def read_state(session: AsyncSession, keys: Iterable[str]) -> dict[str, StoredState]:
    """The stored items among `keys`; missing keys are simply absent from the result."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, StoredState] = {}
    for chunk in _chunks(wanted):
        rows = await session.execute(_READ, {"keys": chunk})
        for key, data, e_tag in rows:
            found[key] = StoredState(json.loads(data), e_tag)
    return found


async def write_state(
    session: AsyncSession, key: str, data: dict[str, Any], expected_e_tag: str | None
) -> str:
    """Stores `data` under `key` and returns its new e_tag; raises ETagConflict (see the module docstring)."""
    _check_key(key)
    if expected_e_tag == "":
        raise ValueError(f"write_state({key!r}): e_tag missing (empty string)")
    text = dumps(data)
    e_tag = new_e_tag()
    now = utc_now()
    if expected_e_tag is None or expected_e_tag == WILDCARD_E_TAG:
        await session.execute(_upsert(dialect_of(session)),
                              {"key": key, "data": text, "e_tag": e_tag, "updated_at": now})
        return e_tag

    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        _WRITE_IF_UNCHANGED, {"match_key": key, "expected": expected_e_tag, "data": text, "e_tag": e_tag, "at": now})
    if result.rowcount != 1:
        exists = (await session.execute(select(_table.c.key).where(_table.c.key == key))).first() is not None
        raise ETagConflict(key, expected_e_tag, exists=exists)
    return e_tag


async def delete_state(session: AsyncSession, keys: Iterable[str]) -> int:
    """Deletes the items under `keys` (missing ones are ignored); returns how many were deleted."""
    wanted = list(dict.fromkeys(keys))
    deleted = 0
    for chunk in _chunks(wanted):
        result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
            delete(_table).where(_table.c.key.in_(chunk))
        )
        deleted += result.rowcount
    return deleted
