"""The registration's cards: the form (Teams), the review with "Ändra" per answer, the saved receipt with
the obligations of 4.1, and the summary posted to kommunstyrelsens förvaltning."""

from __future__ import annotations

from typing import Any


from dialogs.common.cards import Card, adaptive_card
from dialogs.common.formatting import format_date, format_money
from dialogs.common.ks_notification import NotificationOutcome
from dialogs.applications.registration_answers import Choice
from dialogs.applications.registration_fields import FIELDS, catalog_key
from storage.application_data import ApplicationData, Money
from policy import RoutineResult
from texts import Language, text

REVIEW_FIELDS = [field.name for field in FIELDS]


def display_value(name: str, data: ApplicationData, lang: Language, programme_label: str,
                  organisation_name: str) -> str:
    """An answer as the official reads it back: dates and money formatted, choices by their names."""
    value = getattr(data, name)
    if name == "programme":
        return programme_label
    if name == "organisation_slug":
        return organisation_name
    if value is None:
        return text("registration.not_given", lang)
    if name == "malmo_role":
        return text(f"registration.roles.{value}", lang)
    if isinstance(value, bool):
        return text("registration.answer_yes" if value else "registration.answer_no", lang)
    if isinstance(value, Money):
        return format_money(value, lang)
    if hasattr(value, "isoformat"):
        return format_date(value, lang)
    return str(value)


def review_card(data: ApplicationData, lang: Language, programme_label: str, organisation_name: str,
                submission_key: str) -> Card:
    rows: list[dict[str, Any]] = []
    for name in REVIEW_FIELDS:
        if name == "programme_other":
            continue  # shown as the programme itself
        rows.append({
            "type": "ColumnSet",
            "columns": [
                {"type": "Column", "width": "stretch", "items": [
                    {"type": "TextBlock", "text": text(f"registration.labels.{catalog_key(name)}", lang),
                     "weight": "Bolder", "wrap": True, "size": "Small"},
                    {"type": "TextBlock", "wrap": True, "spacing": "None",
                     "text": display_value(name, data, lang, programme_label, organisation_name)},
                ]},
                {"type": "Column", "width": "auto", "verticalContentAlignment": "Center", "items": [
                    {"type": "ActionSet", "actions": [{
                        "type": "Action.Submit",
                        "title": f"{text('registration.edit', lang)}: {text(f'registration.labels.{catalog_key(name)}', lang)}",
                        "data": {"action": "registration_edit", "field": name}}]},
                ]},
            ],
        })
    body = [
        {"type": "TextBlock", "text": text("registration.review_title", lang), "size": "Large", "weight": "Bolder"},
        {"type": "TextBlock", "text": text("registration.review_hint", lang), "wrap": True, "isSubtle": True},
        *rows,
    ]
    actions = [
        {"type": "Action.Submit", "title": text("registration.save", lang), "style": "positive",
         "data": {"action": "registration_save", "submission_key": submission_key}},
        {"type": "Action.Submit", "title": text("registration.discard", lang), "style": "destructive",
         "data": {"action": "registration_discard"}},
    ]
    return adaptive_card(body, actions)


def saved_card(reference: str, routine: RoutineResult, outcome: NotificationOutcome | None,
               lang: Language) -> Card:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": text("registration.saved_title", lang, reference=reference),
         "size": "Large", "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": routine.explanation, "wrap": True},
        {"type": "TextBlock", "text": text("registration.obligations_heading", lang), "weight": "Bolder"},
    ]
    for obligation in routine.obligations:
        if obligation.applies is False:
            continue
        line = f"• {obligation.text}"
        if obligation.due_note:
            line += f" {obligation.due_note}"
        body.append({"type": "TextBlock", "text": f"{line} (§ {obligation.citation.section})", "wrap": True})
    if outcome is None:
        body.append({"type": "TextBlock", "text": text("registration.ks_not_needed", lang), "wrap": True})
    elif outcome.queued:
        body.append({"type": "TextBlock", "text": text("registration.ks_informing", lang), "wrap": True})
    else:
        reason = text(f"registration.ks_reasons.{outcome.reason}", lang)
        body.append({"type": "TextBlock", "text": text("registration.ks_not_reached", lang, reason=reason),
                     "wrap": True, "color": "Attention"})
    return adaptive_card(body)


def ks_summary_card(data: ApplicationData, reference: str, organisation_name: str, programme_label: str,
                    routine: RoutineResult, registered_by: str) -> Card:
    """Always in Swedish: it is read by kommunstyrelsens förvaltning."""
    lang: Language = "sv"
    facts = [
        (text("registration.reference", lang), reference),
        (text("registration.labels.organisation", lang), organisation_name),
        (text("registration.labels.programme", lang), programme_label),
        (text("registration.labels.call_identifier", lang), data.call_identifier or text("registration.not_given", lang)),
        (text("registration.labels.malmo_role", lang), display_value("malmo_role", data, lang, "", "")),
        (text("registration.labels.total_budget", lang), display_value("total_budget", data, lang, "", "")),
        (text("registration.labels.malmo_share", lang), display_value("malmo_share", data, lang, "", "")),
        (text("registration.labels.planned_submission_date", lang),
         display_value("planned_submission_date", data, lang, "", "")),
        (text("registration.labels.call_deadline", lang), display_value("call_deadline", data, lang, "", "")),
        (text("registration.labels.project_start", lang), display_value("project_start", data, lang, "", "")),
        (text("registration.labels.project_end", lang), display_value("project_end", data, lang, "", "")),
        (text("registration.labels.contact_name", lang), data.contact_name or ""),
        (text("registration.registered_by", lang), registered_by),
    ]
    threshold = format_money(Money.of(routine.threshold_sek, "SEK"), lang)
    item = ("registration.information_item_required" if routine.verdict.information_item_to_ks
            else "registration.information_item_not_required")
    facts.append((text("registration.information_item", lang), text(item, lang, threshold=threshold)))
    body = [
        {"type": "TextBlock", "text": text("registration.ks_card_title", lang, project=data.project_name),
         "size": "Large", "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": text("registration.ks_card_intro", lang, organisation=organisation_name),
         "wrap": True},
        {"type": "TextBlock", "text": data.description or "", "wrap": True, "isSubtle": True},
        {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in facts]},
    ]
    return adaptive_card(body)


def form_card(data: ApplicationData, lang: Language, programmes: list[Choice], organisations: list[Choice],
              errors: dict[str, str]) -> Card:
    """All questions at once, for Teams; answers are read exactly as typed answers are."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": text("registration.form.title", lang), "size": "Large", "weight": "Bolder"},
    ]
    if errors:
        body.append({"type": "TextBlock", "text": text("registration.form.errors_heading", lang),
                     "color": "Attention", "weight": "Bolder", "wrap": True})
    for field in FIELDS:
        body.extend(_form_input(field.name, field.kind, field.required, field.max_length, data, lang, programmes,
                                organisations))
        if field.name in errors:
            body.append({"type": "TextBlock", "text": errors[field.name], "color": "Attention", "wrap": True,
                         "size": "Small", "spacing": "None"})
    actions = [
        {"type": "Action.Submit", "title": text("registration.form.submit", lang),
         "data": {"action": "registration_form"}},
        {"type": "Action.Submit", "title": text("registration.discard", lang),
         "data": {"action": "registration_discard"}, "associatedInputs": "none"},
    ]
    return adaptive_card(body, actions)


def _form_input(name: str, kind: str, required: bool, max_length: int | None, data: ApplicationData,
                lang: Language, programmes: list[Choice], organisations: list[Choice]) -> list[dict[str, Any]]:
    label = text(f"registration.labels.{catalog_key(name)}", lang)
    common: dict[str, Any] = {"id": name, "label": label, "isRequired": required and name != "programme_other"}
    if common["isRequired"]:
        common["errorMessage"] = text("registration.form.required_error", lang)
    value = getattr(data, name)
    if kind in ("programme", "organisation"):
        choices = programmes if kind == "programme" else organisations
        element = {"type": "Input.ChoiceSet", "style": "compact", **common,
                   "choices": [{"title": choice.name, "value": choice.key} for choice in choices]}
        if value:
            element["value"] = value
        return [element]
    if kind == "role":
        element = {"type": "Input.ChoiceSet", "style": "expanded", **common, "choices": [
            {"title": text("registration.roles.owner", lang), "value": "owner"},
            {"title": text("registration.roles.partner", lang), "value": "partner"}]}
        if value:
            element["value"] = str(value)
        return [element]
    if kind == "yes_no":
        return [{"type": "Input.Toggle", "id": name, "title": text(f"registration.questions.{name}", lang),
                 "valueOn": "true", "valueOff": "false", "value": "true" if value else "false"}]
    if kind == "date":
        element = {"type": "Input.Date", **common}
        if value:
            element["value"] = value.isoformat()
        return [element]
    element = {"type": "Input.Text", **common, "isMultiline": name == "description"}
    if max_length:
        element["maxLength"] = max_length
    if kind == "money":
        element["placeholder"] = text("registration.form.placeholder_money", lang)
        if value:
            element["value"] = format_money(value, lang)
    elif value:
        element["value"] = str(value)
    return [element]
