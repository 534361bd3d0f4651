"""storage/organisations.py and storage/data/organisations.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.organisations import (
    POLICY_ACTORS,
    OrganisationKind,
    duties_of,
    find_organisation,
    get_organisation,
    kinds_that_must_appoint_contact,
    kinds_that_must_report,
    list_organisations,
    load_organisation_entries,
    must_appoint_contact,
    must_report,
    seed_organisations,
    slugify,
    swedish_sort_key,
)

Factory = async_sessionmaker[AsyncSession]

NAMNDER = [
    "Kommunstyrelsen",
    "Arbetsmarknads- och socialnämnden",
    "Fritidsnämnden",
    "Funktionsstödsnämnden",
    "Förskolenämnden",
    "Grundskolenämnden",
    "Gymnasie- och vuxenutbildningsnämnden",
    "Hälsa-, vård- och omsorgsnämnden",
    "Kulturnämnden",
    "Miljönämnden",
    "Servicenämnden",
    "Stadsbyggnadsnämnden",
    "Tekniska nämnden",
    "Valnämnden",
    "Överförmyndarnämnden",
    "Revisorskollegiet",
]
BOLAG = [
    "Malmö Stadshus AB",
    "MKB Fastighets AB",
    "Malmö Kommuns Parkerings AB",
    "Malmö Leasing AB",
    "Malmö Live Konserthus AB",
    "Malmö Stadsteater AB",
    "Boplats Syd AB",
]


def _write_yaml(path: Path, entries: list[tuple[str, str, str]]) -> Path:
    lines = ["organisations:"]
    for slug, name, kind in entries:
        lines += [f"  - slug: {slug}", f"    name: {name}", f"    kind: {kind}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_data_file_lists_malmo_stads_namnder_and_bolag() -> None:
    entries = load_organisation_entries()
    assert [entry.name for entry in entries if entry.kind is OrganisationKind.NAMND] == NAMNDER
    assert [entry.name for entry in entries if entry.kind is OrganisationKind.BOLAG] == BOLAG
    assert all(entry.slug == slugify(entry.name) for entry in entries)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Miljönämnden", "miljonamnden"),
        ("Hälsa-, vård- och omsorgsnämnden", "halsa-vard-och-omsorgsnamnden"),
        ("Överförmyndarnämnden", "overformyndarnamnden"),
        ("Malmö Kommuns Parkerings AB", "malmo-kommuns-parkerings-ab"),
        ("  Tekniska   nämnden ", "tekniska-namnden"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


async def test_engine_fixture_is_seeded_and_seeding_again_adds_nothing(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        assert len(await list_organisations(session)) == 23
        assert await seed_organisations(session) == 0
        assert len(await list_organisations(session)) == 23


async def test_an_extra_file_adds_its_new_entry_only(session_factory: Factory, tmp_path: Path) -> None:
    extra = _write_yaml(
        tmp_path / "extra.yaml",
        [
            ("miljonamnden", "Miljönämnden", "namnd"),
            ("krisledningsnamnden", "Krisledningsnämnden", "namnd"),
        ],
    )
    async with session_factory.begin() as session:
        assert await seed_organisations(session, extra) == 1
    async with session_factory.begin() as session:
        assert await seed_organisations(session, extra) == 0
        added = await get_organisation(session, "krisledningsnamnden")
        assert added is not None
        assert (added.name, added.kind, added.active) == ("Krisledningsnämnden", OrganisationKind.NAMND, True)
        assert len(await list_organisations(session)) == 24


async def test_seeding_never_renames_or_deletes(session_factory: Factory, tmp_path: Path) -> None:
    renamed = _write_yaml(
        tmp_path / "renamed.yaml",
        [
            ("miljonamnden", "Miljö- och klimatnämnden", "namnd"),
            ("nytt-namn-samma-namn", "Kulturnämnden", "namnd"),
        ],
    )
    async with session_factory.begin() as session:
        assert await seed_organisations(session, renamed) == 0
    async with session_factory.begin() as session:
        miljo = await get_organisation(session, "miljonamnden")
        assert miljo is not None and miljo.name == "Miljönämnden"
        assert await get_organisation(session, "nytt-namn-samma-namn") is None
        assert len(await list_organisations(session)) == 23


def test_invalid_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        load_organisation_entries(_write_yaml(tmp_path / "a.yaml", [("Miljö Nämnden", "Miljönämnden", "namnd")]))
    with pytest.raises(ValidationError):
        load_organisation_entries(_write_yaml(tmp_path / "b.yaml", [("kommunen", "Kommunen", "kommun")]))
    with pytest.raises(ValueError, match="more than once"):
        load_organisation_entries(
            _write_yaml(tmp_path / "c.yaml", [("a", "Samma", "namnd"), ("b", "Samma", "bolag")])
        )
    with pytest.raises(ValueError, match="more than once"):
        load_organisation_entries(_write_yaml(tmp_path / "d.yaml", [("a", "Ett", "namnd"), ("a", "Två", "bolag")]))


async def test_list_by_kind_in_swedish_order(session_factory: Factory) -> None:
    async with session_factory() as session:
        namnder = await list_organisations(session, OrganisationKind.NAMND)
        bolag = await list_organisations(session, "bolag")
    assert sorted(NAMNDER, key=swedish_sort_key) == [organisation.name for organisation in namnder]
    assert [organisation.name for organisation in bolag] == sorted(BOLAG, key=swedish_sort_key)
    names = [organisation.name for organisation in namnder]
    assert names[-1] == "Överförmyndarnämnden"  # Ö last, not among the O's
    assert names.index("Valnämnden") < names.index("Överförmyndarnämnden")


async def test_inactive_organisations_are_listed_only_on_request(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        valnamnden = await get_organisation(session, "valnamnden")
        assert valnamnden is not None
        valnamnden.active = False
    async with session_factory() as session:
        assert "valnamnden" not in [organisation.slug for organisation in await list_organisations(session)]
        assert len(await list_organisations(session, include_inactive=True)) == 23
        assert await find_organisation(session, "Valnämnden") is not None


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Miljönämnden", "miljonamnden"),
        ("miljönämnden", "miljonamnden"),
        ("MILJONAMNDEN", "miljonamnden"),
        ("miljonamnden", "miljonamnden"),
        ("  Tekniska   Nämnden ", "tekniska-namnden"),
        ("tekniska-namnden", "tekniska-namnden"),
        ("hälsa-, vård- och omsorgsnämnden", "halsa-vard-och-omsorgsnamnden"),
        ("Halsa, vard och omsorgsnamnden", "halsa-vard-och-omsorgsnamnden"),
        ("mkb fastighets ab", "mkb-fastighets-ab"),
        ("Malmö Stadshus AB", "malmo-stadshus-ab"),
        # the förvaltning or kontor serving a nämnd (organisations.yaml also_called) finds the nämnd
        ("Miljöförvaltningen", "miljonamnden"),
        ("halsa, vard och omsorgsforvaltningen", "halsa-vard-och-omsorgsnamnden"),
        ("Fastighets- och gatukontoret", "tekniska-namnden"),
        ("stadskontoret", "kommunstyrelsen"),
    ],
)
async def test_find_organisation_ignores_case_and_diacritics(
    session_factory: Factory, text: str, slug: str
) -> None:
    async with session_factory() as session:
        found = await find_organisation(session, text)
    assert found is not None and found.slug == slug


@pytest.mark.parametrize("text", ["", "   ", "Miljö", "nämnden", "Malmö Stadshus", "Stockholms stad"])
async def test_find_organisation_is_exact(session_factory: Factory, text: str) -> None:
    async with session_factory() as session:
        assert await find_organisation(session, text) is None


def test_what_the_policy_asks_of_each_kind_is_the_policy_modules_answer() -> None:
    # Every kind is one of the policy's actors (policy/data/actors.yaml), and its duties are the policy's.
    assert POLICY_ACTORS == {OrganisationKind.NAMND: "committee", OrganisationKind.BOLAG: "wholly_owned_company"}
    assert must_report("namnd") and must_appoint_contact(OrganisationKind.NAMND)  # 3.3, 4
    assert not must_report("bolag") and not must_appoint_contact(OrganisationKind.BOLAG)  # 3.4
    assert kinds_that_must_report() == kinds_that_must_appoint_contact() == frozenset({OrganisationKind.NAMND})
    assert (duties_of("bolag").contact.role, duties_of("bolag").contact.section) == ("representative", "3.4")
    assert duties_of("bolag").annual_report.voluntary  # Lotsen's choice: a bolag may still report
    with pytest.raises(ValueError):
        must_report("forvaltning")
