"""The year's compilation built from the database and made into a file: one path for the download link (app.py)
and the operator's command line (`python -m cli report compile`), so that both hand out the same document.

The programme list is the registration's (dialogs/applications/programmes.py); reports/ does not reach up into dialogs/, so
the caller passes the programmes in and `swedish_programme_names` reads their Swedish names from them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from policy import resolve_rate
from policy.dates import MALMO_TIME
from reports.compilation import Compilation, write_compilation
from reports.compilation_query import build_compilation
from settings import Settings

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
}


class NamedProgramme(Protocol):
    """What the compilation needs of a programme (dialogs.applications.programmes.Programme has it)."""

    @property
    def key(self) -> str: ...

    @property
    def name_sv(self) -> str: ...


def swedish_programme_names(programmes: Iterable[NamedProgramme]) -> dict[str, str]:
    """Programme keys → Swedish names: the compilation goes to kommunfullmäktige in Swedish."""
    return {programme.key: programme.name_sv for programme in programmes}


def default_eur_sek_rate(settings: Settings, on: date) -> float:
    """EUR_SEK_RATE, else the default kept with the policy parameters (for applications stored without a rate)."""
    return resolve_rate(settings.eur_sek_rate, on)


def today_in_malmo() -> date:
    return datetime.now(MALMO_TIME).date()


async def compile_year(session: AsyncSession, settings: Settings, year: int, on: date,
                       programme_names: Mapping[str, str]) -> Compilation:
    """The compilation of `year` as of `on`, its amounts in euro converted at the rate the settings give."""
    return await build_compilation(session, year, programme_names=programme_names,
                                   default_eur_sek_rate=default_eur_sek_rate(settings, on), generated_on=on)


def compilation_bytes(compilation: Compilation, fmt: str) -> bytes:
    """The file's bytes, written in a directory of its own that is gone afterwards (nothing stays on disk)."""
    with tempfile.TemporaryDirectory(prefix="lotsen-compilation-") as directory:
        return write_compilation(compilation, fmt, out=Path(directory)).read_bytes()  # type: ignore[arg-type]
