"""The cards of "mina ansökningar": the list, one application in full, the status choice and the sent date.

Every button carries the id of the application it acts on, so a button on an older card still acts on the
application it was shown for. Buttons name what they open ("Öppna EU-2026-0007"), because the terminal chat
shows them as a numbered list without the rows around them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any


from dialogs.common.cards import Card, adaptive_card, send_text_action
from dialogs.applications.information_item_cards import download_action
from dialogs.common.formatting import format_amount, format_date, format_moment, format_money
from dialogs.applications.programmes import OTHER as OTHER_PROGRAMME, programme_name
from policy.budget import in_sek
from storage.application_data import ApplicationData, ApplicationStatus, InformationItemStatus, MalmoRole, Money
from storage.applications import application_data, application_reference
from storage.models import Application, ApplicationEvent, ApplicationEventKind
from texts import Language, text

# A card in Teams must stay under about 28 KB: longer lists and histories show the most recent part.
LIST_LIMIT = 25
HISTORY_LIMIT = 30

# The `action` of each button's data; the dialog reads these back.
OPEN_ACTION = "open_application"
LIST_ACTION = "list_applications"
CHANGE_STATUS_ACTION = "change_application_status"
SET_STATUS_ACTION = "set_application_status"
MARK_SENT_ACTION = "mark_information_item_sent"
SAVE_SENT_DATE_ACTION = "save_information_item_sent_on"
SENT_ON_INPUT = "sent_on"
ACTIONS = frozenset(
    {OPEN_ACTION, LIST_ACTION, CHANGE_STATUS_ACTION, SET_STATUS_ACTION, MARK_SENT_ACTION, SAVE_SENT_DATE_ACTION}
)


# --- values as people read them -------------------------------------------------------------------------


def status_label(status: ApplicationStatus | str, lang: Language) -> str:
    return text(f"applications.statuses.{ApplicationStatus(status).value}", lang)


def project_title(application: Application, lang: Language) -> str:
    return application.project_name or text("applications.untitled", lang)


def programme_label(data: ApplicationData, lang: Language) -> str:
    if data.programme is None:
        return text("applications.values.not_given", lang)
    if data.programme == OTHER_PROGRAMME:
        return text("applications.values.other_programme", lang, name=data.programme_other or "–")
    try:
        return programme_name(data.programme, lang)
    except KeyError:  # a programme since taken out of the data: its key is better than nothing
        return data.programme


def money_label(money: Money | None, eur_sek_rate: float | None, lang: Language) -> str:
    """An amount as registered; one in euro also in kronor, at the rate stored with the application."""
    if money is None:
        return text("applications.values.not_given", lang)
    shown = format_money(money, lang)
    if money.currency != "EUR" or not eur_sek_rate:
        return shown
    sek = Money.of(in_sek(money.amount, money.currency, eur_sek_rate).quantize(Decimal(1)), "SEK")
    return text("applications.values.converted", lang, amount=shown, sek=format_money(sek, lang),
                rate=format_amount(Decimal(str(eur_sek_rate)).quantize(Decimal("0.01")), lang))


def information_item_label(application: Application, lang: Language) -> str | None:
    """"att göra" or "skickat den 20 mars 2027"; None when the application needs no informationsärende."""
    item = application.information_item
    if item is None:
        return None
    if item.status == InformationItemStatus.SENT and item.sent_on is not None:
        return text("applications.information_item.sent", lang, date=format_date(item.sent_on, lang))
    return text("applications.information_item.todo", lang)


def information_item_open(application: Application) -> bool:
    item = application.information_item
    return item is not None and item.status != InformationItemStatus.SENT


def _ks_administration_label(application: Application, lang: Language) -> str:
    if application.ks_administration_informed_at is not None:
        return text("applications.ks_administration.informed", lang,
                    when=format_moment(application.ks_administration_informed_at, lang))
    if application.malmo_role == MalmoRole.PARTNER:
        return text("applications.ks_administration.not_required", lang)
    return text("applications.ks_administration.not_informed", lang)


def _date_label(value: date | None, lang: Language) -> str:
    return format_date(value, lang) if value is not None else text("applications.values.not_given", lang)


def _yes_no_label(value: bool | None, lang: Language) -> str:
    if value is None:
        return text("applications.values.not_given", lang)
    return text("applications.values.yes" if value else "applications.values.no", lang)


def _period_label(start: date | None, end: date | None, lang: Language) -> str:
    if start and end:
        return text("applications.values.period", lang, start=format_date(start, lang), end=format_date(end, lang))
    if start:
        return text("applications.values.period_from", lang, start=format_date(start, lang))
    if end:
        return text("applications.values.period_until", lang, end=format_date(end, lang))
    return text("applications.values.not_given", lang)


def _capitalised(value: str) -> str:
    return value[:1].upper() + value[1:]


def _label(name: str, lang: Language) -> str:
    return text(f"applications.labels.{name}", lang)


def _facts(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in pairs]}


def _open_button(application: Application, lang: Language) -> dict[str, Any]:
    title = text("applications.open", lang, reference=application_reference(application))
    return {"type": "Action.Submit", "title": title, "data": {"action": OPEN_ACTION, "application_id": application.id}}


# --- the list --------------------------------------------------------------------------------------------


def list_card(applications: list[Application], lang: Language, *, all_organisations: bool,
              organisation_name: str | None, own_only: bool = False, total: int | None = None) -> Card:
    """One row per application (newest first): reference and project, programme, status, budget, item.

    `applications`: the newest ones (a first page of the list, at most LIST_LIMIT are shown); `total`: how many
    the whole list has (default: as many as given), said under the rows when more than are shown.
    `own_only`: the user belongs to no organisation yet and sees the applications they registered."""
    title = "applications.list_title_all" if all_organisations and not own_only else "applications.list_title"
    if own_only:
        intro = text("applications.list_intro_own", lang)
    elif all_organisations:
        intro = text("applications.list_intro_all", lang)
    else:
        intro = text("applications.list_intro", lang, organisation=organisation_name or "")
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": text(title, lang), "size": "Large", "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": intro, "wrap": True, "isSubtle": True},
    ]
    for application in applications[:LIST_LIMIT]:
        data = application_data(application)
        facts = []
        if all_organisations:
            facts.append((_label("organisation", lang), application.organisation.name))
        facts += [
            (_label("programme", lang), programme_label(data, lang)),
            (_label("status", lang), _capitalised(status_label(application.status, lang))),
            (_label("total_budget", lang), money_label(data.total_budget, application.eur_sek_rate, lang)),
        ]
        item = information_item_label(application, lang)
        if item is not None:
            facts.append((_label("information_item", lang), item))
        body.append({
            "type": "Container", "separator": True, "spacing": "Medium", "items": [
                {"type": "TextBlock", "weight": "Bolder", "wrap": True,
                 "text": f"{application_reference(application)} · {project_title(application, lang)}"},
                _facts(facts),
                {"type": "ActionSet", "actions": [_open_button(application, lang)]},
            ],
        })
    shown = min(len(applications), LIST_LIMIT)
    total = len(applications) if total is None else total
    if total > shown:
        body.append({"type": "TextBlock", "wrap": True, "isSubtle": True,
                     "text": text("applications.list_more", lang, shown=shown, total=total)})
    body.append({"type": "TextBlock", "text": text("applications.list_hint", lang), "wrap": True, "isSubtle": True,
                 "spacing": "Medium"})
    return adaptive_card(body)


# --- one application -------------------------------------------------------------------------------------


def detail_card(application: Application, events: list[ApplicationEvent], lang: Language,
                registered_by: str | None, information_item_link: str | None = None) -> Card:
    """Every answer, the obligations of 4.1 and how far they have come, the history, and what can be done;
    with `information_item_link`, the button that downloads the informationsärende (when there is one)."""
    data = application_data(application)
    reference = application_reference(application)
    not_given = text("applications.values.not_given", lang)
    role = (text(f"applications.values.roles.{data.malmo_role.value}", lang) if data.malmo_role is not None
            else not_given)
    registered = text("applications.detail.registered", lang, when=format_moment(application.created_at, lang),
                      who=registered_by or text("applications.events.unknown_user", lang))
    facts = [
        (_label("organisation", lang), application.organisation.name),
        (_label("programme", lang), programme_label(data, lang)),
        (_label("call_identifier", lang), data.call_identifier or not_given),
        (_label("malmo_role", lang), role),
        (_label("total_budget", lang), money_label(data.total_budget, application.eur_sek_rate, lang)),
        (_label("malmo_share", lang), money_label(data.malmo_share, application.eur_sek_rate, lang)),
        *_granted_fact(application, lang),
        (_label("planned_submission_date", lang), _date_label(data.planned_submission_date, lang)),
        (_label("call_deadline", lang), _date_label(data.call_deadline, lang)),
        (_label("expected_decision_date", lang), _date_label(data.expected_decision_date, lang)),
        (_label("project_period", lang), _period_label(data.project_start, data.project_end, lang)),
        (_label("contact_name", lang), data.contact_name or not_given),
        (_label("aligned_with_policy", lang), _yes_no_label(data.aligned_with_policy, lang)),
        (_label("decision_anchored", lang), _yes_no_label(data.decision_anchored, lang)),
        (_label("decision_reference", lang), data.decision_reference or not_given),
        (_label("registered", lang), registered),
    ]
    obligations = [(_label("ks_administration", lang), _capitalised(_ks_administration_label(application, lang))),
                   (_label("information_item", lang),
                    _capitalised(information_item_label(application, lang)
                                 or text("applications.information_item.not_required", lang)))]
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": f"{reference} · {project_title(application, lang)}", "size": "Large",
         "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "wrap": True, "isSubtle": True, "spacing": "None",
         "text": text("applications.detail.subtitle", lang, organisation=application.organisation.name,
                      status=status_label(application.status, lang))},
    ]
    if data.description:
        body.append({"type": "TextBlock", "text": data.description, "wrap": True})
    body += [
        _facts(facts),
        {"type": "TextBlock", "text": text("applications.detail.obligations_heading", lang), "weight": "Bolder",
         "wrap": True, "spacing": "Medium"},
        _facts(obligations),
        {"type": "TextBlock", "text": text("applications.detail.history_heading", lang), "weight": "Bolder",
         "wrap": True, "spacing": "Medium"},
        *_history(events, lang),
    ]
    actions = [{"type": "Action.Submit", "title": text("applications.actions.change_status", lang),
                "data": {"action": CHANGE_STATUS_ACTION, "application_id": application.id}}]
    if information_item_link is not None and application.information_item is not None:
        actions.append(download_action(information_item_link, lang))
    if information_item_open(application):
        actions.append({"type": "Action.Submit", "title": text("applications.actions.mark_sent", lang),
                        "data": {"action": MARK_SENT_ACTION, "application_id": application.id}})
    actions.append({"type": "Action.Submit", "title": text("applications.actions.back_to_list", lang),
                    "data": {"action": LIST_ACTION}})
    return adaptive_card(body, actions)


# Statuses after a grant: the granted amount belongs on their card.
_FUNDED = frozenset({ApplicationStatus.GRANTED, ApplicationStatus.ONGOING, ApplicationStatus.CLOSED})


def _granted_fact(application: Application, lang: Language) -> list[tuple[str, str]]:
    """The granted amount, for a funded application ("inte angivet" until someone gives it)."""
    if application.status not in _FUNDED:
        return []
    granted = None
    if application.granted_amount_minor is not None and application.granted_amount_currency is not None:
        granted = Money(amount_minor=application.granted_amount_minor, currency=application.granted_amount_currency)
    return [(_label("granted_amount", lang), money_label(granted, application.eur_sek_rate, lang))]


def _history(events: list[ApplicationEvent], lang: Language) -> list[dict[str, Any]]:
    if not events:
        return [{"type": "TextBlock", "text": text("applications.detail.no_history", lang), "wrap": True,
                 "isSubtle": True}]
    shown = events[-HISTORY_LIMIT:]
    blocks = [{"type": "TextBlock", "wrap": True, "spacing": "Small", "size": "Small",
               "text": text("applications.events.line", lang, when=format_moment(event.at, lang),
                            who=_actor_name(event, lang), what=describe_event(event, lang))}
              for event in shown]
    if len(events) > len(shown):
        blocks.insert(0, {"type": "TextBlock", "wrap": True, "isSubtle": True, "size": "Small",
                          "text": text("applications.detail.history_more", lang, shown=len(shown), total=len(events))})
    return blocks


_LOTSEN_EVENTS = frozenset({ApplicationEventKind.KS_ADMINISTRATION_INFORMED,
                            ApplicationEventKind.KS_ADMINISTRATION_NOT_REACHED})


def _actor_name(event: ApplicationEvent, lang: Language) -> str:
    """Who did it: the user; Lotsen for what it does itself; a user since removed is not guessed at."""
    if event.actor is not None:
        return event.actor.name or event.actor.teams_user_id
    if event.kind in _LOTSEN_EVENTS:
        return text("applications.events.lotsen", lang)
    return text("applications.events.unknown_user", lang)


def describe_event(event: ApplicationEvent, lang: Language) -> str:
    """What happened, in words: "ändrade status från utkast till inskickad"."""
    details = event.details or {}
    kind = ApplicationEventKind(event.kind)
    if kind == ApplicationEventKind.STATUS_CHANGED:
        return _describe_status_change(details, lang)
    if kind == ApplicationEventKind.INFORMATION_ITEM_SENT:
        sent_on = format_date(date.fromisoformat(details["sent_on"]), lang)
        previous = details.get("previously_sent_on")
        if previous:
            return text("applications.events.information_item_sent_again", lang,
                        previous=format_date(date.fromisoformat(previous), lang), date=sent_on)
        return text("applications.events.information_item_sent", lang, date=sent_on)
    if kind == ApplicationEventKind.KS_ADMINISTRATION_NOT_REACHED:
        return text("applications.events.ks_administration_not_reached", lang, reason=details.get("reason", ""))
    return text(f"applications.events.{kind.value}", lang)


def _describe_status_change(details: dict[str, Any], lang: Language) -> str:
    """The status change, with the granted amount it set or cleared; an amount alone when the status stayed."""
    granted = _event_money(details.get("granted_amount"))
    cleared = _event_money(details.get("granted_amount_cleared"))
    if granted is not None and details["from"] == details["to"]:
        return text("applications.events.granted_amount_set", lang, amount=format_money(granted, lang))
    change = text("applications.events.status_changed", lang, from_status=status_label(details["from"], lang),
                  to_status=status_label(details["to"], lang))
    if granted is not None:
        return text("applications.events.with_granted_amount", lang, change=change,
                    amount=format_money(granted, lang))
    if cleared is not None:
        return text("applications.events.granted_amount_cleared", lang, change=change,
                    amount=format_money(cleared, lang))
    return change


def _event_money(value: object) -> Money | None:
    """An amount as storage writes it into event details ("420000000 SEK"); None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    minor, _, currency = value.partition(" ")
    if not minor.isdigit() or currency not in ("SEK", "EUR"):
        return None
    return Money.model_validate({"amount_minor": int(minor), "currency": currency})


# --- the two questions -----------------------------------------------------------------------------------


def status_card(application: Application, lang: Language) -> Card:
    """The new status, one button each (the current one left out), and a way back."""
    reference = application_reference(application)
    body = [{"type": "TextBlock", "wrap": True,
             "text": text("applications.status_question", lang, reference=reference,
                          status=status_label(application.status, lang))}]
    actions = [
        {"type": "Action.Submit", "title": _capitalised(status_label(status, lang)),
         "data": {"action": SET_STATUS_ACTION, "application_id": application.id, "status": status.value}}
        for status in ApplicationStatus if status != application.status
    ]
    actions.append({"type": "Action.Submit", "title": text("applications.actions.back", lang),
                    "data": {"action": OPEN_ACTION, "application_id": application.id}})
    return adaptive_card(body, actions)


def sent_date_card(application: Application, lang: Language, today: date) -> Card:
    """The date the informationsärende was sent: a date picker in Teams, typed in the terminal."""
    reference = application_reference(application)
    body = [
        {"type": "TextBlock", "wrap": True, "text": text("applications.date_question", lang, reference=reference)},
        {"type": "TextBlock", "wrap": True, "isSubtle": True, "text": text("applications.date_hint", lang)},
        {"type": "Input.Date", "id": SENT_ON_INPUT, "label": text("applications.date_label", lang),
         "value": today.isoformat(), "max": today.isoformat()},
    ]
    actions = [
        {"type": "Action.Submit", "title": text("applications.actions.save_date", lang),
         "data": {"action": SAVE_SENT_DATE_ACTION, "application_id": application.id}},
        send_text_action(text("applications.actions.today", lang), text("applications.actions.today_message", lang)),
        {"type": "Action.Submit", "title": text("applications.actions.back", lang), "associatedInputs": "none",
         "data": {"action": OPEN_ACTION, "application_id": application.id}},
    ]
    return adaptive_card(body, actions)
