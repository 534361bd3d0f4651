"""Scoring a question against the topics of topics.yaml.

Every word written in the data (topic terms, actor aliases) gets an id. A question's tokens are
matched to word ids once, forgivingly: by stem (Swedish and English), by Swedish inflection and
compound endings ("nätverk|et", "projekt|ansökan"), and as a last resort by RapidFuzz for typos.
Terms, groups and topics are then plain set look-ups, which keeps answering fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from policy.extract import Extraction
from policy.model import Actor
from policy.normalise import fold, term_keys, token_keys, tokens

# Shortest Swedish word that may be found as the last part of a compound ("projekt|ansökan");
# shorter ones would match by accident ("stöd" in "försörjningsstöd").
_COMPOUND_HEAD_MIN = 5


@dataclass(frozen=True)
class Term:
    kind: str  # "words" (adjacent), "all" (anywhere), "actor", "fact"
    words: tuple[int, ...] = ()
    name: str = ""


@dataclass(frozen=True)
class Group:
    weight: int
    core: bool
    required: bool
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Topic:
    id: str
    sections: tuple[str, ...]
    quotes: dict[str, list[str]]
    routine: bool
    lead_when_open: bool  # show the topic's own text only while the routine's verdict is open
    duties_of: str | None
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Scored:
    topic: Topic | None  # None: the question names a section and nothing else fits better
    score: int


class _Vocabulary:
    """Word ids and the indexes that find them from a typed token."""

    def __init__(self, endings: list[str], fuzzy: dict[str, int]) -> None:
        self.endings = sorted({"", *(fold(e) for e in endings)}, key=len)
        self.fuzzy_min = int(fuzzy["min_length"])
        self.fuzzy_cutoff = float(fuzzy["cutoff"])
        self._ids: dict[tuple[str, str], int] = {}
        self.by_key: dict[str, set[int]] = {}
        self.sv_key: dict[str, set[int]] = {}
        self.surface: dict[str, set[int]] = {}
        # Bounded: a long-running bot meets ever new tokens.
        self.match = lru_cache(maxsize=50_000)(self._match)

    def word(self, word: str, lang: str) -> int:
        folded = fold(word)
        if (folded, lang) in self._ids:
            return self._ids[(folded, lang)]
        wid = len(self._ids)
        self._ids[(folded, lang)] = wid
        for key in term_keys(word, lang):
            self.by_key.setdefault(key, set()).add(wid)
            if lang == "sv":
                self.sv_key.setdefault(key, set()).add(wid)
        self.surface.setdefault(folded, set()).add(wid)
        return wid

    def _match(self, token: str) -> frozenset[int]:
        ids: set[int] = set()
        for key in token_keys(token):
            ids |= self.by_key.get(key, set())
        folded = fold(token)
        known = self._ending_matches(folded, 0, 3)
        ids |= {wid for wid, _ in known}
        # A compound's last part is a known word too ("kultur|nämnden", "projekt|ansökan"). When
        # the whole token is already a known word plus an ending, the last part must end where
        # that word ends: "inriktningarna" is "inriktning" + "arna", not "inriktn" + "ingår" + "na".
        word_ends = {stop for _, stop in known}
        for begin in range(1, len(folded)):
            ids |= {wid for wid, stop in self._ending_matches(folded, begin, _COMPOUND_HEAD_MIN)
                    if not word_ends or stop in word_ends}
        # RapidFuzz for typos: also when a stem matched, since a typo can stem into another word
        # ("förvalting" -> "förvalt", as "förvaltande"); never for a word the data has as written.
        if folded not in self.surface and len(folded) >= self.fuzzy_min:
            best = process.extractOne(folded, self.surface.keys(), scorer=fuzz.ratio, score_cutoff=self.fuzzy_cutoff)
            if best:
                ids |= self.surface[best[0]]
        return frozenset(ids)

    def _ending_matches(self, folded: str, begin: int, shortest: int) -> set[tuple[int, int]]:
        """(word id, where the word ends) for Swedish words that folded[begin:] is, plus a known ending."""
        head = folded[begin:]
        found: set[tuple[int, int]] = set()
        for ending in self.endings:
            if len(ending) >= len(head) or not head.endswith(ending):
                continue
            key = head[: len(head) - len(ending)] if ending else head
            if len(key) >= shortest and key in self.sv_key:
                found |= {(wid, begin + len(key)) for wid in self.sv_key[key]}
        return found


class Matcher:
    def __init__(self, topics_doc: dict[str, Any], actors: dict[str, Actor], language_doc: dict[str, Any]) -> None:
        self.vocab = _Vocabulary(language_doc["swedish_endings"], language_doc["fuzzy"])
        self.min_score = int(topics_doc["min_score"])
        self.section_score = int(topics_doc["section_reference"]["score"])
        self.section_bonus = int(topics_doc["section_reference"]["bonus"])
        self.actor_ids = set(actors)
        # Longest aliases first, so "kommunstyrelsens förvaltning" wins over "kommunstyrelsen".
        aliases = [(self._phrase(alias, lang), actor.id) for actor in actors.values()
                   for lang, names in actor.aliases.items() for alias in names]
        self.aliases = sorted(aliases, key=lambda a: len(a[0]), reverse=True)
        shared = topics_doc.get("shared_groups", {})
        self.topics = tuple(self._topic(t, shared) for t in topics_doc["topics"])

    # ---- building --------------------------------------------------------------------------

    def _phrase(self, text: str, lang: str) -> tuple[int, ...]:
        return tuple(self.vocab.word(w, lang) for w in tokens(text))

    def _term(self, text: str, lang: str) -> Term:
        text = str(text)
        if text.startswith("@"):
            if text[1:] not in self.actor_ids:
                raise ValueError(f"unknown actor in topics.yaml: {text}")
            return Term("actor", name=text[1:])
        if text.startswith("$"):
            return Term("fact", name=text[1:])
        if " + " in text:
            return Term("all", tuple(self.vocab.word(w, lang) for part in text.split(" + ") for w in tokens(part)))
        return Term("words", self._phrase(text, lang))

    def _topic(self, doc: dict[str, Any], shared: dict[str, Any]) -> Topic:
        groups = []
        for g in doc["groups"]:
            source = shared[g["use"]] if "use" in g else g
            terms = tuple(self._term(t, lang) for lang in ("sv", "en") for t in source.get(lang, []))
            groups.append(Group(int(g["weight"]), bool(g.get("core")), bool(g.get("required")), terms))
        return Topic(doc["id"], tuple(doc["sections"]), dict(doc.get("quotes", {})), bool(doc.get("routine")),
                     doc.get("lead") == "when_open", doc.get("duties_of"), tuple(groups))

    # ---- scoring ---------------------------------------------------------------------------

    def actors_in(self, token_ids: list[frozenset[int]]) -> set[str]:
        taken = [False] * len(token_ids)
        found: set[str] = set()
        for phrase, actor in self.aliases:
            for start in _positions(token_ids, phrase):
                span = range(start, start + len(phrase))
                if not any(taken[i] for i in span):
                    for i in span:
                        taken[i] = True
                    found.add(actor)
        return found

    def rank(self, question: str, extraction: Extraction) -> list[Scored]:
        """Topics that qualify, best first (ties keep the order of topics.yaml)."""
        token_ids = [self.vocab.match(t) for t in tokens(question)]
        present = frozenset().union(*token_ids) if token_ids else frozenset()
        actors = self.actors_in(token_ids)
        facts = _facts_present(extraction)
        refs = extraction.section_refs
        scored: list[Scored] = []
        for topic in self.topics:
            score = self._score(topic, token_ids, present, actors, facts)
            if score > 0 and refs and topic.sections[0] in refs:
                score += self.section_bonus
            if score > 0:
                scored.append(Scored(topic, score))
        if refs:
            scored.append(Scored(None, self.section_score))
        scored.sort(key=lambda s: -s.score)  # stable: equal scores keep file order
        return [s for s in scored if s.score >= self.min_score]

    def _score(self, topic: Topic, token_ids: list[frozenset[int]], present: frozenset[int],
               actors: set[str], facts: set[str]) -> int:
        score, core_hit, has_core = 0, False, False
        for group in topic.groups:
            has_core |= group.core
            if any(self._hit(t, token_ids, present, actors, facts) for t in group.terms):
                score += group.weight
                core_hit |= group.core
            elif group.required:
                return 0
        return score if core_hit or not has_core else 0

    @staticmethod
    def _hit(term: Term, token_ids: list[frozenset[int]], present: frozenset[int],
             actors: set[str], facts: set[str]) -> bool:
        if term.kind == "actor":
            return term.name in actors
        if term.kind == "fact":
            return term.name in facts
        if term.kind == "all":
            return all(w in present for w in term.words)
        if len(term.words) == 1:
            return term.words[0] in present
        return any(True for _ in _positions(token_ids, term.words))


def _positions(token_ids: list[frozenset[int]], phrase: tuple[int, ...]):
    """Where `phrase` (word ids) occurs in the question, as adjacent tokens."""
    if not phrase:
        return
    for start in range(len(token_ids) - len(phrase) + 1):
        if all(phrase[j] in token_ids[start + j] for j in range(len(phrase))):
            yield start


def _facts_present(extraction: Extraction) -> set[str]:
    facts = extraction.facts
    present = set()
    if facts.malmo_is_project_owner is not None:
        present.add("owner")
    if facts.eu_funding is not None:
        present.add("eu")
    if facts.programme:
        present.add("programme")
    if extraction.mentions_amount:
        present.add("amount")
    return present
