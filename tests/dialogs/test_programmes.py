"""The registration's EU programme list (the offered entries of policy/data/programmes.yaml) and recognising a typed
programme."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dialogs.applications.programmes import (
    OTHER,
    PROGRAMMES_FILE,
    Programme,
    ProgrammeDataError,
    get_programme,
    load_programmes,
    match_programme,
    programme_name,
)

# The programmes the issue names; each must be in the list under one of its names.
REQUIRED = ["Horisont Europa", "Erasmus+", "Interreg Öresund-Kattegat-Skagerrak", "Interreg Södra Östersjön",
            "Interreg Östersjöregionen", "Interreg Nordsjöregionen", "Interreg Europe", "URBACT", "ESF+", "ERUF",
            "Europeiska regionala utvecklingsfonden", "Fonden för en rättvis omställning", "AMIF", "LIFE", "CERV",
            "Kreativa Europa", "Digitala Europa", "EU4Health", "CEF", "European Urban Initiative",
            "Europeiska stadsinitiativet", "Innovationsfonden", "ISF", "annat"]


def test_the_list_holds_every_programme_the_issue_names() -> None:
    for name in REQUIRED:
        assert match_programme(name) is not None, name


def test_entries_are_well_formed() -> None:
    programmes = load_programmes()
    keys = [p.key for p in programmes]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z0-9_]+", k) for k in keys)
    assert programmes[-1].key == OTHER and programmes[-1].kind == "annat"
    assert {p.kind for p in programmes[:-1]} == {"program", "fond"}
    assert get_programme("esf_plus").kind == "fond" and get_programme("horizon_europe").kind == "program"


def test_load_programmes_returns_a_copy() -> None:
    first = load_programmes()
    first.clear()
    assert len(load_programmes()) > 20


def test_names_by_language() -> None:
    assert programme_name("horizon_europe", "sv") == "Horisont Europa"
    assert programme_name("horizon_europe", "en") == "Horizon Europe"
    assert programme_name("interreg_south_baltic", "en") == "Interreg South Baltic"
    assert programme_name(OTHER, "sv") == "Annat program eller fond"
    assert get_programme("erdf").name("en").startswith("ERDF")


def test_an_unknown_key_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no_such"):
        get_programme("no_such")


def test_the_stored_keys_do_not_change() -> None:
    # Keys are stored with every application: renaming one would orphan those rows.
    assert {p.key for p in load_programmes()} >= {
        "horizon_europe", "erasmus_plus", "interreg_oks", "interreg_south_baltic", "interreg_baltic_sea_region",
        "interreg_north_sea", "interreg_europe", "urbact", "esf_plus", "erdf", "just_transition_fund", "amif",
        "life", "cerv", "creative_europe", "digital_europe", "eu4health", "cef", "european_urban_initiative",
        "innovation_fund", "isf", OTHER}


@pytest.mark.parametrize(("typed", "key"), [
    ("Horisont Europa", "horizon_europe"),
    ("horizon europe", "horizon_europe"),
    ("HORISONT EUROPA", "horizon_europe"),
    ("Horison Europa", "horizon_europe"),              # a typo
    ("vi söker från Horisont Europa", "horizon_europe"),
    ("Erasmus+", "erasmus_plus"),
    ("erasmus", "erasmus_plus"),
    ("Erasmus +", "erasmus_plus"),
    ("ÖKS", "interreg_oks"),
    ("interreg oks", "interreg_oks"),
    ("Öresund–Kattegat–Skagerrak", "interreg_oks"),    # en dashes
    ("Södra Östersjön", "interreg_south_baltic"),
    ("sodra ostersjon", "interreg_south_baltic"),
    ("Interreg Baltic Sea Region", "interreg_baltic_sea_region"),
    ("Interreg Nordsjöregionen", "interreg_north_sea"),
    ("Nordsjön", "interreg_north_sea"),
    ("interreg europa", "interreg_europe"),
    ("Urbakt", "urbact"),
    ("esf", "esf_plus"),
    ("Europeiska socialfonden", "esf_plus"),
    ("regionalfonden", "erdf"),
    ("ERDF", "erdf"),
    ("Just Transition Fund", "just_transition_fund"),
    ("asyl-, migrations- och integrationsfonden", "amif"),
    ("LIFE-programmet", "life"),
    ("life", "life"),
    ("Creative Europe", "creative_europe"),
    ("Digital Europa", "digital_europe"),
    ("eu4health", "eu4health"),
    ("Connecting Europe Facility", "cef"),
    ("EUI", "european_urban_initiative"),
    ("EU:s innovationsfond", "innovation_fund"),
    ("isf", "isf"),
    ("Annat", OTHER),
    ("other", OTHER),
    ("ett annat program", OTHER),
])
def test_match_programme(typed: str, key: str) -> None:
    found = match_programme(typed)
    assert found is not None and found.key == key


@pytest.mark.parametrize("typed", [
    "Interreg",            # five programmes
    "interreg",
    "Europa",
    "Östersjön",           # Södra Östersjön or Östersjöregionen
    "Horisont Europa eller Erasmus+",
    "EU-medel",
    "xyz",
    "",
    "   ",
    "1",
    "esg",                 # three letters: abbreviations must be exact
])
def test_no_or_ambiguous_match(typed: str) -> None:
    assert match_programme(typed) is None


def _write(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "programmes.yaml"
    path.write_text(yaml.safe_dump({"programmes": entries}, allow_unicode=True), encoding="utf-8")
    return path


OTHER_ENTRY = {"key": OTHER, "name_sv": "Annat", "name_en": "Other", "kind": "annat", "aliases": []}


def test_a_shared_alias_stops_the_loading(tmp_path: Path) -> None:
    path = _write(tmp_path, [
        {"key": "a", "name_sv": "Interreg A", "name_en": "Interreg A", "kind": "program", "aliases": ["Interreg"]},
        {"key": "b", "name_sv": "Interreg B", "name_en": "Interreg B", "kind": "program", "aliases": ["interreg"]},
        OTHER_ENTRY,
    ])
    with pytest.raises(ProgrammeDataError, match="names both a and b"):
        load_programmes(path)


@pytest.mark.parametrize(("entries", "message"), [
    ([{"key": "Bad Key", "name_sv": "X", "name_en": "X", "kind": "program"}, OTHER_ENTRY], "key"),
    ([{"key": "x", "name_sv": "X", "name_en": "X", "kind": "projekt"}, OTHER_ENTRY], "kind"),
    ([{"key": "x", "name_sv": "X", "name_en": "X", "kind": "program"}], "'other'"),
    ([{"key": "x", "name_sv": "X", "name_en": "X", "kind": "annat"}, OTHER_ENTRY], "annat"),
    ([{"key": "x", "name_sv": "X", "name_en": "X", "kind": "program"},
      {"key": "x", "name_sv": "Y", "name_en": "Y", "kind": "fond"}, OTHER_ENTRY], "used twice"),
])
def test_malformed_data_stops_the_loading(tmp_path: Path, entries: list[dict], message: str) -> None:
    with pytest.raises(ProgrammeDataError, match=message):
        load_programmes(_write(tmp_path, entries))


def test_the_shipped_file_loads_as_programmes() -> None:
    programmes = load_programmes(PROGRAMMES_FILE)
    assert all(isinstance(p, Programme) for p in programmes)
    assert programmes == load_programmes()
