"""The cards of the contact-person, user and history commands, and how their values are named in a sentence.

Times are stored in UTC and shown as Malmö reads them (Europe/Stockholm). Lists are cut to what a Teams card
holds (about 28 KB) and say how many more there are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


from dialogs.common.cards import Card, adaptive_card
from dialogs.common.formatting import format_moment
from dialogs.common.formatting import format_date, format_money
from policy.dates import MALMO_TIME
from storage.application_data import Money
from storage.history import HistoryEntry
from storage.models import Organisation, Role, User
from texts import Language, text

USERS_LIMIT = 100
COMMENT_LIMIT = 200  # characters of a returned report's comment shown in the history


@dataclass(frozen=True)
class OverviewEntry:
    """One line of the contact persons' overview: an organisation and who its contact person is."""

    line: str


def local_date_label(moment: datetime, lang: Language) -> str:
    """A stored UTC time's date in Malmö: "3 mars 2027"."""
    return format_date(moment.astimezone(MALMO_TIME).date(), lang)


def role_label(role: Role | str | None, lang: Language) -> str:
    if role is None:
        return text("event_history.nothing", lang)
    return text(f"user_admin.roles.{Role(role).value}", lang)


def organisation_label(name: str | None, lang: Language) -> str:
    return name if name is not None else text("user_admin.no_organisation", lang)


def _heading(value: str, size: str = "Medium") -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "weight": "Bolder", "size": size, "wrap": True, "spacing": "Medium"}


def _line(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True, "spacing": "Small", **style}


# --- contact persons --------------------------------------------------------------------------------------


def contacts_overview_card(missing: Sequence[Organisation], present: Sequence[OverviewEntry], lang: Language,
                           optional: Sequence[Organisation] = ()) -> Card:
    """Every active organisation: first those that must appoint a contact person and have none (nämnder, 3.3);
    then, as no gap, those that may appoint a representative and have not (bolag, 3.4); then the rest."""
    body = [
        _heading(text("contacts.overview.title", lang), "Large"),
        _line(text("contacts.overview.intro", lang), isSubtle=True),
        _heading(text("contacts.overview.missing_heading", lang, count=len(missing))),
    ]
    if missing:
        body += [_line(text("contacts.overview.missing_entry", lang, organisation=organisation.name))
                 for organisation in missing]
    else:
        body.append(_line(text("contacts.overview.none_missing", lang)))
    if optional:
        body.append(_heading(text("contacts.overview.optional_heading", lang, count=len(optional))))
        body.append(_line(", ".join(organisation.name for organisation in optional)))
    body.append(_heading(text("contacts.overview.present_heading", lang, count=len(present))))
    body += [_line(entry.line) for entry in present]
    return adaptive_card(body)


# --- users ------------------------------------------------------------------------------------------------


def user_line(user: User, organisation_names: Mapping[int, str], lang: Language) -> str:
    organisation = organisation_names.get(user.organisation_id) if user.organisation_id is not None else None
    return text("user_admin.list.entry", lang, name=user.name, role=role_label(user.role, lang),
                organisation=organisation_label(organisation, lang))


def users_card(users: Sequence[User], organisation_names: Mapping[int, str], lang: Language) -> Card:
    """Every user (name, role, organisation) with the Teams id an administrator may need to tell two apart."""
    body = [_heading(text("user_admin.list.title", lang), "Large")]
    if not users:
        body.append(_line(text("user_admin.list.none", lang)))
        return adaptive_card(body)
    body.append(_line(text("user_admin.list.intro", lang, count=len(users)), isSubtle=True))
    for user in users[:USERS_LIMIT]:
        body.append(_line(user_line(user, organisation_names, lang), spacing="Medium"))
        body.append(_line(text("user_admin.list.teams_id", lang, teams_id=user.teams_user_id), isSubtle=True,
                          size="Small"))
    if len(users) > USERS_LIMIT:
        body.append(_line(text("user_admin.list.more", lang, count=len(users) - USERS_LIMIT), isSubtle=True))
    return adaptive_card(body)


# --- history ----------------------------------------------------------------------------------------------


def _change_value(entry: HistoryEntry, value: Any, lang: Language) -> str:
    """A from/to value of an event's details, named for the reader (roles and statuses from the catalogs)."""
    if value is None or value == "":
        return text("event_history.nothing", lang)
    if entry.source == "user" and entry.kind == "role_changed" and value in set(Role):
        return role_label(value, lang)
    if entry.source == "application" and entry.kind == "status_changed":
        return text(f"applications.statuses.{value}", lang)
    return str(value)


def _money_label(value: Any, lang: Language) -> str:
    """An event's amount ("1500000 SEK", minor units and currency) as the reader writes it: "15 000 kr"."""
    try:
        minor, currency = str(value).split()
        return format_money(Money(amount_minor=int(minor), currency=currency), lang)  # type: ignore[arg-type]
    except ValueError:  # not of that shape (pydantic's ValidationError is a ValueError too): shown as stored
        return str(value)


def _flag_label(value: Any, lang: Language) -> str:
    if value is None:
        return text("event_history.not_given", lang)
    return text("event_history.flag_yes" if value else "event_history.flag_no", lang)


def _name_label(value: Any, lang: Language) -> str:
    return text("event_history.nothing", lang) if value in (None, "") else str(value)


def _field_changes(details: Mapping[str, Any], lang: Language) -> list[str]:
    """A report's details_changed: {"in_verksamhetsplan": {"from": …, "to": …}, "contact_name": {…}}."""
    parts = []
    for field in ("in_verksamhetsplan", "contact_name"):
        change = details.get(field)
        if not isinstance(change, Mapping):
            continue
        label = _flag_label if field == "in_verksamhetsplan" else _name_label
        parts.append(text("event_history.field_change", lang, field=text(f"event_history.fields.{field}", lang),
                          to=label(change.get("to"), lang), **{"from": label(change.get("from"), lang)}))
    return parts


def _shortened(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= COMMENT_LIMIT else value[:COMMENT_LIMIT - 1].rstrip() + "…"


def _event_parts(entry: HistoryEntry, lang: Language) -> list[str]:
    """What an event's details say, each part for the parentheses after the subject."""
    details = entry.details
    parts = []
    if "to" in details:  # a change from one value to another (role, organisation, contact person, status)
        before, after = details.get("from"), details.get("to")
        if before != after:
            parts.append(text("event_history.change", lang, **{"from": _change_value(entry, before, lang),
                                                                "to": _change_value(entry, after, lang)}))
        elif entry.source == "contact_person":  # the same name linked anew to a Lotsen user
            parts.append(_change_value(entry, after, lang))
    elif entry.source == "contact_person" and details.get("from"):  # removed: whom
        parts.append(text("event_history.previous", lang, name=details["from"]))
    if details.get("by") == "directory":  # placed from the directory, not by a person (directory/placement.py)
        parts.append(text("event_history.by_directory", lang,
                          source=text(f"directory.sources.{details.get('source', 'department')}", lang),
                          value=str(details.get("value") or "")))
    if "granted_amount" in details:
        parts.append(text("event_history.granted_amount", lang, amount=_money_label(details["granted_amount"], lang)))
    if "granted_amount_cleared" in details:
        parts.append(text("event_history.granted_amount_cleared", lang,
                          amount=_money_label(details["granted_amount_cleared"], lang)))
    if entry.source == "annual_report" and details.get("comment"):
        parts.append(text("event_history.comment", lang, comment=_shortened(str(details["comment"]))))
    if entry.source == "annual_report" and entry.kind == "details_changed":
        parts += _field_changes(details, lang)
    return parts


def describe_history_entry(entry: HistoryEntry, lang: Language) -> str:
    """What happened, in words: "Roll ändrad: Bo Berg (tjänsteperson → KS-samordnare)", "Ansökans status ändrad:
    EU-2027-0001 (inskickad → beviljad, beviljat belopp 1 500 000 kr)"."""
    what = text(f"event_history.kinds.{entry.source}.{entry.kind}", lang)
    details = entry.details
    if (entry.source == "application" and entry.kind == "status_changed" and "granted_amount" in details
            and details.get("from") == details.get("to")):
        what = text("event_history.granted_amount_changed", lang)  # the status stayed granted: a corrected amount
    subject = entry.subject
    if entry.source == "annual_report":
        subject = text("event_history.subjects.annual_report", lang, year=entry.subject)
    parts = _event_parts(entry, lang)
    if parts:
        return text("event_history.what_change", lang, what=what, subject=subject, change="; ".join(parts))
    return text("event_history.what", lang, what=what, subject=subject)


def history_card(entries: Sequence[HistoryEntry], organisation_name: str | None, lang: Language) -> Card:
    """The events newest first: when (Malmö time), who, which organisation, and what."""
    title = (text("event_history.title_organisation", lang, organisation=organisation_name)
             if organisation_name is not None else text("event_history.title", lang))
    body = [_heading(title, "Large")]
    if not entries:
        key = "event_history.none_organisation" if organisation_name is not None else "event_history.none"
        body.append(_line(text(key, lang, organisation=organisation_name)))
        return adaptive_card(body)
    body.append(_line(text("event_history.intro", lang, count=len(entries)), isSubtle=True))
    for entry in entries:
        body.append(_line(text("event_history.line", lang, when=format_moment(entry.at, lang),
                               who=entry.actor_name or text("event_history.lotsen", lang),
                               organisation=entry.organisation_name or text("event_history.no_organisation", lang)),
                          isSubtle=True, size="Small", spacing="Medium"))
        body.append(_line(describe_history_entry(entry, lang)))
    return adaptive_card(body)
