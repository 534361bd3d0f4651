"""The annual report's cards: one part with its items, the review, what is missing before submitting, the focus
area choice (Teams), the receipt, and the summary posted to kommunstyrelsens förvaltning.

Every button names what it does ("Ändra: Gröna tak i Malmö"), because the terminal chat shows buttons as a
numbered list without the rows around them, and carries the report's organisation and year, so a button on an
older card acts on the report it was shown for. A title that holds an item's title is cut to what Teams shows
(`button_title`); a part is named on its buttons by its short name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


from dialogs.common.cards import Card, adaptive_card, button_title
from dialogs.applications.application_cards import money_label, programme_label, status_label
from dialogs.common.formatting import format_moment
from storage.applications import application_data
from storage.organisations import must_appoint_contact, must_report
from storage.models import (
    AnnualReport,
    AnnualReportItem,
    AnnualReportItemKind,
    AnnualReportStatus,
    Application,
    FocusArea,
    OrganisationKind,
)
from texts import Language, text

PARTS: tuple[AnnualReportItemKind, ...] = tuple(AnnualReportItemKind)  # policy section 1's order
# The numbers of the two questions after the parts, in the review ("ändra 7").
PLAN_NUMBER = len(PARTS) + 1
CONTACT_NUMBER = len(PARTS) + 2
# Long texts are cut in the review and the part cards: a card in Teams must stay under about 28 KB.
SHOWN_TEXT_LENGTH = 300
KS_TITLES_SHOWN = 5

# The `action` of each button's data; the dialog reads these back. KS förvaltning's two buttons on the summary
# ("annual_report_return", "annual_report_approve") are answered by another command, not by the dialog.
ADD_ACTION = "annual_report_add"
EDIT_ITEM_ACTION = "annual_report_edit_item"
REMOVE_ITEM_ACTION = "annual_report_remove_item"
NEXT_ACTION = "annual_report_next"
EDIT_PART_ACTION = "annual_report_edit_part"
EDIT_PLAN_ACTION = "annual_report_edit_plan"
EDIT_CONTACT_ACTION = "annual_report_edit_contact"
FIX_ITEM_ACTION = "annual_report_fix_item"
FOCUS_ACTION = "annual_report_focus"
SUBMIT_ACTION = "annual_report_submit"
CLOSE_ACTION = "annual_report_close"
ACTIONS = frozenset({ADD_ACTION, EDIT_ITEM_ACTION, REMOVE_ITEM_ACTION, NEXT_ACTION, EDIT_PART_ACTION,
                     EDIT_PLAN_ACTION, EDIT_CONTACT_ACTION, FIX_ITEM_ACTION, FOCUS_ACTION, SUBMIT_ACTION,
                     CLOSE_ACTION})
KS_RETURN_ACTION = "annual_report_return"
KS_APPROVE_ACTION = "annual_report_approve"
KS_COMMENT_INPUT = "comment"
FOCUS_INPUT = "focus_areas"


@dataclass(frozen=True)
class Missing:
    """One thing a report lacks before it can be submitted: an item's focus areas, the plan answer, a contact."""

    what: str  # "item_focus", "plan" or "contact"
    item: AnnualReportItem | None = None


# --- values as people read them -------------------------------------------------------------------------


def part_name(kind: AnnualReportItemKind | str, lang: Language, *, short: bool = False) -> str:
    """"Internationella organisationer och nätverk", or on a button, `short`: "Organisationer och nätverk"."""
    return text(f"annual_report.parts.{AnnualReportItemKind(kind).value}.{'short' if short else 'name'}", lang)


def focus_label(areas: list[str], lang: Language) -> str:
    return ", ".join(text(f"annual_report.focus_areas.{FocusArea(area).value}", lang) for area in areas)


def kind_key(report: AnnualReport) -> str:
    """"namnd" or "bolag": the catalog's texts about the contact person differ (3.3 and 3.4)."""
    return OrganisationKind(report.organisation.kind).value


def contact_role(report: AnnualReport, lang: Language, *, lower: bool = False) -> str:
    """"Kontaktperson för internationella frågor (3.3)" for a nämnd, "Representant … (3.4)" for a bolag."""
    key = "contact_roles_lower" if lower else "contact_roles"
    return text(f"annual_report.{key}.{kind_key(report)}", lang)


def quoted(value: str, lang: Language) -> str:
    """A title or comment in the language's quotation marks (”…” in Swedish, “…” in English)."""
    return text("annual_report.quoted", lang, value=value)


def _contact_shown(report: AnnualReport, lang: Language) -> tuple[str, bool]:
    """The contact person or representative as the review shows it, and whether it is missing (a bolag may
    have no representative, 3.4: that is no gap)."""
    if report.contact_name:
        return report.contact_name, False
    if not must_appoint_contact(report.organisation.kind):
        return text("annual_report.review.no_representative", lang), False
    return text("annual_report.review.not_answered", lang), True


def items_of(report: AnnualReport, kind: AnnualReportItemKind | str) -> list[AnnualReportItem]:
    wanted = AnnualReportItemKind(kind)
    return [item for item in report.items if item.kind == wanted]


def needs_confirmation(item: AnnualReportItem) -> bool:
    """An EU project prefilled from an application, whose description, focus and results nobody confirmed."""
    return item.application_id is not None and not item.focus_areas


def report_status_label(status: AnnualReportStatus | str, lang: Language) -> str:
    return text(f"annual_report.statuses.{AnnualReportStatus(status).value}", lang)


def _shortened(value: str, length: int = SHOWN_TEXT_LENGTH) -> str:
    return value if len(value) <= length else value[: length - 1].rstrip() + "…"


def action_data(action: str, report: AnnualReport, **extra: Any) -> dict[str, Any]:
    return {"action": action, "organisation_id": report.organisation_id, "year": report.year, **extra}


def _submit(title: str, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": title, "data": data, **extra}


def _text_block(value: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True, **extra}


# --- one part ---------------------------------------------------------------------------------------------


def part_card(report: AnnualReport, kind: AnnualReportItemKind, lang: Language,
              applications: dict[int, Application], *, walk: bool) -> Card:
    """The part's items with "Ändra" and "Ta bort" each; "Lägg till" and "Nästa" (or back to the review)."""
    number = PARTS.index(kind) + 1
    title = (text("annual_report.part_title", lang, number=number, total=len(PARTS), name=part_name(kind, lang))
             if walk else part_name(kind, lang))
    body: list[dict[str, Any]] = [
        _text_block(title, size="Large", weight="Bolder"),
        _text_block(text(f"annual_report.parts.{kind.value}.hint", lang, year=report.year), isSubtle=True),
    ]
    items = items_of(report, kind)
    if not items:
        body.append(_text_block(text("annual_report.part_empty", lang)))
    for position, item in enumerate(items, start=1):
        body.extend(_item_blocks(item, position, lang, applications.get(item.application_id or 0)))
        body.append({"type": "ActionSet", "actions": [
            _submit(button_title(text("annual_report.buttons.edit_item", lang, title=item.title)),
                    action_data(EDIT_ITEM_ACTION, report, item_id=item.id)),
            _submit(button_title(text("annual_report.buttons.remove_item", lang, title=item.title)),
                    action_data(REMOVE_ITEM_ACTION, report, item_id=item.id)),
        ]})
    body.append(_text_block(text("annual_report.part_hint_walk" if walk else "annual_report.part_hint_review", lang),
                            isSubtle=True, size="Small"))
    add = "annual_report.buttons.add_another" if items else "annual_report.buttons.add"
    if not walk:
        onwards = "annual_report.buttons.done"
    else:
        onwards = "annual_report.buttons.next" if items else "annual_report.buttons.nothing_here"
    actions = [
        _submit(text(add, lang), action_data(ADD_ACTION, report, part=kind.value)),
        _submit(text(onwards, lang), action_data(NEXT_ACTION, report, part=kind.value)),
    ]
    return adaptive_card(body, actions)


def _item_blocks(item: AnnualReportItem, position: int, lang: Language,
                 application: Application | None) -> list[dict[str, Any]]:
    blocks = [_text_block(f"{position}. {item.title}", weight="Bolder", spacing="Medium")]
    if application is not None:
        data = application_data(application)
        role = (text(f"applications.values.roles.{data.malmo_role.value}", lang) if data.malmo_role
                else text("applications.values.not_given", lang))
        blocks.append(_text_block(text(
            "annual_report.item_application", lang, programme=programme_label(data, lang), role=role,
            budget=money_label(data.total_budget, application.eur_sek_rate, lang),
            status=status_label(application.status, lang)), size="Small", spacing="None"))
    if item.description:
        blocks.append(_text_block(_shortened(item.description), spacing="None"))
    if needs_confirmation(item):
        blocks.append(_text_block(text("annual_report.item_to_confirm", lang), color="Attention", spacing="None"))
    elif item.focus_areas:
        blocks.append(_text_block(text("annual_report.item_focus", lang, areas=focus_label(item.focus_areas, lang)),
                                  spacing="None"))
    else:
        blocks.append(_text_block(text("annual_report.item_focus_missing", lang), color="Attention", spacing="None"))
    if item.results:
        blocks.append(_text_block(text("annual_report.item_results", lang, results=_shortened(item.results)),
                                  spacing="None"))
    return blocks


# --- the review -------------------------------------------------------------------------------------------


def review_card(report: AnnualReport, lang: Language, *, last_change: tuple[str | None, datetime] | None,
                returned_when: datetime | None = None, lock_note: str | None = None) -> Card:
    """Everything in the report. Editable (an "Ändra" per part, "Skicka in", "Spara och stäng") unless
    `lock_note` is given, which says why it is read-only. A returned report shows KS förvaltning's comment."""
    editable = lock_note is None
    body: list[dict[str, Any]] = [
        _text_block(text("annual_report.review.title", lang), size="Large", weight="Bolder"),
        _text_block(text("annual_report.review.subtitle", lang, organisation=report.organisation.name,
                         year=report.year, status=report_status_label(report.status, lang)), isSubtle=True,
                    spacing="None"),
    ]
    if lock_note is not None:
        body.append(_text_block(lock_note, color="Attention", weight="Bolder"))
    if report.status == AnnualReportStatus.RETURNED and report.returned_comment:
        when = format_moment(returned_when or report.returned_at, lang) if (returned_when or report.returned_at) else ""
        body.append({"type": "Container", "style": "attention", "items": [
            _text_block(text("annual_report.review.returned", lang, when=when), weight="Bolder"),
            _text_block(quoted(report.returned_comment, lang)),
        ]})
    if last_change is not None:
        who, when = last_change
        body.append(_text_block(text("annual_report.review.last_change", lang,
                                     who=who or text("annual_report.review.someone", lang),
                                     when=format_moment(when, lang)), isSubtle=True, size="Small"))
    for number, kind in enumerate(PARTS, start=1):
        body.append(_text_block(text("annual_report.review.part_heading", lang, number=number,
                                     name=part_name(kind, lang)), weight="Bolder", spacing="Large"))
        items = items_of(report, kind)
        if not items:
            body.append(_text_block(text("annual_report.review.nothing", lang), isSubtle=True, spacing="None"))
        for item in items:
            body.extend(_review_item(item, lang))
        if editable:
            body.append({"type": "ActionSet", "actions": [_submit(
                text("annual_report.buttons.edit_part", lang, name=part_name(kind, lang, short=True)),
                action_data(EDIT_PART_ACTION, report, part=kind.value))]})
    plan = (text("annual_report.review.not_answered", lang) if report.in_verksamhetsplan is None
            else text("annual_report.review.yes" if report.in_verksamhetsplan else "annual_report.review.no", lang))
    body.append(_text_block(text("annual_report.review.plan_heading", lang, number=PLAN_NUMBER), weight="Bolder",
                            spacing="Large"))
    body.append(_text_block(plan, spacing="None", **({} if report.in_verksamhetsplan is not None
                                                     else {"color": "Attention"})))
    if editable:
        body.append({"type": "ActionSet", "actions": [_submit(
            text("annual_report.buttons.edit_plan", lang), action_data(EDIT_PLAN_ACTION, report))]})
    body.append(_text_block(text("annual_report.review.contact_heading", lang, number=CONTACT_NUMBER,
                                 role=contact_role(report, lang)), weight="Bolder", spacing="Large"))
    contact, contact_missing = _contact_shown(report, lang)
    body.append(_text_block(contact, spacing="None", **({"color": "Attention"} if contact_missing else {})))
    if not editable:
        return adaptive_card(body)
    body.append({"type": "ActionSet", "actions": [_submit(
        text(f"annual_report.buttons.edit_contact.{kind_key(report)}", lang),
        action_data(EDIT_CONTACT_ACTION, report))]})
    actions = [
        _submit(text("annual_report.buttons.submit", lang),
                action_data(SUBMIT_ACTION, report, round=review_round(report)), style="positive"),
        _submit(text("annual_report.buttons.close", lang), action_data(CLOSE_ACTION, report)),
    ]
    return adaptive_card(body, actions)


def _review_item(item: AnnualReportItem, lang: Language) -> list[dict[str, Any]]:
    if item.focus_areas:
        heading = f"• {item.title} – {focus_label(item.focus_areas, lang)}"
        blocks = [_text_block(heading, spacing="Small")]
    else:
        blocks = [_text_block(f"• {item.title}", spacing="Small"),
                  _text_block(text("annual_report.item_focus_missing", lang), color="Attention", spacing="None",
                              size="Small")]
    if item.description:
        blocks.append(_text_block(_shortened(item.description), isSubtle=True, spacing="None", size="Small"))
    if item.results:
        blocks.append(_text_block(text("annual_report.item_results", lang, results=_shortened(item.results)),
                                  spacing="None", size="Small"))
    return blocks


def missing_card(report: AnnualReport, missing: list[Missing], lang: Language) -> Card:
    """What must be completed before "Skicka in", each with a button under it that asks for it (however many
    items lack their focus areas: a row of buttons holds six at most)."""
    body: list[dict[str, Any]] = [_text_block(text("annual_report.missing.title", lang), size="Medium",
                                              weight="Bolder", color="Attention")]
    for gap in missing:
        if gap.what == "item_focus" and gap.item is not None:
            line = text("annual_report.missing.item_focus", lang, title=gap.item.title,
                        part=part_name(gap.item.kind, lang))
            button = _submit(button_title(text("annual_report.buttons.fix_item", lang, title=gap.item.title)),
                             action_data(FIX_ITEM_ACTION, report, item_id=gap.item.id))
        elif gap.what == "plan":
            line = text("annual_report.missing.plan", lang)
            button = _submit(text("annual_report.buttons.fix_plan", lang), action_data(EDIT_PLAN_ACTION, report))
        else:
            line = text("annual_report.missing.contact", lang, role=contact_role(report, lang))
            button = _submit(text(f"annual_report.buttons.fix_contact.{kind_key(report)}", lang),
                             action_data(EDIT_CONTACT_ACTION, report))
        body.append(_text_block("• " + line, spacing="Small"))
        body.append({"type": "ActionSet", "spacing": "Small", "actions": [button]})
    return adaptive_card(body)


def focus_card(report: AnnualReport, item: AnnualReportItem, lang: Language, question: str, *,
               error: bool = False) -> Card:
    """The focus areas as toggles (Teams): several may be chosen; what is chosen now is preselected. `error`: the
    `question` says why the last answer could not be used, and is shown as a problem."""
    choice_set = {
        "type": "Input.ChoiceSet", "id": FOCUS_INPUT, "isMultiSelect": True, "style": "expanded",
        "label": text("annual_report.focus_card_label", lang), "isRequired": True,
        "errorMessage": text("annual_report.focus_card_error", lang),
        "choices": [{"title": text(f"annual_report.focus_areas.{area.value}", lang), "value": area.value}
                    for area in FocusArea],
    }
    if item.focus_areas:
        choice_set["value"] = ",".join(item.focus_areas)
    body = [
        _text_block(text("annual_report.focus_card_title", lang, title=item.title), weight="Bolder"),
        _text_block(question, color="Attention") if error else _text_block(question, isSubtle=True),
        choice_set,
    ]
    actions = [_submit(text("annual_report.buttons.focus_save", lang),
                       action_data(FOCUS_ACTION, report, item_id=item.id))]
    return adaptive_card(body, actions)


def submitted_card(report: AnnualReport, lang: Language, not_reached_reason: str | None) -> Card:
    """The receipt: submitted, whether KS förvaltning was reached (or why not), and that it is locked now."""
    body = [_text_block(text("annual_report.submitted_title", lang, organisation=report.organisation.name,
                             year=report.year), size="Large", weight="Bolder")]
    if not_reached_reason is None:
        body.append(_text_block(text("annual_report.ks_informing", lang)))
    else:
        reason = text(f"registration.ks_reasons.{not_reached_reason}", lang)
        body.append(_text_block(text("annual_report.ks_not_reached", lang, reason=reason), color="Attention"))
    body.append(_text_block(text("annual_report.submitted_locked", lang), isSubtle=True))
    return adaptive_card(body)


# --- for kommunstyrelsens förvaltning ---------------------------------------------------------------------


def review_round(report: AnnualReport) -> str:
    """Which round of writing a review card was made in: a report returned by KS förvaltning starts a new one,
    so "Skicka in" on a card from before the return does not submit the report unchanged."""
    return report.returned_at.isoformat() if report.returned_at else ""


def submission_mark(report: AnnualReport) -> str | None:
    """Which submission of a report a card is about: its time of submission (kept to the microsecond by SQLite
    and PostgreSQL alike)."""
    return report.submitted_at.isoformat() if report.submitted_at else None


def ks_summary_card(report: AnnualReport, *, submitted_by: str | None, decision: str | None = None) -> Card:
    """The summary posted to KS förvaltning when a report is submitted, always in Swedish (they read it).

    `report` must have its organisation and items loaded (as every storage.annual_reports function returns it);
    `submitted_by` is the name of whoever submitted it. The comment field and the two buttons are answered by
    KS förvaltning's own command: "Returnera för komplettering" and "Godkänn" carry the report's id and which
    submission the card is about (`submitted_at`), so a press on the card of an earlier submission changes nothing.
    With a `decision` ("Godkänd av … 5 dec 2026 kl. 08.32") the card is the read-only one that replaces it once
    decided: the decision in place of the comment field and the buttons.
    """
    lang: Language = "sv"
    plan = ("–" if report.in_verksamhetsplan is None
            else text("annual_report.review.yes" if report.in_verksamhetsplan else "annual_report.review.no", lang))
    facts = [
        (text("annual_report.ks_card.organisation", lang), report.organisation.name),
        (text("annual_report.ks_card.year", lang), str(report.year)),
        (text("annual_report.ks_card.plan", lang), plan),
        (text(f"annual_report.ks_card.contact.{kind_key(report)}", lang), report.contact_name or "–"),
        (text("annual_report.ks_card.submitted_by", lang), submitted_by or "–"),
        (text("annual_report.ks_card.submitted_at", lang),
         format_moment(report.submitted_at, lang) if report.submitted_at else "–"),
    ]
    counts = []
    for kind in PARTS:
        items = items_of(report, kind)
        titles = "; ".join(item.title for item in items[:KS_TITLES_SHOWN]) + ("; …" if len(items) > KS_TITLES_SHOWN
                                                                               else "")
        counts.append((part_name(kind, lang), f"{len(items)}" + (f" ({titles})" if items else "")))
    counts.append((text("annual_report.ks_card.total", lang), str(len(report.items))))
    body: list[dict[str, Any]] = [
        _text_block(text("annual_report.ks_card.title", lang, year=report.year, organisation=report.organisation.name),
                    size="Large", weight="Bolder"),
        # A bolag's report is voluntary (3.4), and KS förvaltning is told so.
        _text_block(text("annual_report.ks_card.intro" if must_report(report.organisation.kind)
                         else "annual_report.ks_card.intro_voluntary", lang, year=report.year,
                         organisation=report.organisation.name)),
    ]
    if report.returned_comment:
        body.append(_text_block(text("annual_report.ks_card.resubmitted", lang, comment=report.returned_comment),
                                isSubtle=True))
    if decision is not None:
        body.append(_text_block(decision, weight="Bolder", color="Good" if report.status is AnnualReportStatus.APPROVED
                                else "Attention"))
    body += [
        {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in facts]},
        _text_block(text("annual_report.ks_card.items_heading", lang), weight="Bolder"),
        {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in counts]},
    ]
    if decision is not None:
        return adaptive_card(body)
    body += [
        {"type": "Input.Text", "id": KS_COMMENT_INPUT, "isMultiline": True,
         "label": text("annual_report.ks_card.comment_label", lang),
         "placeholder": text("annual_report.ks_card.comment_placeholder", lang)},
    ]
    submission = {"report_id": report.id}
    if (mark := submission_mark(report)) is not None:
        submission["submitted_at"] = mark
    actions = [
        _submit(text("annual_report.ks_card.return", lang), {"action": KS_RETURN_ACTION, **submission}),
        _submit(text("annual_report.ks_card.approve", lang), {"action": KS_APPROVE_ACTION, **submission},
                style="positive"),
    ]
    return adaptive_card(body, actions)
