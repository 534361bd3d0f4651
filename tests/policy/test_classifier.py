"""The topic classifier: trained from the corpus as shipped, and answering as scikit-learn would."""

from __future__ import annotations

import json

from policy import PolicyData
from policy.classifier import TopicClassifier
from policy.features import analyse
from policy.loader import OUT_OF_SCOPE
from policy.train import MODEL, fingerprint, load_corpus


def test_the_shipped_model_is_trained_on_the_corpus_and_features_as_they_are() -> None:
    # Fails when someone edits the corpus, features.py or the settings and forgets `python -m policy train`.
    assert json.loads(MODEL.read_text(encoding="utf-8"))["fingerprint"] == fingerprint()


def test_the_corpus_covers_every_label_with_many_wordings(policy: PolicyData) -> None:
    questions, labels = load_corpus()
    counts = {label: labels.count(label) for label in set(labels)}
    assert set(counts) == {*policy.topics, *policy.features, OUT_OF_SCOPE}
    assert min(counts.values()) >= 40
    assert counts[OUT_OF_SCOPE] >= 150
    assert len({q.strip().lower() for q in questions}) == len(questions), "a question is in the corpus once"


def test_features_read_through_typos_case_and_digits() -> None:
    assert "w:ansokan" in analyse("ANSÖKAN") and "w:ansokan" in analyse("ansokan")
    assert analyse("14 miljoner") == analyse("15 miljoner")
    assert "b:bara_partner" in analyse("vi är bara partner")


def test_plain_python_scores_are_scikit_learns() -> None:
    from policy.train import fit, fitted

    questions, labels = load_corpus()
    model = TopicClassifier(fit(questions, labels))
    vectorizer, svm = fitted(questions, labels)
    probes = questions[::97] + ["helt ny fråga om partnerstäder och nätverk", "what about the Brussels office"]
    reference = svm.decision_function(vectorizer.transform(probes))
    for probe, row in zip(probes, reference):
        ours = {s.topic: s.score for s in model.rank(probe)}
        best = str(svm.classes_[row.argmax()])
        assert max(ours, key=ours.__getitem__) == best
        assert abs(ours[best] - row.max()) < 0.02  # weights below store_above are left out of the JSON


def test_ranking_lists_every_label_best_first(policy: PolicyData) -> None:
    ranking = policy.classifier.rank("Vem utser kontaktpersonen i EU-nätverket?")
    assert {s.topic for s in ranking} == {*policy.topics, *policy.features, OUT_OF_SCOPE}
    assert [s.score for s in ranking] == sorted((s.score for s in ranking), reverse=True)
