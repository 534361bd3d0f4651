"""`python -m cli report compile|show` and `python -m cli applications show`, run as operators run them: a
separate process on a seeded SQLite file (tests/support/compilation_seed.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.compilation import SHEETS
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from tests.support.cli_process import run_cli
from tests.support.compilation_seed import APPLICATIONS, DEFAULT_RATE, GRANTED_AMOUNT, TOTAL_BUDGET, Seeded, seed_year
from tests.support.documents import docx_text

FILE_NAME = "sammanstallning-internationellt-arbete-2026"


async def _cli(database_url: str, cwd: Path, *arguments: str) -> tuple[int, str, str]:
    return await run_cli(database_url, cwd, *arguments, settings={"EUR_SEK_RATE": str(DEFAULT_RATE)})


@pytest.fixture
async def seeded(tmp_path: Path) -> tuple[str, Seeded]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'lotsen.db'}"
    await upgrade(database_url)
    engine = create_engine(database_url)
    try:
        return database_url, await seed_year(create_session_factory(engine))
    finally:
        await engine.dispose()


async def test_compile_writes_each_format_under_build_and_prints_the_path(seeded, tmp_path: Path) -> None:
    database_url, _ = seeded
    docx, xlsx, md = await asyncio.gather(
        _cli(database_url, tmp_path, "report", "compile", "--year", "2026"),
        _cli(database_url, tmp_path, "report", "compile", "--year", "2026", "--format", "xlsx"),
        _cli(database_url, tmp_path, "report", "compile", "--year", "2026", "--format", "md"),
    )
    for status, output, errors in (docx, xlsx, md):
        assert status == 0, errors
    assert [output.strip() for _, output, _ in (docx, xlsx, md)] == [
        f"build/{FILE_NAME}.docx", f"build/{FILE_NAME}.xlsx", f"build/{FILE_NAME}.md"]

    text = docx_text(tmp_path / "build" / f"{FILE_NAME}.docx")
    assert f"Antal EU-ansökningar: {APPLICATIONS}" in text
    assert "Summa beviljade belopp: 12 450 000 kr" in text
    summary = {row[0]: row[1] for row in load_workbook(tmp_path / "build" / f"{FILE_NAME}.xlsx")[SHEETS[0]]
               .iter_rows(min_row=2, values_only=True) if row[0]}
    assert (summary["Summa totalbudget (kr)"], summary["Summa beviljade belopp (kr)"]) == (TOTAL_BUDGET,
                                                                                          GRANTED_AMOUNT)
    markdown = (tmp_path / "build" / f"{FILE_NAME}.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Sammanställning av Malmö stads internationella arbete 2026")
    assert "| Totalt | 5 | 37 576 000 kr | 2 | 12 450 000 kr |" in markdown


async def test_compile_to_a_chosen_file_or_directory(seeded, tmp_path: Path) -> None:
    database_url, _ = seeded
    (tmp_path / "reports").mkdir()
    to_file, to_directory, clash = await asyncio.gather(
        _cli(database_url, tmp_path, "report", "compile", "--year", "2026", "--out", "ut/kf-2026.xlsx"),
        _cli(database_url, tmp_path, "report", "compile", "--year", "2026", "--format", "md", "--out", "reports"),
        _cli(database_url, tmp_path, "report", "compile", "--year", "2026", "--format", "md", "--out", "x.docx"),
    )
    assert to_file[0] == 0 and to_file[1].strip() == "ut/kf-2026.xlsx", to_file[2]
    workbook = load_workbook(tmp_path / "ut" / "kf-2026.xlsx")  # the suffix chose the format
    assert workbook.sheetnames == list(SHEETS)
    assert to_directory[0] == 0 and to_directory[1].strip() == f"reports/{FILE_NAME}.md", to_directory[2]
    assert (tmp_path / "reports" / f"{FILE_NAME}.md").read_text(encoding="utf-8").startswith("# Sammanställning")
    assert clash[0] == 2 and "ends in .docx but --format is md" in clash[2]
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "build").exists()


async def test_bad_years_are_refused_without_a_traceback(seeded, tmp_path: Path) -> None:
    database_url, _ = seeded
    results = await asyncio.gather(
        _cli(database_url, tmp_path, "report", "compile", "--year", "tjugotjugosex"),
        _cli(database_url, tmp_path, "report", "compile", "--year", "1999"),
        _cli(database_url, tmp_path, "report", "show", "--organisation", "Miljönämnden", "--year", "26",
             "--as", "29:asa"),
    )
    for status, output, errors in results:
        assert (status, output) == (2, "")
        assert "give it like 2026" in errors and "Traceback" not in errors
    assert not (tmp_path / "build").exists()


async def test_an_official_sees_their_own_organisations_report_and_no_other(seeded, tmp_path: Path) -> None:
    database_url, seed = seeded
    own, other, coordinator = await asyncio.gather(
        _cli(database_url, tmp_path, "report", "show", "--organisation", "miljönämnden", "--year", "2026",
             "--as", "29:asa"),
        _cli(database_url, tmp_path, "report", "show", "--organisation", "Kulturnämnden", "--year", "2026",
             "--as", "29:asa"),
        _cli(database_url, tmp_path, "report", "show", "--organisation", "kulturnamnden", "--year", "2026",
             "--as", "karin ks"),  # a display name, case aside
    )
    status, output, errors = own
    assert status == 0, errors
    assert output.startswith("# Miljönämnden (nämnd), 2026\n")
    for expected in ("Status för redovisningen: godkänd", "Kontaktperson för internationella frågor: Anna Andersson",
                     "## Internationella organisationer och nätverk", "**Eurocities miljöforum**",
                     "Fokusområden: 2a verksamhetsutveckling, 2b strategisk påverkan",
                     f"| {seed.references['Gröna tak']} | Gröna tak | Interreg Öresund-Kattegat-Skagerrak | "
                     "projektägare | 14 500 000 kr | beviljad | 9 000 000 kr |",
                     "1 200 000 euro (ungefär 13 476 000 kr)"):
        assert expected in output, expected
    assert "Förra året" not in output  # another year's application

    status, output, errors = other
    assert (status, output) == (3, "")
    assert errors.count("\n") == 1 and errors.startswith("refused: Åsa Öberg (29:asa) may not see the report of "
                                                         "Kulturnämnden")
    assert "Gdańsk" not in errors and "Kultur utan gränser" not in errors

    status, output, errors = coordinator
    assert status == 0, errors
    assert "**Samarbete med Gdańsk**" in output and "| Kultur utan gränser | Kreativa Europa |" in output


async def test_report_show_for_unknown_users_and_organisations(seeded, tmp_path: Path) -> None:
    database_url, _ = seeded
    nobody, nowhere = await asyncio.gather(
        _cli(database_url, tmp_path, "report", "show", "--organisation", "Miljönämnden", "--year", "2026",
             "--as", "nobody@example.com"),
        _cli(database_url, tmp_path, "report", "show", "--organisation", "Månnämnden", "--year", "2026",
             "--as", "29:ks"),
    )
    assert nobody[:2] == (2, "") and "no user 'nobody@example.com'" in nobody[2]
    assert nowhere[:2] == (2, "") and "no organisation called 'Månnämnden'" in nowhere[2]
    assert "Traceback" not in nobody[2] + nowhere[2]


async def test_applications_show_follows_the_same_rule(seeded, tmp_path: Path) -> None:
    database_url, seed = seeded
    green, culture = seed.references["Gröna tak"], seed.references["Kultur utan gränser"]
    own, other, coordinator, not_a_reference, unknown = await asyncio.gather(
        _cli(database_url, tmp_path, "applications", "show", green, "--as", "29:asa"),
        _cli(database_url, tmp_path, "applications", "show", culture, "--as", "29:asa"),
        _cli(database_url, tmp_path, "applications", "show", culture, "--as", "29:ks"),
        _cli(database_url, tmp_path, "applications", "show", "gröna tak", "--as", "29:asa"),
        _cli(database_url, tmp_path, "applications", "show", "EU-2026-9999", "--as", "29:ks"),
    )
    status, output, errors = own
    assert status == 0, errors
    assert output.splitlines() == [
        f"Referens: {green}", "Projekt: Gröna tak", "Organisation: Miljönämnden",
        "Program: Interreg Öresund-Kattegat-Skagerrak", "Malmö stads roll: projektägare",
        "Totalbudget: 14 500 000 kr", "Status: beviljad", "Beviljat belopp: 9 000 000 kr",
    ]
    assert other[:2] == (3, "")
    assert other[2].startswith(f"refused: Åsa Öberg (29:asa) may not see application {culture}")
    assert "Kultur utan gränser" not in other[2]
    assert coordinator[0] == 0 and "Program: Kreativa Europa" in coordinator[1]
    assert not_a_reference[:2] == (2, "") and "give it like EU-2026-0007" in not_a_reference[2]
    assert unknown[:2] == (2, "") and "no application 'EU-2026-9999'" in unknown[2]
