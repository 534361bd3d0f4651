"""Hostile text in, safe documents out, over HTTP as Teams sends it (on SQLite and PostgreSQL where the database is
involved): what people type or send from a card is cleaned before any of Lotsen reads it, a name that holds an
escape character gets from the registration form to the compilation in every format, a link in a project name is
no link on the card KS förvaltning receives, and malformed or ill-typed activities get 400 or a polite answer,
never a failed turn or a 500."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from docx import Document
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from sqlalchemy import select

from bot.card_text import render_attachment
from reports.compilation import SHEETS
from reports.download_links import compilation_link
from storage.db import create_engine, create_session_factory
from storage.models import Application, Organisation, Role, User
from tests.support.activities import activity, message
from tests.support.cli_process import run_cli
from tests.support.people import operator_places
from tests.support.registration_form import FORM as REGISTRATION_FORM, save_button

KS_CHANNEL = "19:ks-forvaltning@thread.tacv2"
SECRET = "a download secret for the tests"
TURN_ERROR = "Något gick fel hos mig"
# Pasted from a terminal, a web page and a PDF: an escape sequence, a zero-width space, a BOM, a bidi override,
# a NUL and a soft hyphen, none of which anyone means to be part of a project's name.
HOSTILE_NAME = "\ufeffGröna\x1b[31m tak\u200b i Mal\u00admö\u202e\x00"
CLEANED_NAME = "Gröna[31m tak i Malmö"
# The form as a new user fills it in, with a description holding a bell, a bidi isolate and a carriage return.
FORM = {**REGISTRATION_FORM, "description": "Gröna tak\x07 på skolor.\u2066\r\nFyra skolor i första etappen.",
        "call_identifier": ""}


def _adaptive_cards(standin, conversation_id: str | None = None) -> list[dict[str, Any]]:
    return [attachment["content"] for item in standin.received
            if conversation_id is None or item.conversation_id == conversation_id
            for attachment in item.activity.get("attachments") or []
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive"]


def _save_key(standin) -> str:
    return save_button(standin)["submission_key"]


async def _register(client, standin, service_url: str, project_name: str, *, contact: str = "Anna Andersson",
                    **sender: Any) -> None:
    """Anna registers an application with the Teams form, and saves it from the review."""
    form = {**FORM, "project_name": project_name, "contact_name": contact}
    for step in ({"text": "registrera ansökan"}, {"value": form}):
        response = await client.post("/api/messages", json=message(service_url, step.get("text"),
                                                                   value=step.get("value"), **sender))
        assert response.status == 201
    response = await client.post("/api/messages", json=message(
        service_url, None, value={"action": "registration_save", "submission_key": _save_key(standin)}, **sender))
    assert response.status == 201


async def _app(start_app, connector, database_url: str, **settings: Any):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True, ks_administration_conversation_id=KS_CHANNEL,
                             download_link_secret=SECRET, **settings)
    # Lotsen is installed in KS förvaltning's channel: someone writes there, and the reference is kept.
    await client.post("/api/messages", json=message(service_url, "hej", conversation_type="channel",
                                                    conversation_id=KS_CHANNEL, user_id="29:ks", user_name="KS"))
    standin.clear()
    return client, standin, service_url


async def _stored(database_url: str, statement):
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return (await session.execute(statement)).scalars().all()
    finally:
        await engine.dispose()


def _path(link: str) -> str:
    split = urlsplit(link)
    return f"{split.path}?{split.query}"


# ---- cleaned on the way in, written in every format ----------------------------------------------------------


async def test_a_name_with_control_characters_gets_from_the_form_to_the_compilation_in_every_format(
        start_app, connector, database_url, tmp_path: Path):
    client, standin, service_url = await _app(start_app, connector, database_url)
    await _register(client, standin, service_url, HOSTILE_NAME)

    [application] = await _stored(database_url, select(Application))
    assert application.project_name == CLEANED_NAME
    assert application.description == "Gröna tak på skolor.\nFyra skolor i första etappen."
    await standin.wait_until(lambda: bool(_adaptive_cards(standin, KS_CHANNEL)))  # posted after the commit
    [ks_card] = _adaptive_cards(standin, KS_CHANNEL)
    assert CLEANED_NAME in render_attachment("application/vnd.microsoft.card.adaptive", ks_card).lines[0]

    # `python -m cli report compile`, as the operator runs it, in every format.
    for fmt in ("docx", "xlsx", "md"):
        out = tmp_path / f"compilation.{fmt}"
        status, output, errors = await run_cli(database_url, tmp_path, "report", "compile", "--year", "2027",
                                               "--format", fmt, "--out", str(out))
        assert status == 0, errors
        assert "Traceback" not in errors
    assert CLEANED_NAME in (tmp_path / "compilation.md").read_text(encoding="utf-8").replace("\\[", "[")
    assert CLEANED_NAME in "\n".join(cell.text for table in Document(str(tmp_path / "compilation.docx")).tables
                                     for row in table.rows for cell in row.cells)
    sheet = load_workbook(tmp_path / "compilation.xlsx")[SHEETS[3]]
    assert sheet["B2"].value == CLEANED_NAME

    # The download links KS förvaltning is given build the same files.
    await operator_places(database_url, [("29:ks", Role.KS_COORDINATOR, "kommunstyrelsen")])
    [coordinator] = await _stored(database_url, select(User).where(User.teams_user_id == "29:ks"))
    base = str(client.make_url("")).rstrip("/")
    for fmt in ("docx", "xlsx", "md"):
        link = compilation_link(base, SECRET, year=2027, fmt=fmt, user_id=coordinator.id,
                                now=datetime.now(timezone.utc))
        response = await client.get(_path(link))
        assert response.status == 200, await response.text()
        content = await response.read()
        if fmt == "xlsx":
            assert load_workbook(io.BytesIO(content))[SHEETS[3]]["B2"].value == CLEANED_NAME


async def test_typed_text_is_cleaned_before_it_is_read(start_app, connector):
    standin, service_url = connector
    client = await start_app()
    # "hjälp" with a zero-width space inside, a BOM before and a bidi override and a NUL after: still "hjälp".
    response = await client.post("/api/messages", json=message(service_url, "\ufeffhj\u200bälp\u202e\x00"))
    assert response.status == 201
    [card] = standin.cards()
    assert card["body"][0]["text"] == "Hej! Jag är Lotsen"


# ---- escaped on the way out: the card to KS förvaltning -------------------------------------------------------


def _rendered_texts(card: dict[str, Any]) -> list[str]:
    """Every TextBlock and Fact of a card, rendered as a CommonMark renderer with bare addresses linked does."""
    renderer = MarkdownIt("commonmark", {"linkify": True}).enable("linkify")
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(renderer.render(node["text"]))
            if node.get("type") == "FactSet":
                found.extend(renderer.render(fact[key]) for fact in node["facts"] for key in ("title", "value"))
            for key, value in node.items():
                if key not in ("data", "value"):
                    walk(value)

    walk(card)
    return found


async def test_a_link_in_a_project_name_is_no_link_on_the_card_ks_forvaltning_receives(
        start_app, connector, database_url):
    client, standin, service_url = await _app(start_app, connector, database_url)
    name = "[logga in](https://evil.example) **Brådskande**"
    await _register(client, standin, service_url, name)

    await standin.wait_until(lambda: bool(_adaptive_cards(standin, KS_CHANNEL)))  # posted after the commit
    [card] = _adaptive_cards(standin, KS_CHANNEL)
    rendered = _rendered_texts(card)
    assert rendered and not any("<a " in text or "<strong>" in text for text in rendered)
    # Shown as the official wrote it.
    assert name in render_attachment("application/vnd.microsoft.card.adaptive", card).lines[0]
    assert any("[logga in](https://evil.example)" in text for text in rendered)


# ---- malformed and ill-typed activities ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["garbage", None, {"action": 5}, {"action": "Action.Execute"}, [1, 2],
                                   {"action": {"verb": "x"}}, {"action": {"type": ["Action.Execute"]}}],
                         ids=["string", "none", "number", "action-string", "list", "no-type", "type-list"])
async def test_malformed_card_invokes_get_400(start_app, connector, value):
    standin, service_url = connector
    client = await start_app()
    response = await client.post("/api/messages", json=activity(service_url, type="invoke",
                                                                name="adaptiveCard/action", value=value))
    assert response.status == 400
    assert json.loads(await response.text())["error"]
    assert standin.received == []


@pytest.mark.parametrize("name", ["task/fetch", "composeExtension/submitAction", "signin/verifyState",
                                  "actionableMessage/executeAction"])
async def test_other_invokes_without_an_object_get_400(start_app, connector, name, caplog):
    _, service_url = connector
    client = await start_app()
    caplog.set_level(logging.ERROR)
    for value in ("garbage", None, [1]):
        response = await client.post("/api/messages", json=activity(service_url, type="invoke", name=name,
                                                                    value=value))
        assert response.status == 400
    assert not [record for record in caplog.records if record.name.startswith("lotsen")]


def _cases(organisation_id: int) -> list[tuple[str, dict[str, Any]]]:
    """(what, fields of the message) for values and texts of the wrong kind."""
    return [
        ("a list for a text", {"value": {"action": "registration_edit", "field": ["project_name"]}}),
        ("a list for the action", {"value": {"action": ["open_application"], "application_id": 1}}),
        ("an integer above 2^63", {"value": {"action": "open_application", "application_id": 2**64}}),
        ("an id above the database's", {"value": {"action": "open_application", "application_id": 2**40}}),
        ("digits above the database's", {"value": {"action": "reminder_done", "reminder_id": "9" * 30}}),
        ("other digits", {"value": {"action": "reminder_done", "reminder_id": "²"}}),
        ("a report id of digits", {"value": {"action": "annual_report_approve", "report_id": "9" * 30}}),
        ("the year 1999", {"value": {"action": "annual_report_next", "organisation_id": organisation_id,
                                     "year": 1999, "part": "network"}}),
        ("an organisation id above the database's", {"value": {"action": "annual_report_next",
                                                               "organisation_id": 2**40, "year": 2025}}),
        ("a lone surrogate", {"text": "Måste vi informera KS? \ud800"}),
        ("a lone surrogate in a card", {"value": {"action": "answer_feedback", "ref": "\udfff", "helpful": True}}),
        ("a NUL", {"text": "registrera\x00 ansökan"}),
        ("an over-long locale", {"text": "hjälp", "locale": "sv-SE-" + "x" * 100}),
        ("a text of the wrong type", {"text": ["hjälp"]}),
        ("a name of the wrong type", {"text": "hjälp", "user_name": {"first": "Anna"}}),
        ("a broken mention", {"text": "<at>Lotsen</at> hjälp", "conversation_type": "channel",
                              "conversation_id": "19:channel@thread.tacv2",
                              "entities": [{"type": "mention", "mentioned": 5, "text": ["x"]}]}),
        ("an id with a NUL", {"text": "hjälp", "user_id": "29:anna\x00"}),
        ("an over-long id", {"text": "hjälp", "user_id": "29:" + "a" * 600}),
        ("an over-long tenant", {"text": "hjälp", "tenant_id": "t" * 100}),
        ("NaN", {"value": {"action": "open_application", "application_id": float("nan")}}),
    ]


async def test_values_of_the_wrong_kind_get_a_polite_answer_or_400_never_a_failed_turn(
        start_app, connector, database_url, caplog):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)
    await client.post("/api/messages", json=message(service_url, "hej"))
    await client.post("/api/messages", json=message(service_url, "hej", user_id="29:karin", user_name="Karin"))
    await operator_places(database_url, [("29:anna", Role.OFFICIAL, "miljonamnden"),
                                         ("29:karin", Role.KS_COORDINATOR, "kommunstyrelsen")])
    [environment] = await _stored(database_url, select(Organisation).where(Organisation.slug == "miljonamnden"))

    caplog.set_level(logging.ERROR)
    for what, fields in _cases(environment.id):
        standin.clear()
        caplog.clear()
        fields = dict(fields)
        sender = "29:karin" if "report_id" in str(fields.get("value")) else fields.pop("user_id", "29:anna")
        body = message(service_url, fields.pop("text", None), user_id=sender, **fields)
        response = await client.post("/api/messages", data=json.dumps(body),
                                     headers={"Content-Type": "application/json"})
        said = " ".join(standin.texts() + [json.dumps(card, ensure_ascii=False) for card in standin.cards()])
        assert response.status in (201, 400), (what, response.status, await response.text())
        if response.status == 400:
            assert json.loads(await response.text())["error"], what
        else:
            assert said and TURN_ERROR not in said, (what, said)
        assert not [record for record in caplog.records if record.name.startswith("lotsen")], (what, caplog.text)


async def test_the_year_1999_from_a_button_is_refused_politely(start_app, connector, database_url):
    standin, service_url = connector
    client = await start_app(database_url=database_url, auto_migrate=True)
    await client.post("/api/messages", json=message(service_url, "hej"))
    await operator_places(database_url, [("29:anna", Role.OFFICIAL, "miljonamnden")])
    [environment] = await _stored(database_url, select(Organisation).where(Organisation.slug == "miljonamnden"))
    standin.clear()
    response = await client.post("/api/messages", json=message(service_url, None, value={
        "action": "annual_report_next", "organisation_id": environment.id, "year": 1999, "part": "network"}))
    assert response.status == 201
    assert "1999" in standin.texts()[-1] and TURN_ERROR not in " ".join(standin.texts())


async def test_a_user_whose_name_is_long_and_holds_a_nul_can_use_lotsen(start_app, connector, database_url):
    client, standin, service_url = await _app(start_app, connector, database_url)
    name = "Anna\x00 " + "Andersson-" * 30  # 307 characters: longer than any name column
    sender = {"user_id": "29:anna", "user_name": name}
    response = await client.post("/api/messages", json=message(service_url, "hjälp", **sender))
    assert response.status == 201
    assert standin.cards()[-1]["body"][0]["text"] == "Hej! Jag är Lotsen"

    # Registering with "jag" as the contact person copies the name where the contact person's is kept.
    await _register(client, standin, service_url, "Gröna tak", contact="jag", **sender)
    [user] = await _stored(database_url, select(User).where(User.teams_user_id == "29:anna"))
    assert user.name.startswith("Anna Andersson-") and "\x00" not in user.name and len(user.name) <= 200
    [application] = await _stored(database_url, select(Application))
    assert application.project_name == "Gröna tak" and application.contact_name == user.name
