"""policy/organisation_duties.py: what the policy asks of a nämnd and of a helägt bolag (3.3, 3.4, 4), read from
the parameter organisation_duties, checked against the policy's own words, and refused when the data is wrong."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from policy import PolicyData, PolicyDataError, load_policy
from policy.organisation_duties import PARAMETER, organisation_duties
from tests.policy.helpers import copy_data

DAY = date(2025, 6, 1)


def test_a_namnd_must_report_every_year_and_appoint_a_contact_person(policy: PolicyData) -> None:
    duties = organisation_duties("committee", DAY, policy=policy)
    assert duties.must_report and duties.must_appoint_contact
    assert duties.annual_report.sections == ("3.3", "4")
    assert (duties.contact.section, duties.contact.role) == ("3.3", "contact_person")
    assert "utser en kontaktperson" in (duties.contact.quote or "")


def test_a_helagt_bolag_has_no_duty_to_report_and_may_appoint_a_representative(policy: PolicyData) -> None:
    duties = organisation_duties("wholly_owned_company", DAY, policy=policy)
    # 3.4 is silent on reporting, and 4 asks it of the nämnder: no duty, and no quote to cite for one.
    assert not duties.must_report and duties.annual_report.duty == "none" and duties.annual_report.quote is None
    # Lotsen's choice where the policy leaves room, kept apart from the duty and said so.
    assert duties.annual_report.voluntary and duties.annual_report.allowed
    assert "Lotsen's choice" in (duties.annual_report.note or "")
    # "ges möjlighet att utse en representant": an opportunity, not a duty.
    assert not duties.must_appoint_contact and duties.contact.duty == "optional" and duties.contact.allowed
    assert (duties.contact.section, duties.contact.role) == ("3.4", "representative")


def test_the_parameter_says_where_it_comes_from(policy: PolicyData) -> None:
    entry = policy.parameter_entry(PARAMETER, DAY)
    assert entry.section == "3.3" and set(entry.also) == {"3.4", "4"}


def test_an_actor_without_duties_is_refused(policy: PolicyData) -> None:
    with pytest.raises(PolicyDataError, match="gives no duties of 'ks'"):
        organisation_duties("ks", DAY, policy=policy)


def _broken(tmp_path: Path, change) -> PolicyData:
    data = copy_data(tmp_path / "data")
    path = data / "parameters.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document["parameters"][PARAMETER]["values"][0]["value"])
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_policy(data)


def _misquote(value: dict) -> None:
    value["wholly_owned_company"]["contact"]["quote"] = "ska utse en representant"


def _duty_without_words(value: dict) -> None:
    value["wholly_owned_company"]["annual_report"] = {"duty": "required", "section": "3.4"}


def _voluntary_duty(value: dict) -> None:
    value["committee"]["annual_report"]["voluntary"] = True


def _unknown_section(value: dict) -> None:
    value["committee"]["contact"]["also"] = ["9.9"]


def _no_role(value: dict) -> None:
    del value["committee"]["contact"]["role"]


@pytest.mark.parametrize(("change", "message"), [
    (_misquote, "is not the words of section 3.4"),
    (_duty_without_words, "quotes the policy's words"),
    (_voluntary_duty, "only what the policy does not ask can be voluntary"),
    (_unknown_section, "cites unknown section 9.9"),
    (_no_role, "names the role"),
])
def test_data_that_contradicts_the_policy_is_refused(tmp_path: Path, change, message: str) -> None:
    policy = _broken(tmp_path, change)
    with pytest.raises(PolicyDataError, match=message):
        organisation_duties("committee", DAY, policy=policy)  # every actor's duties are checked at once
