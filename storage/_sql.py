"""The one dialect-specific statement Lotsen needs: INSERT … ON CONFLICT, spelled the same on both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession, target: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT with `.on_conflict_do_update()` / `.on_conflict_do_nothing()` for the session's database."""
    return insert_for(dialect_of(session), target)


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def insert_for(dialect: str, target: Any) -> postgresql.Insert | sqlite.Insert:
    """`dialect_insert` by the dialect's name: for statements built once and kept, per database."""
    if dialect == "postgresql":
        return postgresql.insert(target)
    if dialect == "sqlite":
        return sqlite.insert(target)
    raise ValueError(f"Unsupported database dialect {dialect!r}")
