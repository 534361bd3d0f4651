"""One organisation's annual report and applications as Markdown for a terminal (`python -m cli report show`).

It opens and lists the items as the compilation's part per organisation does (`organisation_heading`,
`organisation_facts`, `items_by_kind` in reports/compilation.py), and differs where its reader does: it shows
the items of a draft or a returned report too (whoever asks may be its author), lists the applications in a
table of their own, and makes typed text safe for a terminal (escape sequences) rather than for a document.
"""

from __future__ import annotations

from policy import load_policy
from reports.compilation import (
    OrganisationReport,
    application_status,
    compilation_text,
    headers,
    items_by_kind,
    labels,
    organisation_facts,
    organisation_heading,
)
from storage.user_text import terminal_line


def _cell(text: str) -> str:
    return terminal_line(text).replace("|", "\\|")


def organisation_report_text(report: OrganisationReport, year: int) -> str:
    """One organisation's report and applications as Markdown, in the compilation's own words."""
    lines = [f"# {organisation_heading(report)}, {year}", ""]
    lines += [f"- {fact}" for fact in organisation_facts(report, terminal_line)] + [""]
    if report.status == "not_started":
        # A bolag that has not reported is not behind: it has no duty to (3.4).
        lines += [compilation_text("no_report" if report.must_report else "no_voluntary_report"), ""]
    elif not report.items:
        lines += [compilation_text("no_items"), ""]
    for label, entries in items_by_kind(report.items, terminal_line):
        lines += [f"## {label}", ""]
        for entry in entries:
            lines.append(f"- **{entry.title}**")
            lines += [f"  {detail}" for detail in entry.details]
        lines.append("")
    lines += [f"## {compilation_text('applications')}", ""] + _applications(report)
    return "\n".join(lines).rstrip() + "\n"


def _applications(report: OrganisationReport) -> list[str]:
    """The organisation's applications of the year as a table, without the organisation column (its own)."""
    if not report.applications:
        return [compilation_text("no_applications")]
    texts = load_policy().texts
    columns = headers("headers.applications")
    del columns[2]
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for a in report.applications:
        budget = texts.money(a.total_budget.amount, a.total_budget.currency, "sv")
        if a.total_budget.currency != "SEK":
            budget = compilation_text("converted", eur=budget, sek=texts.money(a.total_budget_sek, "SEK", "sv"))
        granted = (texts.money(a.granted_amount_sek, "SEK", "sv") if a.granted_amount_sek is not None
                   else compilation_text("none"))
        cells = [a.reference, a.project_name, a.programme_name, labels("roles")[a.malmo_role], budget,
                 application_status(a.status), granted]
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return lines
