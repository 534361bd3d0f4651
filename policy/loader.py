"""Loading policy/data once, checking it, and finding what is in force on a date.

Everything is read and checked when first asked for, then shared: the data files are the
single source of rules, thresholds and texts, and a mistake in them should stop the loading
with a message that names the file and the problem, not surface later as a wrong answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from policy.dates import today
from policy.errors import NotInForceError, PolicyDataError, UnknownParameterError, UnknownSectionError
from policy.extract import FactReader
from policy.classifier import SimilarTaught, TopicClassifier
from policy.model import Actor, Decision, Parameter, ParameterValue, PolicyVersion, Section, Topic
from policy.normalise import FoldedWords, fold, tokens
from policy.programmes import Programmes, read_programmes
from policy.sections import plain_text, quote
from policy.texts import LANGS, Catalog
from policy.yaml_files import load_yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
OUT_OF_SCOPE = "out_of_scope"  # the classifier's label for questions the policy does not answer


# The letters a pattern must start with (after a word boundary), when it starts with two or more without a quantifier.
_LETTERS_FIRST = re.compile(r"(?:\\b)?([a-zåäöæøéü ]{2,})(?![?*+{])")


def _literal_head(pattern: str) -> str | None:
    """What a text must contain, lower-cased, for `pattern` (case-insensitive) to match it; None when not known."""
    head = _LETTERS_FIRST.match(pattern)
    return head[1] if head and not _alternatives_at_top(pattern) else None


def _alternatives_at_top(pattern: str) -> bool:
    """Whether `pattern` is a choice at its top level ("ab|cd"), where no one start is required."""
    depth, escaped, in_class = 0, False, False
    for character in pattern:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif in_class:
            in_class = character != "]"
        elif character == "[":
            in_class = True
        elif character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        elif character == "|" and depth == 0:
            return True
    return False


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            return load_yaml(f)
    except (OSError, yaml.YAMLError) as e:
        raise PolicyDataError(f"{path}: {e}") from e


@dataclass(frozen=True)
class QuestionForm:
    """A form of question that decides its topic (topics.yaml's question_forms)."""

    topic: str
    when_topics: frozenset[str]  # the classifier's topics it applies to, besides its own
    patterns: tuple[re.Pattern[str], ...]

    def fits(self, folded_question: str) -> bool:
        return any(pattern.search(folded_question) for pattern in self.patterns)


class PolicyData:
    """The policy as loaded from one data folder: versions, actors, parameters, topics, texts."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        version_files = sorted((data_dir / "versions").glob("*.yaml"))
        if not version_files:
            raise PolicyDataError(f"{data_dir / 'versions'}: no policy version files")
        self.versions: list[PolicyVersion] = sorted(
            (self._model(PolicyVersion, _read(p), p) for p in version_files), key=lambda v: v.valid_from
        )
        actors_doc = _read(data_dir / "actors.yaml")
        self.actors: dict[str, Actor] = {
            a["id"]: self._model(Actor, a, data_dir / "actors.yaml") for a in actors_doc["actors"]
        }
        params_doc = _read(data_dir / "parameters.yaml")["parameters"]
        self.parameters: dict[str, Parameter] = {
            name: self._model(Parameter, {**doc, "name": name}, data_dir / "parameters.yaml")
            for name, doc in params_doc.items()
        }
        self.topics_doc: dict[str, Any] = _read(data_dir / "topics.yaml")
        self.facts_doc: dict[str, Any] = _read(data_dir / "facts.yaml")
        self.programmes: Programmes = read_programmes(data_dir / "programmes.yaml")
        self.language_doc: dict[str, Any] = _read(data_dir / "language.yaml")
        self.texts = Catalog({lang: _read(data_dir / "texts" / f"{lang}.yaml") for lang in LANGS})
        self.markers = {lang: frozenset(w for m in self.language_doc["markers"][lang] for w in tokens(str(m)))
                        for lang in LANGS}
        try:
            self.spoken_forms: list[tuple[re.Pattern[str], str, str | None]] = [
                (re.compile(pattern, re.IGNORECASE), replacement, _literal_head(pattern))
                for pattern, replacement in self.language_doc.get("spoken_forms", [])]
        except (TypeError, ValueError, re.error) as e:
            raise PolicyDataError(f"{data_dir / 'language.yaml'}: spoken_forms: {type(e).__name__}: {e}") from e
        self.topics: dict[str, Topic] = {
            t["id"]: self._model(Topic, t, data_dir / "topics.yaml") for t in self.topics_doc["topics"]
        }
        self.decision: Decision = self._model(Decision, self.topics_doc["decision"], data_dir / "topics.yaml")
        self.features: dict[str, str] = dict(self.topics_doc.get("features", {}))
        try:
            self.question_forms: list[QuestionForm] = [
                QuestionForm(form["topic"], frozenset(form["when_topics"]),
                             tuple(re.compile(pattern) for pattern in form["patterns"]))
                for form in self.topics_doc.get("question_forms", [])]
        except (KeyError, TypeError, re.error) as e:
            raise PolicyDataError(f"{data_dir / 'topics.yaml'}: question_forms: {type(e).__name__}: {e}") from e
        # Where a message's second question starts, and the words of a question about the rule in general.
        self.second_question = self._patterns("second_question", data_dir)
        self.general_question = self._patterns("general_question", data_dir)
        self.practical_details = self._patterns("practical_details", data_dir)
        self.other_rules = self._patterns("other_rules", data_dir)
        self.section_lookup = self._patterns("section_lookup", data_dir)
        self.asks_who_is_informed = self._patterns("asks_who_is_informed", data_dir)
        # A question passed on: the asker's words before it (`frame`) and after it (`ask`, "vad ska jag svara?").
        relayed = self.topics_doc.get("relayed_question") or {}
        try:
            self.relayed_frame = re.compile(relayed["frame"]) if relayed.get("frame") else None
            self.relayed_ask = re.compile(relayed["ask"]) if relayed.get("ask") else None
        except (TypeError, re.error) as e:
            raise PolicyDataError(f"{data_dir / 'topics.yaml'}: relayed_question: {type(e).__name__}: {e}") from e
        # The policy's concepts: topics.yaml's words and every name of an actor ("KSF", "nämnderna").
        aliases = [alias for actor in self.actors.values() for names in actor.aliases.values() for alias in names]
        self.concepts: tuple[str, ...] = tuple(
            " ".join(fold(w) for w in tokens(str(c))) for c in [*self.topics_doc.get("concepts", []), *aliases]
        )
        model_path = data_dir / "model.bin"
        if not model_path.exists():
            raise PolicyDataError(f"{model_path}: no trained topic classifier; run `python -m policy train`")
        try:
            self.classifier = TopicClassifier.load(model_path)
        except (OSError, ValueError, KeyError) as e:
            raise PolicyDataError(f"{model_path}: {e}") from e
        self.similar_taught = SimilarTaught(self.classifier, self.decision.taught_similarity)
        self._check()
        # Built now, not on the first question: a bad pattern should stop the loading.
        try:
            section_ids = {s.id for v in self.versions for s in v.sections}
            self.fact_reader = FactReader(self.facts_doc, self.programmes, section_ids)
        except (KeyError, ValueError, TypeError, re.error) as e:
            raise PolicyDataError(f"{data_dir}: {type(e).__name__}: {e}") from e

    @staticmethod
    def _model(cls: type, doc: Any, path: Path) -> Any:
        try:
            return cls.model_validate(doc)
        except ValidationError as e:
            raise PolicyDataError(f"{path}: {e}") from e

    # ---- what is in force -------------------------------------------------------------------

    def version_on(self, on: date) -> PolicyVersion:
        in_force = [v for v in self.versions if v.valid_from <= on]
        if not in_force:
            raise NotInForceError("not_in_force", date=on.isoformat(), first=self.versions[0].valid_from.isoformat())
        return in_force[-1]

    def section(self, section_id: str, on: date) -> Section:
        found = self.version_on(on).section(section_id)
        if found is None:
            raise UnknownSectionError("unknown_section", section=section_id)
        return found

    def parameter_entry(self, name: str, on: date) -> ParameterValue:
        if name not in self.parameters:
            raise UnknownParameterError("unknown_parameter", name=name)
        in_force = [v for v in self.parameters[name].values if v.valid_from <= on]
        if not in_force:
            first = min(v.valid_from for v in self.parameters[name].values)
            raise NotInForceError("not_in_force", date=on.isoformat(), first=first.isoformat())
        return max(in_force, key=lambda v: v.valid_from)

    def parameter_value(self, name: str, on: date) -> Any:
        return self.parameter_entry(name, on).value

    def _patterns(self, key: str, data_dir: Path) -> re.Pattern[str] | None:
        """topics.yaml's list `key` of regular expressions (on folded text) as one pattern, or None when empty."""
        patterns = self.topics_doc.get(key, [])
        try:
            return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        except (TypeError, re.error) as e:
            raise PolicyDataError(f"{data_dir / 'topics.yaml'}: {key}: {type(e).__name__}: {e}") from e

    def as_typed(self, question: str) -> str:
        """The question with what dictation splits or mishears written as typed (language.yaml `spoken_forms`)."""
        lowered = question.lower()
        for pattern, replacement, head in self.spoken_forms:
            # A pattern that starts with letters can match only where they occur: most are skipped at the cost of `in`.
            if head is not None and head not in lowered:
                continue
            typed = pattern.sub(replacement, question)
            if typed != question:
                question, lowered = typed, typed.lower()
        return question

    def names_concept(self, question: str) -> bool:
        """Whether `question` names a concept of the policy: a phrase at the start of a word, a short word
        (KS, KF, lead) at the start of a token, a longer one anywhere in a token (compounds: "projektpartner")."""
        words = FoldedWords(question)
        return any(
            words.has_phrase(c) if " " in c else words.has_word_starting(c) if len(c) < 5 else words.has_word_containing(c)
            for c in self.concepts
        )

    @property
    def topic_ids(self) -> list[str]:
        """Every topic a question can be taught to, and out_of_scope."""
        return [*self.topics, OUT_OF_SCOPE]

    def topic_title(self, topic_id: str, lang: str) -> str:
        """A topic's short title (fits a Teams button)."""
        return self.texts.text(f"titles.{topic_id}", lang)  # type: ignore[arg-type]

    # ---- consistency ------------------------------------------------------------------------

    def _check(self) -> None:
        problems: list[str] = []
        for version in self.versions:
            problems += _check_version(version, set(self.actors))
            for topic in self.topics_doc["topics"]:
                for sid in topic["sections"]:
                    section = version.section(sid)
                    if section is None:
                        problems.append(f"topics.yaml: topic {topic['id']} cites section {sid}, not in version {version.id}")
                        continue
                    try:
                        quote(section.text.sv, topic.get("quotes", {}).get(sid))
                    except ValueError as e:
                        problems.append(f"topics.yaml: topic {topic['id']}, section {sid} (version {version.id}): {e}")
        for name, parameter in self.parameters.items():
            dates = [v.valid_from for v in parameter.values]
            if not dates or len(set(dates)) != len(dates):
                problems.append(f"parameters.yaml: {name} needs values with distinct valid_from dates")
            for value in parameter.values:
                if value.section and not any(v.section(value.section) for v in self.versions):
                    problems.append(f"parameters.yaml: {name} cites unknown section {value.section}")
        problems += [f"topics.yaml: question_forms name unknown topic {name}" for form in self.question_forms
                     for name in (form.topic, *form.when_topics) if name not in self.topics and name != OUT_OF_SCOPE]
        keys = {lang: self.texts.keys(lang) for lang in LANGS}
        if keys["sv"] != keys["en"]:
            problems.append(f"texts: keys differ between sv and en: {sorted(keys['sv'] ^ keys['en'])}")
        for topic in self.topics.values():
            for key in (f"answers.{topic.id}", f"suggestions.{topic.id}", f"titles.{topic.id}"):
                if not self.texts.has(key):
                    problems.append(f"texts: missing {key}")
            if not set(topic.first_section_when) <= set(topic.sections):
                problems.append(f"topics.yaml: topic {topic.id}: first_section_when names a section it does not cite")
            if topic.duties_of and topic.duties_of not in self.actors:
                problems.append(f"topics.yaml: topic {topic.id} lists duties of unknown actor {topic.duties_of}")
        for label, feature in self.features.items():
            if not self.texts.has(f"features.{feature}"):
                problems.append(f"texts: missing features.{feature} (label {label})")
        labels = {*self.topics, *self.features, OUT_OF_SCOPE}
        if set(self.classifier.topics) != labels:
            problems.append(f"model.bin: labels differ from topics.yaml: {sorted(set(self.classifier.topics) ^ labels)}; "
                            "run `python -m policy train`")
        if problems:
            raise PolicyDataError(f"{self.data_dir}:\n  " + "\n  ".join(problems))


def _check_version(version: PolicyVersion, actors: set[str]) -> list[str]:
    where = f"versions/{version.id}"
    problems: list[str] = []
    ids = [s.id for s in version.sections]
    if len(set(ids)) != len(ids):
        problems.append(f"{where}: duplicate section ids")
    if version.adopted_by not in actors:
        problems.append(f"{where}: adopted_by {version.adopted_by} is not an actor")
    for r in version.responsibilities:
        section = version.section(r.section)
        if r.actor not in actors:
            problems.append(f"{where}: responsibility of unknown actor {r.actor}")
        if section is None or plain_text(r.duty.sv) not in plain_text(section.text.sv):
            problems.append(f"{where}: duty {r.duty.sv!r} is not the words of section {r.section}")
    routine = version.eu_routine
    section = version.section(routine.section)
    if section is None:
        return problems + [f"{where}: eu_routine cites unknown section {routine.section}"]
    policy_words = plain_text(section.text.sv)
    for words in [routine.scope_quote] + [q for o in routine.obligations for q in (o.quote, o.due_quote) if q]:
        if plain_text(words) not in policy_words:
            problems.append(f"{where}: {words!r} is not the words of section {routine.section}")
    for o in routine.obligations:
        if o.actor not in actors:
            problems.append(f"{where}: obligation {o.id} of unknown actor {o.actor}")
        if o.condition == "budget_threshold" and not o.parameter:
            problems.append(f"{where}: obligation {o.id} needs the parameter that holds its threshold")
    return problems


@lru_cache(maxsize=8)
def _load(data_dir: Path) -> PolicyData:
    return PolicyData(data_dir)


def load_policy(data_dir: str | Path | None = None) -> PolicyData:
    """The policy from `data_dir` (default: the shipped policy/data), loaded once and cached."""
    return _load(Path(data_dir).resolve() if data_dir else DATA_DIR)


def get_section(section_id: str, on: date | None = None, *, policy: PolicyData | None = None) -> Section:
    """Section `section_id` of the policy version in force on `on` (default: today in Malmö)."""
    return (policy or load_policy()).section(section_id, on or today())
