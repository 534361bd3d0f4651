"""Signed download links to an application's informationsärende (reports/download_links.py) and the app's route
that serves it in Word, GET /downloads/information-item/{id}.docx, through the aiohttp test client on SQLite and
PostgreSQL: for the user the link was made for while they may see the application, as "mina ansökningar" decides."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from docx import Document

from reports.download_links import (
    LinkExpired,
    LinkInvalid,
    LinkMalformed,
    compilation_link,
    information_item_link,
    information_item_link_for,
    verify_compilation_link,
    verify_information_item_link,
)
from settings import Settings
from storage.application_data import ApplicationData, MalmoRole, Money
from storage.applications import application_reference, create_application
from storage.models import Role, User
from storage.organisations import get_organisation
from storage.users import set_user_organisation
from tests.support.people import make_user

SECRET = "a shared secret of every instance"
NOW = datetime(2027, 2, 10, 9, 0, tzinfo=timezone.utc)
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _parts(link: str) -> dict[str, str]:
    split = urlsplit(link)
    application_id, fmt = split.path.rsplit("/", 1)[1].split(".")
    return {"application_id": application_id, "fmt": fmt,
            **{key: values[0] for key, values in parse_qs(split.query).items()}}


def _verify(parts: dict[str, str], *, secret: str = SECRET, now: datetime = NOW) -> int:
    return verify_information_item_link(secret, application_id=parts.get("application_id"), fmt=parts.get("fmt"),
                                        user=parts.get("user"), expires=parts.get("expires"),
                                        signature=parts.get("signature"), now=now)


# ---- the links themselves ------------------------------------------------------------------------------------


def test_a_link_names_application_user_and_expiry_and_verifies_to_its_user() -> None:
    link = information_item_link("https://lotsen.malmo.se/", SECRET, application_id=12, user_id=7, now=NOW)
    assert link.startswith("https://lotsen.malmo.se/downloads/information-item/12.docx?user=7&expires=")
    parts = _parts(link)
    assert int(parts["expires"]) == int((NOW + timedelta(hours=24)).timestamp())
    assert _verify(parts) == 7
    assert _verify(parts, now=NOW + timedelta(hours=23, minutes=59)) == 7


@pytest.mark.parametrize("part, value", [("application_id", "13"), ("user", "8"), ("expires", "4102444800"),
                                         ("signature", "0" * 64)])
def test_changing_any_part_breaks_the_signature(part: str, value: str) -> None:
    parts = _parts(information_item_link("http://x", SECRET, application_id=12, user_id=7, now=NOW))
    with pytest.raises(LinkInvalid) as raised:
        _verify({**parts, part: value})
    assert type(raised.value) is LinkInvalid


def test_one_kinds_signature_never_fits_the_other() -> None:
    """A compilation link for "year" 2026 and an informationsärende link for application 2026, both Word, for the
    same user and expiry: each signature fits its own kind only."""
    item = _parts(information_item_link("http://x", SECRET, application_id=2026, user_id=7, now=NOW))
    compilation = urlsplit(compilation_link("http://x", SECRET, year=2026, fmt="docx", user_id=7, now=NOW))
    compilation_query = {key: values[0] for key, values in parse_qs(compilation.query).items()}
    assert compilation_query["expires"] == item["expires"]
    assert compilation_query["signature"] != item["signature"]
    with pytest.raises(LinkInvalid):
        _verify({**item, "signature": compilation_query["signature"]})
    with pytest.raises(LinkInvalid):
        verify_compilation_link(SECRET, year="2026", fmt="docx", user="7", expires=item["expires"],
                                signature=item["signature"], now=NOW)


def test_another_secret_does_not_verify_and_expired_links_are_told_apart() -> None:
    parts = _parts(information_item_link("http://x", SECRET, application_id=12, user_id=7, now=NOW,
                                         valid_for=timedelta(minutes=5)))
    with pytest.raises(LinkInvalid):
        _verify(parts, secret="another instance's own secret")
    with pytest.raises(LinkExpired):
        _verify(parts, now=NOW + timedelta(minutes=5))


@pytest.mark.parametrize("part, value", [("application_id", "tolv"), ("application_id", None), ("fmt", "pdf"),
                                         ("fmt", None), ("user", "anna"), ("user", None), ("expires", "-1"),
                                         ("signature", "zz"), ("signature", None)])
def test_malformed_parts_are_malformed(part: str, value: str | None) -> None:
    parts = _parts(information_item_link("http://x", SECRET, application_id=12, user_id=7, now=NOW))
    with pytest.raises(LinkMalformed):
        _verify({**parts, part: value})


def test_links_are_not_made_for_nonsense() -> None:
    for bad in ({"application_id": 0}, {"now": datetime(2027, 2, 10)}, {"valid_for": timedelta(0)}):
        with pytest.raises(ValueError):
            information_item_link("http://x", SECRET, **{"application_id": 12, "user_id": 7, "now": NOW, **bad})
    with pytest.raises(ValueError):
        information_item_link("http://x", "", application_id=12, user_id=7, now=NOW)


def test_a_link_for_the_bot_uses_public_base_url_and_the_configured_secret() -> None:
    settings = Settings(_env_file=None, public_base_url="https://lotsen.malmo.se/", download_link_secret=SECRET)
    link = information_item_link_for(settings, 12, 7, NOW)
    assert link.startswith("https://lotsen.malmo.se/downloads/information-item/12.docx?")
    assert _verify(_parts(link)) == 7


# ---- the route ---------------------------------------------------------------------------------------------


@dataclass
class Seeded:
    official: User  # of Miljönämnden, who registered the application
    colleague: User  # of Miljönämnden too
    outsider: User  # of Fritidsnämnden
    coordinator: User  # KS coordinator
    application_id: int  # Miljönämnden's, over the threshold: with an informationsärende
    without_item_id: int  # Miljönämnden's, a partner's: no informationsärende
    reference: str


async def _seed(session_factory) -> Seeded:
    async with session_factory.begin() as session:
        environment = await get_organisation(session, "miljonamnden")
        sports = await get_organisation(session, "fritidsnamnden")
        official = await make_user(session, "29:anna", "Anna Andersson", environment)
        colleague = await make_user(session, "29:erik", "Erik Eriksson", environment)
        outsider = await make_user(session, "29:bo", "Bo Berg", sports)
        coordinator = await make_user(session, "29:karin", "Karin Karlsson", None, Role.KS_COORDINATOR)
        data = ApplicationData(project_name="Gröna tak i Malmö", description="Gröna tak på skolor.",
                               programme="interreg_oks", organisation_slug="miljonamnden", malmo_role=MalmoRole.OWNER,
                               total_budget=Money.of(1_200_000, "EUR"), planned_submission_date=date(2027, 3, 1),
                               contact_name="Anna Andersson", aligned_with_policy=True, decision_anchored=True)
        application, _ = await create_application(
            session, data=data, organisation=environment, created_by=official, submission_key="green-roofs",
            eur_sek_rate=11.5, information_item_required=True, information_item_draft="Utkast")
        partner = data.model_copy(update={"project_name": "Hamnens omställning", "malmo_role": MalmoRole.PARTNER})
        without_item, _ = await create_application(
            session, data=partner, organisation=environment, created_by=official, submission_key="harbour",
            eur_sek_rate=11.5, information_item_required=False, information_item_draft=None)
        return Seeded(official, colleague, outsider, coordinator, application.id, without_item.id,
                      application_reference(application))


async def _client(start_app, database_url: str):
    client = await start_app(database_url=database_url, download_link_secret=SECRET)
    return client, str(client.make_url("")).rstrip("/")


def _path(base: str, application_id: int, user: User, now: datetime | None = None) -> str:
    split = urlsplit(information_item_link(base, SECRET, application_id=application_id, user_id=user.id,
                                           now=now or datetime.now(timezone.utc)))
    return f"{split.path}?{split.query}"


async def test_the_official_gets_the_informationsärende_in_word_built_now(start_app, session_factory, database_url):
    seeded = await _seed(session_factory)
    client, base = await _client(start_app, database_url)

    response = await client.get(_path(base, seeded.application_id, seeded.official))
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"] == WORD
    name = f"Informationsärende {seeded.reference}.docx"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=\"Informationsarende {seeded.reference}.docx\"; "
        f"filename*=UTF-8''{quote(name, safe='')}")
    assert "Informations%C3%A4rende%20EU-" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    paragraphs = [(p.style.name, p.text) for p in Document(io.BytesIO(await response.read())).paragraphs]
    assert [text for style, text in paragraphs if style == "Heading 1"] == [
        "Ärende", "Sammanfattning", "Bakgrund", "Ekonomi", "Koppling till policy och mål", "Förslag till beslut"]
    texts = [text for _, text in paragraphs]
    assert "Information om ansökan om EU-finansiering för projektet Gröna tak i Malmö " \
           "(Interreg Öresund-Kattegat-Skagerrak)" in texts
    assert f"Lotsens referens: {seeded.reference}" in texts
    assert "Projektets totalbudget: 1 200 000 euro (ungefär 13 800 000 kr med kursen 11,50 kr per euro)" in texts
    assert "Diarienummer: [fyll i]" in texts and "Projektperiod: [fyll i]" in texts

    # A colleague of the same nämnd, and a KS coordinator, with links of their own.
    for user in (seeded.colleague, seeded.coordinator):
        response = await client.get(_path(base, seeded.application_id, user))
        assert response.status == 200
        assert response.headers["Content-Type"] == WORD


async def test_links_that_must_not_download(start_app, session_factory, database_url):
    seeded = await _seed(session_factory)
    client, base = await _client(start_app, database_url)
    now = datetime.now(timezone.utc)
    good = _path(base, seeded.application_id, seeded.official)
    tampered = good[:-4] + ("0000" if not good.endswith("0000") else "1111")
    other_application = good.replace(f"/{seeded.application_id}.docx", f"/{seeded.without_item_id}.docx")
    # The compilation's signature on this path: another kind of link.
    compilation = urlsplit(compilation_link(base, SECRET, year=2026, fmt="docx", user_id=seeded.official.id, now=now))
    other_kind = f"/downloads/information-item/2026.docx?{compilation.query}"
    expired = _path(base, seeded.application_id, seeded.official, now=now - timedelta(days=2))
    outsiders = _path(base, seeded.application_id, seeded.outsider)
    colleagues_before = _path(base, seeded.application_id, seeded.colleague)
    async with session_factory.begin() as session:  # the colleague has since moved to Fritidsnämnden
        await set_user_organisation(session, await session.get(User, seeded.colleague.id),
                                    await get_organisation(session, "fritidsnamnden"))
    nobodys = urlsplit(information_item_link(base, SECRET, application_id=seeded.application_id, user_id=999_999,
                                             now=now))
    unknown = urlsplit(information_item_link(base, SECRET, application_id=999_999, user_id=seeded.official.id,
                                             now=now))
    without_item = _path(base, seeded.without_item_id, seeded.official)

    expectations = {tampered: 403, other_application: 403, other_kind: 403, expired: 410, outsiders: 403,
                    colleagues_before: 403, f"{nobodys.path}?{nobodys.query}": 403,
                    f"{unknown.path}?{unknown.query}": 404, without_item: 404}
    for path, status in expectations.items():
        response = await client.get(path)
        assert response.status == status, path
        body = await response.json()
        assert set(body) == {"error"} and body["error"]
        assert "Gröna tak" not in body["error"]
    assert (await client.get(good)).status == 200  # the genuine link still works


@pytest.mark.parametrize("path", [
    "/downloads/information-item/1.docx",  # no query at all
    "/downloads/information-item/1.pdf?user=1&expires=4102444800&signature=" + "0" * 64,
    "/downloads/information-item/ett.docx?user=1&expires=4102444800&signature=" + "0" * 64,
    "/downloads/information-item/1.docx?user=anna&expires=4102444800&signature=" + "0" * 64,
    "/downloads/information-item/1.docx?user=1&expires=soon&signature=" + "0" * 64,
    "/downloads/information-item/1.docx?user=1&expires=4102444800&signature=not-hex",
])
async def test_malformed_links_are_400(start_app, database_url, engine, path):
    client, _ = await _client(start_app, database_url)
    response = await client.get(path)
    assert response.status == 400
    assert set(await response.json()) == {"error"}


async def test_a_template_that_cannot_be_used_is_a_500_that_says_so_not_a_traceback(
    start_app, session_factory, database_url, tmp_path
):
    seeded = await _seed(session_factory)
    (tmp_path / "mall.docx").write_text("not a Word document", encoding="utf-8")
    client = await start_app(database_url=database_url, download_link_secret=SECRET,
                             information_item_template=str(tmp_path / "mall.docx"))
    base = str(client.make_url("")).rstrip("/")
    response = await client.get(_path(base, seeded.application_id, seeded.official))
    assert response.status == 500
    assert await response.json() == {"error": "the informationsärende template cannot be used; the log says why"}
