"""directory/placement.py on both databases, against the Graph stand-in over HTTP: a user without organisation
placed by department or group, the history saying so; ambiguous or no match telling every administrator once
and placing nobody; an administrator's placement winning; a lookup at most once a day; Graph down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from dialogs.people.directory_commands import unplaced_notice_text
from dialogs.people.people_cards import describe_history_entry
from directory.config import build_directory_placer, graph_config
from directory.graph_client import GraphClient
from directory.mapping import MappingRule, load_mapping_file
from directory.placement import DirectoryPlacer
from settings import Settings
from storage.directory_lookups import last_lookup
from storage.directory_mappings import set_mapping
from storage.history import OPERATOR, read_history
from storage.models import DirectoryOutcome, DirectorySource, Notice, NoticeKind, Organisation, Role, User
from storage.organisations import get_organisation
from storage.users import set_user_organisation, set_user_role, upsert_user
from tests.support.graph_standin import DirectoryUser, GraphStandIn

START = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)
AMBIGUOUS_RULES = [MappingRule(DirectorySource.DEPARTMENT, "Stadskontoret", ("kommunstyrelsen", "valnamnden"), "file")]


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Setup:
    placer: DirectoryPlacer
    clock: Clock
    nils: int  # a user without organisation, in the directory as aad-nils
    admins: list[int]


async def _setup(session_factory, graph: GraphStandIn, source: str = "department",
                 rules: list[MappingRule] | None = None) -> Setup:
    async with session_factory.begin() as session:
        board = await get_organisation(session, "kommunstyrelsen")
        admins = []
        for teams_id, name, locale in (("29:ada", "Ada Admin", "sv-SE"), ("29:eve", "Eve Admin", "en-GB")):
            admin = await upsert_user(session, teams_id, aad_object_id=f"aad-{name}", name=name, locale=locale)
            await set_user_role(session, admin, Role.ADMIN)
            await set_user_organisation(session, admin, board)
            admins.append(admin.id)
        nils = await upsert_user(session, "29:nils", aad_object_id="aad-nils", name="Nils Nilsson")
        nils_id = nils.id
    clock = Clock()
    config = graph_config(Settings(_env_file=None, **graph.settings(source)))
    assert config is not None
    file_rules = load_mapping_file() if rules is None else rules
    return Setup(DirectoryPlacer(GraphClient(config), DirectorySource(source), file_rules, clock=clock), clock,
                 nils_id, admins)


async def _place(session_factory, setup: Setup):
    async with session_factory.begin() as session:
        return await setup.placer.place(session, setup.nils)


async def _organisation_of(session_factory, user_id: int) -> str | None:
    async with session_factory() as session:
        user = await session.get(User, user_id)
        if user.organisation_id is None:
            return None
        return (await session.get(Organisation, user.organisation_id)).slug


async def _notices(session_factory) -> list[Notice]:
    async with session_factory() as session:
        return list((await session.scalars(select(Notice).order_by(Notice.id))).all())


async def test_a_user_is_placed_by_department_and_the_history_says_so(session_factory, graph):
    graph.users["aad-nils"] = DirectoryUser(department="Miljöförvaltningen")
    setup = await _setup(session_factory, graph)
    result = await _place(session_factory, setup)
    assert (result.outcome, result.organisation) == (DirectoryOutcome.PLACED, "miljonamnden")
    assert await _organisation_of(session_factory, setup.nils) == "miljonamnden"
    assert await _notices(session_factory) == []
    async with session_factory() as session:
        [entry] = [entry for entry in await read_history(session, OPERATOR) if entry.subject == "Nils Nilsson"]
    assert entry.actor_name is None
    assert entry.details["by"] == "directory"
    assert describe_history_entry(entry, "sv") == (
        "Organisation ändrad: Nils Nilsson (ingen → Miljönämnden; placerad utifrån katalogen "
        "(avdelningen: ”Miljöförvaltningen”))")
    # Placed: never looked up again.
    assert not setup.placer.due(setup.nils)


async def test_a_user_is_placed_by_a_group(session_factory, graph):
    graph.users["aad-nils"] = DirectoryUser(groups=[("g-1", "Alla medarbetare"), ("g-2", "Gymnasiet"),
                                                    ("g-kf", "KF Kulturförvaltningen")])
    rules = [MappingRule(DirectorySource.GROUP, "KF Kulturförvaltningen", ("kulturnamnden",), "file")]
    setup = await _setup(session_factory, graph, source="group", rules=rules)
    assert (await _place(session_factory, setup)).organisation == "kulturnamnden"
    assert await _organisation_of(session_factory, setup.nils) == "kulturnamnden"


async def test_an_ambiguous_mapping_places_nobody_and_tells_every_administrator_once(session_factory, graph):
    graph.users["aad-nils"] = DirectoryUser(department="Stadskontoret")
    setup = await _setup(session_factory, graph, rules=AMBIGUOUS_RULES)
    assert (await _place(session_factory, setup)).outcome == DirectoryOutcome.AMBIGUOUS
    assert await _organisation_of(session_factory, setup.nils) is None
    notices = await _notices(session_factory)
    assert sorted(notice.recipient_user_id for notice in notices) == sorted(setup.admins)
    assert {notice.kind for notice in notices} == {NoticeKind.DIRECTORY_UNPLACED}
    swedish, english = (unplaced_notice_text(notice.details) for notice in notices)
    assert swedish.startswith("Jag kunde inte placera Nils Nilsson utifrån katalogen: avdelningen ”Stadskontoret” "
                              "leder till Kommunstyrelsen, Valnämnden.")
    assert english.startswith("I could not place Nils Nilsson from the directory: the department “Stadskontoret” "
                              "leads to Kommunstyrelsen, Valnämnden.")

    # The next day the directory says the same: looked up again, but the administrators are not told again.
    setup.clock.now += timedelta(days=1, minutes=1)
    assert setup.placer.due(setup.nils)
    assert (await _place(session_factory, setup)).outcome == DirectoryOutcome.AMBIGUOUS
    assert len(graph.graph_requests) == 2
    assert len(await _notices(session_factory)) == 2

    # An administrator decides where the value leads: the next lookup places the user.
    async with session_factory.begin() as session:
        await set_mapping(session, DirectorySource.DEPARTMENT, "stadskontoret",
                          await get_organisation(session, "kommunstyrelsen"), actor=None)
    setup.clock.now += timedelta(days=1, minutes=1)
    assert (await _place(session_factory, setup)).organisation == "kommunstyrelsen"


async def test_no_match_tells_the_administrators_what_the_directory_said(session_factory, graph):
    graph.users["aad-nils"] = DirectoryUser(department="Okända förvaltningen")
    setup = await _setup(session_factory, graph)
    assert (await _place(session_factory, setup)).outcome == DirectoryOutcome.NO_MATCH
    assert await _organisation_of(session_factory, setup.nils) is None
    notices = await _notices(session_factory)
    assert len(notices) == 2
    assert "avdelningen ”Okända förvaltningen” leder inte till någon nämnd" in unplaced_notice_text(notices[0].details)
    async with session_factory() as session:
        lookup = await last_lookup(session, setup.nils)
    assert (lookup.outcome, lookup.found_values) == (DirectoryOutcome.NO_MATCH, ["Okända förvaltningen"])


async def test_a_user_without_a_department_is_no_match_too(session_factory, graph):
    graph.users["aad-nils"] = DirectoryUser(department=None)
    setup = await _setup(session_factory, graph)
    assert (await _place(session_factory, setup)).outcome == DirectoryOutcome.NO_MATCH
    [first, _] = await _notices(session_factory)
    assert "där står ingen uppgift om avdelningen" in unplaced_notice_text(first.details)


@pytest.mark.parametrize("placement", ["placed", "removed"])
async def test_an_administrators_placement_wins(session_factory, graph, placement):
    graph.users["aad-nils"] = DirectoryUser(department="Miljöförvaltningen")
    setup = await _setup(session_factory, graph)
    async with session_factory.begin() as session:
        nils = await session.get(User, setup.nils)
        ada = await session.get(User, setup.admins[0])
        await set_user_organisation(session, nils, await get_organisation(session, "fritidsnamnden"), ada)
        if placement == "removed":  # an administrator took them out of every organisation: that too is decided
            await set_user_organisation(session, nils, None, ada)
    result = await _place(session_factory, setup)
    assert result.outcome is None
    assert graph.requests == []
    expected = "fritidsnamnden" if placement == "placed" else None
    assert await _organisation_of(session_factory, setup.nils) == expected
    assert not setup.placer.due(setup.nils)


async def test_a_user_is_looked_up_at_most_once_a_day_across_instances(session_factory, graph):
    graph.users["aad-nils"] = DirectoryUser(department="Okända förvaltningen")
    setup = await _setup(session_factory, graph)
    await _place(session_factory, setup)
    assert not setup.placer.due(setup.nils)
    # Another instance (its own placer, no memory of this one) the same day: the database says it was done.
    other = await _setup_other_instance(setup, graph)
    assert (await _place(session_factory, other)).outcome is None
    assert len(graph.graph_requests) == 1
    setup.clock.now += timedelta(hours=23)
    assert not setup.placer.due(setup.nils)
    setup.clock.now += timedelta(hours=1, minutes=1)
    assert setup.placer.due(setup.nils)
    await _place(session_factory, setup)
    assert len(graph.graph_requests) == 2


async def _setup_other_instance(setup: Setup, graph: GraphStandIn) -> Setup:
    config = graph_config(Settings(_env_file=None, **graph.settings()))
    placer = DirectoryPlacer(GraphClient(config), DirectorySource.DEPARTMENT, load_mapping_file(), clock=setup.clock)
    return Setup(placer, setup.clock, setup.nils, setup.admins)


async def test_graph_down_places_nobody_tells_nobody_and_is_tried_the_next_day(session_factory, graph):
    graph.users["aad-nils"] = DirectoryUser(department="Miljöförvaltningen")
    graph.down = True
    setup = await _setup(session_factory, graph)
    assert (await _place(session_factory, setup)).outcome == DirectoryOutcome.FAILED
    assert await _organisation_of(session_factory, setup.nils) is None
    assert await _notices(session_factory) == []
    graph.down = False
    assert (await _place(session_factory, setup)).outcome is None  # not again the same day
    setup.clock.now += timedelta(days=1, minutes=1)
    assert (await _place(session_factory, setup)).organisation == "miljonamnden"


async def test_without_graph_configured_there_is_no_placer():
    assert build_directory_placer(Settings(_env_file=None)) is None
    assert build_directory_placer(Settings(_env_file=None, microsoft_app_id="x", microsoft_app_password="y",
                                           microsoft_app_tenant_id="t")) is None
