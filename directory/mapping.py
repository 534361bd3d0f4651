"""From directory values to organisations: the shipped mapping file (storage/data/directory-mapping.yaml) and
the mappings administrators added (storage/directory_mappings.py), theirs winning for the same value; and what
one user's values decide.

A value matches a rule when it is the rule's value, case and extra spaces aside; no other likeness counts. The
values of one user decide nothing unless they lead to exactly one organisation: a value listed with several, or
several values (groups) that lead to different ones, are ambiguous; none that leads anywhere is no match.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from policy.yaml_files import load_yaml
from storage.directory_mappings import list_mappings, normalise_value
from storage.models import DirectoryOutcome, DirectorySource
from storage.organisations import DEFAULT_ORGANISATIONS_PATH

DEFAULT_MAPPING_PATH = DEFAULT_ORGANISATIONS_PATH.parent / "directory-mapping.yaml"
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=100)]
Origin = Literal["file", "admin"]


@dataclass(frozen=True)
class MappingRule:
    source: DirectorySource
    value: str  # as written in the file or typed by the administrator
    organisations: tuple[str, ...]  # slugs; more than one: ambiguous
    origin: Origin


class _MappingFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mappings: dict[DirectorySource, dict[str, Slug | list[Slug]] | None] = Field(default_factory=dict)


def load_mapping_file(path: Path | str | None = None) -> list[MappingRule]:
    """The rules of a mapping file (default: the shipped one); a value written twice in one source is an error."""
    source_path = Path(path) if path is not None else DEFAULT_MAPPING_PATH
    with source_path.open(encoding="utf-8") as stream:
        raw = load_yaml(stream)
    parsed = _MappingFile.model_validate(raw if raw is not None else {})
    rules: list[MappingRule] = []
    for source, values in parsed.mappings.items():
        seen: set[str] = set()
        for value, slugs in (values or {}).items():
            key = normalise_value(str(value))
            if not key or key in seen:
                raise ValueError(f"{source_path}: {source.value} value {value!r} is empty or appears more than once")
            seen.add(key)
            organisations = (slugs,) if isinstance(slugs, str) else tuple(dict.fromkeys(slugs))
            if not organisations:
                raise ValueError(f"{source_path}: {source.value} value {value!r} names no organisation")
            rules.append(MappingRule(source, " ".join(str(value).split()), organisations, "file"))
    return rules


class MappingTable:
    """The rules in force: for each source and value, the later rule wins (the administrators' over the file's)."""

    def __init__(self, rules: Iterable[MappingRule]) -> None:
        self._rules: dict[tuple[DirectorySource, str], MappingRule] = {}
        for rule in rules:
            self._rules[(rule.source, normalise_value(rule.value))] = rule

    def rule_for(self, source: DirectorySource, value: str) -> MappingRule | None:
        return self._rules.get((DirectorySource(source), normalise_value(value)))

    def rules(self, source: DirectorySource | None = None) -> list[MappingRule]:
        return [rule for (rule_source, _), rule in sorted(self._rules.items(), key=lambda item: (item[0][0].value,
                                                                                                  item[0][1]))
                if source is None or rule_source == source]


async def mapping_table(session: AsyncSession, file_rules: Sequence[MappingRule]) -> MappingTable:
    """The file's rules with the administrators' (from the database) over them."""
    admin_rules = [MappingRule(mapping.source, mapping.value, (mapping.organisation.slug,), "admin")
                   for mapping in await list_mappings(session)]
    return MappingTable([*file_rules, *admin_rules])


@dataclass(frozen=True)
class Decision:
    outcome: DirectoryOutcome  # PLACED, AMBIGUOUS or NO_MATCH
    values: tuple[str, ...]  # every value the directory gave
    matches: tuple[tuple[str, tuple[str, ...]], ...]  # each mapped value with the organisations it leads to

    @property
    def candidates(self) -> tuple[str, ...]:
        """The organisations (slugs) the values lead to, each once, in the order first met."""
        return tuple(dict.fromkeys(slug for _, slugs in self.matches for slug in slugs))

    @property
    def organisation(self) -> str | None:
        return self.candidates[0] if self.outcome == DirectoryOutcome.PLACED else None

    @property
    def matched_value(self) -> str | None:
        """The value that placed the user (the first, when several lead to the same organisation)."""
        return self.matches[0][0] if self.outcome == DirectoryOutcome.PLACED else None


def decide(table: MappingTable, source: DirectorySource, values: Sequence[str],
           active: Collection[str]) -> Decision:
    """What the user's `values` of `source` decide; organisations not in `active` (slugs: unknown, or no longer
    active) are not places anyone is put."""
    matches: list[tuple[str, tuple[str, ...]]] = []
    for value in dict.fromkeys(" ".join(value.split()) for value in values if value.strip()):
        rule = table.rule_for(source, value)
        slugs = tuple(slug for slug in rule.organisations if slug in active) if rule is not None else ()
        if slugs:
            matches.append((value, slugs))
    organisations = {slug for _, slugs in matches for slug in slugs}
    if not organisations:
        outcome = DirectoryOutcome.NO_MATCH
    elif len(organisations) == 1:
        outcome = DirectoryOutcome.PLACED
    else:
        outcome = DirectoryOutcome.AMBIGUOUS
    return Decision(outcome, tuple(values), tuple(matches))
