"""Trains the topic classifier: `python -m policy train [--cv K]`.

Reads the corpus (policy/data/corpus/train-*.yaml: label → questions, written by people from the
policy text, see corpus/labels.md), fits a linear support vector machine on the tf-idf features of
policy/features.py and writes policy/data/model.bin (policy/classifier.py says its layout; `read_model` reads
it back as the table `fit` makes). scikit-learn is needed here only (it is in requirements-dev.txt); answering
reads the model in plain Python.

Why this model: on held-out folds of the corpus a linear SVM on character n-grams plus words beat
nearest-centroid and naive Bayes clearly, and its weights are a plain table anyone can inspect.

The model carries a fingerprint of everything it was trained from (corpus, feature code, settings);
a test fails when the corpus or features changed and nobody retrained.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

from policy.classifier import write_model

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "corpus"
MODEL = DATA / "model.bin"
FEATURES_SOURCE = Path(__file__).parent / "features.py"
# select_above: features whose weights all stay below this after a first fit are left out, and the
# model is fitted again on the rest (a smaller model that loads fast, answered exactly as trained);
# store_above: smaller weights of the kept features are not stored (a rounding, below 0.01 a score).
SETTINGS = {"C": 1.0, "min_df": 2, "select_above": 0.05, "store_above": 0.005}


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("train-*.yaml"))


def load_corpus() -> tuple[list[str], list[str]]:
    questions: list[str] = []
    labels: list[str] = []
    for path in corpus_files():
        for label, items in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            for question in items or []:
                questions.append(str(question))
                labels.append(label)
    return questions, labels


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in [*corpus_files(), FEATURES_SOURCE]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(SETTINGS, sort_keys=True).encode())
    return digest.hexdigest()


def _pipeline(vocabulary: list[str] | None = None):  # scikit-learn is imported only when training
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    from policy.features import analyse

    min_df = 1 if vocabulary is not None else SETTINGS["min_df"]
    vectorizer = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, min_df=min_df, vocabulary=vocabulary)
    return vectorizer, LinearSVC(C=SETTINGS["C"], random_state=0)


def fitted(questions: list[str], labels: list[str]):
    """The vectorizer and model: fitted once to find the features that matter, then on those alone."""
    vectorizer, model = _pipeline()
    model.fit(vectorizer.fit_transform(questions), labels)
    names = vectorizer.get_feature_names_out()
    strength = abs(model.coef_).max(axis=0)
    kept = [str(name) for name, value in zip(names, strength) if value >= SETTINGS["select_above"]]
    vectorizer, model = _pipeline(sorted(kept))
    model.fit(vectorizer.fit_transform(questions), labels)
    return vectorizer, model


def fit(questions: list[str], labels: list[str]) -> dict:
    vectorizer, model = fitted(questions, labels)
    names = vectorizer.get_feature_names_out()
    weights = {}
    for j, feature in enumerate(names):
        # Pairs (class index, weight), as the classifier walks them: read as they are, nothing to convert at start-up.
        column = [[i, round(float(w), 4)] for i, w in enumerate(model.coef_[:, j]) if abs(w) >= SETTINGS["store_above"]]
        weights[str(feature)] = column
    return {
        "fingerprint": fingerprint(),
        "settings": SETTINGS,
        "classes": [str(c) for c in model.classes_],
        "intercepts": [round(float(b), 5) for b in model.intercept_],
        "idf": {str(f): round(float(v), 5) for f, v in zip(names, vectorizer.idf_)},
        "weights": weights,
    }


def cross_validate(folds: int) -> float:
    """Share of corpus questions whose label a model trained on the other folds predicts."""
    from sklearn.model_selection import StratifiedKFold

    questions, labels = load_corpus()
    right = 0
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train, test in splitter.split(questions, labels):
        vectorizer, model = fitted([questions[i] for i in train], [labels[i] for i in train])
        predicted = model.predict(vectorizer.transform([questions[i] for i in test]))
        right += sum(p == labels[i] for p, i in zip(predicted, test))
    return right / len(questions)


def train() -> Path:
    questions, labels = load_corpus()
    write_model(fit(questions, labels), MODEL)
    return MODEL
