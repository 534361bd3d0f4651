"""Helpers for the policy tests: case files, and copies of the data to add to or break."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from policy import Answer, answer
from policy.loader import DATA_DIR

HERE = Path(__file__).resolve().parent
CASES = HERE / "data"
FIXTURES = HERE / "fixtures"
# Questions are answered as of this day, so that the answers do not change with the calendar.
ANSWER_DAY = date(2025, 6, 1)


def ask(question: str, **kwargs: Any) -> Answer:
    """The policy module's answer to `question` on ANSWER_DAY."""
    return answer(question, on=ANSWER_DAY, **kwargs)


def verdict_of(question: str) -> tuple[bool | None, bool | None, bool | None]:
    """The 4.1 verdict `ask` gives, as (routine applies, inform KS förvaltning, informationsärende); it must give one."""
    result = ask(question)
    assert result.verdict is not None, question
    v = result.verdict
    return v.routine_applies, v.inform_ks_administration, v.information_item_to_ks


def load_cases(name: str) -> list[dict[str, Any]]:
    with (CASES / name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def case_id(text: str) -> str:
    return text if len(text) <= 70 else text[:67] + "..."


def copy_data(target: Path) -> Path:
    """A writable copy of policy/data."""
    shutil.copytree(DATA_DIR, target)
    return target


def with_revision(target: Path) -> Path:
    """policy/data plus the fixture version of 2030 and its parameter values, as an editor would add them."""
    copy_data(target)
    shutil.copy(FIXTURES / "versions" / "policy-2030.yaml", target / "versions" / "policy-2030.yaml")
    params_path = target / "parameters.yaml"
    params = yaml.safe_load(params_path.read_text(encoding="utf-8"))
    added = yaml.safe_load((FIXTURES / "parameters-2030.yaml").read_text(encoding="utf-8"))
    for name, values in added.items():
        params["parameters"][name]["values"].extend(values)
    params_path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target
