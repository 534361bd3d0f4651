"""The shipped data in policy/data: complete, verbatim, consistent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policy import PolicyData
from policy.sections import plain_text, units

SECTION_IDS = ["1", "2", "2a", "2b", "2c", "3", "3.1", "3.2", "3.2.1", "3.3", "3.4", "4", "4.1", "5"]
SOURCE_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "policy"
SOURCE_FILE = "policy-internationellt-arbete.txt"
# A heading in the PDF text: "3.2.1 Kommunstyrelsens förvaltning", "4. Vägledning och rutiner"
# or a focus area on a line of its own, "a) verksamhetsutveckling".
_NUMBERED = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s+(\S.*?)\s*$")
_LETTERED = re.compile(r"^\s*([a-c])\)\s+(\w+(?: \w+)?)\s*$")


def source_sections() -> dict[str, tuple[str, str]]:
    """Section id -> (title, text) as cut out of the source text by its headings."""
    sections: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for line in (SOURCE_DIR / SOURCE_FILE).read_text(encoding="utf-8").splitlines():
        numbered, lettered = _NUMBERED.match(line), _LETTERED.match(line)
        if numbered:
            current = numbered[1]
            sections[current] = (numbered[2], [])
        elif lettered:
            current = f"2{lettered[1]}"
            sections[current] = (lettered[2], [])
        elif current:
            sections[current][1].append(line)
    return {sid: (title, " ".join(lines)) for sid, (title, lines) in sections.items()}


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_all_fourteen_sections_are_present_in_order(policy: PolicyData) -> None:
    for version in policy.versions:
        assert [s.id for s in version.sections] == SECTION_IDS


@pytest.mark.skipif(not SOURCE_DIR.is_dir(), reason=f"source text folder {SOURCE_DIR} is absent")
@pytest.mark.parametrize("section_id", SECTION_IDS)
def test_swedish_text_is_the_source_verbatim(policy: PolicyData, section_id: str) -> None:
    source = source_sections()
    assert list(source) == SECTION_IDS, "the source text's headings changed"
    title, text = source[section_id]
    section = policy.versions[0].section(section_id)
    assert section is not None
    assert plain_text(section.text.sv) == words(text)
    assert section.title.sv == title


def test_every_section_has_an_english_rendering(policy: PolicyData) -> None:
    for section in policy.versions[0].sections:
        assert section.title.en and len(section.text.en) > 0.6 * len(section.text.sv)
        assert not re.search(r"[åäö]", section.text.en.replace("Malmö", "")), section.id


def test_list_items_are_kept_as_list_items(policy: PolicyData) -> None:
    section = policy.versions[0].section("3.2")
    assert section is not None
    items = [u for u in units(section.text.sv) if u.intro]
    assert len(items) == 6 and all(u.intro == "Kommunstyrelsen:" for u in items)


def test_each_duty_of_section_3_is_a_record(policy: PolicyData) -> None:
    version = policy.versions[0]
    records = {(r.section, r.duty.sv) for r in version.responsibilities}
    for sid in ("3.1", "3.2", "3.2.1", "3.3", "3.4"):
        section = version.section(sid)
        assert section is not None
        for unit in units(section.text.sv):
            if unit.intro:
                assert (sid, unit.text) in records, f"{sid}: {unit.text}"


def test_duties_name_the_actor_of_their_section(policy: PolicyData) -> None:
    expected = {"3.1": "kf", "3.2": "ks", "3.2.1": "ks_administration", "3.3": "committee", "3.4": "wholly_owned_company"}
    for record in policy.versions[0].responsibilities:
        assert record.actor == expected[record.section]
        assert record.duty.en


def test_actors_have_names_and_aliases(policy: PolicyData) -> None:
    assert set(policy.actors) == {"kf", "ks", "ks_administration", "committee", "wholly_owned_company",
                                  "brussels_office", "eu_network"}
    for actor in policy.actors.values():
        assert actor.name.sv and actor.name.en and actor.aliases["sv"] and actor.aliases["en"]


@pytest.mark.parametrize(("alias", "actor"), [
    ("KS", "ks"), ("kommunstyrelsen", "ks"), ("City Executive Board", "ks"),
    ("KSF", "ks_administration"), ("KS förvaltning", "ks_administration"), ("stadskontoret", "ks_administration"),
    ("kommunstyrelsens förvaltning", "ks_administration"), ("KS-förvaltningen", "ks_administration"),
    ("KF", "kf"), ("fullmäktige", "kf"), ("City Council", "kf"), ("kommunfullmäktiges", "kf"),
    ("nämnderna", "committee"), ("namnden", "committee"), ("helägda bolag", "wholly_owned_company"),
    ("Brysselkontoret", "brussels_office"), ("EU-nätverket", "eu_network"),
])
def test_aliases_officials_use_name_a_policy_concept(policy: PolicyData, alias: str, actor: str) -> None:
    # A question naming an actor is never answered "outside the policy" without offering topics.
    assert actor in policy.actors and policy.names_concept(alias)
    assert policy.names_concept(f"en fråga om {alias} och semester")


def test_routine_quotes_are_the_policy_words(policy: PolicyData) -> None:
    for version in policy.versions:
        section = version.section(version.eu_routine.section)
        assert section is not None
        for ob in version.eu_routine.obligations:
            assert ob.quote in plain_text(section.text.sv)


def test_parameters_carry_section_and_date(policy: PolicyData) -> None:
    threshold = policy.parameters["information_item_threshold_sek"].values[0]
    assert threshold.value == 12_000_000 and threshold.section == "4.1"
    assert "12 miljoner kronor" in policy.versions[0].section("4.1").text.sv  # type: ignore[union-attr]
    assert policy.parameters["always_informed"].values[0].value == "ks_administration"
    assert policy.parameters["annual_report"].values[0].section == "3.3"
    assert policy.parameters["eur_sek_default_rate"].values[0].section is None
    for parameter in policy.parameters.values():
        assert all(v.valid_from for v in parameter.values)


def test_programmes_are_data(policy: PolicyData) -> None:
    names = {p.name for p in policy.programmes.question_programmes}
    assert {"Interreg", "Horisont Europa", "Erasmus+", "ESF+", "ERUF", "LIFE", "URBACT", "AMIF", "CERV",
            "Kreativa Europa", "Digitala Europa", "EU4Health", "CEF"} <= names
