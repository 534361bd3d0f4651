"""storage/applications.py and storage/access.py: EU applications, their informationsärenden and history."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.access import (
    AccessDenied,
    NotFound,
    can_change_application,
    can_see_all_organisations,
    can_view_application,
)
from storage.application_data import (
    ApplicationData,
    ApplicationStatus,
    InformationItemStatus,
    MalmoRole,
    Money,
)
from storage.applications import (
    Application,
    ApplicationEvent,
    ApplicationEventKind,
    InformationItem,
    application_data,
    application_reference,
    applications_with_open_information_items,
    create_application,
    find_application_by_reference,
    get_application,
    get_application_by_submission_key,
    granted_amount,
    list_applications,
    list_applications_page,
    list_events,
    mark_information_item_sent,
    parse_application_reference,
    record_ks_administration_informed,
    record_ks_administration_not_reached,
    set_status,
)
from storage.models import Organisation, User
from storage.users import Role, set_user_organisation
from tests.support.people import OTHER, OWN, Cast, seed_cast

Factory = async_sessionmaker[AsyncSession]


async def _people(session_factory: Factory) -> Cast:
    return await seed_cast(session_factory)


def _full_data(slug: str | None = OWN) -> ApplicationData:
    return ApplicationData(
        project_name="Gröna gårdar – Öresund “2030”",
        description="Vi vill göra skolgårdar gröna och svala.\nÅtgärder för klimatanpassning, 日本語 och emoji 🌱.",
        programme="interreg_oks",
        programme_other=None,
        call_identifier="ÖKS-2026-1",
        organisation_slug=slug,
        malmo_role=MalmoRole.OWNER,
        total_budget=Money.of("1200000.55", "EUR"),
        malmo_share=Money(amount_minor=987_654_321_012, currency="SEK"),  # above 2**31: a bigint
        planned_submission_date=date(2026, 3, 1),
        call_deadline=date(2026, 3, 15),
        expected_decision_date=date(2026, 9, 30),
        project_start=date(2027, 1, 1),
        project_end=date(2029, 12, 31),
        contact_name="Åsa Öberg",
        contact_teams_user_id="29:asa",
        aligned_with_policy=True,
        decision_anchored=False,
        decision_reference="MN-2026-00123",
    )


async def _create(
    session_factory: Factory,
    people: Cast,
    key: str,
    *,
    data: ApplicationData | None = None,
    organisation: Organisation | None = None,
    created_by: User | None = None,
    required: bool = False,
) -> Application:
    async with session_factory.begin() as session:
        application, created = await create_application(
            session,
            data=data or ApplicationData(project_name=f"Projekt {key}"),
            organisation=organisation or people.own,
            created_by=created_by or people.official,
            submission_key=key,
            eur_sek_rate=None,
            information_item_required=required,
            information_item_draft="Ärende: informationsärende" if required else None,
        )
        assert created
        return application


async def _count(session_factory: Factory, table: str) -> int:
    async with session_factory() as session:
        return (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()


# --- creating ---------------------------------------------------------------------------------------------


async def test_every_answer_survives_the_round_trip(session_factory: Factory) -> None:
    people = await _people(session_factory)
    data = _full_data()
    async with session_factory.begin() as session:
        application, created = await create_application(
            session,
            data=data,
            organisation=people.own,
            created_by=people.official,
            submission_key="card-1",
            eur_sek_rate=11.23,
            information_item_required=True,
            information_item_draft="Ärende\n\nSammanfattning: gröna skolgårdar",
        )
        assert created is True
        assert application_data(application) == data  # before the commit, from what was just loaded

    async with session_factory() as session:
        stored = await get_application(session, application.id, people.coordinator)
        assert application_data(stored) == data
        assert (stored.total_budget_minor, stored.total_budget_currency) == (120_000_055, "EUR")
        assert (stored.malmo_share_minor, stored.malmo_share_currency) == (987_654_321_012, "SEK")
        assert stored.malmo_role is MalmoRole.OWNER
        assert stored.status is ApplicationStatus.DRAFT
        assert stored.eur_sek_rate == 11.23
        assert stored.information_item_required is True
        assert stored.ks_administration_informed_at is None
        assert stored.submission_key == "card-1"
        assert stored.organisation.slug == OWN
        assert stored.created_by is not None and stored.created_by.name == "Åsa Öberg"
        assert stored.created_at.utcoffset() == timedelta(0)
        assert stored.updated_at >= stored.created_at
        assert stored.information_item is not None
        assert stored.information_item.status is InformationItemStatus.TO_SEND
        assert stored.information_item.draft_text == "Ärende\n\nSammanfattning: gröna skolgårdar"
        assert stored.information_item.sent_on is None


async def test_an_almost_empty_registration_round_trips_and_takes_the_organisation_slug(
    session_factory: Factory,
) -> None:
    people = await _people(session_factory)
    data = ApplicationData(project_name="Bara ett namn", malmo_role=MalmoRole.PARTNER, programme="other",
                           programme_other="Något eget program")
    application = await _create(session_factory, people, "card-min", data=data)
    async with session_factory() as session:
        stored = await get_application(session, application.id, people.official)
        read = application_data(stored)
    assert read == data.model_copy(update={"organisation_slug": OWN})
    assert read.total_budget is None and read.malmo_share is None and read.call_deadline is None
    assert read.aligned_with_policy is None and read.malmo_role is MalmoRole.PARTNER


async def test_refuses_inconsistent_input(session_factory: Factory) -> None:
    people = await _people(session_factory)
    arguments = dict(
        data=ApplicationData(project_name="X"),
        organisation=people.own,
        created_by=people.official,
        submission_key="k",
        eur_sek_rate=None,
        information_item_required=False,
        information_item_draft=None,
    )
    async with session_factory.begin() as session:
        with pytest.raises(ValueError, match="fritidsnamnden"):
            await create_application(session, **{**arguments, "data": _full_data(OTHER)})
        with pytest.raises(ValueError, match="submission_key"):
            await create_application(session, **{**arguments, "submission_key": ""})
        with pytest.raises(ValueError, match="submission_key"):
            await create_application(session, **{**arguments, "submission_key": "k" * 201})
        with pytest.raises(ValueError, match="eur_sek_rate"):
            await create_application(session, **{**arguments, "eur_sek_rate": 0.0})
        with pytest.raises(ValueError, match="draft"):
            await create_application(session, **{**arguments, "information_item_draft": "Ärende"})
    assert await _count(session_factory, "applications") == 0


async def test_the_same_submission_key_gives_the_same_application(session_factory: Factory) -> None:
    people = await _people(session_factory)
    first = await _create(session_factory, people, "card-twice", required=True)

    async with session_factory.begin() as session:
        again, created = await create_application(
            session,
            data=ApplicationData(project_name="Ett annat namn i andra klicket"),
            organisation=people.own,
            created_by=people.colleague,  # a colleague pressing the same card: same organisation, same row
            submission_key="card-twice",
            eur_sek_rate=None,
            information_item_required=True,
            information_item_draft="annat utkast",
        )
        assert created is False
        assert again.id == first.id
        assert again.project_name == "Projekt card-twice"
        assert again.information_item is not None and again.information_item.draft_text == "Ärende: informationsärende"

    assert await _count(session_factory, "applications") == 1
    assert await _count(session_factory, "information_items") == 1
    assert await _count(session_factory, "application_events") == 1


async def test_a_known_submission_key_does_not_reveal_another_organisations_application(
    session_factory: Factory,
) -> None:
    people = await _people(session_factory)
    await _create(session_factory, people, "card-secret")
    async with session_factory.begin() as session:
        with pytest.raises(AccessDenied):
            await create_application(
                session,
                data=ApplicationData(project_name="Gissning"),
                organisation=people.other,
                created_by=people.outsider,
                submission_key="card-secret",
                eur_sek_rate=None,
                information_item_required=False,
                information_item_draft=None,
            )
    assert await _count(session_factory, "applications") == 1


async def test_an_application_is_found_by_its_submission_key(session_factory: Factory) -> None:
    people = await _people(session_factory)
    application = await _create(session_factory, people, "card-late")
    async with session_factory() as session:
        found = await get_application_by_submission_key(session, "card-late")
        assert found is not None and found.id == application.id and found.organisation.slug == OWN
        assert (await get_application_by_submission_key(session, "card-late", people.colleague)).id == application.id
        assert await get_application_by_submission_key(session, "card-unknown") is None
        assert await get_application_by_submission_key(session, "") is None
        with pytest.raises(AccessDenied):
            await get_application_by_submission_key(session, "card-late", people.outsider)


@pytest.mark.parametrize("contenders", [2, 5])
async def test_concurrent_submissions_of_one_card_make_one_application(
    session_factory: Factory, contenders: int
) -> None:
    people = await _people(session_factory)
    barrier = asyncio.Barrier(contenders)

    async def submit(number: int) -> tuple[int, bool]:
        async with session_factory.begin() as session:
            # Every contender has its transaction open before any of them inserts.
            await session.execute(select(func.count()).select_from(Application))
            await barrier.wait()
            application, created = await create_application(
                session,
                data=ApplicationData(project_name=f"Klick {number}"),
                organisation=people.own,
                created_by=people.official,
                submission_key="card-race",
                eur_sek_rate=11.0,
                information_item_required=True,
                information_item_draft=f"utkast {number}",
            )
            return application.id, created

    outcomes = await asyncio.gather(*(submit(number) for number in range(contenders)))
    assert len({application_id for application_id, _ in outcomes}) == 1
    assert sorted(created for _, created in outcomes) == [False] * (contenders - 1) + [True]
    assert await _count(session_factory, "applications") == 1
    assert await _count(session_factory, "information_items") == 1
    assert await _count(session_factory, "application_events") == 1


async def test_the_information_item_exists_only_when_required(session_factory: Factory) -> None:
    people = await _people(session_factory)
    small = await _create(session_factory, people, "small", required=False)
    large = await _create(session_factory, people, "large", required=True)
    async with session_factory() as session:
        small = await get_application(session, small.id, people.official)
        large = await get_application(session, large.id, people.official)
        assert small.information_item is None and small.information_item_required is False
        assert large.information_item is not None and large.information_item_required is True
        assert large.information_item.status is InformationItemStatus.TO_SEND
        open_items = await applications_with_open_information_items(session)
    assert [application.id for application in open_items] == [large.id]
    assert open_items[0].organisation.slug == OWN and open_items[0].created_by is not None


# --- references -------------------------------------------------------------------------------------------


def test_the_reference_uses_the_year_in_malmo() -> None:
    application = Application(id=7, created_at=datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc))
    assert application_reference(application) == "EU-2026-0007"  # already New Year's Day in Malmö
    application = Application(id=12345, created_at=datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc))
    assert application_reference(application) == "EU-2026-12345"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EU-2026-0007", (2026, 7)),
        ("eu-2026-7", (2026, 7)),
        (" EU 2026 0007 ", (2026, 7)),
        ("7", (None, 7)),
        ("#7", (None, 7)),
        ("0042", (None, 42)),
        ("", None),
        ("EU-", None),
        ("EU-26-7", None),
        ("sju", None),
        ("7 8", None),
    ],
)
def test_references_are_parsed(text: str, expected: tuple[int | None, int] | None) -> None:
    assert parse_application_reference(text) == expected


async def test_find_by_reference(session_factory: Factory) -> None:
    people = await _people(session_factory)
    application = await _create(session_factory, people, "ref")
    reference = application_reference(application)
    year = int(reference.split("-")[1])
    async with session_factory() as session:
        for spelling in (reference, reference.lower(), f"eu-{year}-{application.id}", str(application.id)):
            found = await find_application_by_reference(session, spelling, people.official)
            assert found.id == application.id, spelling
        with pytest.raises(NotFound):
            await find_application_by_reference(session, f"EU-{year - 1}-{application.id:04d}", people.official)
        with pytest.raises(NotFound):
            await find_application_by_reference(session, f"EU-{year}-9999", people.official)
        with pytest.raises(ValueError):
            await find_application_by_reference(session, "min ansökan", people.official)
        with pytest.raises(AccessDenied):
            await find_application_by_reference(session, reference, people.outsider)
        found = await find_application_by_reference(session, reference, people.coordinator)
        assert found.organisation.slug == OWN


# --- who may see and change what ----------------------------------------------------------------------------

# (viewer, may see and change an application of OWN)
ACCESS = [
    ("official", True),
    ("colleague", True),
    ("outsider", False),
    ("homeless", False),
    ("coordinator", True),
    ("admin", True),
]


async def test_access_rules_for_get_find_set_status_and_mark_sent(session_factory: Factory) -> None:
    people = await _people(session_factory)
    application = await _create(session_factory, people, "access", required=True)
    reference = application_reference(application)
    for who, allowed in ACCESS:
        viewer: User = getattr(people, who)
        assert can_view_application(viewer, application) is allowed, who
        assert can_change_application(viewer, application) is allowed, who
        async with session_factory.begin() as session:
            if allowed:
                assert (await get_application(session, application.id, viewer)).id == application.id
                assert (await find_application_by_reference(session, reference, viewer)).id == application.id
            else:
                with pytest.raises(AccessDenied):
                    await get_application(session, application.id, viewer)
                with pytest.raises(AccessDenied):
                    await find_application_by_reference(session, reference, viewer)
            loaded = await get_application(session, application.id, people.coordinator)
            if allowed:
                await set_status(session, loaded, ApplicationStatus.SUBMITTED, viewer)
                await set_status(session, loaded, ApplicationStatus.DRAFT, viewer)
                await mark_information_item_sent(session, loaded, viewer, date(2026, 3, 2))
            else:
                with pytest.raises(AccessDenied):
                    await set_status(session, loaded, ApplicationStatus.SUBMITTED, viewer)
                with pytest.raises(AccessDenied):
                    await mark_information_item_sent(session, loaded, viewer, date(2026, 3, 2))
    allowed_count = sum(allowed for _, allowed in ACCESS)
    async with session_factory() as session:
        loaded = await get_application(session, application.id, people.admin)
        events = await list_events(session, loaded)
        assert loaded.status is ApplicationStatus.DRAFT
    kinds = [event.kind for event in events]
    assert kinds.count(ApplicationEventKind.STATUS_CHANGED) == 2 * allowed_count
    assert kinds.count(ApplicationEventKind.INFORMATION_ITEM_SENT) == allowed_count
    assert {event.actor_user_id for event in events if event.kind is not ApplicationEventKind.CREATED} == {
        getattr(people, who).id for who, allowed in ACCESS if allowed
    }


def test_who_sees_all_organisations() -> None:
    assert [can_see_all_organisations(User(role=role, organisation_id=1)) for role in Role] == [
        role in (Role.KS_COORDINATOR, Role.ADMIN) for role in Role
    ]


async def test_get_of_a_missing_application_is_not_found(session_factory: Factory) -> None:
    people = await _people(session_factory)
    async with session_factory() as session:
        with pytest.raises(NotFound):
            await get_application(session, 424242, people.coordinator)


async def test_lists_show_each_viewer_what_they_may_see(session_factory: Factory) -> None:
    people = await _people(session_factory)
    ours_1 = await _create(session_factory, people, "ours-1")
    theirs = await _create(session_factory, people, "theirs", organisation=people.other, created_by=people.outsider)
    ours_2 = await _create(session_factory, people, "ours-2", created_by=people.colleague)

    async def ids(viewer: User, **filters: object) -> list[int]:
        async with session_factory() as session:
            return [application.id for application in await list_applications(session, viewer, **filters)]

    newest_first_all = [ours_2.id, theirs.id, ours_1.id]
    assert await ids(people.official) == [ours_2.id, ours_1.id]
    assert await ids(people.official, organisation_id=people.own.id) == [ours_2.id, ours_1.id]
    assert await ids(people.outsider) == [theirs.id]
    assert await ids(people.homeless) == []
    assert await ids(people.coordinator) == newest_first_all
    assert await ids(people.admin) == newest_first_all
    assert await ids(people.coordinator, organisation_id=people.other.id) == [theirs.id]
    assert await ids(people.admin, organisation_id=people.own.id) == [ours_2.id, ours_1.id]
    with pytest.raises(AccessDenied):
        await ids(people.official, organisation_id=people.other.id)
    with pytest.raises(AccessDenied):
        await ids(people.homeless, organisation_id=people.own.id)

    async with session_factory() as session:
        listed = await list_applications(session, people.coordinator)
        assert [application.organisation.slug for application in listed] == [OWN, OTHER, OWN]
        assert all(application.information_item is None for application in listed)


async def test_a_page_of_a_list_is_that_slice_of_it_with_the_count(session_factory: Factory) -> None:
    people = await _people(session_factory)
    unplaced = await _create(session_factory, people, "unplaced", created_by=people.homeless)
    ours = [await _create(session_factory, people, f"ours-{number}") for number in range(4)]
    theirs = await _create(session_factory, people, "theirs", organisation=people.other, created_by=people.outsider)

    async def paged(viewer: User, page: int, **filters: object) -> tuple[list[int], int, int, int]:
        async with session_factory() as session:
            found = await list_applications_page(session, viewer, page=page, per_page=2, **filters)
            assert all(application.organisation is not None for application in found.applications)  # loaded
            return [application.id for application in found.applications], found.total, found.page, found.pages

    newest_first = [application.id for application in [*reversed(ours), unplaced]]
    assert await paged(people.official, 1) == (newest_first[0:2], 5, 1, 3)
    assert await paged(people.official, 2) == (newest_first[2:4], 5, 2, 3)
    assert await paged(people.official, 3) == (newest_first[4:], 5, 3, 3)
    assert await paged(people.official, 9) == (newest_first[4:], 5, 3, 3)  # past the end: the last page
    assert await paged(people.coordinator, 1) == ([theirs.id, newest_first[0]], 6, 1, 3)
    assert await paged(people.coordinator, 1, organisation_id=people.other.id) == ([theirs.id], 1, 1, 1)
    assert await paged(people.homeless, 1) == ([unplaced.id], 1, 1, 1)
    assert await paged(people.outsider, 1, status=ApplicationStatus.SUBMITTED) == ([], 0, 1, 1)
    with pytest.raises(AccessDenied):
        await paged(people.official, 1, organisation_id=people.other.id)
    async with session_factory() as session:
        with pytest.raises(ValueError):
            await list_applications_page(session, people.official, page=0)


async def test_once_placed_an_official_sees_only_the_organisation_they_are_in(session_factory: Factory) -> None:
    """Registered while unplaced: theirs to see. Moved to another nämnd: the old one's are no longer theirs."""
    people = await _people(session_factory)
    by_homeless = await _create(session_factory, people, "unplaced", created_by=people.homeless)
    by_official = await _create(session_factory, people, "moved")
    async with session_factory.begin() as session:
        homeless = await session.get(User, people.homeless.id)
        official = await session.get(User, people.official.id)
        assert can_view_application(homeless, by_homeless) and not can_view_application(homeless, by_official)
        assert [application.id for application in await list_applications(session, homeless)] == [by_homeless.id]

        await set_user_organisation(session, official, await session.get(Organisation, people.other.id))
        assert not can_view_application(official, by_official)
        assert not can_change_application(official, by_official)
        assert by_official.id not in [application.id for application in await list_applications(session, official)]
        with pytest.raises(AccessDenied):
            await get_application(session, by_official.id, official)


async def test_lists_filter_by_year_and_status(session_factory: Factory) -> None:
    people = await _people(session_factory)
    planned_2026 = await _create(
        session_factory, people, "p2026", data=ApplicationData(planned_submission_date=date(2026, 12, 31))
    )
    planned_2027 = await _create(
        session_factory, people, "p2027", data=ApplicationData(planned_submission_date=date(2027, 1, 1))
    )
    undated = await _create(session_factory, people, "undated")
    async with session_factory.begin() as session:
        # Registered at 00:30 on New Year's Day in Malmö, still 2026 in UTC: counts as 2027.
        await session.execute(
            update(Application)
            .where(Application.id == undated.id)
            .values(created_at=datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc))
        )
        loaded = await get_application(session, planned_2027.id, people.official)
        await set_status(session, loaded, ApplicationStatus.SUBMITTED, people.official)

    async def ids(**filters: object) -> set[int]:
        async with session_factory() as session:
            return {application.id for application in await list_applications(session, people.official, **filters)}

    assert await ids(year=2026) == {planned_2026.id}
    assert await ids(year=2027) == {planned_2027.id, undated.id}
    assert await ids(year=2025) == set()
    assert await ids(status=ApplicationStatus.SUBMITTED) == {planned_2027.id}
    assert await ids(status=ApplicationStatus.DRAFT) == {planned_2026.id, undated.id}
    assert await ids(year=2027, status=ApplicationStatus.DRAFT) == {undated.id}


# --- changes and their history ------------------------------------------------------------------------------


async def test_status_changes_are_recorded_with_actor_and_from_to(session_factory: Factory) -> None:
    people = await _people(session_factory)
    application = await _create(session_factory, people, "status")
    async with session_factory.begin() as session:
        loaded = await get_application(session, application.id, people.official)
        created_updated_at = loaded.updated_at
        await set_status(session, loaded, ApplicationStatus.SUBMITTED, people.official)
        await set_status(session, loaded, ApplicationStatus.SUBMITTED, people.official)  # no change, no event
        await set_status(session, loaded, "granted", people.coordinator)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            await set_status(session, loaded, "approved", people.official)  # type: ignore[arg-type]
    async with session_factory() as session:
        loaded = await get_application(session, application.id, people.official)
        assert loaded.status is ApplicationStatus.GRANTED
        assert loaded.updated_at >= created_updated_at
        events = await list_events(session, loaded)
    assert [(event.kind, event.details, event.actor_user_id) for event in events] == [
        (ApplicationEventKind.CREATED, {
            "organisation": OWN, "status": "draft", "information_item_required": False, "eur_sek_rate": None,
        }, people.official.id),
        (ApplicationEventKind.STATUS_CHANGED, {"from": "draft", "to": "submitted"}, people.official.id),
        (ApplicationEventKind.STATUS_CHANGED, {"from": "submitted", "to": "granted"}, people.coordinator.id),
    ]
    assert events[1].actor is not None and events[1].actor.name == "Åsa Öberg"
    assert events[2].actor is not None and events[2].actor.name == "Karin KS"
    assert all(event.at.utcoffset() == timedelta(0) for event in events)
    assert [event.at for event in events] == sorted(event.at for event in events)


async def test_the_granted_amount_is_stored_with_status_granted_and_recorded(session_factory: Factory) -> None:
    people = await _people(session_factory)
    application = await _create(session_factory, people, "granted")
    million = Money.of("1500000", "SEK")  # one and a half million kronor
    async with session_factory.begin() as session:
        loaded = await get_application(session, application.id, people.official)
        assert granted_amount(loaded) is None
        await set_status(session, loaded, ApplicationStatus.SUBMITTED, people.official)
        await set_status(session, loaded, ApplicationStatus.GRANTED, people.official, granted_amount=million)
        # The same amount again changes nothing; another amount corrects it and is recorded (from == to).
        await set_status(session, loaded, ApplicationStatus.GRANTED, people.official, granted_amount=million)
        await set_status(session, loaded, ApplicationStatus.GRANTED, people.coordinator,
                         granted_amount=Money.of("1234567.89", "EUR"))
        await set_status(session, loaded, ApplicationStatus.GRANTED, people.official)  # no amount: keeps it
    async with session_factory() as session:
        loaded = await get_application(session, application.id, people.colleague)
        assert loaded.status is ApplicationStatus.GRANTED
        assert (loaded.granted_amount_minor, loaded.granted_amount_currency) == (123_456_789, "EUR")
        assert granted_amount(loaded) == Money(amount_minor=123_456_789, currency="EUR")
        events = await list_events(session, loaded)
    assert [(event.details, event.actor_user_id) for event in events[1:]] == [
        ({"from": "draft", "to": "submitted"}, people.official.id),
        ({"from": "submitted", "to": "granted", "granted_amount": "150000000 SEK"}, people.official.id),
        ({"from": "granted", "to": "granted", "granted_amount": "123456789 EUR"}, people.coordinator.id),
    ]


async def test_a_granted_amount_goes_only_with_status_granted(session_factory: Factory) -> None:
    people = await _people(session_factory)
    application = await _create(session_factory, people, "not-granted")
    async with session_factory.begin() as session:
        loaded = await get_application(session, application.id, people.official)
        for status in (ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED, ApplicationStatus.ONGOING):
            with pytest.raises(ValueError, match="granted"):
                await set_status(session, loaded, status, people.official, granted_amount=Money.of(10, "SEK"))
        assert loaded.status is ApplicationStatus.DRAFT and granted_amount(loaded) is None
        with pytest.raises(AccessDenied):
            await set_status(session, loaded, ApplicationStatus.GRANTED, people.outsider,
                             granted_amount=Money.of(10, "SEK"))
        assert granted_amount(loaded) is None
        # Granted without an amount (not known yet) is allowed: the amount stays unknown.
        await set_status(session, loaded, ApplicationStatus.GRANTED, people.official)
        assert granted_amount(loaded) is None
    async with session_factory() as session:
        loaded = await get_application(session, application.id, people.official)
        kinds = [event.kind for event in await list_events(session, loaded)]
    assert kinds == [ApplicationEventKind.CREATED, ApplicationEventKind.STATUS_CHANGED]


async def test_the_granted_amount_stays_while_the_project_runs_and_goes_when_there_was_no_grant(
    session_factory: Factory,
) -> None:
    people = await _people(session_factory)
    application = await _create(session_factory, people, "runs")
    amount = Money.of(250000, "SEK")
    async with session_factory.begin() as session:
        loaded = await get_application(session, application.id, people.official)
        await set_status(session, loaded, ApplicationStatus.GRANTED, people.official, granted_amount=amount)
        await set_status(session, loaded, ApplicationStatus.ONGOING, people.official)
        await set_status(session, loaded, ApplicationStatus.CLOSED, people.official)
        assert granted_amount(loaded) == amount
        await set_status(session, loaded, ApplicationStatus.REJECTED, people.coordinator)  # a mistake corrected
    async with session_factory() as session:
        loaded = await get_application(session, application.id, people.official)
        assert granted_amount(loaded) is None
        assert (loaded.granted_amount_minor, loaded.granted_amount_currency) == (None, None)
        last = (await list_events(session, loaded))[-1]
    assert last.details == {"from": "closed", "to": "rejected", "granted_amount_cleared": "25000000 SEK"}


async def test_changes_need_the_application_loaded_in_the_same_session(session_factory: Factory) -> None:
    people = await _people(session_factory)
    application = await _create(session_factory, people, "detached")
    async with session_factory.begin() as session:
        with pytest.raises(ValueError, match="not loaded in this session"):
            await set_status(session, application, ApplicationStatus.SUBMITTED, people.official)


async def test_marking_the_information_item_sent(session_factory: Factory) -> None:
    people = await _people(session_factory)
    without = await _create(session_factory, people, "without")
    with_item = await _create(session_factory, people, "with", required=True)
    async with session_factory.begin() as session:
        loaded = await get_application(session, without.id, people.official)
        with pytest.raises(ValueError, match="no informationsärende"):
            await mark_information_item_sent(session, loaded, people.official, date(2026, 3, 2))
        loaded = await get_application(session, with_item.id, people.official)
        item = await mark_information_item_sent(session, loaded, people.official, date(2026, 3, 2))
        assert item is loaded.information_item
        assert (item.status, item.sent_on) == (InformationItemStatus.SENT, date(2026, 3, 2))
        await mark_information_item_sent(session, loaded, people.colleague, date(2026, 3, 3))  # a correction
    async with session_factory() as session:
        loaded = await get_application(session, with_item.id, people.official)
        assert loaded.information_item is not None
        assert (loaded.information_item.status, loaded.information_item.sent_on) == (
            InformationItemStatus.SENT, date(2026, 3, 3)
        )
        events = await list_events(session, loaded)
        events = [event for event in events if event.kind is not ApplicationEventKind.CREATED]
        assert await applications_with_open_information_items(session) == []
    assert [(event.kind, event.details, event.actor_user_id) for event in events] == [
        (ApplicationEventKind.INFORMATION_ITEM_SENT, {"sent_on": "2026-03-02", "previously_sent_on": None},
         people.official.id),
        (ApplicationEventKind.INFORMATION_ITEM_SENT, {"sent_on": "2026-03-03", "previously_sent_on": "2026-03-02"},
         people.colleague.id),
    ]


async def test_ks_administration_informed_and_not_reached(session_factory: Factory) -> None:
    people = await _people(session_factory)
    application = await _create(session_factory, people, "ks")
    informed_at = datetime(2026, 3, 1, 10, 15, tzinfo=timezone(timedelta(hours=1)))
    async with session_factory.begin() as session:
        loaded = await get_application(session, application.id, people.official)
        await record_ks_administration_not_reached(
            session, loaded, reason="Ingen kanal för KS förvaltning är inställd", actor=None
        )
        with pytest.raises(ValueError, match="naive"):
            await record_ks_administration_informed(session, loaded, at=datetime(2026, 3, 1, 10), actor=None)
        await record_ks_administration_informed(session, loaded, at=informed_at, actor=people.official)
    async with session_factory() as session:
        loaded = await get_application(session, application.id, people.official)
        assert loaded.ks_administration_informed_at == informed_at
        assert loaded.ks_administration_informed_at.utcoffset() == timedelta(0)
        events = await list_events(session, loaded)
    assert [(event.kind, event.details, event.actor_user_id) for event in events[1:]] == [
        (ApplicationEventKind.KS_ADMINISTRATION_NOT_REACHED, {"reason": "Ingen kanal för KS förvaltning är inställd"},
         None),
        (ApplicationEventKind.KS_ADMINISTRATION_INFORMED, {"informed_at": "2026-03-01T09:15:00+00:00"},
         people.official.id),
    ]
    assert events[1].actor is None


# --- the database's own guarantees ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE applications SET status = 'approved'",
        "UPDATE applications SET malmo_role = 'observer'",
        "UPDATE applications SET total_budget_minor = -1, total_budget_currency = 'SEK'",
        "UPDATE applications SET total_budget_minor = 100, total_budget_currency = NULL",
        "UPDATE applications SET total_budget_minor = NULL, total_budget_currency = 'SEK'",
        "UPDATE applications SET malmo_share_minor = 100, malmo_share_currency = 'USD'",
        "UPDATE applications SET eur_sek_rate = 0",
        "UPDATE applications SET granted_amount_minor = -1, granted_amount_currency = 'SEK'",
        "UPDATE applications SET granted_amount_minor = 100, granted_amount_currency = NULL",
        "UPDATE applications SET granted_amount_minor = 100, granted_amount_currency = 'NOK'",
        "UPDATE applications SET submission_key = NULL",
        "UPDATE applications SET organisation_id = 999999",
        "UPDATE information_items SET status = 'sent'",
        "UPDATE information_items SET sent_on = '2026-03-01'",
        "UPDATE application_events SET kind = 'deleted'",
        "INSERT INTO information_items (application_id, status) SELECT application_id, 'todo' FROM information_items",
    ],
)
async def test_the_schema_refuses_impossible_rows(session_factory: Factory, statement: str) -> None:
    people = await _people(session_factory)
    await _create(session_factory, people, "schema", required=True)
    with pytest.raises(IntegrityError):
        async with session_factory.begin() as session:
            await session.execute(text(statement))


async def test_a_deleted_user_leaves_the_application_and_its_history(session_factory: Factory) -> None:
    people = await _people(session_factory)
    application = await _create(session_factory, people, "gone", created_by=people.colleague)
    async with session_factory.begin() as session:
        await session.execute(text("DELETE FROM users WHERE id = :id"), {"id": people.colleague.id})
    async with session_factory() as session:
        loaded = await get_application(session, application.id, people.official)
        assert loaded.created_by_user_id is None and loaded.created_by is None
        events = await list_events(session, loaded)
        assert [(event.kind, event.actor_user_id) for event in events] == [(ApplicationEventKind.CREATED, None)]
        count = await session.scalar(select(func.count()).select_from(ApplicationEvent))
        assert count == 1
        assert await session.scalar(select(func.count()).select_from(InformationItem)) == 0
