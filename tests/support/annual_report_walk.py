"""An official's annual report from the first question to the review, over HTTP as Teams does it, pressing the
buttons a person sees: for the HTTP tests of the annual report, the crash tests and the browser test (where
another official submits the report that kommunstyrelsens förvaltning then decides on in its channel)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from storage.application_data import ApplicationData, MalmoRole, Money
from storage.applications import create_application
from storage.db import create_engine, create_session_factory
from storage.organisations import get_organisation
from tests.support.connector_standin import ConnectorStandIn
from tests.support.people import make_user
from tests.support.phone_cards import assert_fits_a_phone

YEAR = 2025
Say = Callable[..., Awaitable[None]]


async def seed_report_year(database_url: str) -> None:
    """Anna is an official of Miljönämnden, which registered one EU application for YEAR."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            environment = await get_organisation(session, "miljonamnden")
            anna = await make_user(session, "29:anna", "Anna Andersson", environment)
            await create_application(
                session, data=ApplicationData(
                    project_name="Gröna tak i Malmö", description="Gröna tak på skolor.", programme="life",
                    organisation_slug="miljonamnden", malmo_role=MalmoRole.OWNER,
                    total_budget=Money.of(14_500_000, "SEK"), planned_submission_date=date(YEAR, 3, 1)),
                organisation=environment, created_by=anna, submission_key="green-roofs", eur_sek_rate=None,
                information_item_required=False, information_item_draft=None)
    finally:
        await engine.dispose()


def card_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every action of a card: in its body's action sets and at its foot."""
    found: list[dict[str, Any]] = []

    def walk(elements: list[dict[str, Any]]) -> None:
        for element in elements:
            if element.get("type") == "ActionSet":
                found.extend(element.get("actions") or [])
            walk(element.get("items") or [])
            for column in element.get("columns") or []:
                walk(column.get("items") or [])

    walk(card.get("body") or [])
    return found + list(card.get("actions") or [])


def button_data(standin, title: str) -> dict[str, Any]:
    """The data of the latest card button called `title`."""
    for card in reversed(standin.cards()):
        for action in card_actions(card):
            if action.get("title") == title:
                return action["data"]
    raise AssertionError(f"no button {title!r}")


async def walk_to_the_review(say: Say, standin: ConnectorStandIn) -> None:
    """Anna's report from the first question to the review, pressing the buttons Teams shows."""
    standin.clear()
    await say(f"årsredovisning {YEAR}")
    [part] = standin.cards()
    assert part["body"][0]["text"] == "Del 1 av 6: EU-finansierade projekt"
    shown = json.dumps(part, ensure_ascii=False)
    assert "Gröna tak i Malmö" in shown and "14\u00a0500\u00a0000\u00a0kr" in shown  # an amount never broken
    assert "Beskriv kort vad ni gjorde" in standin.texts()[-1]

    await say("behåll")
    focus = standin.cards()[-1]  # Teams gets the focus areas as a multi-select
    [choices] = [element for element in focus["body"] if element["type"] == "Input.ChoiceSet"]
    assert choices["isMultiSelect"] is True
    assert [choice["value"] for choice in choices["choices"]] == ["2a", "2b", "2c"]
    await say(None, {**button_data(standin, "Spara inriktning"), "focus_areas": "2a,2c"})
    assert "Vilka resultat" in standin.texts()[-1]
    await say("Tak på tolv skolor.")
    for _ in range(6):
        await say(None, button_data(standin, "Nästa") if "Nästa" in str(standin.cards()[-1])
                  else button_data(standin, "Inget att redovisa här"))
    assert "verksamhetsplanen" in standin.texts()[-1]
    await say("ja")
    await say("jag")
    review = standin.cards()[-1]
    assert review["body"][0]["text"] == "Granska årsredovisningen"
    assert_fits_a_phone(standin.cards())  # every card of the walk, the focus card's form too, works on a phone
