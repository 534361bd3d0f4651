"""The unseen question sets are frozen: written from the policy text alone before any tuning.

bench/qa.py reports Lotsen's accuracy on them as the figure for questions nobody tuned on. Editing
them to make Lotsen pass would make that figure a lie, so their contents are pinned here; a change
must be a new set (set-3.yaml, written the same way), never an edit.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

UNSEEN = Path(__file__).parent / "data" / "unseen"
FROZEN = {
    "set-1.yaml": "4427098b8aba9a4b23c5f95d729901e41556fc2dc7feb755abfb61be7b5191a0",
    "set-2.yaml": "31948764e303e7da9e0edd3e228970044cf0fb1e64eb377da37180561be99106",
}


@pytest.mark.parametrize("name", sorted(FROZEN))
def test_an_unseen_set_is_never_edited(name: str) -> None:
    assert hashlib.sha256((UNSEEN / name).read_bytes()).hexdigest() == FROZEN[name]


def test_every_unseen_set_is_pinned() -> None:
    assert sorted(p.name for p in UNSEEN.glob("*.yaml")) == sorted(FROZEN)


@pytest.mark.parametrize("name", sorted(FROZEN))
def test_no_unseen_question_is_in_the_training_corpus(name: str) -> None:
    from policy.train import load_corpus  # reads YAML only; scikit-learn is not needed for this

    trained = {q.strip().lower() for q in load_corpus()[0]}
    cases = yaml.safe_load((UNSEEN / name).read_text(encoding="utf-8"))
    assert not [c["q"] for c in cases if c["q"].strip().lower() in trained]
