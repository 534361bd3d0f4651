"""One organisation's report as `python -m cli report show` prints it (reports/organisation_report.py); the
command itself, on a seeded database, is tested in tests/cli/test_reports.py."""

from __future__ import annotations

from reports.compilation import OrganisationReport
from reports.organisation_report import organisation_report_text


def test_a_bolag_without_a_report_is_shown_as_having_no_duty_and_a_namnd_as_not_reported() -> None:
    bolag = organisation_report_text(OrganisationReport(name="MKB Fastighets AB", kind="bolag", status="not_started",
                                                        contact_name="Dan Ek"), 2026)
    assert "- Status för redovisningen: ingen redovisning (frivillig för helägda bolag, avsnitt 3.4)" in bolag
    assert "- Representant för internationella frågor: Dan Ek" in bolag
    assert "Bolaget har inte lämnat någon frivillig redovisning." in bolag and "ej påbörjad" not in bolag
    namnd = organisation_report_text(OrganisationReport(name="Valnämnden", kind="namnd", status="not_started"), 2026)
    assert "- Status för redovisningen: ej påbörjad" in namnd and "Ingen redovisning har lämnats in." in namnd
