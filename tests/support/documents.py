"""Reading written Word files back in tests: all their text, and a table's rows."""

from __future__ import annotations

from pathlib import Path

from docx import Document


def docx_text(path: Path) -> str:
    """The paragraphs, then every table cell, one a line."""
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def docx_table(path: Path, first_header: str) -> list[list[str]]:
    """The rows under the header of the table whose first header cell is `first_header`."""
    document = Document(str(path))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == first_header)
    return [[cell.text for cell in row.cells] for row in table.rows[1:]]
