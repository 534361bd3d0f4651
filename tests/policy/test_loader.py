"""Loading the data: cached, and refusing data that contradicts itself."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from policy import PolicyDataError, get_section, load_policy
from policy.errors import NotInForceError, UnknownSectionError
from tests.policy.helpers import ANSWER_DAY, copy_data


def test_data_is_loaded_once() -> None:
    assert load_policy() is load_policy()


def test_get_section_returns_text_in_both_languages() -> None:
    section = get_section("3.2.1", ANSWER_DAY)
    assert section.title.sv == "Kommunstyrelsens förvaltning"
    assert "Brysselkontor" in section.text.sv and "Brussels office" in section.text.en


def test_unknown_section_and_date_before_the_policy() -> None:
    with pytest.raises(UnknownSectionError):
        get_section("9.9", ANSWER_DAY)
    with pytest.raises(NotInForceError) as e:
        get_section("1", load_policy().versions[0].valid_from.replace(year=2000))
    assert "2016-11-01" in e.value.message("sv")


def _edit(path: Path, change) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_duty_that_is_not_the_policy_words_is_refused(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    version = next((data / "versions").glob("*.yaml"))
    _edit(version, lambda doc: doc["responsibilities"][0]["duty"].update(sv="beslutar om allt"))
    with pytest.raises(PolicyDataError, match="beslutar om allt"):
        load_policy(data)


def test_a_topic_citing_a_missing_section_is_refused(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    _edit(data / "topics.yaml", lambda doc: doc["topics"][0].update(sections=["7"]))
    with pytest.raises(PolicyDataError, match="section 7"):
        load_policy(data)


def test_catalogs_must_have_the_same_keys(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    _edit(data / "texts" / "en.yaml", lambda doc: doc["answers"].pop("goals"))
    with pytest.raises(PolicyDataError, match="goals"):
        load_policy(data)


def test_a_topic_naming_an_unknown_actor_is_refused(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    _edit(data / "topics.yaml", lambda doc: doc["topics"][0].update(duties_of="mayor"))
    with pytest.raises(PolicyDataError, match="mayor"):
        load_policy(data)


def test_a_broken_pattern_is_refused(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    _edit(data / "facts.yaml", lambda doc: doc["project_owner"]["owner"].append("(unclosed"))
    with pytest.raises(PolicyDataError):
        load_policy(data)


def test_section_ids_must_be_strings(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    version = next((data / "versions").glob("*.yaml"))
    version.write_text(version.read_text(encoding="utf-8").replace('- id: "3.1"', "- id: 3.1"), encoding="utf-8")
    with pytest.raises(PolicyDataError):
        load_policy(data)


def test_a_damaged_or_old_model_file_stops_the_loading(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    model = data / "model.bin"
    model.write_bytes(model.read_bytes()[:1000])
    with pytest.raises(PolicyDataError, match="model.bin: the model file ends inside"):
        load_policy(data)
    model.write_text('{"fingerprint": "a model.json of before"}', encoding="utf-8")
    with pytest.raises(PolicyDataError, match="not a topic model file"):
        load_policy(data)
