"""The compilation for kommunfullmäktige: written as Markdown, Word and Excel, opened again with the same
libraries, and its figures checked against the seeded data (totals worked out by hand below)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from openpyxl import load_workbook
from pydantic import ValidationError

from policy import get_section
from reports.compilation import (
    SEK_FORMAT,
    SHEETS,
    ApplicationLine,
    Compilation,
    OrganisationReport,
    ReportItem,
    totals,
    write_compilation,
    write_docx,
    write_markdown,
    write_xlsx,
)
from storage.application_data import ApplicationStatus, Money

GENERATED = date(2027, 2, 10)
OKS = "Interreg Öresund-Kattegat-Skagerrak"


def _application(reference: str, project: str, programme: str, role: str, amount: int, currency: str,
                 sek: int, status: str, granted: int | None = None, granted_stated: Money | None = None
                 ) -> ApplicationLine:
    """`granted`: the granted amount in SEK; `granted_stated`: as given, when not the same in SEK."""
    if granted_stated is None and granted is not None:
        granted_stated = Money.of(granted, "SEK")
    return ApplicationLine(
        reference=reference, project_name=project, programme_name=programme, malmo_role=role,
        total_budget=Money.of(amount, currency), total_budget_sek=Decimal(sek), status=status,
        granted_amount=granted_stated, granted_amount_sek=None if granted is None else Decimal(granted))


def _seeded() -> Compilation:
    return Compilation(year=2026, generated_on=GENERATED, organisations=[
        OrganisationReport(
            name="Miljönämnden", kind="namnd", status="approved", contact_name="Anna Andersson",
            in_verksamhetsplan=True,
            items=[
                ReportItem(kind="network", title="Eurocities miljöforum", description="Medlem sedan 2019.",
                           focus_areas=["2a", "2b"], results="Två studiebesök om skyfallssäkring."),
                ReportItem(kind="eu_project", title="Gröna tak", focus_areas=["2a"], results="40 tak planerade."),
                ReportItem(kind="influence", title="Remissyttrande om vattendirektivet", focus_areas=["2b"]),
            ],
            applications=[
                _application("EU-2026-0001", "Gröna tak i Malmö", OKS, "owner", 14_500_000, "SEK", 14_500_000,
                             "granted", 9_000_000),
                _application("EU-2026-0002", "Klimatneutrala städer", "Horisont Europa", "partner", 1_200_000,
                             "EUR", 13_476_000, "submitted"),
            ]),
        OrganisationReport(
            name="Kulturnämnden", kind="namnd", status="submitted", contact_name="Bo Berg", in_verksamhetsplan=False,
            items=[
                ReportItem(kind="partner_city", title="Samarbete med Gdańsk", focus_areas=["2c"]),
                ReportItem(kind="visit", title="Delegation från Rostock", focus_areas=["2c", "2a"]),
            ],
            applications=[
                _application("EU-2026-0003", "Kultur utan gränser", "Kreativa Europa", "owner", 2_000_000, "SEK",
                             2_000_000, "rejected"),
            ]),
        OrganisationReport(
            name="Fritidsnämnden", kind="namnd", status="draft",
            items=[ReportItem(kind="conference", title="Halvfärdigt seminarium", focus_areas=["2b"])],
            applications=[
                _application("EU-2026-0004", "Idrott för alla", "Erasmus+", "owner", 400_000, "EUR", 4_492_000,
                             "ongoing", 3_369_000, Money.of(300_000, "EUR")),
            ]),
        OrganisationReport(
            name="Grundskolenämnden", kind="namnd", status="returned", contact_name="Cecilia Ek",
            items=[ReportItem(kind="conference", title="Returnerad konferens", focus_areas=["2a"])],
            applications=[
                _application("EU-2026-0005", "Skolor kring Östersjön", OKS, "partner", 3_000_000, "SEK", 3_000_000,
                             "draft"),
            ]),
        OrganisationReport(name="MKB Fastighets AB", kind="bolag", status="not_started"),
        OrganisationReport(name="Malmö Live Konserthus AB", kind="bolag", status="approved", contact_name="Dan Ek",
                           in_verksamhetsplan=True),
    ])


# Worked out by hand from the seed: (count, total budget, granted, granted amount) per programme.
PER_PROGRAMME = {
    OKS: (2, 17_500_000, 1, 9_000_000),
    "Horisont Europa": (1, 13_476_000, 0, 0),
    "Kreativa Europa": (1, 2_000_000, 0, 0),
    "Erasmus+": (1, 4_492_000, 1, 3_369_000),  # 300 000 euro granted, at 11,23 kr
}
TOTAL_BUDGET = 37_468_000
GRANTED_AMOUNT = 12_369_000
# Only nämnder can be missing: MKB, a helägt bolag that has not reported, has no duty to (3.4).
MISSING = ["Fritidsnämnden (utkast)", "Grundskolenämnden (returnerad)"]
FOCUS = {
    "2a": {"Eurocities miljöforum", "Gröna tak", "Delegation från Rostock"},
    "2b": {"Eurocities miljöforum", "Remissyttrande om vattendirektivet"},
    "2c": {"Samarbete med Gdańsk", "Delegation från Rostock"},
}
NOT_SHOWN = ("Halvfärdigt seminarium", "Returnerad konferens")  # items of reports not handed in
TITLE = "Sammanställning av Malmö stads internationella arbete 2026"
MISSING_HEADING = "Nämnder som inte har lämnat någon redovisning"
VOLUNTARY_HEADING = "Helägda bolag: frivillig redovisning (avsnitt 3.4)"


def test_totals() -> None:
    t = totals(_seeded())
    # The figures are the four nämnders'; Malmö Live's approved report is voluntary, and MKB is not missing.
    assert (t.organisations, t.reported, len(t.applications)) == (4, 2, 5)
    assert [o.name for o in t.voluntary] == ["Malmö Live Konserthus AB"]
    assert t.total_budget_sek == TOTAL_BUDGET
    assert (t.granted_count, t.granted_amount_sek) == (2, GRANTED_AMOUNT)
    assert {p.programme_name: (p.count, p.total_budget_sek, p.granted_count, p.granted_amount_sek)
            for p in t.per_programme} == PER_PROGRAMME
    assert [o.name for o in t.missing] == ["Fritidsnämnden", "Grundskolenämnden"]
    assert t.per_status == {ApplicationStatus.GRANTED: 1, ApplicationStatus.SUBMITTED: 1,
                            ApplicationStatus.REJECTED: 1, ApplicationStatus.ONGOING: 1, ApplicationStatus.DRAFT: 1}


def test_the_input_is_checked() -> None:
    with pytest.raises(ValidationError):
        ReportItem(kind="network", title="Nätverk", focus_areas=["2d"])
    with pytest.raises(ValidationError):
        OrganisationReport(name="X", kind="forvaltning", status="draft")
    with pytest.raises(ValidationError):
        OrganisationReport(name="X", kind="namnd", status="klar")


# ---- Markdown --------------------------------------------------------------------------------------------


def _md_section(text: str, heading: str) -> list[str]:
    """The lines under a Markdown heading, up to the next heading of the same or a higher level."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip("#").strip() == heading and line.startswith("#"))
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].startswith("#") and len(lines[i]) - len(lines[i].lstrip("#")) <= level), len(lines))
    return [line for line in lines[start + 1:end] if line]


def _md_table(lines: list[str]) -> list[list[str]]:
    rows = [[c.strip() for c in line.strip("|").split(" | ")] for line in lines if line.startswith("|")]
    return [rows[0]] + rows[2:]  # without the alignment row


def test_markdown(tmp_path: Path) -> None:
    path = write_markdown(_seeded(), tmp_path / "out" / "k.md")
    assert path == tmp_path / "out" / "k.md"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# {TITLE}"
    assert "Sammanställd av kommunstyrelsens förvaltning den 10 februari 2027 med Lotsen." in text
    for section_id in ("3.1", "3.2.1", "3.3", "4"):
        assert f"Avsnitt {section_id} {get_section(section_id, GENERATED).title.sv}: ”" in text
    assert "- Avsnitt 3.4 Helägda bolag" in text.splitlines()  # no yearly duty to quote: by its title
    assert "Helägda bolag har ingen skyldighet att redovisa (avsnitt 3.4)" in text
    assert "tar årligen del av den samlade redovisningen av stadens internationella arbete" in text

    summary = _md_section(text, "Sammanfattning")
    assert "- Antal EU-ansökningar: 5" in summary
    assert "- Summa totalbudget för ansökningarna: 37 468 000 kr" in summary
    assert "- Summa beviljade belopp: 12 369 000 kr" in summary
    assert "- Beviljade ansökningar: 2" in summary
    assert "- Nämnder: 4" in summary
    assert "- Nämnder med inskickad eller godkänd redovisning: 2" in summary
    assert "- Nämnder som inte har lämnat någon redovisning: 2" in summary
    assert "- Helägda bolag som har redovisat frivilligt (avsnitt 3.4): 1" in summary

    miljo = _md_section(text, "Miljönämnden (nämnd)")
    assert "- Status för redovisningen: godkänd" in miljo
    assert "- Kontaktperson för internationella frågor: Anna Andersson" in miljo
    assert "- Internationellt arbete i verksamhetsplanen: ja" in miljo
    assert "#### Internationella organisationer och nätverk" in miljo
    assert "- Fokusområden: 2a verksamhetsutveckling, 2b strategisk påverkan" in miljo
    assert "- Resultat: Två studiebesök om skyfallssäkring." in miljo
    assert "EU-ansökningar under året: 2, total budget 27 976 000 kr." in miljo
    # Per nämnd only; the bolag that reported voluntarily in a part of their own, and MKB (no report) nowhere.
    assert "Malmö Live Konserthus AB" not in "\n".join(_md_section(text, "Redovisning per nämnd"))
    live = _md_section(text, "Malmö Live Konserthus AB (helägt bolag)")
    assert "- Status för redovisningen: godkänd" in live
    assert "- Representant för internationella frågor: Dan Ek" in live
    assert "Malmö Live Konserthus AB (helägt bolag)" in "\n".join(_md_section(text, VOLUNTARY_HEADING))
    assert "MKB Fastighets AB" not in text

    for area, label in (("2a", "Verksamhetsutveckling"), ("2b", "Strategisk påverkan"), ("2c", "Profilering")):
        table = _md_table(_md_section(text, f"{area} {label}"))
        assert table[0] == ["Organisation", "Typ av arbete", "Rubrik"]
        assert {row[2] for row in table[1:]} == FOCUS[area]
    for title in NOT_SHOWN:
        assert title not in text

    applications = _md_table(_md_section(text, "EU-ansökningar"))
    assert [row[0] for row in applications[1:]] == [f"EU-2026-000{i}" for i in range(1, 6)]
    horizon = next(row for row in applications if row[0] == "EU-2026-0002")
    assert horizon[5] == "1 200 000 euro (ungefär 13 476 000 kr)"
    assert horizon[7] == "–"
    # A grant in euro is shown as given, with its conversion, like the budget.
    assert next(row for row in applications if row[0] == "EU-2026-0004")[5:] == [
        "400 000 euro (ungefär 4 492 000 kr)", "pågående", "300 000 euro (ungefär 3 369 000 kr)"]
    assert next(row for row in applications if row[0] == "EU-2026-0001")[5:] == [
        "14 500 000 kr", "beviljad", "9 000 000 kr"]

    programmes = _md_table(_md_section(text, "Per program"))
    assert programmes[0] == ["Program", "Antal ansökningar", "Totalbudget", "Beviljade", "Beviljat belopp"]
    assert programmes[1:-1] == [[name, str(n), f"{budget:,} kr".replace(",", " "), str(g), f"{amount:,} kr".replace(
        ",", " ")] for name, (n, budget, g, amount) in PER_PROGRAMME.items()]
    assert programmes[-1] == ["Totalt", "5", "37 468 000 kr", "2", "12 369 000 kr"]

    assert _md_section(text, MISSING_HEADING) == [f"- {line}" for line in MISSING]


def test_markdown_with_everything_reported_and_no_applications(tmp_path: Path) -> None:
    compilation = Compilation(year=2025, generated_on=date(2026, 1, 20), organisations=[
        OrganisationReport(name="Kulturnämnden", kind="namnd", status="approved", contact_name="Bo Berg")])
    text = write_markdown(compilation, tmp_path / "k.md").read_text(encoding="utf-8")
    assert "Redovisningen tar inte upp något internationellt arbete." in text
    assert _md_section(text, "EU-ansökningar") == ["Inga EU-ansökningar är registrerade för året."]
    assert _md_section(text, MISSING_HEADING) == ["Alla nämnder har lämnat sin redovisning."]
    assert _md_section(text, VOLUNTARY_HEADING)[1:] == ["Inget helägt bolag har lämnat någon frivillig redovisning."]
    assert "- Summa totalbudget för ansökningarna: 0 kr" in text


def test_bolag_are_compiled_apart_never_as_missing_and_their_applications_still_count(tmp_path: Path) -> None:
    compilation = Compilation(year=2025, generated_on=date(2026, 1, 20), organisations=[
        OrganisationReport(name="Kulturnämnden", kind="namnd", status="not_started"),
        # A bolag with EU applications but no report, and one whose voluntary report is still a draft.
        OrganisationReport(name="MKB Fastighets AB", kind="bolag", status="not_started", applications=[
            _application("EU-2025-0001", "Energismarta hus", "LIFE", "owner", 5_000_000, "SEK", 5_000_000,
                         "granted", 4_000_000)]),
        OrganisationReport(name="Malmö Stadsteater AB", kind="bolag", status="draft",
                           items=[ReportItem(kind="visit", title="Gästspel i Gdańsk", focus_areas=["2c"])]),
    ])
    t = totals(compilation)
    assert (t.organisations, t.reported, [o.name for o in t.missing], t.voluntary) == (1, 0, ["Kulturnämnden"], [])
    assert (len(t.applications), t.total_budget_sek, t.granted_amount_sek) == (1, 5_000_000, 4_000_000)
    text = write_markdown(compilation, tmp_path / "k.md").read_text(encoding="utf-8")
    assert _md_section(text, MISSING_HEADING) == ["- Kulturnämnden (ej påbörjad)"]
    assert _md_section(text, VOLUNTARY_HEADING)[1:] == ["Inget helägt bolag har lämnat någon frivillig redovisning."]
    assert "Gästspel i Gdańsk" not in text  # a draft is not the bolag's word yet
    assert _md_table(_md_section(text, "EU-ansökningar"))[1][2] == "MKB Fastighets AB"
    assert "MKB Fastighets AB (helägt bolag)" not in text
    organisations = {row[0]: row for row in load_workbook(write_xlsx(compilation, tmp_path / "k.xlsx"))[
        "Organisationer"].iter_rows(min_row=2, values_only=True)}
    assert list(organisations) == ["Kulturnämnden"]
    assert OrganisationReport(name="MKB Fastighets AB", kind="bolag", status="not_started").status_label == (
        "ingen redovisning (frivillig för helägda bolag, avsnitt 3.4)")


# ---- Word ------------------------------------------------------------------------------------------------


def _docx_blocks(path: Path) -> list[tuple[str, object]]:
    """The document body in order: ("heading N" | style name | "table", text or Table)."""
    blocks: list[tuple[str, object]] = []
    for block in Document(str(path)).iter_inner_content():
        if isinstance(block, Table):
            blocks.append(("table", block))
        else:
            blocks.append((block.style.name, block.text))
    return blocks


def _docx_after(blocks: list[tuple[str, object]], heading: str) -> list[tuple[str, object]]:
    start = next(i for i, (style, text) in enumerate(blocks) if style.startswith("Heading") and text == heading)
    level = blocks[start][0]
    end = next((i for i in range(start + 1, len(blocks))
                if blocks[i][0].startswith("Heading") and blocks[i][0] <= level), len(blocks))
    return blocks[start + 1:end]


def _rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_docx(tmp_path: Path) -> None:
    path = write_docx(_seeded(), tmp_path / "k.docx")
    document = Document(str(path))
    assert document.core_properties.title == TITLE
    blocks = _docx_blocks(path)
    assert blocks[0] == ("Title", TITLE)
    headings = [text for style, text in blocks if style == "Heading 1"]
    assert headings == ["Sammanfattning", "Redovisning per nämnd", VOLUNTARY_HEADING, "Per fokusområde",
                        "EU-ansökningar", "Per program", MISSING_HEADING]

    summary = [text for _, text in _docx_after(blocks, "Sammanfattning")]
    assert "Antal EU-ansökningar: 5" in summary
    assert "Summa totalbudget för ansökningarna: 37 468 000 kr" in summary
    assert "Summa beviljade belopp: 12 369 000 kr" in summary

    kultur = _docx_after(blocks, "Kulturnämnden (nämnd)")
    assert ("List Bullet", "Status för redovisningen: inskickad") in kultur
    assert ("List Bullet", "Internationellt arbete i verksamhetsplanen: nej") in kultur
    assert ("Heading 3", "Samarbete med partnerstäder") in kultur
    assert ("Heading 3", "Internationella besök, mottagna och gjorda") in kultur

    for area, label in (("2a", "Verksamhetsutveckling"), ("2b", "Strategisk påverkan"), ("2c", "Profilering")):
        [(kind, table)] = _docx_after(blocks, f"{area} {label}")
        assert kind == "table"
        assert {row[2] for row in _rows(table)[1:]} == FOCUS[area]
    assert not any(title in str(text) for _, text in blocks for title in NOT_SHOWN)

    [(_, applications)] = _docx_after(blocks, "EU-ansökningar")
    rows = _rows(applications)
    assert len(rows) == 6
    assert rows[2][:6] == ["EU-2026-0002", "Klimatneutrala städer", "Miljönämnden", "Horisont Europa", "partner",
                           "1 200 000 euro (ungefär 13 476 000 kr)"]
    assert rows[4][7] == "300 000 euro (ungefär 3 369 000 kr)"

    [(_, programmes)] = _docx_after(blocks, "Per program")
    rows = _rows(programmes)
    assert {row[0]: row[1:] for row in rows[1:-1]} == {
        name: [str(n), f"{budget:,} kr".replace(",", " "), str(g), f"{amount:,} kr".replace(",", " ")]
        for name, (n, budget, g, amount) in PER_PROGRAMME.items()}
    assert rows[-1] == ["Totalt", "5", "37 468 000 kr", "2", "12 369 000 kr"]

    assert _docx_after(blocks, MISSING_HEADING) == [("List Bullet", line) for line in MISSING]


# ---- Excel -----------------------------------------------------------------------------------------------


def test_xlsx(tmp_path: Path) -> None:
    path = write_xlsx(_seeded(), tmp_path / "k.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames == list(SHEETS)
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None)

    summary = {row[0]: row[1] for row in workbook["Sammanfattning"].iter_rows(min_row=2, values_only=True)}
    assert summary["År"] == 2026
    assert summary["Sammanställd"] == datetime(2027, 2, 10)
    assert summary["Antal EU-ansökningar"] == 5
    assert summary["Summa totalbudget (kr)"] == TOTAL_BUDGET
    assert summary["Summa beviljade belopp (kr)"] == GRANTED_AMOUNT
    assert summary["Beviljade ansökningar"] == 2
    assert summary["Nämnder"] == 4
    assert summary["Antal nämnder utan redovisning"] == 2
    assert summary["Helägda bolag som har redovisat frivilligt (avsnitt 3.4)"] == 1
    rows = list(workbook["Sammanfattning"].iter_rows(min_row=2, values_only=True))
    start = rows.index((MISSING_HEADING, "Status"))
    assert [f"{name} ({status})" for name, status in rows[start + 1:]] == MISSING
    sek_cell = next(r[1] for r in workbook["Sammanfattning"].iter_rows(min_row=2) if r[0].value.startswith("Summa t"))
    assert sek_cell.number_format == SEK_FORMAT

    organisations = {row[0]: row for row in workbook["Organisationer"].iter_rows(min_row=2, values_only=True)}
    assert len(organisations) == 5  # the nämnder, and the bolag that reported voluntarily
    assert organisations["Miljönämnden"][1:] == ("Nämnd", "godkänd", "ja", "Anna Andersson", "ja", 3, 2, 27_976_000)
    assert organisations["Fritidsnämnden"][2:4] == ("utkast", "nej")
    assert organisations["Fritidsnämnden"][6] == 0  # a draft's items are not counted
    assert organisations["Malmö Live Konserthus AB"][1:5] == ("Helägt bolag (frivillig redovisning)", "godkänd",
                                                               "ja", "Dan Ek")
    assert "MKB Fastighets AB" not in organisations

    focus = workbook["Fokusområden"]
    headers = [c.value for c in focus[1]]
    assert headers[-3:] == ["2a Verksamhetsutveckling", "2b Strategisk påverkan", "2c Profilering"]
    items = list(focus.iter_rows(min_row=2, values_only=True))
    assert len(items) == 5
    for i, area in enumerate(("2a", "2b", "2c")):
        assert {row[2] for row in items if row[5 + i] == "x"} == FOCUS[area]

    applications = workbook["EU-ansökningar"]
    headers = [c.value for c in applications[1]]
    budget_sek, granted = headers.index("Totalbudget (kr)"), headers.index("Beviljat belopp (kr)")
    lines = list(applications.iter_rows(min_row=2))
    assert len(lines) == 5
    assert sum(row[budget_sek].value for row in lines) == TOTAL_BUDGET
    assert sum(row[granted].value or 0 for row in lines) == GRANTED_AMOUNT
    assert all(row[budget_sek].number_format == SEK_FORMAT for row in lines)
    horizon = next(row for row in lines if row[0].value == "EU-2026-0002")
    assert [c.value for c in horizon[5:8]] == [1_200_000, "EUR", 13_476_000]
    assert [c.value for c in horizon[9:12]] == [None, None, None]
    sports = next(row for row in lines if row[0].value == "EU-2026-0004")
    assert headers[9:12] == ["Beviljat belopp (angivet belopp)", "Valuta (beviljat)", "Beviljat belopp (kr)"]
    assert [c.value for c in sports[9:12]] == [300_000, "EUR", 3_369_000]

    programmes = list(workbook["Per program"].iter_rows(min_row=2))
    assert [c.value for c in workbook["Per program"][1]] == [
        "Program", "Antal ansökningar", "Totalbudget (kr)", "Beviljade", "Beviljade utan angivet belopp",
        "Beviljat belopp (kr)"]
    assert {row[0].value: tuple(c.value for c in row[1:]) for row in programmes[:-1]} == {
        name: (n, budget, g, 0, amount) for name, (n, budget, g, amount) in PER_PROGRAMME.items()}
    assert [c.value for c in programmes[-1]] == ["Totalt", 5, TOTAL_BUDGET, 2, 0, GRANTED_AMOUNT]
    assert all(row[2].number_format == SEK_FORMAT and row[5].number_format == SEK_FORMAT for row in programmes)


# ---- granted applications whose amount nobody has given ------------------------------------------------


def _granted_without_amounts() -> Compilation:
    """Two granted applications have an amount, two have none: one of Interreg's two, and Erasmus+'s only one."""
    return Compilation(year=2026, generated_on=GENERATED, organisations=[
        OrganisationReport(name="Miljönämnden", kind="namnd", status="approved", applications=[
            _application("EU-2026-0001", "Gröna tak i Malmö", OKS, "owner", 14_500_000, "SEK", 14_500_000,
                         "granted", 9_000_000),
            _application("EU-2026-0002", "Blå gårdar", OKS, "partner", 5_000_000, "SEK", 5_000_000, "ongoing"),
            _application("EU-2026-0003", "Idrott för alla", "Erasmus+", "owner", 400_000, "EUR", 4_600_000,
                         "granted"),
            _application("EU-2026-0004", "Kultur utan gränser", "Kreativa Europa", "owner", 2_000_000, "SEK",
                         2_000_000, "closed", 1_000_000),
            _application("EU-2026-0005", "Klimatneutrala städer", "Horisont Europa", "partner", 1_200_000, "EUR",
                         13_476_000, "submitted"),
        ]),
    ])


def test_the_totals_count_the_grants_without_an_amount() -> None:
    t = totals(_granted_without_amounts())
    assert (t.granted_count, t.granted_without_amount, t.granted_amount_sek) == (4, 2, 10_000_000)
    assert {p.programme_name: (p.granted_count, p.granted_without_amount, p.granted_amount_sek)
            for p in t.per_programme} == {OKS: (2, 1, 9_000_000), "Erasmus+": (1, 1, 0),
                                          "Kreativa Europa": (1, 0, 1_000_000), "Horisont Europa": (0, 0, 0)}
    assert totals(_seeded()).granted_without_amount == 0


def test_markdown_and_word_say_how_many_grants_have_no_amount(tmp_path: Path) -> None:
    compilation = _granted_without_amounts()
    markdown = write_markdown(compilation, tmp_path / "k.md").read_text(encoding="utf-8")
    docx = _docx_blocks(write_docx(compilation, tmp_path / "k.docx"))
    docx_summary = [text for _, text in _docx_after(docx, "Sammanfattning")]
    [(_, docx_applications)] = _docx_after(docx, "EU-ansökningar")
    [(_, docx_programmes)] = _docx_after(docx, "Per program")
    for summary, applications, programmes in (
        ([line[2:] for line in _md_section(markdown, "Sammanfattning")],
         _md_table(_md_section(markdown, "EU-ansökningar")), _md_table(_md_section(markdown, "Per program"))),
        (docx_summary, _rows(docx_applications), _rows(docx_programmes)),
    ):
        assert "Beviljade ansökningar: 4, varav 2 utan angivet belopp" in summary
        assert "Summa beviljade belopp: 10 000 000 kr (uppgift saknas för 2 beviljade ansökningar)" in summary
        granted = {row[0]: row[7] for row in applications[1:]}
        assert granted == {"EU-2026-0001": "9 000 000 kr", "EU-2026-0002": "uppgift saknas",
                           "EU-2026-0003": "uppgift saknas", "EU-2026-0004": "1 000 000 kr", "EU-2026-0005": "–"}
        assert {row[0]: row[3:] for row in programmes[1:]} == {
            OKS: ["2, varav 1 utan angivet belopp", "9 000 000 kr (uppgift saknas för 1 beviljad ansökan)"],
            "Erasmus+": ["1, varav 1 utan angivet belopp", "uppgift saknas"],
            "Kreativa Europa": ["1", "1 000 000 kr"],
            "Horisont Europa": ["0", "0 kr"],
            "Totalt": ["4, varav 2 utan angivet belopp",
                       "10 000 000 kr (uppgift saknas för 2 beviljade ansökningar)"],
        }


def test_excel_counts_the_grants_without_an_amount(tmp_path: Path) -> None:
    workbook = load_workbook(write_xlsx(_granted_without_amounts(), tmp_path / "k.xlsx"))
    summary = {row[0]: row[1] for row in workbook["Sammanfattning"].iter_rows(min_row=2, values_only=True)}
    assert (summary["Beviljade ansökningar"], summary["Beviljade utan angivet belopp"],
            summary["Summa beviljade belopp (kr)"]) == (4, 2, 10_000_000)
    applications = {row[0]: row[9:12] for row in workbook["EU-ansökningar"].iter_rows(min_row=2, values_only=True)}
    assert applications["EU-2026-0002"] == ("uppgift saknas", None, None)
    assert applications["EU-2026-0005"] == (None, None, None)  # not granted: nothing to give
    assert applications["EU-2026-0001"] == (9_000_000, "SEK", 9_000_000)
    programmes = {row[0]: row[3:] for row in workbook["Per program"].iter_rows(min_row=2, values_only=True)}
    assert programmes == {OKS: (2, 1, 9_000_000), "Erasmus+": (1, 1, 0), "Kreativa Europa": (1, 0, 1_000_000),
                          "Horisont Europa": (0, 0, 0), "Totalt": (4, 2, 10_000_000)}


# ---- where it is written ---------------------------------------------------------------------------------


def test_default_path_and_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    compilation = _seeded()
    written = write_compilation(compilation, "docx")
    assert written == Path("build/sammanstallning-internationellt-arbete-2026.docx")
    assert Document(str(tmp_path / written)).paragraphs[0].text == TITLE

    assert write_compilation(compilation, "xlsx", build_dir=tmp_path / "b") == (
        tmp_path / "b" / "sammanstallning-internationellt-arbete-2026.xlsx")
    assert load_workbook(tmp_path / "b" / "sammanstallning-internationellt-arbete-2026.xlsx").sheetnames == list(SHEETS)

    out = tmp_path / "kf" / "bilaga.md"
    assert write_compilation(compilation, "md", out=out) == out
    assert out.read_text(encoding="utf-8").startswith(f"# {TITLE}\n")

    (tmp_path / "dir").mkdir()
    assert write_compilation(compilation, "md", out=tmp_path / "dir") == (
        tmp_path / "dir" / "sammanstallning-internationellt-arbete-2026.md")

    with pytest.raises(ValueError, match="pdf"):
        write_compilation(compilation, "pdf")  # type: ignore[arg-type]


def test_the_compilation_speaks_the_annual_reports_kinds_and_statuses():
    from typing import get_args

    from reports.compilation import ItemKind, OrganisationReport
    from storage.annual_reports import NOT_STARTED
    from storage.models import AnnualReportItemKind, AnnualReportStatus

    assert list(get_args(ItemKind)) == [kind.value for kind in AnnualReportItemKind]
    statuses = set(get_args(OrganisationReport.model_fields["status"].annotation))
    assert statuses == {status.value for status in AnnualReportStatus} | {NOT_STARTED}
