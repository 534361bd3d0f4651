"""storage/annual_reports.py: the yearly report of international work, its items, submission and history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.annual_reports import (
    NOT_STARTED,
    AccessDenied,
    AnnualReportEventKind,
    AnnualReportItem,
    AnnualReportItemKind,
    AnnualReportStatus,
    InvalidReportStatus,
    NotFound,
    ReportLocked,
    add_item,
    add_new_applications,
    approve,
    get_or_create_draft,
    get_report,
    list_events,
    needs_report_reminder,
    organisations_reminded_of_report,
    remove_item,
    report_status_overview,
    return_for_completion,
    set_details,
    submit,
    update_item,
)
from storage.application_data import ApplicationData
from storage.applications import create_application
from storage.contact_persons import set_contact_person
from storage.models import AnnualReport, Application, Organisation, OrganisationKind, User
from storage.organisations import get_organisation
from tests.support.people import OTHER, OWN, Cast, make_user, seed_cast

Factory = async_sessionmaker[AsyncSession]
YEAR = 2026


async def _people(session_factory: Factory) -> Cast:
    return await seed_cast(session_factory)


async def _application(
    session_factory: Factory, people: Cast, key: str, name: str, planned: date, organisation: Organisation
) -> Application:
    async with session_factory.begin() as session:
        application, created = await create_application(
            session,
            data=ApplicationData(project_name=name, description=f"Om {name}", planned_submission_date=planned),
            organisation=organisation,
            created_by=people.coordinator,
            submission_key=key,
            eur_sek_rate=None,
            information_item_required=False,
            information_item_draft=None,
        )
        assert created
        return application


async def _draft(session_factory: Factory, people: Cast, actor: User | None = None) -> int:
    async with session_factory.begin() as session:
        report = await get_or_create_draft(session, people.own.id, YEAR, actor or people.official)
        return report.id


async def test_a_new_draft_is_prefilled_with_that_years_applications_of_that_organisation(
    session_factory: Factory,
) -> None:
    people = await _people(session_factory)
    first = await _application(session_factory, people, "a", "Gröna tak", date(YEAR, 2, 1), people.own)
    second = await _application(session_factory, people, "b", "Rena hav", date(YEAR, 10, 1), people.own)
    await _application(session_factory, people, "c", "Förra året", date(YEAR - 1, 12, 31), people.own)
    await _application(session_factory, people, "d", "Annan nämnd", date(YEAR, 5, 1), people.other)

    async with session_factory.begin() as session:
        report = await get_or_create_draft(session, people.own.id, YEAR, people.official)
        assert report.status is AnnualReportStatus.DRAFT
        assert report.organisation.slug == OWN
        assert [(item.kind, item.title, item.description, item.application_id) for item in report.items] == [
            (AnnualReportItemKind.EU_PROJECT, "Gröna tak", "Om Gröna tak", first.id),
            (AnnualReportItemKind.EU_PROJECT, "Rena hav", "Om Rena hav", second.id),
        ]
        assert all(item.focus_areas == [] and item.results is None for item in report.items)

    # A colleague continuing the draft later gets the same report, not a second prefill.
    async with session_factory.begin() as session:
        again = await get_or_create_draft(session, people.own.id, YEAR, people.colleague)
        assert again.id == report.id
        assert len(again.items) == 2
        count = await session.scalar(select(func.count()).select_from(AnnualReportItem))
        assert count == 2
        events = await list_events(session, again)
    assert [(event.kind, event.details) for event in events] == [
        (AnnualReportEventKind.CREATED, {"year": YEAR, "prefilled_application_ids": [first.id, second.id]})
    ]
    assert events[0].actor is not None and events[0].actor.name == "Åsa Öberg"


async def test_items_are_added_updated_and_removed(session_factory: Factory) -> None:
    people = await _people(session_factory)
    report_id = await _draft(session_factory, people)
    async with session_factory.begin() as session:
        report = await get_report(session, people.own.id, YEAR, people.colleague)
        assert report.id == report_id and report.items == []
        network = await add_item(
            session, report, people.colleague,
            kind="network", title="  Eurocities  ", description="Arbetsgrupp miljö",
            focus_areas=["2b", "2a", "2b"], results="Två rapporter",
        )
        visit = await add_item(
            session, report, people.colleague,
            kind=AnnualReportItemKind.VISIT, title="Besök från Gdańsk", description=None,
            focus_areas=[], results=None,
        )
        assert [item.id for item in report.items] == [network.id, visit.id]
        assert network.title == "Eurocities" and network.focus_areas == ["2a", "2b"]
        assert (network.position, visit.position) == (0, 1)
        with pytest.raises(ValueError):
            await add_item(session, report, people.colleague, kind="holiday", title="x", description=None,
                           focus_areas=[], results=None)
        with pytest.raises(ValueError):
            await add_item(session, report, people.colleague, kind="visit", title="x", description=None,
                           focus_areas=["2d"], results=None)

    async with session_factory.begin() as session:
        report = await get_report(session, people.own.id, YEAR, people.official)
        await update_item(session, report, people.official, network.id, focus_areas=["2c"], results=None)
        await remove_item(session, report, people.official, visit.id)
        assert [item.id for item in report.items] == [network.id]
        with pytest.raises(NotFound):
            await remove_item(session, report, people.official, visit.id)

    async with session_factory() as session:
        report = await get_report(session, people.own.id, YEAR, people.coordinator)
        [item] = report.items
        assert (item.title, item.description, item.focus_areas, item.results) == (
            "Eurocities", "Arbetsgrupp miljö", ["2c"], None,
        )
        events = await list_events(session, report)
    assert [(event.kind, event.actor_user_id) for event in events[1:]] == [
        (AnnualReportEventKind.ITEM_ADDED, people.colleague.id),
        (AnnualReportEventKind.ITEM_ADDED, people.colleague.id),
        (AnnualReportEventKind.ITEM_UPDATED, people.official.id),
        (AnnualReportEventKind.ITEM_REMOVED, people.official.id),
    ]
    assert events[3].details == {"item_id": network.id, "fields": ["focus_areas", "results"]}
    assert events[4].details == {"item_id": visit.id, "kind": "visit", "title": "Besök från Gdańsk",
                                 "application_id": None}


async def test_access_own_organisation_changes_coordinators_see_all(session_factory: Factory) -> None:
    people = await _people(session_factory)
    async with session_factory() as session:
        with pytest.raises(NotFound):  # never started
            await get_report(session, people.own.id, YEAR, people.official)
    await _draft(session_factory, people)
    async with session_factory.begin() as session:
        with pytest.raises(AccessDenied):
            await get_or_create_draft(session, people.own.id, YEAR, people.outsider)
        with pytest.raises(AccessDenied):
            await get_report(session, people.own.id, YEAR, people.outsider)
        report = await get_report(session, people.own.id, YEAR, people.contact)
        with pytest.raises(AccessDenied):
            await add_item(session, report, people.outsider, kind="visit", title="Intrång", description=None,
                           focus_areas=[], results=None)
        with pytest.raises(AccessDenied):
            await set_details(session, report, people.outsider, contact_name="Cia")
        with pytest.raises(AccessDenied):
            await submit(session, report, people.outsider)
        with pytest.raises(AccessDenied):
            await report_status_overview(session, YEAR, people.contact)
        assert (await get_report(session, people.own.id, YEAR, people.coordinator)).id == report.id
        assert (await get_report(session, people.own.id, YEAR, people.admin)).id == report.id
        # KS förvaltning sees every report but neither starts nor changes another organisation's.
        for outsider in (people.coordinator, people.admin):
            with pytest.raises(AccessDenied):
                await get_or_create_draft(session, people.own.id, YEAR + 1, outsider)
            with pytest.raises(AccessDenied):
                await add_item(session, report, outsider, kind="visit", title="Från KS", description=None,
                               focus_areas=[], results=None)
            with pytest.raises(AccessDenied):
                await set_details(session, report, outsider, in_verksamhetsplan=True)
            with pytest.raises(AccessDenied):
                await submit(session, report, outsider)
        # The admin is placed in the other organisation: its own report is theirs to write.
        other = await get_or_create_draft(session, people.other.id, YEAR, people.admin)
        assert other.organisation_id == people.other.id
        with pytest.raises(AccessDenied):
            await get_or_create_draft(session, 999_999, YEAR, people.coordinator)
        count = await session.scalar(select(func.count()).select_from(AnnualReportItem))
        reports = await session.scalar(select(func.count()).select_from(AnnualReport))
    assert count == 0 and reports == 2


async def test_a_report_loaded_before_a_colleague_returned_it_cannot_be_approved(session_factory: Factory) -> None:
    """Two coordinators at once (or one pressing twice): the second step finds the status moved and is refused."""
    people = await _people(session_factory)
    await _draft(session_factory, people)
    async with session_factory.begin() as session:
        await submit(session, await get_report(session, people.own.id, YEAR, people.official), people.official)
    async with session_factory() as stale_session:
        stale = await get_report(stale_session, people.own.id, YEAR, people.admin)
        assert stale.status is AnnualReportStatus.SUBMITTED
        async with session_factory.begin() as session:
            report = await get_report(session, people.own.id, YEAR, people.coordinator)
            await return_for_completion(session, report, people.coordinator, "Komplettera med vänorterna.")
        with pytest.raises(InvalidReportStatus):
            await approve(stale_session, stale, people.admin)
        assert stale.status is AnnualReportStatus.RETURNED  # the refusal shows what it is now
        await stale_session.rollback()
    async with session_factory() as session:
        report = await get_report(session, people.own.id, YEAR, people.coordinator)
        kinds = [event.kind for event in await list_events(session, report)]
    assert report.status is AnnualReportStatus.RETURNED and report.approved_at is None
    assert AnnualReportEventKind.APPROVED not in kinds and kinds.count(AnnualReportEventKind.RETURNED) == 1


async def test_submit_locks_return_reopens_resubmit_and_approve(session_factory: Factory) -> None:
    people = await _people(session_factory)
    await _draft(session_factory, people)
    async with session_factory.begin() as session:
        report = await get_report(session, people.own.id, YEAR, people.official)
        item = await add_item(session, report, people.official, kind="conference", title="EU-veckan",
                              description=None, focus_areas=["2c"], results=None)
        await set_details(session, report, people.official, in_verksamhetsplan=True, contact_name=" Kim  Kontakt ")
        with pytest.raises(InvalidReportStatus):
            await approve(session, report, people.coordinator)
        await submit(session, report, people.official)
        assert report.status is AnnualReportStatus.SUBMITTED
        assert report.submitted_by_user_id == people.official.id and report.submitted_at is not None

    async with session_factory.begin() as session:
        report = await get_report(session, people.own.id, YEAR, people.colleague)
        for change in (
            add_item(session, report, people.colleague, kind="visit", title="Sent", description=None,
                     focus_areas=[], results=None),
            update_item(session, report, people.colleague, item.id, title="Ändrad"),
            remove_item(session, report, people.colleague, item.id),
            set_details(session, report, people.colleague, in_verksamhetsplan=False),
            submit(session, report, people.colleague),
        ):
            with pytest.raises(ReportLocked):
                await change
        with pytest.raises(AccessDenied):
            await return_for_completion(session, report, people.official, "Jag ångrar mig")
        with pytest.raises(ValueError):
            await return_for_completion(session, report, people.coordinator, "   ")
        await return_for_completion(session, report, people.coordinator, "Resultaten saknas för EU-veckan.")

    async with session_factory.begin() as session:
        report = await get_report(session, people.own.id, YEAR, people.colleague)
        assert report.status is AnnualReportStatus.RETURNED
        assert report.returned_comment == "Resultaten saknas för EU-veckan."
        assert report.returned_by_user_id == people.coordinator.id
        await update_item(session, report, people.colleague, item.id, results="Tre nya kontakter")
        await submit(session, report, people.colleague)
        with pytest.raises(AccessDenied):
            await approve(session, report, people.colleague)
        await approve(session, report, people.admin)
        assert report.status is AnnualReportStatus.APPROVED and report.approved_at is not None
        with pytest.raises(ReportLocked):
            await set_details(session, report, people.colleague, contact_name="Någon annan")
        with pytest.raises(InvalidReportStatus):
            await return_for_completion(session, report, people.coordinator, "För sent")

    async with session_factory() as session:
        report = await get_report(session, people.own.id, YEAR, people.official)
        assert (report.in_verksamhetsplan, report.contact_name) == (True, "Kim Kontakt")
        assert report.items[0].results == "Tre nya kontakter"
        events = await list_events(session, report)
    assert [(event.kind, event.actor_user_id, event.details) for event in events] == [
        (AnnualReportEventKind.CREATED, people.official.id, {"year": YEAR, "prefilled_application_ids": []}),
        (AnnualReportEventKind.ITEM_ADDED, people.official.id,
         {"item_id": item.id, "kind": "conference", "title": "EU-veckan"}),
        (AnnualReportEventKind.DETAILS_CHANGED, people.official.id,
         {"in_verksamhetsplan": {"from": None, "to": True}, "contact_name": {"from": None, "to": "Kim Kontakt"}}),
        (AnnualReportEventKind.SUBMITTED, people.official.id, {"from": "draft"}),
        (AnnualReportEventKind.RETURNED, people.coordinator.id, {"comment": "Resultaten saknas för EU-veckan."}),
        (AnnualReportEventKind.ITEM_UPDATED, people.colleague.id, {"item_id": item.id, "fields": ["results"]}),
        (AnnualReportEventKind.SUBMITTED, people.colleague.id, {"from": "returned"}),
        (AnnualReportEventKind.APPROVED, people.admin.id, {}),
    ]
    assert all(event.at.utcoffset() == timedelta(0) for event in events)


async def test_overview_lists_every_active_organisation_with_status_and_contact_persons(
    session_factory: Factory,
) -> None:
    people = await _people(session_factory)
    await _draft(session_factory, people)
    async with session_factory.begin() as session:
        other = await get_or_create_draft(session, people.other.id, YEAR, people.outsider)
        await submit(session, other, people.outsider)
        await get_or_create_draft(session, people.other.id, YEAR - 1, people.outsider)  # another year
        organisation_count = await session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.active.is_(True))
        )
        other_organisation = await session.get(Organisation, people.other.id)
        assert other_organisation is not None
        # The registry names Fritidsnämnden's contact person (Cia, a Lotsen user there); Miljönämnden has none.
        await set_contact_person(session, other_organisation, "Cia Ljung", people.outsider)

    async with session_factory() as session:
        overview = await report_status_overview(session, YEAR, people.coordinator)
    assert len(overview) == organisation_count == 23
    by_slug = {line.organisation.slug: line for line in overview}
    own, other_line = by_slug[OWN], by_slug[OTHER]
    assert (own.status, [user.name for user in own.contact_persons]) == ("draft", ["Kim Kontakt"])
    assert own.report_id is not None and own.last_change is not None
    assert (other_line.status, other_line.contact_persons) == ("submitted", [])
    assert own.contact is None
    assert other_line.contact is not None and other_line.contact.name == "Cia Ljung"
    assert other_line.contact.user is not None and other_line.contact.user.id == people.outsider.id
    assert all(line.contact is None for line in overview if line is not other_line)
    not_started = [line for line in overview if line.status == NOT_STARTED]
    assert len(not_started) == 21
    assert all(line.report_id is None and line.last_change is None for line in not_started)

    async with session_factory() as session:
        earlier = await report_status_overview(session, YEAR - 1, people.admin)
    assert {line.organisation.slug for line in earlier if line.status != NOT_STARTED} == {OTHER}


@pytest.mark.parametrize(("must_report", "status", "reminded"), [
    (True, NOT_STARTED, True), (True, "draft", True), (True, "returned", True),
    (True, "submitted", False), (True, "approved", False),
    # A bolag (no duty, 3.4): never for not having started; only while a voluntary report it started is open.
    (False, NOT_STARTED, False), (False, "draft", True), (False, "returned", True),
    (False, "submitted", False), (False, "approved", False),
])
def test_who_is_reminded_of_the_annual_report(must_report: bool, status: str, reminded: bool) -> None:
    assert needs_report_reminder(must_report, status) is reminded


async def test_bolag_have_no_duty_to_report_and_are_reminded_only_of_an_open_voluntary_report(
    session_factory: Factory,
) -> None:
    people = await _people(session_factory)
    async with session_factory.begin() as session:
        mkb = await get_organisation(session, "mkb-fastighets-ab")
        teater = await get_organisation(session, "malmo-stadsteater-ab")
        assert mkb is not None and teater is not None
        mats = await make_user(session, "29:mats", "Mats Berg", mkb)
        tea = await make_user(session, "29:tea", "Tea Teater", teater)
        await get_or_create_draft(session, mkb.id, YEAR, mats)
        await submit(session, await get_or_create_draft(session, teater.id, YEAR, tea), tea)
        await get_or_create_draft(session, teater.id, YEAR - 1, tea)  # another year's, open
    async with session_factory() as session:
        overview = {line.organisation.slug: line for line in await report_status_overview(
            session, YEAR, people.coordinator)}
        reminded = await organisations_reminded_of_report(session, YEAR)
        earlier = await organisations_reminded_of_report(session, YEAR - 1)
    # The overview has every active organisation, and says which must report: the nämnder (3.3, 4), not a bolag.
    assert {slug for slug, line in overview.items() if line.must_report} == {
        slug for slug, line in overview.items() if line.organisation.kind == OrganisationKind.NAMND}
    assert not overview["mkb-fastighets-ab"].must_report and overview[OWN].must_report
    # Every nämnd is reminded of its duty; of the bolag only MKB, whose voluntary report of the year is open.
    by_slug = {organisation.slug: voluntary for organisation, voluntary in reminded}
    assert {slug for slug, voluntary in by_slug.items() if voluntary} == {"mkb-fastighets-ab"}
    assert {slug for slug, voluntary in by_slug.items() if not voluntary} == {
        slug for slug, line in overview.items() if line.must_report}
    assert [organisation.slug for organisation, voluntary in earlier if voluntary] == ["malmo-stadsteater-ab"]


async def test_one_report_per_organisation_and_year(session_factory: Factory) -> None:
    people = await _people(session_factory)
    first = await _draft(session_factory, people, people.official)
    second = await _draft(session_factory, people, people.contact)
    assert first == second
    async with session_factory() as session:
        with pytest.raises(IntegrityError):
            async with session.begin():
                session.add(AnnualReport(organisation_id=people.own.id, year=YEAR))


async def test_applications_registered_later_are_added_unless_removed_on_purpose(session_factory: Factory) -> None:
    people = await _people(session_factory)
    first = await _application(session_factory, people, "a", "Gröna tak", date(YEAR, 2, 1), people.own)
    await _draft(session_factory, people)
    later = await _application(session_factory, people, "b", "Rena hav", date(YEAR, 6, 1), people.own)
    latest = await _application(session_factory, people, "c", "Blå städer", date(YEAR, 9, 1), people.own)
    await _application(session_factory, people, "d", "Annan nämnd", date(YEAR, 6, 1), people.other)
    await _application(session_factory, people, "e", "Nästa år", date(YEAR + 1, 1, 15), people.own)

    async with session_factory.begin() as session:
        report = await get_report(session, people.own.id, YEAR, people.official)
        [prefilled] = report.items
        assert prefilled.application_id == first.id
        await remove_item(session, report, people.official, prefilled.id)  # not ours to report, say
        added = await add_new_applications(session, report, people.colleague)
        assert [(item.title, item.application_id, item.kind) for item in added] == [
            ("Rena hav", later.id, AnnualReportItemKind.EU_PROJECT),
            ("Blå städer", latest.id, AnnualReportItemKind.EU_PROJECT),
        ]
        assert [item.application_id for item in report.items] == [later.id, latest.id]
        assert all(item.focus_areas == [] and item.description.startswith("Om ") for item in report.items)
        assert await add_new_applications(session, report, people.official) == []  # nothing twice

    async with session_factory.begin() as session:
        report = await get_report(session, people.own.id, YEAR, people.official)
        # The removed one stays removed, whoever opens the report and however often.
        assert await add_new_applications(session, report, people.contact) == []
        assert [item.application_id for item in report.items] == [later.id, latest.id]
        events = await list_events(session, report)
    assert [(event.kind, event.actor_user_id, event.details) for event in events[1:]] == [
        (AnnualReportEventKind.ITEM_REMOVED, people.official.id,
         {"item_id": prefilled.id, "kind": "eu_project", "title": "Gröna tak", "application_id": first.id}),
        (AnnualReportEventKind.ITEM_ADDED, people.colleague.id,
         {"item_id": added[0].id, "kind": "eu_project", "title": "Rena hav", "application_id": later.id,
          "prefilled": True}),
        (AnnualReportEventKind.ITEM_ADDED, people.colleague.id,
         {"item_id": added[1].id, "kind": "eu_project", "title": "Blå städer", "application_id": latest.id,
          "prefilled": True}),
    ]


async def test_no_application_is_added_to_a_locked_report_or_by_ks(session_factory: Factory) -> None:
    people = await _people(session_factory)
    await _draft(session_factory, people)
    await _application(session_factory, people, "a", "Gröna tak", date(YEAR, 2, 1), people.own)
    async with session_factory.begin() as session:
        report = await get_report(session, people.own.id, YEAR, people.official)
        with pytest.raises(AccessDenied):
            await add_new_applications(session, report, people.coordinator)
        await submit(session, report, people.official)
        with pytest.raises(ReportLocked):
            await add_new_applications(session, report, people.official)
        assert report.items == []


async def test_the_contact_name_may_be_cleared_for_no_representative(session_factory: Factory) -> None:
    people = await _people(session_factory)
    await _draft(session_factory, people)
    async with session_factory.begin() as session:
        report = await get_report(session, people.own.id, YEAR, people.official)
        await set_details(session, report, people.official, contact_name="Kim Kontakt")
        await set_details(session, report, people.official, in_verksamhetsplan=False)  # the name stays
        assert report.contact_name == "Kim Kontakt"
        await set_details(session, report, people.official, contact_name=None)
        await set_details(session, report, people.official, contact_name=None)  # already none: nothing recorded
        with pytest.raises(ValueError):
            await set_details(session, report, people.official, contact_name="   ")
    async with session_factory() as session:
        report = await get_report(session, people.own.id, YEAR, people.official)
        assert report.contact_name is None and report.in_verksamhetsplan is False
        events = await list_events(session, report)
    assert [event.details for event in events[1:]] == [
        {"contact_name": {"from": None, "to": "Kim Kontakt"}},
        {"in_verksamhetsplan": {"from": None, "to": False}},
        {"contact_name": {"from": "Kim Kontakt", "to": None}},
    ]
