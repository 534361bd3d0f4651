"""The informationsärende as a Word document from KS förvaltning's template (reports/information_document.py):
opened with python-docx, every heading and every paragraph of the draft a Word paragraph of its own."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from reports.information_document import (
    TEMPLATE,
    TemplateUnusable,
    document_file_name,
    information_document,
    template_path,
)
from reports.information_item import FILL_IN, HEADINGS, InformationItemDraft, build_information_item
from reports.templates.build_template import build, main as build_main
from settings import Settings
from storage.application_data import ApplicationData, MalmoRole, Money

REGISTERED = date(2027, 1, 12)
FULL = ApplicationData(
    project_name="Mat & <hälsa> i skolan",  # XML's special characters, as an official may type them
    description="Skolmåltider lagas av lokala råvaror.",
    programme="interreg_oks",
    organisation_slug="miljonamnden",
    malmo_role=MalmoRole.OWNER,
    total_budget=Money.of(1_200_000, "EUR"),
    planned_submission_date=date(2027, 3, 15),
    project_start=date(2027, 9, 1),
    project_end=date(2030, 8, 31),
    contact_name="Anna Andersson",
    aligned_with_policy=True,
    decision_anchored=True,
    decision_reference="MN-2027-00123",
)


def _draft(data: ApplicationData = FULL) -> InformationItemDraft:
    return build_information_item(data, organisation_name="Miljönämnden", reference="EU-2027-0007",
                                  programme_name="Interreg Öresund-Kattegat-Skagerrak", rate_used=11.5,
                                  registered_on=REGISTERED)


def _paragraphs(content: bytes) -> list[tuple[str, str]]:
    """(style, text) of every paragraph of the document's body."""
    return [(paragraph.style.name, paragraph.text) for paragraph in Document(io.BytesIO(content)).paragraphs]


def _under(paragraphs: list[tuple[str, str]], heading: str) -> list[str]:
    """The texts of the paragraphs after `heading`, up to the next heading."""
    start = paragraphs.index(("Heading 1", heading)) + 1
    after = paragraphs[start:]
    end = next((i for i, (style, _) in enumerate(after) if style == "Heading 1"), len(after))
    return [text for _, text in after[:end]]


def test_every_heading_is_a_heading_paragraph_of_its_own_in_order() -> None:
    paragraphs = _paragraphs(information_document(_draft()))
    assert paragraphs[0] == ("Title", "Utkast: informationsärende till kommunstyrelsen")
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == ["Ärende", "Sammanfattning", "Bakgrund", "Ekonomi", "Koppling till policy och mål",
                        "Förslag till beslut"] == list(HEADINGS.values())
    # Nothing of the template's tags or its note to the editor is left.
    assert not [text for _, text in paragraphs if "{" in text or "}" in text or "Mall för" in text]


def test_each_paragraph_of_the_draft_is_a_word_paragraph_with_the_facts_in_place() -> None:
    draft = _draft()
    paragraphs = _paragraphs(information_document(draft))
    for part in draft.parts:  # the same paragraphs as the plain text, one Word paragraph each, no line breaks
        assert _under(paragraphs, part.heading) == list(part.paragraphs)
    assert all("\n" not in text for _, text in paragraphs)
    assert _under(paragraphs, "Ärende") == [
        "Information om ansökan om EU-finansiering för projektet Mat & <hälsa> i skolan "
        "(Interreg Öresund-Kattegat-Skagerrak)",
        "Från: Miljönämnden",
        "Diarienummer: MN-2027-00123",
        "Lotsens referens: EU-2027-0007",
        "Registrerad i Lotsen: 12 januari 2027",
    ]
    background = _under(paragraphs, "Bakgrund")
    assert background[0] == "Skolmåltider lagas av lokala råvaror."
    assert "Projektperiod: 1 september 2027 – 31 augusti 2030" in background
    economy = _under(paragraphs, "Ekonomi")
    assert economy[:2] == [
        "Projektets totalbudget: 1 200 000 euro (ungefär 13 800 000 kr med kursen 11,50 kr per euro)",
        "Totalbudgeten är 12 000 000 kr eller mer."]
    assert _under(paragraphs, "Förslag till beslut") == ["Kommunstyrelsen tar informationen till protokollet."]
    assert not any(FILL_IN in text for _, text in paragraphs)


def test_gaps_read_fill_in_and_are_highlighted() -> None:
    draft = _draft(FULL.model_copy(update={"decision_reference": None, "project_end": None, "contact_name": None,
                                           "decision_anchored": None}))
    document = Document(io.BytesIO(information_document(draft)))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert "Diarienummer: [fyll i]" in _under(paragraphs, "Ärende")
    background = _under(paragraphs, "Bakgrund")
    assert "Projektperiod: 1 september 2027 – [fyll i]" in background
    assert "Kontaktperson: [fyll i]" in background
    assert _under(paragraphs, "Koppling till policy och mål")[-1].startswith("[fyll i] (nämndens beslut")
    highlighted = [run.text for p in document.paragraphs for run in p.runs
                   if run._r.find(f"{qn('w:rPr')}/{qn('w:shd')}") is not None]
    assert highlighted == [FILL_IN] * 4  # the gaps, and nothing else
    assert draft.gaps == ("decision_reference", "project_period", "contact", "anchoring")


def test_an_administrators_own_template_gets_the_same_text(tmp_path: Path) -> None:
    """A template without Lotsen's headings: the parts, and single facts, e.g. in a header."""
    own = Document()
    own.sections[0].header.paragraphs[0].text = "Malmö stad · {{ organisation }} · {{ reference }}"
    own.add_paragraph("Informationsärende: {{ project }}")
    own.add_paragraph("{%p for part in parts %}")
    own.add_paragraph("{{ part.heading }}", style="Heading 2")
    own.add_paragraph("{%p for paragraph in part.paragraphs %}")
    own.add_paragraph("{{r paragraph }}")
    own.add_paragraph("{%p endfor %}")
    own.add_paragraph("{%p endfor %}")
    own.save(str(tmp_path / "own.docx"))
    draft = _draft()

    document = Document(io.BytesIO(information_document(draft, tmp_path / "own.docx")))
    assert document.sections[0].header.paragraphs[0].text == "Malmö stad · Miljönämnden · EU-2027-0007"
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Informationsärende: Mat & <hälsa> i skolan"
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 2"] == list(HEADINGS.values())
    assert len(texts) == 1 + len(draft.parts) + sum(len(part.paragraphs) for part in draft.parts)


def test_a_template_that_cannot_be_used_says_so(tmp_path: Path) -> None:
    unknown_name = Document()
    unknown_name.add_paragraph("{{ diarienr }}")  # a name Lotsen does not give
    unknown_name.save(str(tmp_path / "typo.docx"))
    broken = Document()
    broken.add_paragraph("{% for paragraph in matter %}")  # never ended
    broken.save(str(tmp_path / "broken.docx"))
    (tmp_path / "not-word.docx").write_text("Informationsärende", encoding="utf-8")
    for template in ("typo.docx", "broken.docx", "not-word.docx", "missing.docx"):
        with pytest.raises(TemplateUnusable) as raised:
            information_document(_draft(), tmp_path / template)
        assert template in str(raised.value)


def test_the_template_setting_and_the_file_name() -> None:
    assert template_path(Settings(_env_file=None)) == TEMPLATE and TEMPLATE.is_file()
    assert template_path(Settings(_env_file=None, INFORMATION_ITEM_TEMPLATE="/srv/ks/mall.docx")) == \
        Path("/srv/ks/mall.docx")
    assert document_file_name("EU-2027-0007") == "Informationsärende EU-2027-0007.docx"


def test_the_build_script_makes_a_template_from_the_catalogs_headings_and_keeps_an_edited_one(tmp_path: Path) -> None:
    rebuilt = build(tmp_path / "informationsarende.docx")
    draft = _draft()
    paragraphs = _paragraphs(information_document(draft, rebuilt))
    for part in draft.parts:
        assert _under(paragraphs, part.heading) == list(part.paragraphs)
    assert build_main(["--out", str(rebuilt)]) == 1  # an existing (perhaps edited) template is not overwritten …
    assert build_main(["--out", str(rebuilt), "--force"]) == 0  # … unless asked to
