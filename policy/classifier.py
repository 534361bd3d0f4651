"""The topic classifier at answer time: a linear model over tf-idf features, in plain Python.

Trained by `python -m policy train` (policy/train.py, scikit-learn) into policy/data/model.bin: per feature
its idf and the class weights it carries. Answering needs no numpy (whose import alone would cost a fifth of the
start-up): a question has a few hundred features, and each feature's weights for every topic are summed as one Python
integer (`TopicClassifier.rank`), about 0.2 ms a question.

The model is stored as flat arrays rather than JSON: a JSON table of half a million [class, weight] pairs took
half a second and more to read (its million Python objects walked again and again by the garbage collector) and
some 70 MB of memory, where the arrays are read in about 15 ms and held in 5 MB. The file: MAGIC, a 4-byte little-endian header length, the header (UTF-8 JSON: fingerprint, settings,
classes, intercepts, features), then little-endian arrays: idf (float64, one per feature), offsets (uint32, one
more than the features: feature j's pairs are offsets[j]:offsets[j+1]), their class indexes (uint8) and their
weights (float64). The values are the ones training rounded, exactly: the scores are as from a JSON table.
`read_model` gives it back as the table `policy.train.fit` made, to inspect.
"""

from __future__ import annotations

import json
import math
import sys
from array import array
from collections import Counter
from itertools import chain
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policy.features import analyse, pair_features, word_features, words_of
from policy.teachings import Taught

MAGIC = b"LOTSEN-TOPIC-MODEL-1\n"
# rank()'s integer arithmetic: weights scaled by 2^32 and a question's feature values by 2^24 keep the scores within 1e-8
# of the exact sums. Each topic's field is wide enough for the largest sum a question can make (`_field_bits`).
_WEIGHT_SCALE = float(1 << 32)
_COEFFICIENT_SCALE = float(1 << 24)
_MAX_FEATURES_BITS = 20  # a question has fewer than 2^20 features (its length is capped long before)
_HEADER_LENGTH_BYTES = 4
# Words whose feature indexes rank() keeps: the policy's vocabulary and its misspellings are a few thousand words; the
# bound keeps hostile text of endless new words from growing the table (it is emptied when full).
_WORDS_KEPT = 50_000
# The 4-byte unsigned integer's typecode (an array's item sizes are the platform's).
_UINT32 = next(code for code in "IL" if array(code).itemsize == 4)
# Typecodes of the arrays, in the order they follow the header.
_ARRAYS = (("idf", "d"), ("offsets", _UINT32), ("labels", "B"), ("weights", "d"))


@dataclass(frozen=True)
class Score:
    topic: str
    score: float


class TopicClassifier:
    def __init__(self, header: dict[str, Any], arrays: dict[str, array]) -> None:
        self.topics: list[str] = header["classes"]
        self.fingerprint: str = header["fingerprint"]
        self._intercepts: list[float] = header["intercepts"]
        self._index: dict[str, int] = {feature: j for j, feature in enumerate(header["features"])}
        self._idf = arrays["idf"]
        # Sparse: feature j weighs for the classes labels[k] with weights[k], k in offsets[j]:offsets[j + 1].
        self._offsets = arrays["offsets"]
        self._labels = arrays["labels"]
        self._weights = arrays["weights"]
        # rank()'s packed rows: a bias above every scaled weight keeps each topic's field positive, and a field holds
        # the sum of a question's features, each at most (its weight plus the bias) times its largest value.
        largest = max((abs(w) for w in self._weights), default=1.0)
        self._bias = 1 << (math.ceil(math.log2(largest * _WEIGHT_SCALE + 1)) + 1)
        top_value = (1.0 + _MAX_FEATURES_BITS * math.log(2)) * max(self._idf, default=1.0) * _COEFFICIENT_SCALE
        self._field_bits = (self._bias << 1).bit_length() + math.ceil(math.log2(top_value + 1)) + _MAX_FEATURES_BITS
        self._rows: dict[int, int] = {}
        self._words: dict[str, tuple[str, tuple[int, ...]]] = {}

    @classmethod
    def from_table(cls, model: dict[str, Any]) -> "TopicClassifier":
        """The classifier of a table as `policy.train.fit` makes it."""
        return cls(*_as_arrays(model))

    @classmethod
    def load(cls, path: Path) -> "TopicClassifier":
        return cls(*_read(path.read_bytes(), path))

    def vector(self, question: str) -> dict[int, float]:
        """The question's tf-idf vector by feature index (sublinear tf, L2-normalised), as scikit-learn builds it."""
        index = self._index
        counts = Counter(index[f] for f in analyse(question) if f in index)
        vec = {j: (1.0 + math.log(n)) * self._idf[j] for j, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {j: v / norm for j, v in vec.items()} if norm else {}

    def rank(self, question: str) -> list[Score]:
        """Every topic with its decision score, best first.

        The scores are the intercepts plus the question's tf-idf vector times the weights. Walked weight by weight in
        Python that is some 9 000 multiplications a question (0.6 ms); here each feature's weights for all topics are
        one integer (`_packed_row`), so a question's sum is one integer sum per feature, done by Python's big integers
        in C (0.2 ms). The scores differ from the exact sums by less than 1e-8.
        """
        idf = self._idf
        counts = Counter(self._feature_indexes(question))
        values = [((1.0 + math.log(n)) * idf[j], j) for j, n in counts.items()]
        norm = math.sqrt(sum(v * v for v, _ in values))
        scores = list(self._intercepts)
        if norm:
            total = coefficients = 0
            row = self._rows.get
            for value, j in values:
                coefficient = round(value * _COEFFICIENT_SCALE)
                total += coefficient * (row(j) or self._packed_row(j))
                coefficients += coefficient
            bias, scale = coefficients * self._bias, 1.0 / (norm * _COEFFICIENT_SCALE * _WEIGHT_SCALE)
            bits, mask = self._field_bits, (1 << self._field_bits) - 1
            for i in range(len(scores)):
                scores[i] += (((total >> (i * bits)) & mask) - bias) * scale
        ranked = sorted(zip(self.topics, scores), key=lambda pair: -pair[1])
        return [Score(topic, score) for topic, score in ranked]

    def _feature_indexes(self, question: str) -> chain[int]:
        """The indexes of the question's features the model knows, in the order `analyse` gives them, each occurrence.
        A word's own are kept by word: most of a question's features are its words' n-grams, the same in every question."""
        index, kept = self._index, self._words
        folded: list[str] = []
        own: list[tuple[int, ...]] = []
        for word in words_of(question):
            found = kept.get(word)
            if found is None:
                plain, features = word_features(word)
                found = (plain, tuple(index[f] for f in features if f in index))
                if len(kept) >= _WORDS_KEPT:
                    kept.clear()
                kept[word] = found
            folded.append(found[0])
            own.append(found[1])
        pairs = [index[f] for f in pair_features(folded) if f in index]
        return chain(chain.from_iterable(own), pairs)

    def _packed_row(self, j: int) -> int:
        """Feature j's weights for every topic as one integer: topic i's weight, scaled to an integer and made
        positive by `_bias`, in bits i·F to (i+1)·F (F: `_field_bits`). Built when a question first has the feature, then kept."""
        fields = [self._bias] * len(self.topics)
        start, end = self._offsets[j], self._offsets[j + 1]
        for i, weight in zip(self._labels[start:end], self._weights[start:end]):
            fields[i] += round(weight * _WEIGHT_SCALE)
        packed = 0
        for field in reversed(fields):
            packed = (packed << self._field_bits) | field
        self._rows[j] = packed
        return packed

    def similarity(self, a: dict[int, float], b: dict[int, float]) -> float:
        if len(a) > len(b):
            a, b = b, a
        return sum(v * b.get(f, 0.0) for f, v in a.items())


class SimilarTaught:
    """Finds the taught question most like a question, by cosine of their tf-idf vectors."""

    def __init__(self, classifier: TopicClassifier, min_similarity: float) -> None:
        self._classifier = classifier
        self._min = min_similarity
        self._vectors: dict[str, dict[int, float]] = {}

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


# ---- the model file ---------------------------------------------------------------------------


def write_model(model: dict[str, Any], path: Path) -> None:
    """Writes the table `policy.train.fit` made as a model file."""
    header, arrays = _as_arrays(model)
    header_bytes = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    parts = [MAGIC, len(header_bytes).to_bytes(_HEADER_LENGTH_BYTES, "little"), header_bytes]
    parts += [_little_endian(arrays[name]).tobytes() for name, _ in _ARRAYS]
    path.write_bytes(b"".join(parts))


def read_model(path: Path) -> dict[str, Any]:
    """A model file as the table `policy.train.fit` made (to inspect or compare; answering reads the arrays)."""
    header, arrays = _read(path.read_bytes(), path)
    offsets, labels, weights = arrays["offsets"], arrays["labels"], arrays["weights"]
    features = header["features"]
    return {
        "fingerprint": header["fingerprint"],
        "settings": header["settings"],
        "classes": header["classes"],
        "intercepts": header["intercepts"],
        "idf": dict(zip(features, arrays["idf"])),
        "weights": {feature: [[labels[k], weights[k]] for k in range(offsets[j], offsets[j + 1])]
                    for j, feature in enumerate(features)},
    }


def read_header(path: Path) -> dict[str, Any]:
    """The model file's header (fingerprint, settings, classes, intercepts, features), without its arrays."""
    with path.open("rb") as f:
        start = f.read(len(MAGIC) + _HEADER_LENGTH_BYTES)
        return _header(start + f.read(_header_length(start, path)), path)[0]


def _as_arrays(model: dict[str, Any]) -> tuple[dict[str, Any], dict[str, array]]:
    features = list(model["idf"])
    offsets, labels, weights = array(_UINT32, [0]), array("B"), array("d")
    for feature in features:
        for label, weight in model["weights"].get(feature, ()):
            labels.append(label)
            weights.append(weight)
        offsets.append(len(labels))
    header = {name: model[name] for name in ("fingerprint", "settings", "classes", "intercepts")}
    header["features"] = features
    return header, {"idf": array("d", (model["idf"][f] for f in features)), "offsets": offsets,
                    "labels": labels, "weights": weights}


def _read(data: bytes, path: Path) -> tuple[dict[str, Any], dict[str, array]]:
    header, position = _header(data, path)
    features = len(header["features"])
    arrays: dict[str, array] = {}
    for name, typecode in _ARRAYS:
        values = array(typecode)
        if name == "idf":
            count = features
        elif name == "offsets":
            count = features + 1
        else:  # labels and weights: one per pair, as many as the offsets end at
            count = arrays["offsets"][-1]
        end = position + count * values.itemsize
        if end > len(data):
            raise ValueError(f"{path}: the model file ends inside its {name}")
        values.frombytes(data[position:end])
        arrays[name] = _little_endian(values)  # back to the machine's order, as it was written
        position = end
    if position != len(data):
        raise ValueError(f"{path}: {len(data) - position} bytes after the model's arrays")
    return header, arrays


def _header(data: bytes, path: Path) -> tuple[dict[str, Any], int]:
    start = len(MAGIC) + _HEADER_LENGTH_BYTES
    end = start + _header_length(data, path)
    if end > len(data):
        raise ValueError(f"{path}: the model file ends inside its header")
    return json.loads(data[start:end].decode("utf-8")), end


def _header_length(data: bytes, path: Path) -> int:
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _HEADER_LENGTH_BYTES:
        raise ValueError(f"{path}: not a topic model file (run `python -m policy train`)")
    return int.from_bytes(data[len(MAGIC):len(MAGIC) + _HEADER_LENGTH_BYTES], "little")


def _little_endian(values: array) -> array:
    """`values` in little-endian order (the file's): a copy swapped on a big-endian machine, else itself."""
    if sys.byteorder == "little" or values.itemsize == 1:
        return values
    swapped = array(values.typecode, values)
    swapped.byteswap()
    return swapped
