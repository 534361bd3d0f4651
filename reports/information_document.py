"""The informationsärende as a Word document, made from a template kommunstyrelsens förvaltning edits in Word.

The template is reports/templates/informationsarende.docx (written first by reports/templates/build_template.py;
since then the .docx is the source). An administrator may replace it, or point INFORMATION_ITEM_TEMPLATE at
another file, keeping docxtpl's Jinja tags where Lotsen's text goes:

- `matter`, `summary`, `background`, `economy`, `policy`, `proposal`: the paragraphs under each heading of the
  draft (reports/information_item.py), each written in the template as
  `{%p for paragraph in background %}` / `{{r paragraph }}` / `{%p endfor %}`, so that every one is a Word
  paragraph of its own in the template's style;
- `parts`: the same as a list of `heading` and `paragraphs`, for a template that keeps no headings of its own;
- `title`, `reference`, `project`, `organisation`, `programme`: single facts, e.g. for a header.

What the official must still fill in reads FILL_IN ("[fyll i]"), highlighted. A name the template uses that
Lotsen does not give is an error (TemplateUnusable), not an empty place in a document sent to kommunstyrelsen.
Pure: no database, no aiohttp; rendering takes some milliseconds of CPU, so the app runs it in a worker thread.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate, RichText
from jinja2 import Environment, StrictUndefined, TemplateError
from lxml import etree

from reports.information_item import FILL_IN, LANGUAGE, InformationItemDraft
from settings import Settings
from texts import text

__all__ = [
    "CONTENT_TYPE",
    "TEMPLATE",
    "TemplateUnusable",
    "document_file_name",
    "information_document",
    "template_context",
    "template_path",
]

TEMPLATE = Path(__file__).parent / "templates" / "informationsarende.docx"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_GAP_HIGHLIGHT = "FFFF00"  # yellow, as a reviewer's marker
_GAP = re.compile(f"({re.escape(FILL_IN)})")


class TemplateUnusable(Exception):
    """The template cannot be read or filled in; the message names the file and the reason (for the log)."""


def template_path(settings: Settings) -> Path:
    """INFORMATION_ITEM_TEMPLATE when set, else the template kept with Lotsen."""
    return Path(settings.information_item_template) if settings.information_item_template else TEMPLATE


def document_file_name(reference: str) -> str:
    """"Informationsärende EU-2026-0007.docx"."""
    return text("information_item.file_name", LANGUAGE, reference=reference)


def _paragraph(line: str) -> RichText:
    """One paragraph's text (escaped by RichText), its FILL_IN gaps highlighted."""
    rich = RichText()
    for piece in _GAP.split(line):
        if piece:
            rich.add(piece, highlight=_GAP_HIGHLIGHT if piece == FILL_IN else None)
    return rich


def template_context(draft: InformationItemDraft) -> dict[str, object]:
    """The names a template may use (see the module's docstring)."""
    context: dict[str, object] = {
        "title": draft.title,
        "reference": draft.reference,
        "project": draft.project,
        "organisation": draft.organisation,
        "programme": draft.programme,
        "parts": [{"heading": part.heading, "paragraphs": [_paragraph(line) for line in part.paragraphs]}
                  for part in draft.parts],
    }
    for part in draft.parts:
        context[part.key] = [_paragraph(line) for line in part.paragraphs]
    return context


def information_document(draft: InformationItemDraft, template: Path = TEMPLATE) -> bytes:
    """The .docx of `draft`, made from `template`; TemplateUnusable when the template cannot be used."""
    # Escaped: the official's own text (a project called "Mat & hälsa") is text, never Word's XML.
    environment = Environment(autoescape=True, undefined=StrictUndefined)
    try:
        document = DocxTemplate(template)
        document.render(template_context(draft), jinja_env=environment)
        out = io.BytesIO()
        document.save(out)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, PackageNotFoundError, TemplateError,
            etree.LxmlError) as error:
        raise TemplateUnusable(f"the informationsärende template {template} cannot be used: "
                               f"{type(error).__name__}: {error}") from error
    return out.getvalue()
