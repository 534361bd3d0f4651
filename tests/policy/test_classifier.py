"""The topic classifier: trained from the corpus as shipped, and answering as scikit-learn would."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy import PolicyData
from policy.classifier import TopicClassifier, read_header, read_model, write_model
from policy.features import analyse
from policy.loader import OUT_OF_SCOPE
from policy.train import MODEL, fingerprint, load_corpus


def test_the_shipped_model_is_trained_on_the_corpus_and_features_as_they_are() -> None:
    # Fails when someone edits the corpus, features.py or the settings and forgets `python -m policy train`.
    assert read_header(MODEL)["fingerprint"] == fingerprint()


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


def test_plain_python_scores_are_scikit_learns(tmp_path: Path) -> None:
    from policy.train import fit, fitted

    questions, labels = load_corpus()
    table = fit(questions, labels)
    vectorizer, svm = fitted(questions, labels)
    probes = questions[::97] + ["helt ny fråga om partnerstäder och nätverk", "what about the Brussels office"]
    reference = svm.decision_function(vectorizer.transform(probes))
    model = TopicClassifier.from_table(table)
    for probe, row in zip(probes, reference):
        ours = {s.topic: s.score for s in model.rank(probe)}
        best = str(svm.classes_[row.argmax()])
        assert max(ours, key=ours.__getitem__) == best
        assert abs(ours[best] - row.max()) < 0.02  # weights below store_above are left out of the model
    # The file train() writes answers exactly as the table it was made from.
    written = tmp_path / "model.bin"
    write_model(table, written)
    assert read_model(written) == table
    loaded = TopicClassifier.load(written)
    assert all(loaded.rank(probe) == model.rank(probe) for probe in probes)


def test_the_model_file_keeps_every_value_exactly(tmp_path: Path) -> None:
    table = {"fingerprint": "f", "settings": {"C": 1.0}, "classes": ["a", "b", "out_of_scope"],
             "intercepts": [-1.25, 0.5, -0.33333],
             "idf": {"w:ansokan": 1.5, "s:ansok": 2.71828, " an": 3.0, "b:eu_projekt": 0.1},
             "weights": {"w:ansokan": [[0, 0.1234], [2, -0.0051]], "s:ansok": [], " an": [[1, 1e-4]],
                         "b:eu_projekt": [[0, -2.5], [1, 0.3], [2, 7.0]]}}
    path = tmp_path / "model.bin"
    write_model(table, path)
    assert read_model(path) == table
    assert read_header(path)["features"] == list(table["idf"])
    ranking = {s.topic: s.score for s in TopicClassifier.load(path).rank("ansökan om EU projekt")}
    assert ranking == {s.topic: s.score for s in TopicClassifier.from_table(table).rank("ansökan om EU projekt")}


def test_a_damaged_model_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(MODEL.read_bytes()[:-8])
    with pytest.raises(ValueError, match="ends inside its weights"):
        TopicClassifier.load(path)
    path.write_text('{"fingerprint": "a JSON model"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a topic model file"):
        TopicClassifier.load(path)


def test_ranking_lists_every_label_best_first(policy: PolicyData) -> None:
    ranking = policy.classifier.rank("Vem utser kontaktpersonen i EU-nätverket?")
    assert {s.topic for s in ranking} == {*policy.topics, *policy.features, OUT_OF_SCOPE}
    assert [s.score for s in ranking] == sorted((s.score for s in ranking), reverse=True)


def _summed_weight_by_weight(model: TopicClassifier, question: str) -> dict[str, float]:
    """The scores as the plain sum over the question's features and their weights (what rank's integers stand for)."""
    scores = list(model._intercepts)
    for j, value in model.vector(question).items():
        start, end = model._offsets[j], model._offsets[j + 1]
        for i, weight in zip(model._labels[start:end], model._weights[start:end]):
            scores[i] += weight * value
    return dict(zip(model.topics, scores))


@pytest.mark.parametrize("question", [
    "Måste nämnden informera stadskontoret om vår Interreg-ansökan på 14 mkr?",
    "who signs the partnership agreement with our twin city",
    "vi är partner förlåt " * 80,  # one feature many times over: the largest values a question can give
    "",
    "ÅÄÖ 123 €€€",
])
def test_ranking_is_the_sum_of_the_weights(policy: PolicyData, question: str) -> None:
    model = policy.classifier
    expected = _summed_weight_by_weight(model, question)
    ranking = model.rank(question)
    assert [s.topic for s in ranking] == sorted(expected, key=lambda t: -expected[t])
    assert all(abs(s.score - expected[s.topic]) < 1e-7 for s in ranking)


def test_ranking_with_negative_and_missing_weights_is_the_sum() -> None:
    table = {"fingerprint": "f", "settings": {}, "classes": ["a", "b", "c"], "intercepts": [0.0, -0.5, 0.25],
             "idf": {"w:ansokan": 1.5, "w:partner": 2.0},
             "weights": {"w:ansokan": [[0, -1.7], [2, 0.000001]], "w:partner": [[1, 1.2]]}}
    model = TopicClassifier.from_table(table)
    expected = _summed_weight_by_weight(model, "ansökan partner partner")
    ranking = model.rank("ansökan partner partner")
    assert [s.topic for s in ranking] == ["b", "c", "a"]
    assert all(abs(s.score - expected[s.topic]) < 1e-8 for s in ranking)
