"""Malmö stad's nämnder and helägda bolag (seeded from storage/data/organisations.yaml), and what the policy asks
of each kind (`duties_of`).

Whether an organisation must report its international work every year, and whether it must appoint a contact
person, follows from its kind alone, and the answer is the policy module's (parameter `organisation_duties`):
a nämnd must do both (3.3, 4); a helägt bolag has no duty to report and may appoint a representative (3.4).
Every status count, reminder and compilation asks here rather than comparing kinds itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from policy.yaml_files import load_yaml
from policy.organisation_duties import OrganisationDuties, organisation_duties
from storage._sql import dialect_insert
from storage.models import Organisation, OrganisationKind, utc_now

__all__ = [
    "DEFAULT_ORGANISATIONS_PATH",
    "POLICY_ACTORS",
    "Organisation",
    "OrganisationDuties",
    "OrganisationEntry",
    "OrganisationKind",
    "also_called_slugs",
    "duties_of",
    "kinds_that_must_appoint_contact",
    "kinds_that_must_report",
    "must_appoint_contact",
    "must_report",
    "find_organisation",
    "get_organisation",
    "list_organisations",
    "load_organisation_entries",
    "normalise",
    "seed_organisations",
    "slugify",
    "swedish_sort_key",
]

DEFAULT_ORGANISATIONS_PATH = Path(__file__).parent / "data" / "organisations.yaml"
_SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def normalise(text: str) -> str:
    """Lowercase, without diacritics, with single spaces: "  MILJÖNÄMNDEN " → "miljonamnden"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())


_SWEDISH_LAST = {"å": "{0", "ä": "{1", "ö": "{2", "æ": "{1", "ø": "{2"}


@lru_cache(maxsize=4096)
def swedish_sort_key(text: str) -> str:
    """Sorts as a Swedish reader expects: a–z, then å, ä, ö (é sorts as e). Kept per name: the same few dozen names are
    sorted on many turns (the registration's list of organisations), each letter normalised on its own."""
    key = []
    for char in text.casefold():
        if char in _SWEDISH_LAST:
            key.append(_SWEDISH_LAST[char])
        else:
            key.append(normalise(char) or char)
    return "".join(key)


# The policy's actor (policy/data/actors.yaml) each kind of organisation is.
POLICY_ACTORS: dict[OrganisationKind, str] = {
    OrganisationKind.NAMND: "committee",
    OrganisationKind.BOLAG: "wholly_owned_company",
}


def duties_of(kind: OrganisationKind | str, on: date | None = None) -> OrganisationDuties:
    """What the policy in force on `on` (default: today) asks of an organisation of this kind: the yearly report
    (`annual_report`, with its section) and the contact person or representative (`contact`, with its role)."""
    return organisation_duties(POLICY_ACTORS[OrganisationKind(kind)], on)


def must_report(kind: OrganisationKind | str, on: date | None = None) -> bool:
    """Whether an organisation of this kind must report its international work every year (nämnd: 3.3, 4)."""
    return duties_of(kind, on).must_report


def must_appoint_contact(kind: OrganisationKind | str, on: date | None = None) -> bool:
    """Whether it must appoint a contact person for international matters (nämnd: 3.3; a bolag may, 3.4)."""
    return duties_of(kind, on).must_appoint_contact


def kinds_that_must_report(on: date | None = None) -> frozenset[OrganisationKind]:
    return frozenset(kind for kind in OrganisationKind if must_report(kind, on))


def kinds_that_must_appoint_contact(on: date | None = None) -> frozenset[OrganisationKind]:
    return frozenset(kind for kind in OrganisationKind if must_appoint_contact(kind, on))


def slugify(text: str) -> str:
    """"Hälsa-, vård- och omsorgsnämnden" → "halsa-vard-och-omsorgsnamnden"."""
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-")


class OrganisationEntry(BaseModel):
    """One entry of organisations.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=_SLUG_PATTERN, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    kind: OrganisationKind
    # Other names officials use for it (the förvaltning serving a nämnd): looked up, never stored.
    also_called: tuple[str, ...] = ()

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        return " ".join(value.split())


class _OrganisationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisations: list[OrganisationEntry]


def load_organisation_entries(path: Path | str | None = None) -> list[OrganisationEntry]:
    """Reads and validates an organisations file; duplicate slugs or names are an error."""
    source = Path(path) if path is not None else DEFAULT_ORGANISATIONS_PATH
    with source.open(encoding="utf-8") as stream:
        raw = load_yaml(stream)
    entries = _OrganisationsFile.model_validate(raw if raw is not None else {"organisations": []}).organisations
    for attribute in ("slug", "name"):
        seen: set[str] = set()
        for entry in entries:
            value = getattr(entry, attribute)
            if value in seen:
                raise ValueError(f"{source}: {attribute} {value!r} appears more than once")
            seen.add(value)
    return entries


async def seed_organisations(session: AsyncSession, path: Path | str | None = None) -> int:
    """Adds the organisations in the file (default: storage/data/organisations.yaml) that are missing.

    Never deletes, renames or re-kinds an organisation that exists: an entry whose slug or name is already
    taken is left alone (INSERT … ON CONFLICT DO NOTHING). Returns the number added.
    """
    added = 0
    for entry in load_organisation_entries(path):
        statement = (
            dialect_insert(session, Organisation.__table__)
            .values(slug=entry.slug, name=entry.name, kind=entry.kind.value, active=True, created_at=utc_now())
            .on_conflict_do_nothing()
        )
        result = await session.execute(statement)
        added += result.rowcount  # type: ignore[attr-defined]
    return added


async def list_organisations(
    session: AsyncSession, kind: OrganisationKind | str | None = None, *, include_inactive: bool = False
) -> Sequence[Organisation]:
    """Active organisations (all with `include_inactive`), of one kind if given, in Swedish name order."""
    statement = select(Organisation)
    if kind is not None:
        statement = statement.where(Organisation.kind == OrganisationKind(kind))
    if not include_inactive:
        statement = statement.where(Organisation.active.is_(True))
    organisations = (await session.scalars(statement)).all()
    return sorted(organisations, key=lambda organisation: swedish_sort_key(organisation.name))


async def get_organisation(session: AsyncSession, slug: str) -> Organisation | None:
    return await session.scalar(select(Organisation).where(Organisation.slug == slug))


async def find_organisation(session: AsyncSession, text: str) -> Organisation | None:
    """The organisation whose name or slug `text` is, ignoring case, diacritics and extra spaces.

    "miljönämnden", "MILJONAMNDEN", "miljonamnden" and " Miljönämnden " all find Miljönämnden; no fuzzy
    matching here. Inactive organisations are found too (the caller decides what to do with them).
    """
    wanted = normalise(text)
    if not wanted:
        return None
    wanted_slug = slugify(text)
    organisations = (await session.scalars(select(Organisation))).all()
    for organisation in organisations:
        if wanted in (normalise(organisation.name), organisation.slug) or wanted_slug == organisation.slug:
            return organisation
    # "Miljöförvaltningen" is Miljönämnden's förvaltning: the name the file gives for it finds the nämnd.
    slug = also_called_slugs().get(wanted_slug)
    return next((organisation for organisation in organisations if organisation.slug == slug), None)


@lru_cache(maxsize=1)
def also_called_slugs() -> dict[str, str]:
    """The other names of organisations.yaml's entries (as slugs, so that punctuation and case do not matter) and the
    slug of the entry each names."""
    return {slugify(name): entry.slug for entry in load_organisation_entries() for name in entry.also_called}
