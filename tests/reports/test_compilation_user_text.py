"""The compilation's writers and text people typed: whatever is stored (an escape character from before Lotsen
cleaned its input, a formula, a link, HTML), Word and Excel files are written, Excel holds it as text and never as
a formula, and the Markdown shows it as written, never as a link, HTML or structure of its own."""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from reports.compilation import (
    SHEETS,
    ApplicationLine,
    Compilation,
    OrganisationReport,
    ReportItem,
    write_docx,
    write_markdown,
    write_xlsx,
)
from storage.application_data import Money

CONTROL = "Gröna\x1b[31m tak\x00 i\x0b Malmö\ud800"
CLEANED = "Gröna[31m tak i Malmö"
FORMULAS = ['=HYPERLINK("https://evil.example","Öppna")', "+46 40 34 10 00", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]
MARKUP = ["[logga in](https://evil.example)", "<script>alert(1)</script>", "**Viktigt**", "# Rubrik",
          "https://evil.example/login", "| a | b |"]


def _compilation(project: str, title: str, description: str = "", contact: str = "Anna Andersson",
                 programme: str = "Erasmus+") -> Compilation:
    return Compilation(year=2026, generated_on=date(2027, 2, 10), organisations=[OrganisationReport(
        name="Miljönämnden", kind="namnd", status="approved", contact_name=contact, in_verksamhetsplan=True,
        items=[ReportItem(kind="network", title=title, description=description, focus_areas=["2a"],
                          results=description)],
        applications=[ApplicationLine(
            reference="EU-2026-0001", project_name=project, programme_name=programme, malmo_role="owner",
            total_budget=Money.of(1_000_000, "SEK"), total_budget_sek=Decimal(1_000_000), status="submitted")],
    )])


def test_stored_control_characters_do_not_stop_any_writer(tmp_path: Path):
    compilation = _compilation(CONTROL, CONTROL, description=f"{CONTROL}\nrad två", contact=CONTROL,
                               programme=CONTROL)
    write_docx(compilation, tmp_path / "c.docx")
    write_xlsx(compilation, tmp_path / "c.xlsx")
    write_markdown(compilation, tmp_path / "c.md")

    document = Document(str(tmp_path / "c.docx"))
    assert CLEANED in "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert load_workbook(tmp_path / "c.xlsx")[SHEETS[3]]["B2"].value == CLEANED
    assert "Gröna\\[31m tak i Malmö" in (tmp_path / "c.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("typed", FORMULAS)
def test_a_cell_that_looks_like_a_formula_is_text(tmp_path: Path, typed: str):
    write_xlsx(_compilation(typed, typed, description=typed, contact=typed, programme=typed), tmp_path / "c.xlsx")
    shown = typed.replace("\r", "\n")  # a line break is kept, as a newline
    workbook = load_workbook(tmp_path / "c.xlsx")
    cells = [workbook[SHEETS[3]]["B2"], workbook[SHEETS[3]]["D2"], workbook[SHEETS[2]]["C2"],
             workbook[SHEETS[2]]["D2"], workbook[SHEETS[1]]["E2"]]
    for cell in cells:
        assert cell.value == shown and cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)
    with zipfile.ZipFile(tmp_path / "c.xlsx") as package:
        sheets = [name for name in package.namelist() if name.startswith("xl/worksheets/")]
        assert not any("<f>" in package.read(name).decode() for name in sheets)


@pytest.mark.parametrize("typed", MARKUP)
def test_the_markdown_shows_typed_text_as_written(tmp_path: Path, typed: str):
    write_markdown(_compilation(typed, typed, description=typed, contact=typed, programme=typed),
                   tmp_path / "c.md")
    markdown = (tmp_path / "c.md").read_text(encoding="utf-8")
    plain = (tmp_path / "plain.md")
    write_markdown(_compilation("Projekt", "Rubrik"), plain)
    renderer = MarkdownIt("commonmark", {"linkify": True, "html": True}).enable(["linkify", "table"])
    rendered, expected = renderer.render(markdown), renderer.render(plain.read_text(encoding="utf-8"))
    for tag in ("<a ", "<script", "<h1>", "<h2>", "<h3>", "<h4>", "<table>", "<strong>"):
        # As many of each as the same compilation without the typed text has: none of them comes from it.
        assert rendered.count(tag) == expected.count(tag), (typed, tag)
    text = rendered.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    assert typed in text
