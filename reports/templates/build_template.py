"""Writes the first version of the Word template of the informationsärende, informationsarende.docx beside this file.

    python -m reports.templates.build_template [--out PATH] [--force]

The .docx, not this script, is the source: kommunstyrelsens förvaltning opens it in Word and changes headings,
styles, header, logo and fixed text as they like (reports/information_document.py says what Lotsen fills in).
This script is how the template was made, and a way to start over from Lotsen's headings in the catalog
(texts/sv/information_item.yaml). It never overwrites a template without --force, so an edited one is not lost.

Each heading of the draft is a Heading 1 paragraph, followed by a paragraph repeated once for every paragraph of
that part of the draft (docxtpl's `{%p for … %}` … `{%p endfor %}`, the tags grey so that an editor sees them for
what they are); the first paragraph is a docxtpl comment (`{#p … #}`) that tells the editor so and is left out of
every document.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from reports.information_item import HEADINGS, LANGUAGE
from texts import text

TEMPLATE = Path(__file__).with_name("informationsarende.docx")
_TAG_COLOUR = RGBColor(0x80, 0x80, 0x80)  # Jinja's tags in grey: structure, not text


def build(out: Path) -> Path:
    document = Document()
    _swedish(document)
    properties = document.core_properties
    properties.title = text("information_item.texts.title", LANGUAGE)
    properties.author = properties.last_modified_by = "Lotsen"
    properties.language = "sv-SE"
    properties.comments = ""

    _tag(document, "{#p " + text("information_item.template_note", LANGUAGE) + " #}")
    document.add_paragraph(text("information_item.texts.title", LANGUAGE), style="Title")
    for key, heading in HEADINGS.items():
        document.add_heading(heading, level=1)
        _tag(document, f"{{%p for paragraph in {key} %}}")
        document.add_paragraph("{{r paragraph }}")
        _tag(document, "{%p endfor %}")
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))
    return out


def _tag(document: WordDocument, tag: str) -> None:
    run = document.add_paragraph().add_run(tag)
    run.font.color.rgb = _TAG_COLOUR
    run.font.size = Pt(9)


def _swedish(document: WordDocument) -> None:
    """Swedish proofing for the text Lotsen writes and the editor adds (python-docx's own template is English)."""
    run_properties = document.styles["Normal"].element.get_or_add_rPr()
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    language.set(qn("w:val"), "sv-SE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the Word template of the informationsärende.")
    parser.add_argument("--out", type=Path, default=TEMPLATE, help=f"where to write it (default {TEMPLATE})")
    parser.add_argument("--force", action="store_true", help="overwrite a template that is already there")
    arguments = parser.parse_args(argv)
    if arguments.out.exists() and not arguments.force:
        print(f"{arguments.out} is already there (perhaps edited by KS förvaltning); --force overwrites it",
              file=sys.stderr)
        return 1
    print(build(arguments.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
