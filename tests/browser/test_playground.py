"""Lotsen as a person sees it: `python app.py`, Microsoft 365 Agents Playground in front of it (as `make
playground` starts them), and the Playground's page driven in headless chromium (Debian's, launched by
Playwright: no browser is downloaded). A policy question and its answer card, a suggested action, the welcome
card's "Registrera EU-ansökan" button, the registration form filled in and sent, the review's "Spara", the
receipt, and the card kommunstyrelsens förvaltning gets in its channel, each checked on the screen. Then another
official (Anna, over HTTP from her own Teams) submits Miljönämnden's annual report, and the Playground's user, made
a coordinator of kommunstyrelsens förvaltning, approves it in the channel: the card updates in place to say so. Last,
"ej nådda" shows that coordinator the list of what did not reach people, with a notice Lotsen still tries.

Needs /usr/bin/chromium, the Python package playwright (requirements-dev.txt), Node.js and the pinned Playground
(`make playground-install`). Without them the test is skipped, unless REQUIRE_BROWSER=1 (as CI sets it): then it
fails. UPDATE_SCREENSHOTS=1 writes the README's screenshots to docs/screenshots/; otherwise they go, with the
others the test takes, to its temporary directory, so that a run leaves the tree as it was.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from dialogs.applications.programmes import load_programmes
from storage.db import create_engine, create_session_factory
from storage.models import Application, NoticeKind, Role, User, utc_now
from storage.notices import NoticeSpec, enqueue
from storage.users import set_user_role
from tests.browser.playground.relay import start_relay
from tests.support.activities import message
from tests.support.annual_report_walk import button_data, seed_report_year, walk_to_the_review
from tests.support.bot_process import BotProcess, free_port
from texts import text

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
PLAYGROUND = Path(__file__).resolve().parent / "playground" / "node_modules" / ".bin" / "agentsplayground"
SCREENSHOTS = ROOT / "docs" / "screenshots"
# The screenshots the README shows, docs/screenshots/NAME.png ("ks": an annual report's card in kommunstyrelsens
# förvaltning's channel after "Godkänn"). The test also takes "receipt", "ks_registration" (the registered
# application's card in the channel), "undelivered" (the coordinators' list of what did not reach people) and
# "failure" when it fails, into its temporary directory only.
README_SCREENSHOTS = ("welcome", "answer", "form", "ks")
LOCALE = "sv-SE"
# Generous for a loaded two-core machine (the whole suite runs beside this test): a wait ends as soon as what it
# waits for is on the screen.
WAIT_MS = 90_000
START_SECONDS = 90
# Kommunstyrelsens förvaltning's channel is the Playground's team's "General" channel: its conversation id in the
# Playground's default configuration (the team's id), given to the bot as KS_ADMINISTRATION_CONVERSATION_ID.
KS_CHANNEL = "General"
KS_CHANNEL_ID = "team-id"

QUESTION = "Måste jag informera KS om vår EU-ansökan?"
# The registration form as a person fills it in: Servicenämnden's LIFE project, 14.5 MSEK, Malmö stad as owner.
TYPED = {
    "project_name": "Cirkulära Malmö",
    "description": "Återbruk av byggmaterial i stadens fastigheter.",
    "call_identifier": "LIFE-2027-CIRC",
    "total_budget": "14 500 000 kr",
    "contact_name": "Anna Andersson",
    "decision_reference": "SN-2026-77",
}
DATES = {
    "planned_submission_date": "2027-03-01",
    "call_deadline": "2027-03-15",
    "project_start": "2027-09-01",
    "project_end": "2029-08-31",
}
PICKED = {"programme": next(programme.name("sv") for programme in load_programmes() if programme.key == "life"),
          "organisation": "Servicenämnden"}


def _required_strictly() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip() == "1"


def _missing(reason: str) -> None:
    """Skipped locally with what to install; a failure when REQUIRE_BROWSER=1 (CI)."""
    if _required_strictly():
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _require_browser_tools() -> None:
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    if shutil.which("node") is None:
        _missing("Node.js is missing (the Playground runs on it)")
    if not PLAYGROUND.is_file():
        _missing("Agents Playground is not installed; run: make playground-install")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        _missing("the Python package playwright is missing; run: make install-dev")


def screenshot_path(name: str, tmp_path: Path) -> Path:
    """Where the screenshot `name` goes: the README's own with UPDATE_SCREENSHOTS=1, else the temporary directory."""
    folder = tmp_path / "screenshots"
    if name in README_SCREENSHOTS and os.environ.get("UPDATE_SCREENSHOTS", "").strip() == "1":
        folder = SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"


async def _start_playground(endpoint: str, cwd: Path) -> tuple[asyncio.subprocess.Process, int]:
    """The pinned Playground posting to `endpoint`, run in `cwd` (where it writes its logs, and playground.log
    what it prints); its port, as it prints it (it picks another when the one asked for has been taken)."""
    log = cwd / "playground.log"
    environment = {**os.environ, "TEAMSAPPTESTER_BROWSER": "none"}
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            str(PLAYGROUND), "-e", endpoint, "-c", "msteams", "--dt", "-p", str(free_port()),
            cwd=cwd, env=environment, stdout=output, stderr=asyncio.subprocess.STDOUT, start_new_session=True)
    try:
        async with asyncio.timeout(START_SECONDS):
            while not (listening := re.search(r"Listening on (\d+)", log.read_text(errors="replace"))):
                if process.returncode is not None:
                    raise RuntimeError(f"the Playground exited with {process.returncode}: {log.read_text()}")
                await asyncio.sleep(0.1)
    except BaseException:
        await _stop(process)
        raise
    return process, int(listening.group(1))


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the Playground and whatever it started
        try:
            async with asyncio.timeout(10):
                await process.wait()
        except TimeoutError:
            os.killpg(process.pid, signal.SIGKILL)
            await process.wait()


@dataclass(frozen=True)
class Stage:
    url: str  # the Playground's page
    bot_endpoint: str  # the bot's /api/messages, for another official's Teams
    database_url: str  # the bot's database


@pytest.fixture
async def playground(tmp_path: Path) -> AsyncIterator[Stage]:
    """The bot (a process of its own, on SQLite), the locale relay and the Playground, each on a free port."""
    _require_browser_tools()
    settings = {"KS_ADMINISTRATION_CONVERSATION_ID": KS_CHANNEL_ID}
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'lotsen.db'}"
    bot = await BotProcess(database_url, tmp_path, settings).start()
    relay = process = None
    try:
        relay_port = free_port()
        relay = await start_relay(f"http://127.0.0.1:{bot.port}/api/messages", LOCALE, "127.0.0.1", relay_port)
        process, port = await _start_playground(f"http://127.0.0.1:{relay_port}/api/messages", tmp_path)
        yield Stage(f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{bot.port}/api/messages", database_url)
    finally:
        if process is not None:
            await _stop(process)
        if relay is not None:
            await relay.cleanup()
        await bot.stop()


async def _say(page, message: str) -> None:
    """Typed into the Playground's message box and sent with Enter, as a person does."""
    box = page.locator("[data-lexical-editor=true]")
    await box.click()
    await page.keyboard.type(message)
    await page.keyboard.press("Enter")


def _card(page, shows: str | re.Pattern[str], button: str | None = None):
    """The newest Adaptive Card on the page that shows `shows` (and has the button `button`)."""
    cards = page.locator(".ac-adaptiveCard").filter(has_text=shows)
    if button is not None:
        cards = cards.filter(has=page.get_by_role("button", name=button, exact=True))
    return cards.last


def _label(name: str) -> re.Pattern[str]:
    """A form field's label as the card shows it, with or without the mark of a required field."""
    return re.compile(rf"^\s*{re.escape(text(f'registration.labels.{name}', 'sv'))}(\s*\*)?\s*$")


def _input_after(card, label: re.Pattern[str], kind: str = "input"):
    """The input a label stands above, whether the label is the input's own or a text block before it."""
    return card.get_by_text(label).first.locator(f"xpath=following::{kind}[1]")


async def _pick(page, card, name: str, choice: str) -> None:
    """A choice from a dropdown: opened, and the option clicked."""
    await _input_after(card, _label(name)).click()
    await page.get_by_role("option", name=choice, exact=True).click()


async def _fill_form(page, form) -> None:
    for name, value in TYPED.items():
        kind = "textarea" if name == "description" else "input"
        await _input_after(form, _label(name), kind).fill(value)
    for name, choice in PICKED.items():
        await _pick(page, form, name, choice)
    await form.get_by_role("radio", name=text("registration.roles.owner", "sv")).check()
    for name, value in DATES.items():
        date = _input_after(form, _label(name))
        await date.fill(value)
        # With the keyboard, not the field: while its calendar is open the rest of the page is hidden from
        # assistive technology (and from finding the form by its button), and it covers the fields below.
        await page.keyboard.press("Enter")
        await page.keyboard.press("Escape")
    for question in ("aligned_with_policy", "decision_anchored"):
        await form.get_by_role("checkbox", name=text(f"registration.questions.{question}", "sv")).check()


async def _make_the_registrant_a_coordinator(database_url: str) -> None:
    """The Playground's user (who registered the application) becomes a coordinator at kommunstyrelsens
    förvaltning, as an administrator does with `python -m cli users grant ks_coordinator …`."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            user = (await session.scalars(select(User).join(Application, Application.created_by_user_id == User.id)
                                          )).one()
            await set_user_role(session, user, Role.KS_COORDINATOR)
    finally:
        await engine.dispose()


async def _a_notice_still_tried(database_url: str) -> None:
    """The registered application's summary to kommunstyrelsens förvaltning's channel, tried three times in vain
    and tried again years from now (so that the bot's outbox leaves it), as when the channel could not be reached."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine).begin() as session:
            application = (await session.scalars(
                select(Application).where(Application.project_name == TYPED["project_name"]))).one()
            notice = await enqueue(session, NoticeSpec(
                NoticeKind.KS_APPLICATION, "application", application.id, recipient_conversation_id=KS_CHANNEL_ID,
                details={"subject_name": TYPED["project_name"]}), due_at=utc_now() + timedelta(days=1000))
            notice.attempts, notice.last_error = 3, "HTTP 503: Service Unavailable"
    finally:
        await engine.dispose()


async def _anna_submits_her_annual_report(stage: Stage, connector) -> None:
    """Anna of Miljönämnden, in her own Teams (her replies go to the connector stand-in), walks her report to the
    review and presses "Skicka in": its card goes to kommunstyrelsens förvaltning's channel in the Playground."""
    standin, service_url = connector
    await seed_report_year(stage.database_url)
    async with aiohttp.ClientSession() as http:
        async def say(typed: str | None = None, value: dict[str, Any] | None = None) -> None:
            async with http.post(stage.bot_endpoint, json=message(service_url, typed, value=value)) as response:
                assert response.status in (200, 201)

        await walk_to_the_review(say, standin)
        await say(None, button_data(standin, text("annual_report.buttons.submit", "sv")))


async def test_a_question_and_a_registration_by_form_in_the_playground(playground: Stage, connector, tmp_path: Path):
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=WAIT_MS)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 2200}, locale=LOCALE)
            page.set_default_timeout(WAIT_MS)
            # A dead button fails in the page's script (imBack: "Cannot add property msTeams, object is not
            # extensible") and sends nothing: every error the page raises is kept, and there must be none.
            page_errors: list[str] = []
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            await page.goto(playground.url)

            # Opening the chat installs Lotsen: the welcome card, with every button alive.
            welcome = _card(page, text("welcome.title", "sv"))
            await expect(welcome).to_be_visible()
            await welcome.screenshot(path=screenshot_path("welcome", tmp_path))
            # Lotsen is in kommunstyrelsens förvaltning's channel too (it greets it), so it can inform them.
            await page.get_by_text(KS_CHANNEL, exact=True).click()
            await expect(page.get_by_text(text("group_hello", "sv").split(".")[0]).last).to_be_visible()
            await page.get_by_text("Personal Chat", exact=True).click()
            await expect(welcome).to_be_visible()

            # A policy question: the answer cites the section it comes from.
            await _say(page, QUESTION)
            answer = _card(page, "§ 4.1")
            await expect(answer).to_contain_text(re.compile(r"Källa: § 4\.1\b"))
            await expect(answer).to_contain_text("kommunstyrelsens förvaltning")
            await answer.screenshot(path=screenshot_path("answer", tmp_path))
            # Lotsen asks what the answer depends on, with suggested actions: "Ja" is sent as typed.
            owner_question = "Är Malmö stad projektägare"
            await expect(page.get_by_text(owner_question).last).to_be_visible()
            await page.get_by_role("button", name="Ja", exact=True).last.click()
            await expect(page.get_by_text("Vilken är projektets totalbudget").last).to_be_visible()

            # The welcome card's button starts the registration: its form.
            await welcome.get_by_role("button", name=text("welcome.actions.register", "sv")).click()
            submit = text("registration.form.submit", "sv")
            form = _card(page, text("registration.form.title", "sv"), button=submit)
            await expect(form).to_be_visible()
            await _fill_form(page, form)
            await form.screenshot(path=screenshot_path("form", tmp_path))
            await form.get_by_role("button", name=submit, exact=True).click()

            # The review, and "Spara".
            review = _card(page, text("registration.review_title", "sv"))
            await expect(review).to_contain_text(TYPED["project_name"])
            await expect(review).to_contain_text(PICKED["programme"])
            await expect(review).to_contain_text("15 mars 2027")  # the call deadline, from the date picker
            await review.get_by_role("button", name=text("registration.save", "sv"), exact=True).click()

            # The receipt: the application's reference and what 4.1 asks of it.
            receipt = _card(page, re.compile(r"Ansökan EU-\d{4}-\d{4} är registrerad"))
            await expect(receipt).to_be_visible()
            await expect(receipt).to_contain_text("informationsärende")
            await receipt.screenshot(path=screenshot_path("receipt", tmp_path))
            reference = re.search(r"EU-\d{4}-\d{4}", await receipt.inner_text()).group(0)

            # Kommunstyrelsens förvaltning has the application's card in its channel.
            await page.get_by_text(KS_CHANNEL, exact=True).click()
            ks_card = _card(page, text("registration.ks_card_title", "sv", project=TYPED["project_name"]))
            await expect(ks_card).to_contain_text(reference)
            await ks_card.screenshot(path=screenshot_path("ks_registration", tmp_path))

            # Anna submits Miljönämnden's annual report; the Playground's user, a coordinator now, approves it in
            # the channel, and the card becomes what happened, by whom and when, with no buttons left.
            await _make_the_registrant_a_coordinator(playground.database_url)
            await _anna_submits_her_annual_report(playground, connector)
            approve = text("annual_report.ks_card.approve", "sv")
            report_card = _card(page, "Miljönämnden", button=approve)
            await expect(report_card).to_be_visible()
            await report_card.get_by_role("button", name=approve, exact=True).click()
            decided = _card(page, re.compile(r"Godkänd av .+\s\d{1,2}\s\w+\s\d{4}\skl\.\s\d{2}\.\d{2}"))
            await expect(decided).to_contain_text("Miljönämnden")
            await expect(decided.get_by_role("button", name=approve, exact=True)).to_have_count(0)
            await expect(page.locator(".ac-adaptiveCard").filter(
                has=page.get_by_role("button", name=approve, exact=True))).to_have_count(0)
            await decided.screenshot(path=screenshot_path("ks", tmp_path))

            # The coordinator asks what did not reach people: one card, the summary still tried among the notices.
            await _a_notice_still_tried(playground.database_url)
            await page.get_by_text("Personal Chat", exact=True).click()
            await _say(page, "ej nådda")
            undelivered = _card(page, text("reminders.undelivered.notices.about.ks_application", "sv",
                                           subject=TYPED["project_name"]))
            await expect(undelivered).to_contain_text(text("reminders.undelivered.title", "sv"))
            await expect(undelivered).to_contain_text("3 försök · senaste fel: HTTP 503: Service Unavailable")
            await undelivered.screenshot(path=screenshot_path("undelivered", tmp_path))
            assert page_errors == []
        except BaseException:
            # What the page showed when the test failed.
            await page.screenshot(path=screenshot_path("failure", tmp_path), full_page=True)
            raise
        finally:
            await browser.close()
