"""Where the user is in the annual report dialog (dialogs/annual_report/place.py): the typed state reads and writes
the plain JSON dict stored before it existed, so a dialog saved by an older version resumes; a stored state that
is no place in a report closes the dialog safely instead of failing the turn."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from botbuilder.core import ConversationState, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogContext, DialogSet, DialogTurnStatus
from botbuilder.schema import ChannelAccount
from pydantic import ValidationError

from bot.sql_storage import SqlStorage
from dialogs.annual_report.cards import EDIT_PLAN_ACTION
from dialogs.annual_report.command import AnnualReportCommand
from dialogs.annual_report.dialog import AnnualReportDialog
from dialogs.annual_report.place import ItemQuestion, ReportPlace
from dialogs.common.turn import Turn
from settings import Settings
from storage.organisations import get_organisation
from tests.dialogs.test_annual_report import ANNA, NOW, YEAR, _adding_eurocities, _people, _report
from tests.support.chat import chat_adapter, say, text_of

# As stored mid-question: Eurocities just added in part 2 (networks) during the walk, its description asked next;
# a prefilled EU project (id 7) left unconfirmed earlier.
STORED_MID_QUESTION: dict[str, Any] = {
    "organisation_id": 12,
    "year": 2025,
    "mode": "item",
    "part": "network",
    "walk": True,
    "item": {"id": 31, "kind": "network", "fields": ["description", "focus_areas", "results"], "then": "part",
             "new": True},
    "skipped": [7],
    "proposed": None,
}
STORED_AT_CONTACT: dict[str, Any] = {
    "organisation_id": 12, "year": 2024, "mode": "contact", "part": None, "walk": False, "item": None,
    "skipped": [], "proposed": "Anna Andersson",
}


# --- the stored form --------------------------------------------------------------------------------------


@pytest.mark.parametrize("stored", [STORED_MID_QUESTION, STORED_AT_CONTACT])
def test_the_stored_dict_reads_and_writes_back_unchanged(stored):
    as_saved = json.loads(json.dumps(stored))  # as it comes back from storage
    place = ReportPlace.model_validate(as_saved)
    assert place.model_dump() == stored
    assert json.dumps(place.model_dump()) == json.dumps(stored)  # the same keys, in the same order
    state = copy.deepcopy(as_saved)
    place.write(state)
    assert state == stored


def test_the_item_question_is_typed_and_changed_in_place():
    place = ReportPlace.model_validate(copy.deepcopy(STORED_MID_QUESTION))
    assert place.item == ItemQuestion(id=31, kind="network", fields=["description", "focus_areas", "results"],
                                      then="part", new=True)
    spec = place.item
    spec.fields.pop(0)
    place.skipped.append(31)
    state: dict[str, Any] = {}
    place.write(state)
    assert state["item"]["fields"] == ["focus_areas", "results"] and state["skipped"] == [7, 31]


def test_an_item_question_stored_before_new_existed_is_not_new():
    stored = copy.deepcopy(STORED_MID_QUESTION)
    del stored["item"]["new"]
    assert ReportPlace.model_validate(stored).item.new is False


@pytest.mark.parametrize("damage", [
    lambda state: state.pop("mode"),
    lambda state: state.pop("item"),
    lambda state: state.clear(),
    lambda state: state.update(mode="somewhere"),
    lambda state: state.update(organisation_id="12"),
    lambda state: state.update(part="no_such_kind"),
    lambda state: state.update(extra=1),
    lambda state: state["item"].pop("fields"),
    lambda state: state["item"].update(then="nowhere"),
    lambda state: state["item"].update(kind=None),
])
def test_a_damaged_state_is_no_place(damage: Callable[[dict[str, Any]], object]):
    state = copy.deepcopy(STORED_MID_QUESTION)
    damage(state)
    with pytest.raises(ValidationError):
        ReportPlace.model_validate(state)


# --- through the dialog -----------------------------------------------------------------------------------


def _steps_state(dialog_context: DialogContext) -> dict[str, Any]:
    """The stored state of AnnualReportSteps, inside AnnualReportDialog (a ComponentDialog)."""
    inner = dialog_context.active_dialog.state["dialogs"]
    return inner.dialog_stack[0].state


def _adapter(session_factory, user: ChannelAccount = ANNA) -> tuple[TestAdapter, list[Callable[[dict], object]]]:
    """The dialog alone on real storage; a function put in the returned list changes its stored state before the
    next turn, as another version or damaged storage would have left it."""
    conversation_state = ConversationState(SqlStorage(session_factory))
    dialogs = DialogSet(conversation_state.create_property("DialogState"))
    dialogs.add(AnnualReportDialog(session_factory, Settings(_env_file=None), clock=lambda: NOW))
    command = AnnualReportCommand(AnnualReportDialog.__name__)
    changes: list[Callable[[dict], object]] = []

    async def on_turn(turn_context: TurnContext) -> None:
        dialog_context = await dialogs.create_context(turn_context)
        while changes:
            changes.pop(0)(_steps_state(dialog_context))
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            request = command.recognise(turn_context.activity.text or "", turn_context.activity.value, "sv")
            if request is not None:
                await command.handle(Turn.of(dialog_context), request)
        await conversation_state.save_changes(turn_context)

    return chat_adapter(on_turn, ANNA, conversation_id="personal-anna", channel_id="test"), changes


async def test_a_dialog_stored_before_the_typed_state_resumes_mid_question(session_factory):
    await _people(session_factory)
    adapter, changes = _adapter(session_factory)
    await _adding_eurocities(adapter)
    report = await _report(session_factory)
    [eurocities] = report.items
    seen: list[dict[str, Any]] = []
    # What the dialog of before stored at this question, written literally.
    changes.append(lambda state: (seen.append(copy.deepcopy(state)), state.clear(), state.update({
        "organisation_id": report.organisation_id, "year": YEAR, "mode": "item", "part": "network", "walk": True,
        "item": {"id": eurocities.id, "kind": "network", "fields": ["description", "focus_areas", "results"],
                 "then": "part", "new": True},
        "skipped": [], "proposed": None})))
    asked = text_of(await say(adapter, "Arbetsgruppen för klimat."))
    assert seen == [{
        "organisation_id": report.organisation_id, "year": YEAR, "mode": "item", "part": "network", "walk": True,
        "item": {"id": eurocities.id, "kind": "network", "fields": ["description", "focus_areas", "results"],
                 "then": "part", "new": True},
        "skipped": [], "proposed": None}]  # what this version stores is that same dict
    assert "Vilken inriktning hade ”Eurocities”" in asked
    changes.append(lambda state: seen.append(copy.deepcopy(state)))
    await say(adapter, "2b")
    assert seen[-1] == {  # as stored after the description was answered, read at the start of this turn
        "organisation_id": report.organisation_id, "year": YEAR, "mode": "item", "part": "network", "walk": True,
        "item": {"id": eurocities.id, "kind": "network", "fields": ["focus_areas", "results"], "then": "part",
                 "new": True},
        "skipped": [], "proposed": None}
    [eurocities] = (await _report(session_factory)).items
    assert eurocities.description == "Arbetsgruppen för klimat." and eurocities.focus_areas == ["2b"]


@pytest.mark.parametrize("damage", [
    lambda state: [state.pop(key) for key in ("mode", "item")],
    lambda state: state.clear(),
    lambda state: state["item"].pop("fields"),
])
async def test_a_damaged_state_closes_the_dialog_and_the_draft_reopens(session_factory, damage):
    await _people(session_factory)
    adapter, changes = _adapter(session_factory)
    await _adding_eurocities(adapter)
    changes.append(damage)
    closed = text_of(await say(adapter, "Arbetsgruppen för klimat."))
    assert closed == "Utkastet är sparat; skriv ”årsredovisning” för att fortsätta."
    assert [item.title for item in (await _report(session_factory)).items] == ["Eurocities"]
    assert (await _report(session_factory)).items[0].description is None  # not taken as an answer
    assert "Granska årsredovisningen" in text_of(await say(adapter, "årsredovisning"))


async def test_a_button_with_a_damaged_state_opens_its_report(session_factory):
    await _people(session_factory)
    adapter, changes = _adapter(session_factory)
    await _adding_eurocities(adapter)
    async with session_factory() as session:
        environment = await get_organisation(session, "miljonamnden")
    changes.append(lambda state: state.clear())
    replies = text_of(await say(adapter, None, value={
        "action": EDIT_PLAN_ACTION, "organisation_id": environment.id, "year": YEAR}))
    assert "verksamhetsplan" in replies.casefold()
