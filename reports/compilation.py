"""The yearly compilation of Malmö stad's international work for kommunfullmäktige (policy 3.1, 3.2.1, 3.3, 4).

Pure: it takes a `Compilation` (which a storage query fills) and writes it as Markdown, Word (python-docx) or
Excel (openpyxl); it reads no database. The texts are Swedish whatever the coordinator's language, because the
compilation goes to kommunfullmäktige; they come from the text catalog (texts/sv/compilation.yaml, and the
statuses the bot shows too). The policy's own words in the introduction come from the policy module.

Only submitted or approved reports count as reported: the contents of a draft or a returned report are not
shown (the organisation is listed among those that have not reported). Applications are shown whatever the
report's status, since they are registered in Lotsen on their own.

Only the nämnder must report (3.3, 4); a helägt bolag has no duty to (3.4), and Lotsen lets it report
voluntarily. So the figures, the part per organisation and the list of those that have not reported are the
nämnder's, and the bolag that handed a report in have a part of their own; a bolag is never listed as missing.
Which kind must report is the policy's rule (`storage.organisations.must_report`), asked per organisation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from policy import PolicyData, get_section, load_policy
from policy.formatting import format_date
from policy.model import Section
from storage.application_data import ApplicationStatus, MalmoRole, Money
from storage.organisations import must_report
from storage.user_text import clean_value, document_markdown
from texts import Language, lookup, text

if TYPE_CHECKING:  # python-docx and openpyxl are imported by the writers that use them: the bot starts without them
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

OrganisationKind = Literal["namnd", "bolag"]
ReportStatus = Literal["not_started", "draft", "submitted", "returned", "approved"]
FocusArea = Literal["2a", "2b", "2c"]
# What section 1 of the policy names as international work; the annual report's lists, in this order.
# The kinds of storage.models.AnnualReportItemKind (policy section 1), in the order they are shown.
ItemKind = Literal["eu_project", "network", "partner_city", "visit", "conference", "influence"]
Format = Literal["docx", "xlsx", "md"]

FORMATS: tuple[str, ...] = ("docx", "xlsx", "md")
REPORTED: frozenset[str] = frozenset({"submitted", "approved"})
# Applications that led to a funded project (granted, then running, then closed).
GRANTED: frozenset[ApplicationStatus] = frozenset(
    {ApplicationStatus.GRANTED, ApplicationStatus.ONGOING, ApplicationStatus.CLOSED})
# The sections the introduction cites, each with the word that finds its sentence on the yearly report (3.4, on
# the helägda bolag, has none: cited by its title).
INTRO_SECTIONS = ("3.1", "3.2.1", "3.3", "3.4", "4")
YEARLY_WORD = "årlig"

SEK_FORMAT = '#,##0 "kr"'

# The compilation goes to kommunfullmäktige: Swedish, whatever the coordinator's language. Its texts are the
# catalog's `compilation` (texts/sv/compilation.yaml); the report and application statuses are the bot's own
# (ks.statuses, applications.statuses), so that the compilation says what Lotsen says everywhere else.
LANGUAGE: Language = "sv"
SHEETS: tuple[str, ...] = tuple(lookup("compilation.xlsx.sheets", LANGUAGE))

# What a spreadsheet reads a typed cell beginning with as a formula (and a tab or line break before one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def compilation_text(key: str, **values: object) -> str:
    """The compilation's text at `compilation.<key>` in the catalog ("title", "contacts.namnd"), in Swedish."""
    return text(f"compilation.{key}", LANGUAGE, **values)


_t = compilation_text  # short, for the many texts below


def labels(key: str) -> dict[str, str]:
    """A table of the compilation's labels ("kinds", "item_kinds"), in the catalog's order."""
    return lookup(f"compilation.{key}", LANGUAGE)


def headers(key: str) -> list[str]:
    """A row of column headers ("headers.applications", "xlsx.items"), a copy the caller may change."""
    return list(lookup(f"compilation.{key}", LANGUAGE))


def report_status(status: str) -> str:
    """"godkänd", "ej påbörjad": the words of KS's own status view."""
    return lookup("ks.statuses", LANGUAGE)[status]


def application_status(status: str) -> str:
    """"beviljad", "avslagen": the words of the bot's application list."""
    return lookup("applications.statuses", LANGUAGE)[status]


def answer(value: bool | None) -> str:
    """A yes-or-no question's answer ("ja", "nej"), or that it is not known."""
    return labels("answers")["unknown" if value is None else "yes" if value else "no"]


# ---- the input model (filled by a storage query) ---------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReportItem(_Model):
    """One piece of international work an organisation reported (section 1), with the focus areas it serves."""

    kind: ItemKind
    title: str
    description: str = ""
    focus_areas: list[FocusArea] = Field(default_factory=list)
    results: str = ""


class ApplicationLine(_Model):
    """One EU application of the year, as registered in Lotsen, with its outcome."""

    reference: str
    project_name: str
    programme_name: str  # the name to show: resolved from the programme key, or the official's own text
    malmo_role: MalmoRole
    total_budget: Money  # as given
    total_budget_sek: Decimal  # the same in SEK (converted at registration when given in euro)
    status: ApplicationStatus
    granted_amount: Money | None = None  # as given (None: not given, or given only in SEK below)
    granted_amount_sek: Decimal | None = None  # the same in SEK; None: no amount given

    @property
    def granted_without_amount(self) -> bool:
        """Granted (or further), but nobody has said how much: the sums leave it out, so the reader is told."""
        return self.status in GRANTED and self.granted_amount_sek is None


class OrganisationReport(_Model):
    name: str
    kind: OrganisationKind
    status: ReportStatus
    contact_name: str | None = None
    in_verksamhetsplan: bool | None = None
    items: list[ReportItem] = Field(default_factory=list)
    applications: list[ApplicationLine] = Field(default_factory=list)

    @property
    def reported(self) -> bool:
        return self.status in REPORTED

    @property
    def must_report(self) -> bool:
        """A nämnd must report (3.3, 4); a helägt bolag need not (3.4), so its report is voluntary."""
        return must_report(self.kind)

    @property
    def status_label(self) -> str:
        """"godkänd", "ej påbörjad"; for an organisation that need not report and has not, that it is voluntary."""
        if self.status == "not_started" and not self.must_report:
            return _t("voluntary_not_started")
        return report_status(self.status)


class Compilation(_Model):
    year: int
    generated_on: date
    organisations: list[OrganisationReport]  # in the order they are to be shown


# ---- one organisation's report, as every view of it shows it ------------------------------------------------


def _as_typed(value: str) -> str:
    """Typed text unchanged: the document writers escape it for their own format."""
    return value


@dataclass(frozen=True)
class ItemEntry:
    """One reported item as shown: its title and the lines under it (description, focus areas, results)."""

    title: str
    details: list[str]


def organisation_heading(report: OrganisationReport) -> str:
    """"Miljönämnden (nämnd)": the heading of one organisation's part, in the compilation and in `report show`."""
    return f"{report.name} ({labels('kinds')[report.kind].lower()})"


def organisation_facts(report: OrganisationReport, shown: Callable[[str], str] = _as_typed) -> list[str]:
    """The report's status, contact person (or representative) and verksamhetsplan answer, in that order: the
    lines every view of one organisation's report opens with. `shown` makes typed text safe where it is shown."""
    return [
        _t("status", status=report.status_label),
        _t(f"contacts.{report.kind}", name=shown(report.contact_name or _t("no_contact"))),
        _t("verksamhetsplan", answer=answer(report.in_verksamhetsplan)),
    ]


def items_by_kind(items: Iterable[ReportItem], shown: Callable[[str], str] = _as_typed
                  ) -> list[tuple[str, list[ItemEntry]]]:
    """The items under their kind's label, the kinds in section 1's order, kinds without items left out."""
    items = list(items)
    names = labels("focus_area_names")
    groups = []
    for kind, label in labels("item_kinds").items():
        entries = [ItemEntry(shown(item.title), _item_details(item, names, shown))
                   for item in items if item.kind == kind]
        if entries:
            groups.append((label, entries))
    return groups


def _item_details(item: ReportItem, names: dict[str, str], shown: Callable[[str], str]) -> list[str]:
    details = [shown(item.description)] if item.description else []
    if item.focus_areas:
        details.append(_t("focus_areas", areas=", ".join(f"{area} {names[area].lower()}" for area in item.focus_areas)))
    if item.results:
        details.append(_t("results", results=shown(item.results)))
    return details


# ---- figures ---------------------------------------------------------------------------------------------


@dataclass
class ProgrammeTotal:
    programme_name: str
    count: int = 0
    total_budget_sek: Decimal = Decimal(0)
    granted_count: int = 0
    granted_amount_sek: Decimal = Decimal(0)
    granted_without_amount: int = 0  # of granted_count: no amount given, so not in granted_amount_sek


@dataclass
class Totals:
    organisations: int  # that must report (the nämnder)
    reported: int  # of those, handed in
    missing: list[OrganisationReport]  # of those, not handed in
    voluntary: list[OrganisationReport]  # handed in by organisations that need not report (bolag, 3.4)
    applications: list[tuple[OrganisationReport, ApplicationLine]]
    total_budget_sek: Decimal
    granted_count: int
    granted_amount_sek: Decimal
    per_status: dict[ApplicationStatus, int]
    per_programme: list[ProgrammeTotal] = field(default_factory=list)
    granted_without_amount: int = 0  # of granted_count: no amount given, so not in granted_amount_sek


def totals(compilation: Compilation) -> Totals:
    """The compilation's figures: counts, sums in SEK, per programme (in order of first appearance)."""
    applications = [(o, a) for o in compilation.organisations for a in o.applications]
    programmes: dict[str, ProgrammeTotal] = {}
    per_status = {s: 0 for s in ApplicationStatus}
    for _, a in applications:
        p = programmes.setdefault(a.programme_name, ProgrammeTotal(a.programme_name))
        p.count += 1
        p.total_budget_sek += a.total_budget_sek
        if a.status in GRANTED:
            p.granted_count += 1
        p.granted_without_amount += a.granted_without_amount
        p.granted_amount_sek += a.granted_amount_sek or 0
        per_status[a.status] += 1
    duty = [o for o in compilation.organisations if o.must_report]
    return Totals(
        organisations=len(duty),
        reported=sum(o.reported for o in duty),
        missing=[o for o in duty if not o.reported],
        voluntary=[o for o in compilation.organisations if not o.must_report and o.reported],
        applications=applications,
        total_budget_sek=sum((a.total_budget_sek for _, a in applications), Decimal(0)),
        granted_count=sum(a.status in GRANTED for _, a in applications),
        granted_amount_sek=sum((a.granted_amount_sek or Decimal(0) for _, a in applications), Decimal(0)),
        per_status={s: n for s, n in per_status.items() if n},
        per_programme=list(programmes.values()),
        granted_without_amount=sum(a.granted_without_amount for _, a in applications),
    )


# ---- the document, shared by Markdown and Word -------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    level: int  # 0 is the title
    text: str


@dataclass(frozen=True)
class _Paragraph:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class _Bullets:
    items: list[str]


@dataclass(frozen=True)
class _Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # columns aligned right


_Block = Union[_Heading, _Paragraph, _Bullets, _Table]


class _Formatter:
    def __init__(self, policy: PolicyData) -> None:
        self.texts = policy.texts

    def sek(self, value: Decimal) -> str:
        return self.texts.money(value, "SEK", "sv")

    def stated(self, money: Money, sek: Decimal) -> str:
        """An amount as given; one in euro also in SEK."""
        shown = self.texts.money(money.amount, money.currency, "sv")
        if money.currency == "SEK":
            return shown
        return _t("converted", eur=shown, sek=self.sek(sek))

    @staticmethod
    def granted_count(count: int, missing: int) -> str:
        """"2", or "2, varav 1 utan angivet belopp"."""
        return _t("without_amount", count=count, missing=missing) if missing else str(count)

    def granted_sum(self, value: Decimal, count: int, missing: int) -> str:
        """The sum of the amounts given, and for how many granted applications it is not known."""
        if not missing:
            return self.sek(value)
        if missing == count:
            return _t("amount_missing")
        noun = _t("application_one" if missing == 1 else "application_many")
        return _t("amount_partly_missing", amount=self.sek(value), missing=missing, applications=noun)

    def granted(self, a: ApplicationLine) -> str:
        """An application's granted amount as given (in euro also in SEK), "uppgift saknas", or "–" if not granted."""
        if a.granted_amount_sek is None:
            return _t("amount_missing") if a.granted_without_amount else _t("none")
        if a.granted_amount is None:
            return self.sek(a.granted_amount_sek)
        return self.stated(a.granted_amount, a.granted_amount_sek)

    @staticmethod
    def date(value: date) -> str:
        return format_date(value, LANGUAGE)


def _yearly_duty(section: Section) -> str | None:
    """The bullet or sentence of a section that speaks of the yearly report, in the policy's own words."""
    for part in re.split(r"\n+|(?<=\.)\s+", section.text.sv):
        part = part.strip().lstrip("-").strip()
        if YEARLY_WORD in part.lower():
            return part
    return None


def _intro(compilation: Compilation, policy: PolicyData, f: _Formatter) -> list[_Block]:
    version = policy.version_on(compilation.generated_on)
    quotes = []
    for section_id in INTRO_SECTIONS:
        section = get_section(section_id, compilation.generated_on, policy=policy)
        quote = _yearly_duty(section)
        if quote:
            quotes.append(_t("intro_quote", section=section.id, title=section.title.sv, quote=quote))
        else:
            quotes.append(_t("intro_title_only", section=section.id, title=section.title.sv))
    return [
        _Paragraph(_t("generated", date=f.date(compilation.generated_on))),
        _Paragraph(_t("intro", policy=version.title.sv, year=compilation.year)),
        _Bullets(quotes),
    ]


def _summary(t: Totals, f: _Formatter) -> list[_Block]:
    statuses = ", ".join(f"{application_status(s)} {n}" for s, n in t.per_status.items())
    lines = [
        _t("organisations_count", count=t.organisations),
        _t("reported_count", count=t.reported),
        _t("missing_count", count=len(t.missing)),
        _t("voluntary_count", count=len(t.voluntary)),
        _t("applications_count", count=len(t.applications)),
        _t("total_budget", amount=f.sek(t.total_budget_sek)),
        _t("granted_count", count=f.granted_count(t.granted_count, t.granted_without_amount)),
        _t("granted_amount", 
            amount=f.granted_sum(t.granted_amount_sek, t.granted_count, t.granted_without_amount)),
    ]
    if statuses:
        lines.append(_t("per_status", statuses=statuses))
    return [_Heading(1, _t("summary")), _Bullets(lines)]


def _organisation(o: OrganisationReport, f: _Formatter) -> list[_Block]:
    blocks: list[_Block] = [_Heading(2, organisation_heading(o)), _Bullets(organisation_facts(o))]
    if not o.reported:
        blocks.append(_Paragraph(_t("no_report")))
    elif not o.items:
        blocks.append(_Paragraph(_t("no_items")))
    else:
        for label, entries in items_by_kind(o.items):
            blocks.append(_Heading(3, label))
            for entry in entries:
                blocks.append(_Paragraph(entry.title, bold=True))
                if entry.details:
                    blocks.append(_Bullets(entry.details))
    if o.applications:
        total = sum((a.total_budget_sek for a in o.applications), Decimal(0))
        blocks.append(_Paragraph(_t("organisation_applications", 
            count=len(o.applications), amount=f.sek(total))))
    return blocks


def _focus_rows(compilation: Compilation, area: str) -> list[list[str]]:
    return [[o.name, labels("item_kinds")[i.kind], i.title]
            for o in compilation.organisations if o.reported for i in o.items if area in i.focus_areas]


def _application_row(o: OrganisationReport, a: ApplicationLine, f: _Formatter) -> list[str]:
    return [a.reference, a.project_name, o.name, a.programme_name, labels("roles")[a.malmo_role],
            f.stated(a.total_budget, a.total_budget_sek), application_status(a.status), f.granted(a)]


def _document(compilation: Compilation, policy: PolicyData | None = None) -> list[_Block]:
    policy = policy or load_policy()
    f = _Formatter(policy)
    t = totals(compilation)
    blocks: list[_Block] = [_Heading(0, _t("title", year=compilation.year))]
    blocks += _intro(compilation, policy, f)
    blocks += _summary(t, f)

    blocks.append(_Heading(1, _t("per_organisation")))
    for o in compilation.organisations:
        if o.must_report:
            blocks += _organisation(o, f)

    blocks.append(_Heading(1, _t("voluntary")))
    blocks.append(_Paragraph(_t("voluntary_intro")))
    if t.voluntary:
        for o in t.voluntary:
            blocks += _organisation(o, f)
    else:
        blocks.append(_Paragraph(_t("voluntary_none")))

    blocks.append(_Heading(1, _t("per_focus_area")))
    for area, label in labels("focus_area_names").items():
        blocks.append(_Heading(2, f"{area} {label}"))
        rows = _focus_rows(compilation, area)
        blocks.append(_Table(headers("headers.focus"), rows) if rows else _Paragraph(_t("focus_area_none")))

    blocks.append(_Heading(1, _t("applications")))
    if t.applications:
        blocks.append(_Table(headers("headers.applications"), [_application_row(o, a, f) for o, a in t.applications],
                             numeric=frozenset({5, 7})))
    else:
        blocks.append(_Paragraph(_t("no_applications")))

    blocks.append(_Heading(1, _t("per_programme")))
    if t.per_programme:
        rows = [[p.programme_name, str(p.count), f.sek(p.total_budget_sek),
                 f.granted_count(p.granted_count, p.granted_without_amount),
                 f.granted_sum(p.granted_amount_sek, p.granted_count, p.granted_without_amount)]
                for p in t.per_programme]
        rows.append([_t("total_row"), str(len(t.applications)), f.sek(t.total_budget_sek),
                     f.granted_count(t.granted_count, t.granted_without_amount),
                     f.granted_sum(t.granted_amount_sek, t.granted_count, t.granted_without_amount)])
        blocks.append(_Table(headers("headers.programmes"), rows, numeric=frozenset({1, 2, 3, 4})))
    else:
        blocks.append(_Paragraph(_t("no_applications")))

    blocks.append(_Heading(1, _t("missing")))
    if t.missing:
        blocks.append(_Bullets([_t("missing_line", name=o.name, status=report_status(o.status))
                                for o in t.missing]))
    else:
        blocks.append(_Paragraph(_t("missing_none")))
    return blocks


# ---- writers ---------------------------------------------------------------------------------------------


def _cleaned(compilation: Compilation) -> Compilation:
    """The compilation with every text cleaned (storage/user_text.py): text stored before Lotsen cleaned what it
    was sent may still hold characters XML cannot (Word and Excel refuse the file), nor anyone see."""
    return Compilation.model_validate(clean_value(compilation.model_dump()))


def _md_line(text: str) -> str:
    """Plain text on one Markdown line: a heading, a bold title or a table cell."""
    return document_markdown(" ".join(text.split()))


def write_markdown(compilation: Compilation, path: Path) -> Path:
    """Every text of the document is plain (names, descriptions and results as people typed them, next to
    Lotsen's own): escaped here, so that only the headings, lists and tables written below are Markdown."""
    lines: list[str] = []
    for block in _document(_cleaned(compilation)):
        if isinstance(block, _Heading):
            lines += ["#" * (block.level + 1) + " " + _md_line(block.text), ""]
        elif isinstance(block, _Paragraph):
            lines += [f"**{_md_line(block.text)}**" if block.bold else document_markdown(block.text), ""]
        elif isinstance(block, _Bullets):
            lines += [f"- {document_markdown(item)}" for item in block.items] + [""]
        else:
            lines.append("| " + " | ".join(_md_line(h) for h in block.headers) + " |")
            lines.append("|" + "|".join("---:" if i in block.numeric else "---"
                                        for i in range(len(block.headers))) + "|")
            lines += ["| " + " | ".join(_md_line(c) for c in row) + " |" for row in block.rows]
            lines.append("")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
    return path


def write_docx(compilation: Compilation, path: Path) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    document.core_properties.title = _t("title", year=compilation.year)
    document.core_properties.language = "sv-SE"
    for block in _document(_cleaned(compilation)):
        if isinstance(block, _Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, _Paragraph):
            document.add_paragraph().add_run(block.text).bold = block.bold or None
        elif isinstance(block, _Bullets):
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        else:
            table = document.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            for cell, header in zip(table.rows[0].cells, block.headers):
                cell.text = header
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for i, (cell, content) in enumerate(zip(cells, row)):
                    cell.text = content
                    if i in block.numeric:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list[object]],
           sek_columns: frozenset[int] | set[int] = frozenset(), widths: list[int] | None = None) -> None:
    """A sheet with a bold, frozen header row, a filter, and SEK columns (0-based) in the SEK number format."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                _as_text(cell)
    for column in sek_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            if isinstance(cell.value, (int, float, Decimal)):
                cell.number_format = SEK_FORMAT
    for i, header in enumerate(headers):
        width = (widths[i] if widths else None) or max(12, len(header) + 2)
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str))
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions


def _as_text(cell: Cell) -> None:
    """A cell whose text a spreadsheet would read as a formula ("=HYPERLINK(…)", "+46 …", "-5") kept as text:
    a string cell, marked as typed with a leading apostrophe, so that editing it in Excel keeps it text too."""
    cell.data_type = "s"
    cell.quotePrefix = True


def write_xlsx(compilation: Compilation, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    compilation = _cleaned(compilation)
    t = totals(compilation)
    workbook = Workbook()
    workbook.remove(workbook.active)

    names = labels("xlsx.summary")  # of the summary's rows
    summary: list[list[object]] = [
        [names["year"], compilation.year],
        [names["generated"], compilation.generated_on],
        [names["organisations"], t.organisations],
        [names["reported"], t.reported],
        [names["missing"], len(t.missing)],
        [names["voluntary"], len(t.voluntary)],
        [names["applications"], len(t.applications)],
        [names["total_budget"], t.total_budget_sek],
        [names["granted"], t.granted_count],
        [names["without_amount"], t.granted_without_amount],
        [names["granted_amount"], t.granted_amount_sek],
    ]
    summary += [[_t("xlsx.summary.per_status", status=application_status(s)), n] for s, n in t.per_status.items()]
    summary += [[], [_t("missing"), names["status"]]]
    summary += [[o.name, report_status(o.status)] for o in t.missing]
    _sheet(workbook, SHEETS[0], headers("xlsx.summary.headers"), summary, widths=[55, 22])
    sheet = workbook[SHEETS[0]]
    sheet["B3"].number_format = "yyyy-mm-dd"
    for label in (names["total_budget"], names["granted_amount"]):
        row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == label)
        row[1].number_format = SEK_FORMAT
    sheet.cell(row=len(summary) - len(t.missing) + 1, column=1).font = Font(bold=True)
    sheet.cell(row=len(summary) - len(t.missing) + 1, column=2).font = Font(bold=True)

    organisations = [
        [o.name, labels("kinds_voluntary")[o.kind], o.status_label, answer(o.reported),
         o.contact_name or "", answer(o.in_verksamhetsplan), len(o.items) if o.reported else 0,
         len(o.applications), sum((a.total_budget_sek for a in o.applications), Decimal(0))]
        for o in compilation.organisations if o.must_report or o.reported]
    _sheet(workbook, SHEETS[1], headers("xlsx.organisations"), organisations, sek_columns={8},
           widths=[40, 14, 14, 12, 30, 12, 12, 12, 20])

    items = [
        [o.name, labels("item_kinds")[i.kind], i.title, i.description, i.results]
        + [_t("mark") if area in i.focus_areas else "" for area in labels("focus_area_names")]
        for o in compilation.organisations if o.reported for i in o.items]
    _sheet(workbook, SHEETS[2], headers("xlsx.items")
           + [f"{a} {label}" for a, label in labels("focus_area_names").items()], items,
           widths=[30, 30, 35, 50, 50, 14, 14, 14])

    applications = [
        [a.reference, a.project_name, o.name, a.programme_name, labels("roles")[a.malmo_role], a.total_budget.amount,
         a.total_budget.currency, a.total_budget_sek, application_status(a.status), *_xlsx_granted(a)]
        for o, a in t.applications]
    _sheet(workbook, SHEETS[3], headers("xlsx.applications"), applications, sek_columns={7, 11},
           widths=[16, 35, 30, 30, 14, 18, 8, 18, 12, 18, 8, 18])
    for column in (6, 10):  # amounts as given, in their own currency
        for (cell,) in workbook[SHEETS[3]].iter_rows(min_row=2, min_col=column, max_col=column):
            if isinstance(cell.value, (int, float, Decimal)):
                cell.number_format = "#,##0.00"

    programmes: list[list[object]] = [
        [p.programme_name, p.count, p.total_budget_sek, p.granted_count, p.granted_without_amount,
         p.granted_amount_sek] for p in t.per_programme]
    programmes.append([_t("total_row"), len(t.applications), t.total_budget_sek, t.granted_count,
                       t.granted_without_amount, t.granted_amount_sek])
    _sheet(workbook, SHEETS[4], headers("xlsx.programmes"), programmes, sek_columns={2, 5},
           widths=[35, 12, 20, 12, 18, 20])
    last = workbook[SHEETS[4]].max_row
    for cell in workbook[SHEETS[4]][last]:
        cell.font = Font(bold=True)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(str(path))
    return path


def _xlsx_granted(a: ApplicationLine) -> list[object]:
    """The granted amount as given, its currency, and in SEK; "uppgift saknas" for a grant without an amount."""
    if a.granted_amount_sek is None:
        return [_t("amount_missing") if a.granted_without_amount else None, None, None]
    if a.granted_amount is None:  # only the SEK figure is known, not what was stated
        return [None, None, a.granted_amount_sek]
    return [a.granted_amount.amount, a.granted_amount.currency, a.granted_amount_sek]


WRITERS = {"docx": write_docx, "xlsx": write_xlsx, "md": write_markdown}


def default_file_name(year: int, fmt: str) -> str:
    return _t("file_name", year=year, fmt=fmt)


def write_compilation(compilation: Compilation, fmt: Format, out: Path | None = None,
                      build_dir: Path = Path("build")) -> Path:
    """Write the compilation as `fmt`; to `out` (a file, or a directory to put the default name in), else under
    `build_dir` with the default name. Returns the path written."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    name = default_file_name(compilation.year, fmt)
    if out is None:
        path = Path(build_dir) / name
    elif Path(out).is_dir():
        path = Path(out) / name
    else:
        path = Path(out)
    return WRITERS[fmt](compilation, path)
