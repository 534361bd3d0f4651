"""Parameters by date, OpenFisca-style: the value in force on a day is the latest one whose
`valid_from` is not after it (policy/data/parameters.yaml)."""

from __future__ import annotations

from datetime import date
from typing import Any

from policy.dates import today
from policy.loader import PolicyData, load_policy
from policy.model import ParameterValue


def parameter_entry(name: str, on: date | None = None, *, policy: PolicyData | None = None) -> ParameterValue:
    """The value in force with its `valid_from`, source section and note."""
    return (policy or load_policy()).parameter_entry(name, on or today())


def parameter_value(name: str, on: date | None = None, *, policy: PolicyData | None = None) -> Any:
    """The value of parameter `name` in force on `on` (default: today in Malmö)."""
    return parameter_entry(name, on, policy=policy).value
