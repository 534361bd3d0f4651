"""The registration dialog's typed state (dialogs/applications/registration_state.py): the stored dict keeps the
shape it had before it was typed, and a stored state of another shape starts the registration over."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from dialogs.applications.registration_state import RegistrationState
from storage.models import BotStateRecord
from storage.state import dumps
from tests.dialogs.test_registration import _adapter, _official_of, _text
from tests.support.chat import say

_EMPTY_ANSWERS = {
    "project_name": None, "description": None, "programme": None, "programme_other": None, "call_identifier": None,
    "organisation_slug": None, "malmo_role": None, "total_budget": None, "malmo_share": None,
    "planned_submission_date": None, "call_deadline": None, "expected_decision_date": None, "project_start": None,
    "project_end": None, "contact_name": None, "contact_teams_user_id": None, "aligned_with_policy": None,
    "decision_anchored": None, "decision_reference": None,
}

# As the dialog stored it before the state was typed: an official of Miljönämnden, three questions answered,
# asked the call; keys in the order begin_dialog set them.
MID_QUESTION = {
    "lang": "sv",
    "data": {**_EMPTY_ANSWERS, "project_name": "Gröna tak i Malmö",
             "description": "Vi bygger gröna tak på skolor.", "programme": "interreg_oks",
             "organisation_slug": "miljonamnden"},
    "answered": ["organisation_slug", "project_name", "description", "programme"],
    "history": ["project_name", "description", "programme"],
    "asking": "call_identifier",
    "mode": "asking",
    "return_to_review": False,
    "previous_mode": None,
    "submission_key": None,
    "last_turn_at": "2026-11-30T09:41:07.123456+00:00",
}

# At the review in English, "cancel" said: waiting for yes or no, a submission key given, money and dates in.
CONFIRMING_DISCARD_AT_REVIEW = {
    "lang": "en",
    "data": {**_EMPTY_ANSWERS, "project_name": "Green roofs", "description": "Roofs.", "programme": "other",
             "programme_other": "Eget program", "organisation_slug": "miljonamnden", "malmo_role": "owner",
             "total_budget": {"amount_minor": 120000000, "currency": "EUR"},
             "planned_submission_date": "2027-03-01", "call_deadline": "2027-03-15",
             "project_start": "2027-09-01", "project_end": "2029-08-31", "contact_name": "Anna Andersson",
             "contact_teams_user_id": "29:anna", "aligned_with_policy": True, "decision_anchored": False},
    "answered": ["aligned_with_policy", "call_identifier", "contact_name", "decision_anchored"],
    "history": [],
    "asking": None,
    "mode": "confirm_discard",
    "return_to_review": False,
    "previous_mode": "review",
    "submission_key": "6f1c2a9e-5d3b-4c7a-9e8f-0a1b2c3d4e5f",
    "last_turn_at": "2026-12-01T16:02:00+01:00",
}

# Fresh in begin_dialog, nothing answered yet, a naive time (a clock without zone).
JUST_BEGUN = {
    "lang": "sv", "data": {}, "answered": [], "history": [], "asking": "project_name", "mode": "asking",
    "return_to_review": False, "previous_mode": None, "submission_key": None,
    "last_turn_at": "2026-12-06T08:00:00",
}


@pytest.mark.parametrize("stored", [MID_QUESTION, CONFIRMING_DISCARD_AT_REVIEW, JUST_BEGUN])
def test_a_state_in_the_stored_shape_comes_back_as_it_was(stored):
    original = copy.deepcopy(stored)
    state = RegistrationState.read_from(stored)
    assert state.stored() == original
    assert json.dumps(state.stored(), ensure_ascii=False) == json.dumps(original, ensure_ascii=False)  # key order
    assert stored == original  # reading it changed nothing

    in_place: dict[str, Any] = stored
    state.store_into(in_place)
    assert in_place is stored and in_place == original


def test_the_typed_values_are_what_the_steps_used():
    state = RegistrationState.read_from(copy.deepcopy(CONFIRMING_DISCARD_AT_REVIEW))
    assert state.last_turn_at.isoformat() == "2026-12-01T16:02:00+01:00"
    assert state.application_data().total_budget.currency == "EUR"
    assert state.mode == "confirm_discard" and state.previous_mode == "review"


def test_what_the_steps_change_is_stored_as_plain_json():
    stored = copy.deepcopy(MID_QUESTION)
    state = RegistrationState.read_from(stored)
    state.history.append("call_identifier")  # in place, as _store does
    state.answered = sorted({*state.answered, "call_identifier"})
    state.last_turn_at = state.last_turn_at.replace(hour=10)
    state.store_into(stored)
    assert stored["history"][-1] == "call_identifier"
    assert stored["last_turn_at"] == "2026-11-30T10:41:07.123456+00:00"  # isoformat, not pydantic's "Z"
    assert json.loads(json.dumps(stored)) == stored
    assert all(type(value) in (str, bool, list, dict, type(None)) for value in stored.values())


def _without(key: str) -> Callable[[dict], dict]:
    return lambda state: {name: value for name, value in state.items() if name != key}


def _with(**values: Any) -> Callable[[dict], dict]:
    return lambda state: {**state, **values}


SHAPES_REFUSED = {
    "mode missing": _without("mode"),
    "last_turn_at missing": _without("last_turn_at"),
    "answered a string": _with(answered="project_name"),
    "history with a number": _with(history=["project_name", 3]),
    "return_to_review a string": _with(return_to_review="yes"),
    "unknown mode": _with(mode="waiting"),
    "unknown question": _with(asking="favourite_colour"),
    "unknown language": _with(lang="de"),
    "last_turn_at a number": _with(last_turn_at=1764495667),
    "last_turn_at not a time": _with(last_turn_at="yesterday"),
    "data a list": _with(data=[]),
    "an unknown key": _with(step=3),
}


@pytest.mark.parametrize("change", SHAPES_REFUSED.values(), ids=SHAPES_REFUSED.keys())
def test_a_state_of_another_shape_is_refused_not_coerced(change):
    with pytest.raises(ValidationError):
        RegistrationState.read_from(change(copy.deepcopy(MID_QUESTION)))


def test_a_wrong_value_is_refused_when_set():
    state = RegistrationState.read_from(copy.deepcopy(MID_QUESTION))
    with pytest.raises(ValidationError):
        state.mode = "done"
    with pytest.raises(ValidationError):
        state.answered = "project_name"


# --- through the bot, with the state as the SQL storage keeps it --------------------------------------------


def _steps_states(node: Any) -> list[dict]:
    """The registration steps' state dicts inside a stored conversation state (jsonpickle's document)."""
    if isinstance(node, dict):
        found = [node] if {"last_turn_at", "submission_key", "answered"} <= node.keys() else []
        return found + [state for value in node.values() for state in _steps_states(value)]
    if isinstance(node, list):
        return [state for value in node for state in _steps_states(value)]
    return []


async def _stored_steps_state(session_factory) -> dict:
    async with session_factory() as session:
        records = (await session.execute(select(BotStateRecord))).scalars().all()
    states = [state for record in records for state in _steps_states(json.loads(record.data))]
    assert len(states) == 1, states
    return states[0]


async def _change_stored_steps_state(session_factory, change: Callable[[dict], dict]) -> None:
    async with session_factory.begin() as session:
        for record in (await session.execute(select(BotStateRecord))).scalars().all():
            document = json.loads(record.data)
            states = _steps_states(document)
            for state in states:
                changed = change(dict(state))
                state.clear()
                state.update(changed)
            if states:
                record.data = dumps(document)


async def test_the_state_the_dialog_stores_has_the_old_shape(session_factory):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, "registrera ansökan")
    await say(adapter, "Gröna tak i Malmö")
    stored = await _stored_steps_state(session_factory)
    assert list(stored) == list(MID_QUESTION)
    assert stored["answered"] == ["organisation_slug", "project_name"]
    assert stored["history"] == ["project_name"]
    assert stored["asking"] == "description" and stored["mode"] == "asking"
    assert stored["data"] == {**_EMPTY_ANSWERS, "project_name": "Gröna tak i Malmö",
                              "organisation_slug": "miljonamnden"}
    assert RegistrationState.read_from(copy.deepcopy(stored)).stored() == stored


@pytest.mark.parametrize("change", [_without("mode"), _with(answered="project_name")], ids=["missing", "wrong type"])
async def test_a_stored_state_of_another_shape_starts_over_with_the_draft_offered(session_factory, change):
    await _official_of(session_factory)
    adapter = _adapter(session_factory)
    await say(adapter, "registrera ansökan")
    await say(adapter, "Gröna tak i Malmö")
    await _change_stored_steps_state(session_factory, change)

    offer = _text(await say(adapter, "Vi bygger gröna tak på skolor."))  # not taken as the description
    assert "påbörjat utkast" in offer and "Gröna tak i Malmö" in offer
    assert "Beskriv kort" in _text(await say(adapter, "ja"))  # the draft kept what was answered
    stored = await _stored_steps_state(session_factory)
    assert RegistrationState.read_from(copy.deepcopy(stored)).stored() == stored
    assert stored["answered"] == ["organisation_slug", "project_name"] and stored["asking"] == "description"
    assert "Vilket EU-program" in _text(await say(adapter, "Vi bygger gröna tak på skolor."))
