"""Shared fixtures: the shipped policy and a copy with a made-up second version."""

from __future__ import annotations

import pytest

from policy import PolicyData, load_policy
from tests.policy.helpers import with_revision


@pytest.fixture(scope="session")
def policy() -> PolicyData:
    return load_policy()


@pytest.fixture(scope="session")
def revised_policy(tmp_path_factory: pytest.TempPathFactory) -> PolicyData:
    return load_policy(with_revision(tmp_path_factory.mktemp("revised") / "data"))
