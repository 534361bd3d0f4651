"""build_compilation: the year's compilation filled from the database (on SQLite and PostgreSQL), written as
Word, Excel and Markdown, opened again, and its figures checked against the seed's, worked out by hand in
tests/support/compilation_seed.py (shared with the command-line and download tests).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from reports.compilation import SHEETS, write_compilation
from reports.compilation_query import build_compilation, build_organisation_report
from storage.application_data import ApplicationData, ApplicationStatus, MalmoRole, Money
from storage.applications import create_application
from storage.organisations import get_organisation, list_organisations, swedish_sort_key
from tests.support.compilation_seed import (
    APPLICATIONS,
    DEFAULT_RATE,
    GRANTED,
    GRANTED_AMOUNT,
    NAMNDER,
    NOT_SHOWN,
    OKS,
    ORGANISATIONS,
    PER_PROGRAMME,
    PROGRAMME_NAMES,
    REPORTED,
    TOTAL_BUDGET,
    VOLUNTARY,
    YEAR,
    Factory,
    add_application,
    seed_year,
)
from tests.support.documents import docx_table, docx_text
from tests.support.people import make_user

GENERATED = date(2027, 2, 10)


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


async def test_the_compilation_written_as_word_excel_and_markdown_shows_the_seeded_figures(
    session_factory: Factory, tmp_path: Path
) -> None:
    await seed_year(session_factory)
    compilation = await _compilation(session_factory)

    docx = write_compilation(compilation, "docx", out=tmp_path)
    text = docx_text(docx)
    # The figures are the nämnders' (3.3, 4); the bolag's voluntary report is counted apart (3.4).
    for line in (f"Nämnder: {NAMNDER}", "Nämnder med inskickad eller godkänd redovisning: 2",
                 f"Nämnder som inte har lämnat någon redovisning: {NAMNDER - 2}",
                 "Helägda bolag som har redovisat frivilligt (avsnitt 3.4): 1",
                 "Helägda bolag: frivillig redovisning (avsnitt 3.4)", "Malmö Live Konserthus AB (helägt bolag)",
                 f"Antal EU-ansökningar: {APPLICATIONS}", "Summa totalbudget för ansökningarna: 37 576 000 kr",
                 f"Beviljade ansökningar: {GRANTED}", "Summa beviljade belopp: 12 450 000 kr",
                 "Kontaktperson för internationella frågor: Anna Andersson",
                 "Representant för internationella frågor: ingen utsedd",
                 "1 200 000 euro (ungefär 13 476 000 kr)", "Eurocities miljöforum", "Samarbete med Gdańsk"):
        assert line in text, line
    assert not [hidden for hidden in NOT_SHOWN if hidden in text]
    assert "MKB Fastighets AB" not in text  # a bolag without a report is not missing: it has no duty (3.4)
    programmes = docx_table(docx, "Program")
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
    assert summary["Antal nämnder utan redovisning"] == NAMNDER - 2
    assert summary["Helägda bolag som har redovisat frivilligt (avsnitt 3.4)"] == len(VOLUNTARY)
    assert {row[0]: tuple(row[1:]) for row in workbook[SHEETS[4]].iter_rows(min_row=2, values_only=True)
            if row[0] != "Totalt"} == {name: (n, budget, granted, 0, amount)  # none granted without an amount
                                       for name, (n, budget, granted, amount) in PER_PROGRAMME.items()}
    organisations = {row[0]: row for row in workbook[SHEETS[1]].iter_rows(min_row=2, values_only=True)}
    assert len(organisations) == NAMNDER + len(VOLUNTARY)
    assert organisations["Miljönämnden"][2:9] == ("godkänd", "ja", "Anna Andersson", "ja", 2, 2, 27_976_000)
    assert organisations["Fritidsnämnden"][2:9] == ("utkast", "nej", None, "uppgift saknas", 0, 1, 4_600_000)
    applications = list(workbook[SHEETS[3]].iter_rows(min_row=2, values_only=True))
    assert sorted((row[3], row[5], row[6], row[7], row[11]) for row in applications) == sorted([
        (OKS, 14_500_000, "SEK", 14_500_000, 9_000_000),
        ("Horisont Europa", 1_200_000, "EUR", 13_476_000, None),
        ("Kreativa Europa", 2_000_000, "SEK", 2_000_000, None),
        ("Erasmus+", 400_000, "EUR", 4_600_000, 3_450_000),
        (OKS, 3_000_000, "SEK", 3_000_000, None),
    ])

    markdown = write_compilation(compilation, "md", out=tmp_path).read_text(encoding="utf-8")
    missing = markdown.split("## Nämnder som inte har lämnat någon redovisning", 1)[1]
    missing_lines = [line[2:] for line in missing.splitlines() if line.startswith("- ")]
    assert len(missing_lines) == NAMNDER - 2
    assert "Fritidsnämnden (utkast)" in missing_lines
    assert not [line for line in missing_lines if " AB " in line]  # no bolag is ever missing
    assert not [line for line in missing_lines if line.split(" (")[0] in REPORTED]
    assert "| Totalt | 5 | 37 576 000 kr | 2 | 12 450 000 kr |" in markdown


async def test_a_grant_in_euro_is_shown_as_given_with_its_conversion(session_factory: Factory, tmp_path: Path
                                                                    ) -> None:
    await seed_year(session_factory)  # Idrott för alla: 300 000 euro granted, at the default 11,5 kr
    compilation = await _compilation(session_factory)
    [sports] = next(o for o in compilation.organisations if o.name == "Fritidsnämnden").applications
    assert (sports.granted_amount, sports.granted_amount_sek) == (Money.of(300_000, "EUR"), 3_450_000)
    markdown = write_compilation(compilation, "md", out=tmp_path).read_text(encoding="utf-8")
    [row] = [line for line in markdown.splitlines() if "| Idrott för alla |" in line]
    assert row.endswith("| pågående | 300 000 euro (ungefär 3 450 000 kr) |")
    workbook = load_workbook(write_compilation(compilation, "xlsx", out=tmp_path / "k.xlsx"))
    [line] = [r for r in workbook[SHEETS[3]].iter_rows(min_row=2, values_only=True) if r[1] == "Idrott för alla"]
    assert line[9:12] == (300_000, "EUR", 3_450_000)


async def test_a_grant_without_an_amount_is_counted_as_unknown_not_as_nothing(session_factory: Factory,
                                                                                tmp_path: Path) -> None:
    await seed_year(session_factory)
    async with session_factory.begin() as session:
        grundskola = await get_organisation(session, "grundskolenamnden")
        creator = await make_user(session, "29:gs", "Gun Skola", grundskola)
        await add_application(session, grundskola, creator, "Läsande Europa", programme="erasmus_plus",
                              role=MalmoRole.OWNER, budget=Money.of(1_000_000, "SEK"), planned=date(YEAR, 6, 1),
                              status=ApplicationStatus.GRANTED)
    compilation = await _compilation(session_factory)
    markdown = write_compilation(compilation, "md", out=tmp_path).read_text(encoding="utf-8")
    assert f"- Beviljade ansökningar: {GRANTED + 1}, varav 1 utan angivet belopp" in markdown
    assert "- Summa beviljade belopp: 12 450 000 kr (uppgift saknas för 1 beviljad ansökan)" in markdown
    assert "| Erasmus+ | 2 | 5 600 000 kr | 2, varav 1 utan angivet belopp | 3 450 000 kr (uppgift saknas för 1 " \
           "beviljad ansökan) |" in markdown
    [row] = [line for line in markdown.splitlines() if "| Läsande Europa |" in line]
    assert row.endswith("| beviljad | uppgift saknas |")
    text = docx_text(write_compilation(compilation, "docx", out=tmp_path))
    assert f"Beviljade ansökningar: {GRANTED + 1}, varav 1 utan angivet belopp" in text
    workbook = load_workbook(write_compilation(compilation, "xlsx", out=tmp_path / "k.xlsx"))
    summary = {row[0]: row[1] for row in workbook[SHEETS[0]].iter_rows(min_row=2, values_only=True) if row[0]}
    assert (summary["Beviljade ansökningar"], summary["Beviljade utan angivet belopp"]) == (GRANTED + 1, 1)
    assert summary["Summa beviljade belopp (kr)"] == GRANTED_AMOUNT


async def test_an_inactive_organisation_with_an_application_of_the_year_is_still_counted(
    session_factory: Factory,
) -> None:
    async with session_factory.begin() as session:
        valnamnden = await get_organisation(session, "valnamnden")
        valnamnden.active = False
        creator = await make_user(session, "29:val", "Val Person", valnamnden)
        await add_application(session, valnamnden, creator, "Val i Europa", programme="erasmus_plus",
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
    assert selects == statements  # it only reads: nothing is written, no user is made to read with


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
