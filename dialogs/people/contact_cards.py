"""The cards on which a contact person (3.3) or bolag representative (3.4) is chosen from the city's directory:

- the people picker (Teams' `Input.ChoiceSet` on the dataset graph.microsoft.com/users), whose value is the
  chosen person's Entra object id: shown when no name was typed, and when a typed name found nobody;
- what a typed name found: one person to confirm, or up to five to choose between (by name and department);
  every one of these cards also offers to register only the name, as without the directory.

Each button sends CHOOSE_ACTION (with the person's object id, or the picker's value) or NAME_ONLY_ACTION, and
the organisation's id; dialogs/people/contact_commands.py acts on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dialogs.common.cards import Card, adaptive_card, button_title
from directory.people import DirectoryPerson
from storage.models import Organisation
from texts import Language, text

CHOOSE_ACTION = "contact_choose"
NAME_ONLY_ACTION = "contact_name_only"
# The button's data names the person chosen from a list; the picker's value comes under its own id.
PERSON_KEY = "person"
PICKER_INPUT = "contact_person_picked"
PEOPLE_DATASET = "graph.microsoft.com/users"


def people_picker(lang: Language) -> dict[str, Any]:
    """Teams' people picker: a search of the tenant's directory as one types; the value is the object id."""
    return {"type": "Input.ChoiceSet", "id": PICKER_INPUT, "choices": [],
            "choices.data": {"type": "Data.Query", "dataset": PEOPLE_DATASET}, "isMultiSelect": False,
            "placeholder": text("contacts.directory.picker_placeholder", lang), "spacing": "Small"}


def picker_card(organisation: Organisation, lang: Language, *, typed: str = "", current: str | None = None) -> Card:
    """Choose the person in the directory; `typed`: the name that found nobody there (then a sentence says so,
    and a button registers only that name). Without it, a line under the picker says how to write the name."""
    values = _values(organisation, lang)
    body = [_heading(text("contacts.directory.title", lang, **values))]
    if typed:
        body.append(_line(text("contacts.directory.none_found", lang, typed=typed, **values)))
    body += _current(current, lang)
    body += [_line(text("contacts.directory.picker_label", lang), weight="Bolder"), people_picker(lang)]
    actions = [_choose(text("contacts.directory.picker_submit", lang), organisation)]
    if typed:
        actions.append(_name_only(typed, organisation, lang))
    else:
        # Without a typed name there is no "only the name" button: when the search box finds nobody (or the
        # client cannot search the directory), this line is the way on.
        body.append(_line(text("contacts.directory.type_instead", lang, **values), isSubtle=True))
    return adaptive_card(body, actions)


def found_card(organisation: Organisation, typed: str, people: Sequence[DirectoryPerson], lang: Language, *,
               current: str | None = None) -> Card:
    """What the name found: one person to confirm ("Ja, registrera"), or several, each a button (name and
    department, to tell them apart); and registering only the typed name."""
    values = _values(organisation, lang)
    body = [_heading(text("contacts.directory.title", lang, **values))]
    if len(people) == 1:
        [person] = people
        body += [_line(text("contacts.directory.one_found", lang, typed=typed)),
                 _line(person.name, weight="Bolder"), *_details(person),
                 _line(text("contacts.directory.confirm", lang, name=person.name, **values))]
        actions = [_choose(text("contacts.directory.confirm_button", lang), organisation, person)]
    else:
        body.append(_line(text("contacts.directory.several_found", lang, typed=typed, count=len(people))))
        for person in people:
            body += [_line(person.name, weight="Bolder", spacing="Medium"), *_details(person)]
        actions = [_choose(button_title(", ".join(filter(None, [person.name, person.department]))), organisation,
                           person) for person in people]
    body += _current(current, lang)
    actions.append(_name_only(typed, organisation, lang))
    return adaptive_card(body, actions)


def chosen_card(organisation: Organisation, name: str, lang: Language) -> Card:
    """What a pressed card becomes once a person is registered: who, without the buttons."""
    values = _values(organisation, lang)
    return adaptive_card([_heading(text("contacts.directory.title", lang, **values)),
                          _line(text("contacts.directory.chosen", lang, name=name))])


def _values(organisation: Organisation, lang: Language) -> dict[str, str]:
    return {"organisation": organisation.name, "role": text(f"contacts.role_word.{organisation.kind.value}", lang)}


def _current(current: str | None, lang: Language) -> list[dict[str, Any]]:
    return [_line(text("contacts.directory.current", lang, name=current), isSubtle=True)] if current else []


def _details(person: DirectoryPerson) -> list[dict[str, Any]]:
    """The department and mail that tell two people of one name apart."""
    shown = " · ".join(filter(None, [person.department, person.mail]))
    return [_line(shown, isSubtle=True)] if shown else []


def _choose(title: str, organisation: Organisation, person: DirectoryPerson | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"action": CHOOSE_ACTION, "organisation_id": organisation.id}
    if person is not None:
        # The name goes along for when the directory cannot be read as the button is pressed.
        data.update({PERSON_KEY: person.object_id, "name": person.name})
    return {"type": "Action.Submit", "title": title, "data": data}


def _name_only(typed: str, organisation: Organisation, lang: Language) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": button_title(text("contacts.directory.name_only", lang, name=typed)),
            "data": {"action": NAME_ONLY_ACTION, "organisation_id": organisation.id, "name": typed}}


def _heading(value: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "weight": "Bolder", "size": "Medium", "wrap": True}


def _line(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True, "spacing": "Small", **style}
