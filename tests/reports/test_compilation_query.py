"""build_compilation: the year's compilation filled from the database (on SQLite and PostgreSQL), written as
Word, Excel and Markdown, opened again, and its figures checked against the seed (worked out by hand below).

`seed_year` is shared with the command-line and download tests (tests/app/test_report_cli.py, test_downloads.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from reports.compilation import SHEETS, write_compilation
from reports.compilation_query import build_compilation, build_organisation_report
from storage.annual_reports import add_item, approve, get_or_create_draft, remove_item, set_details, submit
from storage.application_data import ApplicationData, ApplicationStatus, MalmoRole, Money
from storage.applications import application_reference, create_application
from storage.models import Application, ContactPerson, Organisation, Role, User
from storage.organisations import get_organisation, list_organisations, swedish_sort_key
from tests.support.people import make_user

Factory = async_sessionmaker[AsyncSession]
YEAR = 2026
GENERATED = date(2027, 2, 10)
DEFAULT_RATE = 11.5  # the default passed in: used for the application stored without a rate
PROGRAMME_NAMES = {
    "interreg_oks": "Interreg Öresund-Kattegat-Skagerrak",
    "horizon_europe": "Horisont Europa",
    "erasmus_plus": "Erasmus+",
    "other": "Annat program eller fond",
}
OKS = PROGRAMME_NAMES["interreg_oks"]


@dataclass
class Seeded:
    coordinator: User
    admin: User
    official: User  # of Miljönämnden
    outsider: User  # of Kulturnämnden
    references: dict[str, str]  # project name → reference


async def _application(session: AsyncSession, organisation: Organisation, creator: User, name: str, *,
                       programme: str, role: MalmoRole, budget: Money, planned: date | None,
                       rate: float | None = None, programme_other: str | None = None,
                       status: ApplicationStatus = ApplicationStatus.DRAFT, granted: Money | None = None,
                       created_at: datetime | None = None) -> Application:
    data = ApplicationData(project_name=name, programme=programme, programme_other=programme_other,
                           malmo_role=role, total_budget=budget, planned_submission_date=planned)
    application, _ = await create_application(
        session, data=data, organisation=organisation, created_by=creator, submission_key=f"seed-{name}",
        eur_sek_rate=rate, information_item_required=False, information_item_draft=None)
    # What later turns of the application's life leave in its row (status, the amount granted, when registered).
    application.status = status
    if granted is not None:
        application.granted_amount_minor, application.granted_amount_currency = granted.amount_minor, granted.currency
    if created_at is not None:
        application.created_at = created_at
    await session.flush()
    return application


async def seed_year(session_factory: Factory) -> Seeded:
    """Year 2026: three reports handed in (one without items), one draft, the rest not started; five applications
    of the year in SEK and EUR, two granted, and two that belong to other years; Revisorskollegiet inactive."""
    async with session_factory.begin() as session:
        org = {slug: await get_organisation(session, slug) for slug in (
            "miljonamnden", "kulturnamnden", "fritidsnamnden", "grundskolenamnden", "mkb-fastighets-ab",
            "malmo-live-konserthus-ab", "revisorskollegiet")}
        org["revisorskollegiet"].active = False
        coordinator = await make_user(session, "29:ks", "Karin KS", None, Role.KS_COORDINATOR)
        admin = await make_user(session, "29:admin", "Adam Admin", org["kulturnamnden"], Role.ADMIN)
        official = await make_user(session, "29:asa", "Åsa Öberg", org["miljonamnden"])
        outsider = await make_user(session, "29:bo", "Bo Berg", org["kulturnamnden"])
        playwright = await make_user(session, "29:live", "Lo Live", org["malmo-live-konserthus-ab"])
        coach = await make_user(session, "29:fritid", "Fia Fritid", org["fritidsnamnden"])

        session.add_all([
            ContactPerson(organisation_id=org["miljonamnden"].id, name="Registrerad Miljö"),  # the report's wins
            ContactPerson(organisation_id=org["kulturnamnden"].id, name="Bo Berg"),
            ContactPerson(organisation_id=org["mkb-fastighets-ab"].id, name="Dan Ek"),
        ])

        applications = [
            await _application(session, org["miljonamnden"], official, "Gröna tak", programme="interreg_oks",
                               role=MalmoRole.OWNER, budget=Money.of(14_500_000, "SEK"), planned=date(YEAR, 3, 1),
                               status=ApplicationStatus.GRANTED, granted=Money.of(9_000_000, "SEK")),
            await _application(session, org["miljonamnden"], official, "Klimatneutrala städer",
                               programme="horizon_europe", role=MalmoRole.PARTNER,
                               budget=Money.of(1_200_000, "EUR"), rate=11.23, planned=date(YEAR, 9, 15),
                               status=ApplicationStatus.SUBMITTED),
            await _application(session, org["kulturnamnden"], outsider, "Kultur utan gränser", programme="other",
                               programme_other="Kreativa Europa", role=MalmoRole.OWNER,
                               budget=Money.of(2_000_000, "SEK"), planned=date(YEAR, 1, 1),
                               status=ApplicationStatus.REJECTED),
            await _application(session, org["fritidsnamnden"], coach, "Idrott för alla", programme="erasmus_plus",
                               role=MalmoRole.PARTNER, budget=Money.of(400_000, "EUR"), planned=date(YEAR, 12, 31),
                               status=ApplicationStatus.ONGOING, granted=Money.of(300_000, "EUR")),
            # No planned date: registered 00:30 on New Year's Day in Malmö, so it belongs to 2026.
            await _application(session, org["grundskolenamnden"], coordinator, "Skolor kring Östersjön",
                               programme="interreg_oks", role=MalmoRole.PARTNER, budget=Money.of(3_000_000, "SEK"),
                               planned=None, created_at=datetime(YEAR - 1, 12, 31, 23, 30, tzinfo=timezone.utc)),
            # Other years: planned for 2025, and registered 00:30 on New Year's Day 2027 in Malmö.
            await _application(session, org["miljonamnden"], official, "Förra året", programme="interreg_oks",
                               role=MalmoRole.OWNER, budget=Money.of(5_000_000, "SEK"), planned=date(YEAR - 1, 12, 31),
                               status=ApplicationStatus.GRANTED, granted=Money.of(5_000_000, "SEK")),
            await _application(session, org["kulturnamnden"], outsider, "Nästa år", programme="erasmus_plus",
                               role=MalmoRole.OWNER, budget=Money.of(7_000_000, "SEK"), planned=None,
                               created_at=datetime(YEAR, 12, 31, 23, 30, tzinfo=timezone.utc)),
        ]
        references = {a.project_name: application_reference(a) for a in applications}

    async with session_factory.begin() as session:
        miljo = await get_or_create_draft(session, org["miljonamnden"].id, YEAR, official)
        for item in list(miljo.items):  # the prefilled EU projects: this report tells of other work
            await remove_item(session, miljo, official, item.id)
        await add_item(session, miljo, official, kind="network", title="Eurocities miljöforum",
                       description="Medlem sedan 2019.", focus_areas=["2a", "2b"],
                       results="Två studiebesök om skyfallssäkring.")
        await add_item(session, miljo, official, kind="influence", title="Remissyttrande om vattendirektivet",
                       description=None, focus_areas=["2b"], results=None)
        await set_details(session, miljo, official, in_verksamhetsplan=True, contact_name="Anna Andersson")
        await submit(session, miljo, official)
        await approve(session, miljo, coordinator)

        kultur = await get_or_create_draft(session, org["kulturnamnden"].id, YEAR, outsider)
        for item in list(kultur.items):
            await remove_item(session, kultur, outsider, item.id)
        await add_item(session, kultur, outsider, kind="partner_city", title="Samarbete med Gdańsk",
                       description=None, focus_areas=["2c"], results=None)
        await set_details(session, kultur, outsider, in_verksamhetsplan=False)
        await submit(session, kultur, outsider)

        fritid = await get_or_create_draft(session, org["fritidsnamnden"].id, YEAR, coach)
        await add_item(session, fritid, coach, kind="conference", title="Halvfärdigt seminarium", description=None,
                       focus_areas=["2b"], results=None)
        await set_details(session, fritid, coach, contact_name="Utkast Namn")

        live = await get_or_create_draft(session, org["malmo-live-konserthus-ab"].id, YEAR, playwright)
        await set_details(session, live, playwright, in_verksamhetsplan=True)
        await submit(session, live, playwright)
        await approve(session, live, coordinator)

        # Another year's report of Miljönämnden does not count for 2026.
        await get_or_create_draft(session, org["miljonamnden"].id, YEAR + 1, official)

    return Seeded(coordinator, admin, official, outsider, references)


# Worked out by hand from the seed. EUR: 1 200 000 at the stored 11.23; 400 000 and 300 000 at the default 11.5.
PER_PROGRAMME = {
    OKS: (2, 17_500_000, 1, 9_000_000),
    "Horisont Europa": (1, 13_476_000, 0, 0),
    "Kreativa Europa": (1, 2_000_000, 0, 0),
    "Erasmus+": (1, 4_600_000, 1, 3_450_000),
}
APPLICATIONS = 5
TOTAL_BUDGET = 37_576_000
GRANTED = 2
GRANTED_AMOUNT = 12_450_000
ORGANISATIONS = 22  # the 23 seeded, Revisorskollegiet inactive
REPORTED = ["Kulturnämnden", "Malmö Live Konserthus AB", "Miljönämnden"]
NOT_SHOWN = ("Halvfärdigt seminarium", "Förra året", "Nästa år", "Utkast Namn", "Registrerad Miljö")


async def _compilation(session_factory: Factory):
    async with session_factory() as session:
        return await build_compilation(session, YEAR, programme_names=PROGRAMME_NAMES,
                                       default_eur_sek_rate=DEFAULT_RATE, generated_on=GENERATED)


async def test_the_compilation_holds_every_active_organisation_with_its_report_and_applications(
    session_factory: Factory,
) -> None:
    seeded = await seed_year(session_factory)
    compilation = await _compilation(session_factory)

    async with session_factory() as session:
        expected_order = [o.name for o in await list_organisations(session)]
    names = [o.name for o in compilation.organisations]
    assert names == expected_order and names == sorted(names, key=swedish_sort_key)
    assert len(names) == ORGANISATIONS and "Revisorskollegiet" not in names
    assert (compilation.year, compilation.generated_on) == (YEAR, GENERATED)

    by_name = {o.name: o for o in compilation.organisations}
    miljo, kultur, fritid = by_name["Miljönämnden"], by_name["Kulturnämnden"], by_name["Fritidsnämnden"]
    assert (miljo.status, miljo.contact_name, miljo.in_verksamhetsplan) == ("approved", "Anna Andersson", True)
    assert [(i.kind, i.title, i.description, i.focus_areas, i.results) for i in miljo.items] == [
        ("network", "Eurocities miljöforum", "Medlem sedan 2019.", ["2a", "2b"], "Två studiebesök om skyfallssäkring."),
        ("influence", "Remissyttrande om vattendirektivet", "", ["2b"], ""),
    ]
    assert (kultur.status, kultur.contact_name, kultur.in_verksamhetsplan) == ("submitted", "Bo Berg", False)
    # A draft's contact name is not handed in yet; the registry has none for Fritidsnämnden.
    assert (fritid.status, fritid.contact_name) == ("draft", None)
    assert by_name["MKB Fastighets AB"].status == "not_started"
    assert by_name["MKB Fastighets AB"].contact_name == "Dan Ek"
    assert (by_name["MKB Fastighets AB"].kind, miljo.kind) == ("bolag", "namnd")
    assert sorted(o.name for o in compilation.organisations if o.reported) == REPORTED

    assert [(a.reference, a.project_name, a.programme_name, a.malmo_role, a.total_budget, a.total_budget_sek,
             a.status, a.granted_amount_sek) for a in miljo.applications] == [
        (seeded.references["Gröna tak"], "Gröna tak", OKS, MalmoRole.OWNER, Money.of(14_500_000, "SEK"),
         Decimal(14_500_000), ApplicationStatus.GRANTED, Decimal(9_000_000)),
        (seeded.references["Klimatneutrala städer"], "Klimatneutrala städer", "Horisont Europa", MalmoRole.PARTNER,
         Money.of(1_200_000, "EUR"), Decimal(13_476_000), ApplicationStatus.SUBMITTED, None),
    ]
    assert [(a.programme_name, a.total_budget_sek) for a in kultur.applications] == [("Kreativa Europa", 2_000_000)]
    assert [(a.total_budget_sek, a.granted_amount_sek) for a in fritid.applications] == [(4_600_000, 3_450_000)]
    assert [a.project_name for a in by_name["Grundskolenämnden"].applications] == ["Skolor kring Östersjön"]
    every = [a.project_name for o in compilation.organisations for a in o.applications]
    assert len(every) == APPLICATIONS and "Förra året" not in every and "Nästa år" not in every


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _docx_table(path: Path, first_header: str) -> list[list[str]]:
    document = Document(str(path))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == first_header)
    return [[cell.text for cell in row.cells] for row in table.rows[1:]]


async def test_the_compilation_written_as_word_excel_and_markdown_shows_the_seeded_figures(
    session_factory: Factory, tmp_path: Path
) -> None:
    await seed_year(session_factory)
    compilation = await _compilation(session_factory)

    docx = write_compilation(compilation, "docx", out=tmp_path)
    text = _docx_text(docx)
    for line in (f"Nämnder och helägda bolag: {ORGANISATIONS}", "Inskickade eller godkända redovisningar: 3",
                 f"Organisationer som inte har lämnat någon redovisning: {ORGANISATIONS - 3}",
                 f"Antal EU-ansökningar: {APPLICATIONS}", "Summa totalbudget för ansökningarna: 37 576 000 kr",
                 f"Beviljade ansökningar: {GRANTED}", "Summa beviljade belopp: 12 450 000 kr",
                 "Kontaktperson för internationella frågor: Anna Andersson",
                 "Representant för internationella frågor: Dan Ek",
                 "1 200 000 euro (ungefär 13 476 000 kr)", "Eurocities miljöforum", "Samarbete med Gdańsk"):
        assert line in text, line
    assert not [hidden for hidden in NOT_SHOWN if hidden in text]
    programmes = _docx_table(docx, "Program")
    assert {row[0]: tuple(row[1:]) for row in programmes[:-1]} == {
        OKS: ("2", "17 500 000 kr", "1", "9 000 000 kr"),
        "Horisont Europa": ("1", "13 476 000 kr", "0", "0 kr"),
        "Kreativa Europa": ("1", "2 000 000 kr", "0", "0 kr"),
        "Erasmus+": ("1", "4 600 000 kr", "1", "3 450 000 kr"),
    }
    assert programmes[-1] == ["Totalt", "5", "37 576 000 kr", "2", "12 450 000 kr"]

    workbook = load_workbook(write_compilation(compilation, "xlsx", out=tmp_path / "k.xlsx"))
    summary = {row[0]: row[1] for row in workbook[SHEETS[0]].iter_rows(min_row=2, values_only=True) if row[0]}
    assert summary["Antal EU-ansökningar"] == APPLICATIONS
    assert summary["Summa totalbudget (kr)"] == TOTAL_BUDGET
    assert (summary["Beviljade ansökningar"], summary["Summa beviljade belopp (kr)"]) == (GRANTED, GRANTED_AMOUNT)
    assert summary["Antal organisationer utan redovisning"] == ORGANISATIONS - 3
    assert {row[0]: tuple(row[1:]) for row in workbook[SHEETS[4]].iter_rows(min_row=2, values_only=True)
            if row[0] != "Totalt"} == PER_PROGRAMME
    organisations = {row[0]: row for row in workbook[SHEETS[1]].iter_rows(min_row=2, values_only=True)}
    assert len(organisations) == ORGANISATIONS
    assert organisations["Miljönämnden"][2:9] == ("godkänd", "ja", "Anna Andersson", "ja", 2, 2, 27_976_000)
    assert organisations["Fritidsnämnden"][2:9] == ("utkast", "nej", None, "uppgift saknas", 0, 1, 4_600_000)
    applications = list(workbook[SHEETS[3]].iter_rows(min_row=2, values_only=True))
    assert sorted((row[3], row[5], row[6], row[7], row[9]) for row in applications) == sorted([
        (OKS, 14_500_000, "SEK", 14_500_000, 9_000_000),
        ("Horisont Europa", 1_200_000, "EUR", 13_476_000, None),
        ("Kreativa Europa", 2_000_000, "SEK", 2_000_000, None),
        ("Erasmus+", 400_000, "EUR", 4_600_000, 3_450_000),
        (OKS, 3_000_000, "SEK", 3_000_000, None),
    ])

    markdown = write_compilation(compilation, "md", out=tmp_path).read_text(encoding="utf-8")
    missing = markdown.split("## Organisationer som inte har lämnat någon redovisning", 1)[1]
    missing_lines = [line[2:] for line in missing.splitlines() if line.startswith("- ")]
    assert len(missing_lines) == ORGANISATIONS - 3
    assert "Fritidsnämnden (utkast)" in missing_lines and "MKB Fastighets AB (ej påbörjad)" in missing_lines
    assert not [line for line in missing_lines if line.split(" (")[0] in REPORTED]
    assert "| Totalt | 5 | 37 576 000 kr | 2 | 12 450 000 kr |" in markdown


async def test_an_inactive_organisation_with_an_application_of_the_year_is_still_counted(
    session_factory: Factory,
) -> None:
    async with session_factory.begin() as session:
        valnamnden = await get_organisation(session, "valnamnden")
        valnamnden.active = False
        creator = await make_user(session, "29:val", "Val Person", valnamnden)
        await _application(session, valnamnden, creator, "Val i Europa", programme="erasmus_plus",
                           role=MalmoRole.OWNER, budget=Money.of(1_000_000, "SEK"), planned=date(YEAR, 5, 1))
    compilation = await _compilation(session_factory)
    by_name = {o.name: o for o in compilation.organisations}
    assert [a.project_name for a in by_name["Valnämnden"].applications] == ["Val i Europa"]
    assert len(compilation.organisations) == 23  # 22 active and the inactive one with an application


async def test_one_organisations_report_whatever_its_status(session_factory: Factory) -> None:
    await seed_year(session_factory)
    async with session_factory() as session:
        fritid = await get_organisation(session, "fritidsnamnden")
        report = await build_organisation_report(session, fritid.id, YEAR, programme_names=PROGRAMME_NAMES,
                                                 default_eur_sek_rate=DEFAULT_RATE)
    assert (report.name, report.status) == ("Fritidsnämnden", "draft")
    # The draft's own items are there for the organisation itself (the prefilled project and the seminar).
    assert [i.title for i in report.items] == ["Idrott för alla", "Halvfärdigt seminarium"]
    assert [(a.project_name, a.total_budget_sek) for a in report.applications] == [("Idrott för alla", 4_600_000)]


async def test_a_few_queries_whatever_the_number_of_organisations(
    session_factory: Factory, engine: AsyncEngine
) -> None:
    await seed_year(session_factory)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        compilation = await _compilation(session_factory)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert len(compilation.organisations) == ORGANISATIONS
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert 0 < len(selects) <= 10, selects
    async with session_factory() as session:  # the transient reader list_applications was given is not stored
        assert await session.scalar(select(User).where(User.name == "compilation")) is None


async def test_a_row_without_role_or_budget_is_left_out_and_logged(session_factory: Factory, caplog) -> None:
    async with session_factory.begin() as session:
        miljo = await get_organisation(session, "miljonamnden")
        creator = await make_user(session, "29:asa", "Åsa Öberg", miljo)
        # Not something the registration dialog saves (it asks for both), but the columns allow it.
        incomplete, _ = await create_application(
            session, data=ApplicationData(project_name="Halv rad", planned_submission_date=date(YEAR, 4, 1)),
            organisation=miljo, created_by=creator, submission_key="half", eur_sek_rate=None,
            information_item_required=False, information_item_draft=None)
    with caplog.at_level("WARNING", logger="lotsen.reports"):
        compilation = await _compilation(session_factory)
    assert [a for o in compilation.organisations for a in o.applications] == []
    assert f"application {incomplete.id} has no total budget or role" in caplog.text
