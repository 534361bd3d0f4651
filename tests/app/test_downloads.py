"""Signed download links to the yearly compilation (reports/download_links.py) and the app's route that serves
them, GET /downloads/compilation/{year}.{fmt}, through the aiohttp test client on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from docx import Document
from openpyxl import load_workbook

from reports.compilation import SHEETS
from reports.download_links import (
    LinkExpired,
    LinkInvalid,
    LinkMalformed,
    compilation_link,
    compilation_link_for,
    signing_secret,
    verify_compilation_link,
)
from settings import Settings
from storage.models import Role, User
from storage.users import set_user_role
from tests.support.compilation_seed import APPLICATIONS, DEFAULT_RATE, TOTAL_BUDGET, seed_year
from tests.support.people import make_user

SECRET = "a shared secret of every instance"
NOW = datetime(2027, 2, 10, 9, 0, tzinfo=timezone.utc)
FILE_NAME = "sammanstallning-internationellt-arbete-2026"


def _parts(link: str) -> dict[str, str]:
    split = urlsplit(link)
    year, fmt = split.path.rsplit("/", 1)[1].split(".")
    return {"year": year, "fmt": fmt, **{key: values[0] for key, values in parse_qs(split.query).items()}}


def _verify(parts: dict[str, str], *, secret: str = SECRET, now: datetime = NOW) -> int:
    return verify_compilation_link(secret, year=parts.get("year"), fmt=parts.get("fmt"), user=parts.get("user"),
                                   expires=parts.get("expires"), signature=parts.get("signature"), now=now)


# ---- the links themselves ------------------------------------------------------------------------------------


def test_a_link_names_year_format_user_and_expiry_and_verifies_to_its_user() -> None:
    link = compilation_link("https://lotsen.malmo.se/", SECRET, year=2026, fmt="xlsx", user_id=7, now=NOW)
    assert link.startswith("https://lotsen.malmo.se/downloads/compilation/2026.xlsx?user=7&expires=")
    parts = _parts(link)
    assert int(parts["expires"]) == int((NOW + timedelta(hours=24)).timestamp())
    assert _verify(parts) == 7
    assert _verify(parts, now=NOW + timedelta(hours=23, minutes=59)) == 7


@pytest.mark.parametrize("part, value", [("year", "2025"), ("fmt", "md"), ("user", "8"), ("expires", "4102444800"),
                                         ("signature", "0" * 64)])
def test_changing_any_part_breaks_the_signature(part: str, value: str) -> None:
    parts = _parts(compilation_link("http://x", SECRET, year=2026, fmt="docx", user_id=7, now=NOW))
    with pytest.raises(LinkInvalid) as raised:
        _verify({**parts, part: value})
    assert type(raised.value) is LinkInvalid  # a well-formed link that does not match, not a malformed one


def test_another_secret_does_not_verify_and_expired_links_are_told_apart() -> None:
    parts = _parts(compilation_link("http://x", SECRET, year=2026, fmt="docx", user_id=7, now=NOW,
                                   valid_for=timedelta(minutes=5)))
    with pytest.raises(LinkInvalid):
        _verify(parts, secret="another instance's own secret")
    with pytest.raises(LinkExpired):
        _verify(parts, now=NOW + timedelta(minutes=5))


@pytest.mark.parametrize("part, value", [("year", "20x6"), ("year", "1999"), ("fmt", "pdf"), ("fmt", None),
                                         ("user", "anna"), ("user", None), ("expires", "-1"), ("expires", ""),
                                         ("signature", "zz"), ("signature", None)])
def test_malformed_parts_are_malformed(part: str, value: str | None) -> None:
    parts = _parts(compilation_link("http://x", SECRET, year=2026, fmt="docx", user_id=7, now=NOW))
    with pytest.raises(LinkMalformed):
        _verify({**parts, part: value})


def test_links_are_not_made_for_nonsense() -> None:
    for bad in ({"fmt": "pdf"}, {"year": 1999}, {"now": datetime(2027, 2, 10)}, {"valid_for": timedelta(0)}):
        arguments = {"year": 2026, "fmt": "docx", "user_id": 7, "now": NOW, **bad}
        with pytest.raises(ValueError):
            compilation_link("http://x", SECRET, **arguments)
    with pytest.raises(ValueError):
        compilation_link("http://x", "", year=2026, fmt="docx", user_id=7, now=NOW)


def test_a_link_for_the_bot_uses_public_base_url_and_the_configured_secret() -> None:
    settings = Settings(_env_file=None, public_base_url="https://lotsen.malmo.se/", download_link_secret=SECRET)
    link = compilation_link_for(settings, 2026, "md", 7, NOW)
    assert link.startswith("https://lotsen.malmo.se/downloads/compilation/2026.md?")
    assert _verify(_parts(link)) == 7


def test_without_a_configured_secret_it_is_derived_from_the_app_password_or_local() -> None:
    def secret(**values: str) -> str:
        return signing_secret(Settings(_env_file=None, download_link_secret="", **values))

    # Every instance of one bot has the same app password, so their links verify on each other.
    production = secret(MicrosoftAppId="app", MicrosoftAppPassword="the bot's client secret")
    assert production == secret(MicrosoftAppId="app", MicrosoftAppPassword="the bot's client secret")
    assert production not in ("the bot's client secret", secret(MicrosoftAppId="app", MicrosoftAppPassword="other"))
    # Locally, unauthenticated: one secret for `make chat` and `make run` alike.
    assert secret() == secret() != production
    # An app id without a password (a managed identity): this process's own, not the local one.
    managed = secret(MicrosoftAppId="app", MicrosoftAppType="UserAssignedMSI", MicrosoftAppTenantId="tenant")
    assert managed not in (secret(), production)


# ---- the route ---------------------------------------------------------------------------------------------


async def _client(start_app, database_url: str, **overrides):
    # EUR_SEK_RATE as in the seed's figures: the rate for the application stored without one.
    client = await start_app(database_url=database_url, download_link_secret=SECRET, eur_sek_rate=DEFAULT_RATE,
                             **overrides)
    return client, str(client.make_url("")).rstrip("/")


def _path(link: str) -> str:
    split = urlsplit(link)
    return f"{split.path}?{split.query}"


async def test_a_coordinators_link_downloads_the_compilation_built_now(start_app, session_factory, database_url):
    seeded = await seed_year(session_factory)
    client, base = await _client(start_app, database_url)
    now = datetime.now(timezone.utc)

    response = await client.get(_path(compilation_link(base, SECRET, year=2026, fmt="docx",
                                                       user_id=seeded.coordinator.id, now=now)))
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"] == \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{FILE_NAME}.docx"'
    assert response.headers["Cache-Control"] == "no-store"
    document = Document(io.BytesIO(await response.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Sammanställning av Malmö stads internationella arbete 2026" in text
    assert f"Antal EU-ansökningar: {APPLICATIONS}" in text

    response = await client.get(_path(compilation_link(base, SECRET, year=2026, fmt="xlsx",
                                                       user_id=seeded.admin.id, now=now)))
    assert response.status == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{FILE_NAME}.xlsx"'
    summary = {row[0]: row[1] for row in load_workbook(io.BytesIO(await response.read()))[SHEETS[0]]
               .iter_rows(min_row=2, values_only=True) if row[0]}
    assert summary["Summa totalbudget (kr)"] == TOTAL_BUDGET

    response = await client.get(_path(compilation_link(base, SECRET, year=2026, fmt="md",
                                                       user_id=seeded.coordinator.id, now=now)))
    assert response.status == 200 and response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert "| Totalt | 5 | 37 576 000 kr | 2 | 12 450 000 kr |" in await response.text()


async def test_links_that_must_not_download(start_app, session_factory, database_url):
    seeded = await seed_year(session_factory)
    async with session_factory.begin() as session:
        leaving_id = (await make_user(session, "29:former", "Fredrik Förr", None, Role.KS_COORDINATOR)).id
    client, base = await _client(start_app, database_url)
    now = datetime.now(timezone.utc)

    def link(user_id: int, **overrides) -> str:
        return _path(compilation_link(base, SECRET, **{"year": 2026, "fmt": "docx", "user_id": user_id,
                                                       "now": now, **overrides}))

    good = link(seeded.coordinator.id)
    tampered = good[:-4] + ("0000" if not good.endswith("0000") else "1111")
    other_year = good.replace("/2026.docx", "/2025.docx")
    expired = link(seeded.coordinator.id, now=now - timedelta(days=2))
    officials = link(seeded.official.id)
    coordinators_before = link(leaving_id)
    async with session_factory.begin() as session:  # the coordinator has since moved on to other work
        await set_user_role(session, await session.get(User, leaving_id), Role.OFFICIAL)
    nobodys = link(999_999)

    expectations = {tampered: 403, other_year: 403, expired: 410, officials: 403, coordinators_before: 403,
                    nobodys: 403}
    for path, status in expectations.items():
        response = await client.get(path)
        assert response.status == status, path
        body = await response.json()
        assert set(body) == {"error"} and body["error"]
        assert "Sammanställning" not in body["error"]
    assert (await client.get(good)).status == 200  # the genuine link still works


@pytest.mark.parametrize("path", [
    "/downloads/compilation/2026.docx",  # no query at all
    "/downloads/compilation/2026.pdf?user=1&expires=4102444800&signature=" + "0" * 64,
    "/downloads/compilation/tjugo.docx?user=1&expires=4102444800&signature=" + "0" * 64,
    "/downloads/compilation/2026.docx?user=anna&expires=4102444800&signature=" + "0" * 64,
    "/downloads/compilation/2026.docx?user=1&expires=soon&signature=" + "0" * 64,
    "/downloads/compilation/2026.docx?user=1&expires=4102444800&signature=not-hex",
])
async def test_malformed_links_are_400(start_app, database_url, engine, path):
    client, _ = await _client(start_app, database_url)
    response = await client.get(path)
    assert response.status == 400
    assert set(await response.json()) == {"error"}


async def test_without_a_configured_secret_a_link_from_another_local_process_works(
    start_app, session_factory, database_url
):
    seeded = await seed_year(session_factory)
    client = await start_app(database_url=database_url, download_link_secret="")
    base = str(client.make_url("")).rstrip("/")
    bots_settings = Settings(_env_file=None, public_base_url=base)  # as `make chat` has them, in its own process
    link = compilation_link_for(bots_settings, 2026, "md", seeded.coordinator.id, datetime.now(timezone.utc))
    assert link.startswith(f"{base}/downloads/compilation/2026.md?")
    response = await client.get(_path(link))
    assert response.status == 200
    assert (await response.text()).startswith("# Sammanställning av Malmö stads internationella arbete 2026")
    # A link signed with some other instance's secret is refused here.
    foreign = compilation_link(base, SECRET, year=2026, fmt="md", user_id=seeded.coordinator.id,
                               now=datetime.now(timezone.utc))
    assert (await client.get(_path(foreign))).status == 403
