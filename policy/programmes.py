"""The EU programmes and funds (policy/data/programmes.yaml): one list for the registration's choice and for
reading a programme out of a question, so that a programme added or renamed is added or renamed once.

The registration (dialogs/applications/programmes.py) reads the entries offered; the fact reader (policy/extract.py) reads
`question_programmes`, the names a question uses, grouped by the programme it reads ("Interreg" for all five).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from policy.errors import PolicyDataError
from policy.yaml_files import load_yaml

PROGRAMMES_FILE = Path(__file__).resolve().parent / "data" / "programmes.yaml"
OTHER = "other"  # the key of "annat": the official types the programme's name (programme_other)


class ProgrammeDataError(PolicyDataError):
    """programmes.yaml is malformed; the message names the file and the problem."""


class QuestionNames(BaseModel):
    """How a question names a programme; naming it means the project seeks EU money unless `eu` is false."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    reads_as: str = Field(alias="as", min_length=1)
    names: tuple[str, ...] = ()
    case_sensitive: bool = False
    eu: bool = True


class Programme(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9_]+$")
    name_sv: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    kind: Literal["program", "fond", "annat"]  # "annat" only for OTHER
    aliases: tuple[str, ...] = ()
    questions: QuestionNames | None = None
    offered: bool = True  # False: named in questions only, never a choice of the registration

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_sv

    @property
    def is_other(self) -> bool:
        return self.key == OTHER


@dataclass(frozen=True)
class QuestionProgramme:
    """A programme as the fact reader knows it: the name it reads and every name that says it."""

    name: str
    names: tuple[str, ...]
    case_sensitive: bool
    eu: bool


@dataclass(frozen=True)
class Programmes:
    entries: tuple[Programme, ...]
    compound_tails: tuple[str, ...]

    @property
    def offered(self) -> tuple[Programme, ...]:
        """The registration's choices, in the order offered, "other" included."""
        return tuple(p for p in self.entries if p.offered)

    @property
    def question_programmes(self) -> list[QuestionProgramme]:
        """The programmes questions name, in the file's order (the first named in a question counts), each with
        the names of every entry read as it."""
        grouped: dict[str, QuestionProgramme] = {}
        for entry in self.entries:
            q = entry.questions
            if q is None:
                continue
            known = grouped.get(q.reads_as)
            names = tuple(dict.fromkeys((*(known.names if known else ()), *q.names)))
            grouped[q.reads_as] = QuestionProgramme(q.reads_as, names, q.case_sensitive, q.eu)
        return list(grouped.values())


def read_programmes(path: Path = PROGRAMMES_FILE) -> Programmes:
    """The programmes in `path`, checked (read once per file, then shared)."""
    return _read(path.resolve())


@lru_cache(maxsize=4)
def _read(path: Path) -> Programmes:
    try:
        with path.open(encoding="utf-8") as f:
            doc = load_yaml(f)
        entries = tuple(Programme.model_validate(entry) for entry in doc["programmes"])
        tails = tuple(str(t) for t in doc.get("compound_tails", []))
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, ValidationError) as e:
        raise ProgrammeDataError(f"{path}: {e}") from e
    keys = [p.key for p in entries]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ProgrammeDataError(f"{path}: keys used twice: {', '.join(duplicates)}")
    if not any(p.is_other and p.offered for p in entries):
        raise ProgrammeDataError(f"{path}: the entry {OTHER!r} (annat) is missing")
    wrong_kind = [p.key for p in entries if (p.kind == "annat") != p.is_other]
    if wrong_kind:
        raise ProgrammeDataError(f"{path}: kind 'annat' is for {OTHER!r} alone: {', '.join(wrong_kind)}")
    unread = [p.key for p in entries if not p.offered and p.questions is None]
    if unread:
        raise ProgrammeDataError(f"{path}: neither offered nor named in questions: {', '.join(unread)}")
    clashes = {q.name for q in Programmes(entries, tails).question_programmes if _mixed(entries, q.name)}
    if clashes:
        raise ProgrammeDataError(f"{path}: entries read as {', '.join(sorted(clashes))} disagree on eu or case")
    return Programmes(entries, tails)


def _mixed(entries: tuple[Programme, ...], reads_as: str) -> bool:
    """Whether the entries read as one programme disagree on how it is matched or whether it is EU money."""
    ways = {(p.questions.case_sensitive, p.questions.eu) for p in entries
            if p.questions is not None and p.questions.reads_as == reads_as}
    return len(ways) > 1
