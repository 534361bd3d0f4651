"""reminders/rules.py and reminders/data/rules.yaml: the rules load, say where they come from, and a broken
file is refused with a message naming it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from reminders.rules import DEFAULT_RULES_PATH, RulesError, get_rule, load_rules
from storage.models import ReminderKind, ReminderSubjectType


def test_every_kind_has_its_rule_with_its_source() -> None:
    rules = load_rules()
    assert set(rules.rules) == set(ReminderKind)

    deadline = rules.rule("application_deadline")
    assert (deadline.source, deadline.subject, deadline.recipient) == (
        ("4.1",), ReminderSubjectType.APPLICATION, "contact_or_registrant"
    )
    assert (deadline.deadline, deadline.days_before, deadline.rrule) == ("call_deadline", (14, 7, 2), None)

    item = rules.rule(ReminderKind.INFORMATION_ITEM)
    assert (item.source, item.recipient, item.starts) == (("4.1",), "registrant", "planned_submission_date")
    assert item.rrule == "FREQ=WEEKLY;INTERVAL=1"
    assert item.plan_ahead_days == 56

    annual = rules.rule("annual_report")
    assert annual.source == ("3.3", "4", "configuration")
    assert annual.policy_sections == ("3.3", "4")
    assert annual.setting == "ANNUAL_REPORT_DEADLINE"
    assert (annual.deadline, annual.days_before, annual.recipient) == (
        "annual_report_deadline", (30, 14, 3), "organisation_contact_persons"
    )

    missing = rules.rule("missing_contact_person")
    assert (missing.source, missing.recipient, missing.rrule) == (
        ("3.3",), "ks_coordinators", "FREQ=MONTHLY;BYMONTHDAY=1"
    )
    assert missing.anchor is not None
    for rule in rules.rules.values():
        assert rule.why.strip()


def test_the_default_rules_are_read_once() -> None:
    assert load_rules() is load_rules()
    assert get_rule("annual_report") is load_rules().rule("annual_report")


def _raw() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))


def _write(tmp_path: Path, raw: Any) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_an_unchanged_copy_loads_from_anywhere(tmp_path: Path) -> None:
    copied = load_rules(_write(tmp_path, _raw()))
    assert copied.rules == load_rules().rules
    assert copied.path == tmp_path / "rules.yaml"


def _broken(change: str) -> dict[str, Any]:
    raw = copy.deepcopy(_raw())
    rules = raw["rules"]
    if change == "unknown kind":
        rules["birthday"] = copy.deepcopy(rules["annual_report"])
    elif change == "missing kind":
        del rules["missing_contact_person"]
    elif change == "bad rrule":
        rules["information_item"]["rrule"] = "FREQ=FORTNIGHTLY"
    elif change == "no schedule":
        del rules["application_deadline"]["days_before"]
    elif change == "both schedules":
        rules["application_deadline"]["rrule"] = "FREQ=WEEKLY"
    elif change == "days without deadline":
        del rules["application_deadline"]["deadline"]
    elif change == "negative days":
        rules["annual_report"]["days_before"] = [30, -1]
    elif change == "unknown section":
        rules["application_deadline"]["source"] = ["9.9"]
    elif change == "configuration without setting":
        del rules["annual_report"]["setting"]
    elif change == "only configuration":
        rules["annual_report"]["source"] = ["configuration"]
    elif change == "wrong recipient":
        rules["missing_contact_person"]["recipient"] = "registrant"
    elif change == "wrong subject":
        rules["information_item"]["subject"] = "application"
    elif change == "unknown field":
        rules["information_item"]["colour"] = "blue"
    elif change == "rrule without start":
        del rules["missing_contact_person"]["anchor"]
    return raw


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("unknown kind", "unknown kind of reminder birthday"),
        ("missing kind", "no rule for missing_contact_person"),
        ("bad rrule", "rules.information_item: rrule: .*FREQ=FORTNIGHTLY"),
        ("no schedule", "rules.application_deadline: .*either days_before"),
        ("both schedules", "rules.application_deadline: .*either days_before"),
        ("days without deadline", "rules.application_deadline: .*needs the deadline"),
        ("negative days", "rules.annual_report: days_before"),
        ("unknown section", "rules.application_deadline: source.*'9.9' is not a section"),
        ("configuration without setting", "rules.annual_report: .*setting"),
        ("only configuration", "rules.annual_report: .*policy section"),
        ("wrong recipient", "rules.missing_contact_person: .*ks_coordinators"),
        ("wrong subject", "rules.information_item: .*subject .* is information_item, not application"),
        ("unknown field", "rules.information_item: colour"),
        ("rrule without start", "rules.missing_contact_person: .*starts .* or anchor"),
    ],
)
def test_a_broken_rule_is_refused_naming_the_file_and_the_rule(tmp_path: Path, change: str, message: str) -> None:
    path = _write(tmp_path, _broken(change))
    with pytest.raises(RulesError, match=message) as raised:
        load_rules(path)
    assert str(raised.value).startswith(str(path))


def test_an_unreadable_or_shapeless_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot be read"):
        load_rules(tmp_path / "missing.yaml")
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("rules: [unclosed", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid YAML"):
        load_rules(bad_yaml)
    with pytest.raises(RulesError, match="one top-level key, rules"):
        load_rules(_write(tmp_path, {"regler": {}}))
    with pytest.raises(RulesError, match="rules.annual_report: expected a mapping"):
        load_rules(_write(tmp_path, {"rules": {**_raw()["rules"], "annual_report": [30, 14, 3]}}))
