"""The topic classifier at answer time: a linear model over tf-idf features, in plain Python.

Trained by `python -m policy train` (policy/train.py, scikit-learn) into policy/data/model.json:
per feature its idf and the class weights it carries. Answering needs no numpy: a question has a
few hundred features, so a dictionary walk is fast (about a millisecond) and start-up is a JSON read.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from policy.features import analyse
from policy.teachings import Taught


@dataclass(frozen=True)
class Score:
    topic: str
    score: float


class TopicClassifier:
    def __init__(self, model: dict) -> None:
        self.topics: list[str] = model["classes"]
        self.fingerprint: str = model["fingerprint"]
        self._idf: dict[str, float] = model["idf"]
        # Sparse: per feature, the classes (by index) it weighs for, as [index, weight] pairs.
        self._weights: dict[str, list[tuple[int, float]]] = model["weights"]
        self._intercepts: list[float] = model["intercepts"]

    @classmethod
    def load(cls, path: Path) -> "TopicClassifier":
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def vector(self, question: str) -> dict[str, float]:
        """The question's tf-idf vector (sublinear tf, L2-normalised), as scikit-learn builds it."""
        counts = Counter(f for f in analyse(question) if f in self._idf)
        vec = {f: (1.0 + math.log(n)) * self._idf[f] for f, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {f: v / norm for f, v in vec.items()} if norm else {}

    def rank(self, question: str) -> list[Score]:
        """Every topic with its decision score, best first."""
        scores = list(self._intercepts)
        for feature, value in self.vector(question).items():
            for i, w in self._weights.get(feature, ()):
                scores[i] += w * value
        ranked = sorted(zip(self.topics, scores), key=lambda pair: -pair[1])
        return [Score(topic, score) for topic, score in ranked]

    def similarity(self, a: dict[str, float], b: dict[str, float]) -> float:
        if len(a) > len(b):
            a, b = b, a
        return sum(v * b.get(f, 0.0) for f, v in a.items())


class SimilarTaught:
    """Finds the taught question most like a question, by cosine of their tf-idf vectors."""

    def __init__(self, classifier: TopicClassifier, min_similarity: float) -> None:
        self._classifier = classifier
        self._min = min_similarity
        self._vectors: dict[str, dict[str, float]] = {}

    def nearest_topic(self, question: str, taught: list[Taught]) -> str | None:
        asked = self._classifier.vector(question)
        best: tuple[float, str] | None = None
        for item in taught:
            vec = self._vectors.get(item.question)
            if vec is None:
                vec = self._vectors[item.question] = self._classifier.vector(item.question)
            sim = self._classifier.similarity(asked, vec)
            if sim >= self._min and (best is None or sim > best[0]):
                best = (sim, item.topic)
        return best[1] if best else None
