"""Administrators decide where directory values lead, in chat ("katalogkoppling …: …", "katalogkopplingar",
"ta bort katalogkoppling …") through the whole bot and botbuilder's TestAdapter on both databases; and on the
operator's command line (`python -m cli directory …`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from storage.directory_mappings import list_mappings
from storage.migrate import upgrade
from tests.support.people_chat import ADA, ANNA, ask, mentioning_lotsen, seed_people

ROOT = Path(__file__).resolve().parents[2]


async def _mappings(session_factory) -> list[tuple[str, str, str]]:
    async with session_factory() as session:
        return [(mapping.source.value, mapping.value, mapping.organisation.slug)
                for mapping in await list_mappings(session)]


async def test_an_admin_maps_a_value_lists_it_and_removes_it(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, ADA, "katalogkoppling Gatukontoret Syd: Tekniska nämnden")
    assert answer == ("Klart: den som har avdelningen ”Gatukontoret Syd” i katalogen placeras i Tekniska nämnden "
                      "när Lotsen möter hen och hen inte redan är placerad.")
    assert await _mappings(session_factory) == [("department", "Gatukontoret Syd", "tekniska-namnden")]

    # A shipped value mapped elsewhere: the administrator's mapping wins, and says what it was.
    answer = await ask(session_factory, ADA, "katalogkoppling stadskontoret: Valnämnden")
    assert answer == ("Klart: avdelningen ”stadskontoret” i katalogen leder nu till Valnämnden "
                      "(tidigare Kommunstyrelsen).")

    listing = (await ask(session_factory, ADA, "katalogkopplingar")).splitlines()
    assert listing[0].startswith("Lotsen läser inte katalogen just nu")  # this bot has no Graph configured
    assert "Kopplingar från katalogen, avdelningen:" in listing
    assert "• ”Gatukontoret Syd” → Tekniska nämnden (tillagd av en administratör)" in listing
    assert "• ”stadskontoret” → Valnämnden (tillagd av en administratör)" in listing
    assert "• ”Miljöförvaltningen” → Miljönämnden" in listing

    answer = await ask(session_factory, ADA, "ta bort katalogkoppling Stadskontoret")
    assert answer == ("Klart: kopplingen som en administratör lagt till för avdelningen ”Stadskontoret” är borttagen. "
                      "Lotsens standardkoppling gäller nu: Kommunstyrelsen.")
    assert await ask(session_factory, ADA, "ta bort katalogkoppling Stadskontoret") == (
        "Ingen administratör har kopplat avdelningen ”Stadskontoret” till någon nämnd eller något bolag, så det "
        "finns inget att ta bort.")
    assert await _mappings(session_factory) == [("department", "Gatukontoret Syd", "tekniska-namnden")]


async def test_in_english_too(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, ADA, "directory map Gatukontoret Syd: Tekniska nämnden", locale="en-US")
    assert answer.startswith("Done: whoever has the department “Gatukontoret Syd” in the directory is placed in "
                             "Tekniska nämnden")


async def test_others_are_refused_and_nothing_is_mapped(session_factory):
    await seed_people(session_factory)
    refusal = ("Bara en administratör kan se och ändra hur Lotsen placerar användare utifrån katalogen. "
               "Jag har inte ändrat något.")
    assert await ask(session_factory, ANNA, "katalogkoppling Miljöförvaltningen: Fritidsnämnden") == refusal
    assert await ask(session_factory, ANNA, "katalogkopplingar") == refusal
    assert await _mappings(session_factory) == []


async def test_mistakes_are_answered_without_a_change(session_factory):
    await seed_people(session_factory)
    assert (await ask(session_factory, ADA, "katalogkoppling Gatukontoret: Gatunämnden")).startswith(
        "Jag hittar ingen nämnd eller inget bolag som heter ”Gatunämnden”.")
    assert (await ask(session_factory, ADA, "katalogkoppling Gatukontoret")).startswith("Skriv värdet i katalogen")
    assert (await ask(session_factory, ADA, f"katalogkoppling {'x' * 300}: Miljönämnden")).startswith(
        "Värdet är för långt")
    assert await _mappings(session_factory) == []


async def test_in_a_channel_the_admin_is_asked_to_write_privately(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, ADA, mentioning_lotsen("katalogkopplingar"), conversation_type="channel")
    assert answer.startswith("Kopplingarna från katalogen tar jag bara i en privat chatt med dig.")
    assert "[Öppna chatten med Lotsen]" in answer


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", "directory", *args], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url,
                                                     "LOG_LEVEL": "WARNING", "DIRECTORY_SOURCE": "group"})


async def test_the_operator_maps_lists_and_unmaps_on_the_command_line(tmp_path):
    database_url = f"sqlite+aiosqlite:///{tmp_path}/directory.db"
    await upgrade(database_url)
    mapped = _cli(database_url, "map", "MF Alla medarbetare", "miljönämnden")
    assert mapped.returncode == 0, mapped.stderr
    assert mapped.stdout.strip() == "group 'MF Alla medarbetare' → Miljönämnden"
    department = _cli(database_url, "map", "Gatukontoret Syd", "tekniska-namnden", "--source", "department")
    assert department.returncode == 0, department.stderr

    listing = _cli(database_url, "mappings").stdout  # the configured source: groups
    assert "MF Alla medarbetare" in listing and "Miljönämnden" in listing and "admin" in listing
    assert "Gatukontoret Syd" not in listing
    assert "Miljöförvaltningen" in _cli(database_url, "mappings", "--source", "department").stdout  # shipped

    assert _cli(database_url, "map", "X", "Gatunämnden").returncode == 2
    removed = _cli(database_url, "unmap", "mf alla MEDARBETARE")
    assert removed.returncode == 0, removed.stderr
    assert _cli(database_url, "unmap", "MF Alla medarbetare").returncode == 2
    assert "no mappings for group" in _cli(database_url, "mappings").stdout
