"""Questions KS coordinators have taught Lotsen ("lär Lotsen: <fråga> → <ämne>").

A taught question decides the topic of the same question, and of questions close enough to it, for
everyone at once. The database keeps them (storage/policy_learning.py); the bot hands the active ones
to `answer()` as a `Teachings`, so the policy module itself stays free of storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Protocol

from policy.normalise import fold, tokens


def teaching_text(question: str) -> str:
    """The normalised form a question is taught and looked up under: folded words, one space apart."""
    return " ".join(tokens(fold(question)))


@dataclass(frozen=True)
class Taught:
    question: str
    topic: str


class Teachings:
    """The active taught questions, looked up by normalised text first and then by similarity."""

    def __init__(self, taught: Iterable[tuple[str, str]] = ()) -> None:
        self._by_text: dict[str, Taught] = {}
        for question, topic in taught:
            self._by_text[teaching_text(question)] = Taught(question, topic)

    def __len__(self) -> int:
        return len(self._by_text)

    def topic_for(self, question: str, similar: "SimilarityIndex | None" = None) -> str | None:
        """The taught topic of `question`: the same question taught, else the most similar taught one."""
        exact = self._by_text.get(teaching_text(question))
        if exact is not None:
            return exact.topic
        if similar is None or not self._by_text:
            return None
        return similar.nearest_topic(question, list(self._by_text.values()))


class SimilarityIndex(Protocol):
    """Finds the taught question closest to a question (the classifier's features provide one)."""

    def nearest_topic(self, question: str, taught: list[Taught]) -> str | None: ...
