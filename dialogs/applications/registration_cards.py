"""The registration's cards: the form (Teams), a choice from a list (Teams), the review with "Ändra" per answer,
the saved receipt with the obligations of 4.1, and the summary posted to kommunstyrelsens förvaltning."""

from __future__ import annotations

from collections.abc import Mapping
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
# The `action` of a choice card's button (`choice_card`): its data also names the field, and the input the choice.
CHOICE_ACTION = "registration_choice"


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
                submission_key: str, *, saved: str | None = None) -> Card:
    """The answers with an "Ändra" each, "Spara" and "Avbryt". With `saved` ("Sparad som EU-2026-0007 …") it is the
    read-only card that replaces it once saved: the answers as saved, that line, and no buttons."""
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
                # A short "Ändra", so that the answer (a nämnd's long name) keeps the row's width on a phone; it
                # stands beside its answer in Teams and right under it in the terminal chat.
                *([] if saved is not None else [
                    {"type": "Column", "width": "auto", "verticalContentAlignment": "Center", "items": [
                        {"type": "ActionSet", "actions": [{
                            "type": "Action.Submit", "title": text("registration.edit", lang),
                            "tooltip": f"{text('registration.edit', lang)}: "
                                       f"{text(f'registration.labels.{catalog_key(name)}', lang)}",
                            "data": {"action": "registration_edit", "field": name}}]},
                    ]}]),
            ],
        })
    body = [
        {"type": "TextBlock", "text": text("registration.review_title", lang), "size": "Large", "weight": "Bolder"},
        {"type": "TextBlock", "text": text("registration.review_hint", lang), "wrap": True, "isSubtle": True}
        if saved is None else
        {"type": "TextBlock", "text": saved, "wrap": True, "weight": "Bolder", "color": "Good"},
        *rows,
    ]
    if saved is not None:
        return adaptive_card(body)
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
    ]
    if any(obligation.applies is not False for obligation in routine.obligations):
        body.append({"type": "TextBlock", "text": text("registration.obligations_heading", lang), "weight": "Bolder"})
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
        # Told although the routine does not apply: a bolag's application (organisation_duties `eu_routine`)
        key = "ks_informing" if routine.verdict.inform_ks_administration else "ks_informing_voluntary"
        body.append({"type": "TextBlock", "text": text(f"registration.{key}", lang), "wrap": True})
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
              errors: dict[str, str], typed: Mapping[str, Any] | None = None) -> Card:
    """All questions at once, for Teams; answers are read exactly as typed answers are. `errors`: what is wrong
    with a field, shown under it; `typed`: the form as it was sent with those errors, shown again as it was, so that
    nothing has to be filled in twice (a field it does not hold shows the answer stored)."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": text("registration.form.title", lang), "size": "Large", "weight": "Bolder"},
    ]
    if errors:
        body.append({"type": "TextBlock", "text": text("registration.form.errors_heading", lang),
                     "color": "Attention", "weight": "Bolder", "wrap": True})
    for field in FIELDS:
        body.extend(_form_input(field.name, field.kind, field.required, field.max_length, data, lang, programmes,
                                organisations, typed))
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
                lang: Language, programmes: list[Choice], organisations: list[Choice],
                typed: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    label = text(f"registration.labels.{catalog_key(name)}", lang)
    common: dict[str, Any] = {"id": name, "label": label, "isRequired": required and name != "programme_other"}
    if common["isRequired"]:
        common["errorMessage"] = text("registration.form.required_error", lang)
    value = _form_value(name, kind, data, lang, typed)
    if kind in ("programme", "organisation"):
        choices = programmes if kind == "programme" else organisations
        element = choice_input(name, label, choices, value, required=common["isRequired"], lang=lang)
        return [element]
    if kind == "role":
        element = {"type": "Input.ChoiceSet", "style": "expanded", **common, "choices": [
            {"title": text("registration.roles.owner", lang), "value": "owner"},
            {"title": text("registration.roles.partner", lang), "value": "partner"}]}
    elif kind == "yes_no":
        # Its question is its title, beside the toggle (a 1.2 card shows it; the card makes it wrap).
        return [{"type": "Input.Toggle", "id": name, "title": text(f"registration.questions.{name}", lang),
                 "valueOn": "true", "valueOff": "false", "value": value or "false"}]
    elif kind == "date":
        element = {"type": "Input.Date", **common}
    else:
        element = {"type": "Input.Text", **common, "isMultiline": name == "description"}
        if max_length:
            element["maxLength"] = max_length
        if kind == "money":
            element["placeholder"] = text("registration.form.placeholder_money", lang)
    if value:
        element["value"] = value
    return [element]


def _form_value(name: str, kind: str, data: ApplicationData, lang: Language,
                typed: Mapping[str, Any] | None) -> str | None:
    """What a field of the form holds: as typed, when the form came back with errors; else the answer stored, in
    the input's own format (a toggle "true"/"false", a date ISO, a choice its key)."""
    if typed is not None and name in typed:
        raw = typed[name]
        return None if raw is None or str(raw).strip() == "" else str(raw)
    value = getattr(data, name)
    if value is None:
        return None
    if kind == "yes_no":
        return "true" if value else "false"
    if isinstance(value, Money):
        return format_money(value, lang)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) or None


def choice_input(name: str, label: str, choices: list[Choice], value: str | None, *, required: bool,
                 lang: Language) -> dict[str, Any]:
    """A choice from a list (a programme, a nämnd or bolag) as a dropdown: one line, however long the list."""
    element: dict[str, Any] = {
        "type": "Input.ChoiceSet", "id": name, "style": "compact", "label": label, "isRequired": required,
        "placeholder": text("registration.choose.placeholder", lang),
        "choices": [{"title": choice.name, "value": choice.key} for choice in choices]}
    if required:
        element["errorMessage"] = text("registration.form.required_error", lang)
    if value:
        element["value"] = value
    return element


def choice_card(name: str, question: str, choices: list[Choice], value: str | None, lang: Language,
                error: str | None = None) -> Card:
    """One question answered by a choice from a list, for Teams: its dropdown and a button that answers with it,
    instead of the numbered list the chat shows. `value`: the choice preselected (the answer being changed);
    `error`: why the last answer could not be used."""
    body: list[dict[str, Any]] = []
    if error:
        body.append({"type": "TextBlock", "text": error, "color": "Attention", "wrap": True})
    # Not marked required: the question is the card's only one (an empty choice is answered with `error`).
    body.append(choice_input(name, question, choices, value, required=False, lang=lang))
    actions = [{"type": "Action.Submit", "title": text("registration.choose.submit", lang),
                "data": {"action": CHOICE_ACTION, "field": name}}]
    return adaptive_card(body, actions)
