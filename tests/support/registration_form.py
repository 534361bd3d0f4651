"""The registration form as Teams posts it when filled in (Anna registers Servicenämnden's LIFE project, 14.5 MSEK,
Malmö stad as owner), and the data of the review card's "Spara" button, as the HTTP tests press it."""

from __future__ import annotations

from typing import Any

FORM: dict[str, str] = {
    "action": "registration_form",
    "project_name": "Cirkulära Malmö",
    "description": "Återbruk av byggmaterial i stadens fastigheter.",
    "programme": "life",
    "programme_other": "",
    "call_identifier": "LIFE-2027-CIRC",
    "organisation_slug": "servicenamnden",
    "malmo_role": "owner",
    "total_budget": "14 500 000 kr",
    "malmo_share": "",
    "planned_submission_date": "2027-03-01",
    "call_deadline": "2027-03-15",
    "expected_decision_date": "",
    "project_start": "2027-09-01",
    "project_end": "2029-08-31",
    "contact_name": "Anna Andersson",
    "aligned_with_policy": "true",
    "decision_anchored": "true",
    "decision_reference": "SN-2026-77",
}


def save_button(standin) -> dict[str, Any]:
    """The data of the newest review card's "Spara" button that reached the connector stand-in."""
    for item in reversed(standin.received):
        for attachment in item.activity.get("attachments") or []:
            for action in attachment["content"].get("actions", []):
                if action.get("data", {}).get("action") == "registration_save":
                    return action["data"]
    raise AssertionError("no review card was sent")
