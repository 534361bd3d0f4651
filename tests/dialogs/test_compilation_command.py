""""sammanställning [år]": the compilation for kommunfullmäktige as signed download links, for KS coordinators in a
private chat, through botbuilder's TestAdapter on real storage and both databases."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from reports.download_links import LinkExpired, signing_secret, verify_compilation_link
from storage.annual_reports import get_or_create_draft, submit
from storage.organisations import get_organisation
from settings import Settings
from tests.support.chat import buttons, say, text_of
from tests.support.ks_setup import BO, KARIN, NOT_MINE, NOW, OLLE, YEAR, adapter, seed
from tests.support.people import make_user

SECRET = "a-shared-secret-for-the-tests"
BASE_URL = "https://lotsen.malmo.example"
LINK_SETTINGS = {"download_link_secret": SECRET, "public_base_url": BASE_URL}


def _check(url: str, *, year: int, fmt: str, now: datetime = NOW) -> int:
    """The user id a link was signed for, as the app's download route checks it."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE_URL
    assert parts.path == f"/downloads/compilation/{year}.{fmt}"
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return verify_compilation_link(SECRET, year=year, fmt=fmt, user=query.get("user"), expires=query.get("expires"),
                                   signature=query.get("signature"), now=now)


async def test_a_coordinator_gets_three_links_valid_for_a_day_and_the_counts(session_factory):
    seeded = await seed(session_factory)
    replies = await say(adapter(session_factory, **LINK_SETTINGS), "sammanställning 2025")
    text = text_of(replies)
    assert "Sammanställning för kommunfullmäktige 2025" in text
    assert "avsnitt 3.1, 3.2.1, 3.3 och 4" in text
    # Miljönämnden submitted, Kulturnämnden approved; the draft and the returned report are not handed in. Only
    # the 16 nämnder must report (3.3, 4): the helägda bolag are never counted as not submitted (3.4).
    for line in ("Nämnder: 16", "Inskickade, väntar på granskning: 1", "Godkända: 1", "Inte inskickade: 14",
                 "Bolag som har redovisat frivilligt (avsnitt 3.4): 0"):
        assert line in text
    assert "Helägda bolag har ingen skyldighet att redovisa (avsnitt 3.4)" in text
    assert "Länkarna gäller till 4\u00a0februari\u00a02026 kl.\u00a009.15." in text  # 24 hours, in Malmö time
    links = buttons(replies)
    assert list(links) == ["Word", "Excel", "Markdown"]
    karin = seeded.users["karin"].id
    for title, fmt in (("Word", "docx"), ("Excel", "xlsx"), ("Markdown", "md")):
        assert _check(links[title]["url"], year=2025, fmt=fmt) == karin
    with pytest.raises(LinkExpired):
        _check(links["Word"]["url"], year=2025, fmt="docx", now=datetime(2026, 2, 4, 8, 16, tzinfo=timezone.utc))


@pytest.mark.parametrize("message", ["sammanställning", "Sammanställning för KF 2025", "compilation 2025",
                                     "sammanställningen till KF"])
async def test_the_ways_of_asking_and_the_default_year(session_factory, message):
    seeded = await seed(session_factory)
    replies = await say(adapter(session_factory, **LINK_SETTINGS), message)
    assert text_of(replies).splitlines()[0] in ("Sammanställning för kommunfullmäktige 2025",
                                              "Compilation for the city council 2025")
    assert _check(buttons(replies)["Word"]["url"], year=2025, fmt="docx") == seeded.users["karin"].id


async def test_a_bolags_voluntary_report_is_counted_apart_from_the_namnder(session_factory):
    await seed(session_factory)
    async with session_factory.begin() as session:
        for slug, hand_in in (("mkb-fastighets-ab", True), ("malmo-stadsteater-ab", False)):
            organisation = await get_organisation(session, slug)
            official = await make_user(session, f"29:{slug}", f"Tjänsteperson {slug}", organisation)
            report = await get_or_create_draft(session, organisation.id, YEAR, official)
            if hand_in:
                await submit(session, report, official)
    text = text_of(await say(adapter(session_factory, **LINK_SETTINGS), "sammanställning 2025"))
    # The nämnders' figures are unchanged; MKB's submitted report counts as voluntary, the draft not at all.
    for line in ("Nämnder: 16", "Inskickade, väntar på granskning: 1", "Inte inskickade: 14",
                 "Bolag som har redovisat frivilligt (avsnitt 3.4): 1"):
        assert line in text


async def test_the_compilation_in_english(session_factory):
    await seed(session_factory)
    replies = await say(adapter(session_factory, locale="en-US", **LINK_SETTINGS), "compilation for KF 2024")
    text = text_of(replies)
    assert "Compilation for the city council 2024" in text
    assert "Nämnder: 16" in text and "Not submitted: 16" in text
    assert "Companies that reported voluntarily (section 3.4): 0" in text
    assert "The links are valid until 4\u00a0February\u00a02026 at 09:15." in text
    assert _check(buttons(replies)["Excel"]["url"], year=2024, fmt="xlsx") > 0


async def test_others_are_refused_and_get_no_link(session_factory):
    await seed(session_factory)
    for user in (OLLE, BO):
        replies = await say(adapter(session_factory, user, **LINK_SETTINGS), "sammanställning 2025")
        assert [reply.text for reply in replies] == [
            "Sammanställningen för kommunfullmäktige tas fram av kommunstyrelsens förvaltning (avsnitt 3.2.1), så "
            "bara KS-samordnare och administratörer kan hämta den."]
        assert buttons(replies) == {}


async def test_the_links_are_not_given_in_a_channel(session_factory):
    await seed(session_factory)
    replies = await say(adapter(session_factory, KARIN, channel=True, **LINK_SETTINGS), "sammanställning 2025")
    assert [reply.text for reply in replies] == [
        "Länkarna till sammanställningen är personliga, så jag ger dem bara i en privat chatt med dig. Skriv "
        "”sammanställning 2025” till mig i en chatt med Lotsen."]
    assert buttons(replies) == {}


async def test_an_impossible_year_is_asked_again_and_other_words_are_not_this_command(session_factory):
    await seed(session_factory)
    [reply] = await say(adapter(session_factory), "sammanställning 1999")
    assert reply.text == "Jag förstod inte vilket år du menar. Skriv ett årtal, till exempel ”sammanställning 2025”."
    [reply] = await say(adapter(session_factory), "sammanställning av policyn")
    assert reply.text == NOT_MINE


async def test_without_a_configured_secret_the_process_secret_signs_the_links(session_factory):
    seeded = await seed(session_factory)
    replies = await say(adapter(session_factory), "sammanställning 2025")
    url = buttons(replies)["Markdown"]["url"]
    assert url.startswith("http://localhost:3978/downloads/compilation/2025.md?")
    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    secret = signing_secret(Settings(_env_file=None))
    assert verify_compilation_link(secret, year=2025, fmt="md", user=query["user"], expires=query["expires"],
                                   signature=query["signature"], now=NOW) == seeded.users["karin"].id
