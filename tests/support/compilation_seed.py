"""A year of annual reports and EU applications for the compilation's tests (tests/reports/test_compilation_query.py,
the command line in tests/cli/test_reports.py, the downloads in tests/app/test_downloads.py), with its figures
worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.annual_reports import add_item, approve, get_or_create_draft, remove_item, set_details, submit
from storage.application_data import ApplicationData, ApplicationStatus, MalmoRole, Money
from storage.applications import application_reference, create_application
from storage.models import Application, ContactPerson, Organisation, Role, User
from storage.organisations import get_organisation
from tests.support.people import make_user

Factory = async_sessionmaker[AsyncSession]
YEAR = 2026
DEFAULT_RATE = 11.5  # the default passed in: used for the application stored without a rate
PROGRAMME_NAMES = {
    "interreg_oks": "Interreg Öresund-Kattegat-Skagerrak",
    "horizon_europe": "Horisont Europa",
    "erasmus_plus": "Erasmus+",
    "other": "Annat program eller fond",
}
OKS = PROGRAMME_NAMES["interreg_oks"]


@dataclass
class Seeded:
    coordinator: User
    admin: User
    official: User  # of Miljönämnden
    outsider: User  # of Kulturnämnden
    references: dict[str, str]  # project name → reference


async def add_application(session: AsyncSession, organisation: Organisation, creator: User, name: str, *,
                          programme: str, role: MalmoRole, budget: Money, planned: date | None,
                          rate: float | None = None, programme_other: str | None = None,
                          status: ApplicationStatus = ApplicationStatus.DRAFT, granted: Money | None = None,
                          created_at: datetime | None = None) -> Application:
    data = ApplicationData(project_name=name, programme=programme, programme_other=programme_other,
                           malmo_role=role, total_budget=budget, planned_submission_date=planned)
    application, _ = await create_application(
        session, data=data, organisation=organisation, created_by=creator, submission_key=f"seed-{name}",
        eur_sek_rate=rate, information_item_required=False, information_item_draft=None)
    # What later turns of the application's life leave in its row (status, the amount granted, when registered).
    application.status = status
    if granted is not None:
        application.granted_amount_minor, application.granted_amount_currency = granted.amount_minor, granted.currency
    if created_at is not None:
        application.created_at = created_at
    await session.flush()
    return application


async def seed_year(session_factory: Factory) -> Seeded:
    """Year 2026: three reports handed in (one without items), one draft, the rest not started; five applications
    of the year in SEK and EUR, two granted, and two that belong to other years; Revisorskollegiet inactive."""
    async with session_factory.begin() as session:
        org = {slug: await get_organisation(session, slug) for slug in (
            "miljonamnden", "kulturnamnden", "fritidsnamnden", "grundskolenamnden", "mkb-fastighets-ab",
            "malmo-live-konserthus-ab", "revisorskollegiet")}
        org["revisorskollegiet"].active = False
        coordinator = await make_user(session, "29:ks", "Karin KS", None, Role.KS_COORDINATOR)
        admin = await make_user(session, "29:admin", "Adam Admin", org["kulturnamnden"], Role.ADMIN)
        official = await make_user(session, "29:asa", "Åsa Öberg", org["miljonamnden"])
        outsider = await make_user(session, "29:bo", "Bo Berg", org["kulturnamnden"])
        playwright = await make_user(session, "29:live", "Lo Live", org["malmo-live-konserthus-ab"])
        coach = await make_user(session, "29:fritid", "Fia Fritid", org["fritidsnamnden"])

        session.add_all([
            ContactPerson(organisation_id=org["miljonamnden"].id, name="Registrerad Miljö"),  # the report's wins
            ContactPerson(organisation_id=org["kulturnamnden"].id, name="Bo Berg"),
            ContactPerson(organisation_id=org["mkb-fastighets-ab"].id, name="Dan Ek"),
        ])

        applications = [
            await add_application(session, org["miljonamnden"], official, "Gröna tak", programme="interreg_oks",
                                  role=MalmoRole.OWNER, budget=Money.of(14_500_000, "SEK"), planned=date(YEAR, 3, 1),
                                  status=ApplicationStatus.GRANTED, granted=Money.of(9_000_000, "SEK")),
            await add_application(session, org["miljonamnden"], official, "Klimatneutrala städer",
                                  programme="horizon_europe", role=MalmoRole.PARTNER,
                                  budget=Money.of(1_200_000, "EUR"), rate=11.23, planned=date(YEAR, 9, 15),
                                  status=ApplicationStatus.SUBMITTED),
            await add_application(session, org["kulturnamnden"], outsider, "Kultur utan gränser", programme="other",
                                  programme_other="Kreativa Europa", role=MalmoRole.OWNER,
                                  budget=Money.of(2_000_000, "SEK"), planned=date(YEAR, 1, 1),
                                  status=ApplicationStatus.REJECTED),
            await add_application(session, org["fritidsnamnden"], coach, "Idrott för alla", programme="erasmus_plus",
                                  role=MalmoRole.PARTNER, budget=Money.of(400_000, "EUR"), planned=date(YEAR, 12, 31),
                                  status=ApplicationStatus.ONGOING, granted=Money.of(300_000, "EUR")),
            # No planned date: registered 00:30 on New Year's Day in Malmö, so it belongs to 2026.
            await add_application(session, org["grundskolenamnden"], coordinator, "Skolor kring Östersjön",
                                  programme="interreg_oks", role=MalmoRole.PARTNER, budget=Money.of(3_000_000, "SEK"),
                                  planned=None, created_at=datetime(YEAR - 1, 12, 31, 23, 30, tzinfo=timezone.utc)),
            # Other years: planned for 2025, and registered 00:30 on New Year's Day 2027 in Malmö.
            await add_application(session, org["miljonamnden"], official, "Förra året", programme="interreg_oks",
                                  role=MalmoRole.OWNER, budget=Money.of(5_000_000, "SEK"),
                                  planned=date(YEAR - 1, 12, 31), status=ApplicationStatus.GRANTED,
                                  granted=Money.of(5_000_000, "SEK")),
            await add_application(session, org["kulturnamnden"], outsider, "Nästa år", programme="erasmus_plus",
                                  role=MalmoRole.OWNER, budget=Money.of(7_000_000, "SEK"), planned=None,
                                  created_at=datetime(YEAR, 12, 31, 23, 30, tzinfo=timezone.utc)),
        ]
        references = {a.project_name: application_reference(a) for a in applications}

    async with session_factory.begin() as session:
        miljo = await get_or_create_draft(session, org["miljonamnden"].id, YEAR, official)
        for item in list(miljo.items):  # the prefilled EU projects: this report tells of other work
            await remove_item(session, miljo, official, item.id)
        await add_item(session, miljo, official, kind="network", title="Eurocities miljöforum",
                       description="Medlem sedan 2019.", focus_areas=["2a", "2b"],
                       results="Två studiebesök om skyfallssäkring.")
        await add_item(session, miljo, official, kind="influence", title="Remissyttrande om vattendirektivet",
                       description=None, focus_areas=["2b"], results=None)
        await set_details(session, miljo, official, in_verksamhetsplan=True, contact_name="Anna Andersson")
        await submit(session, miljo, official)
        await approve(session, miljo, coordinator)

        kultur = await get_or_create_draft(session, org["kulturnamnden"].id, YEAR, outsider)
        for item in list(kultur.items):
            await remove_item(session, kultur, outsider, item.id)
        await add_item(session, kultur, outsider, kind="partner_city", title="Samarbete med Gdańsk",
                       description=None, focus_areas=["2c"], results=None)
        await set_details(session, kultur, outsider, in_verksamhetsplan=False)
        await submit(session, kultur, outsider)

        fritid = await get_or_create_draft(session, org["fritidsnamnden"].id, YEAR, coach)
        await add_item(session, fritid, coach, kind="conference", title="Halvfärdigt seminarium", description=None,
                       focus_areas=["2b"], results=None)
        await set_details(session, fritid, coach, contact_name="Utkast Namn")

        live = await get_or_create_draft(session, org["malmo-live-konserthus-ab"].id, YEAR, playwright)
        await set_details(session, live, playwright, in_verksamhetsplan=True)
        await submit(session, live, playwright)
        await approve(session, live, coordinator)

        # Another year's report of Miljönämnden does not count for 2026.
        await get_or_create_draft(session, org["miljonamnden"].id, YEAR + 1, official)

    return Seeded(coordinator, admin, official, outsider, references)


# Worked out by hand from the seed. EUR: 1 200 000 at the stored 11.23; 400 000 and 300 000 at the default 11.5.
PER_PROGRAMME = {
    OKS: (2, 17_500_000, 1, 9_000_000),
    "Horisont Europa": (1, 13_476_000, 0, 0),
    "Kreativa Europa": (1, 2_000_000, 0, 0),
    "Erasmus+": (1, 4_600_000, 1, 3_450_000),
}
APPLICATIONS = 5
TOTAL_BUDGET = 37_576_000
GRANTED = 2
GRANTED_AMOUNT = 12_450_000
ORGANISATIONS = 22  # the 23 seeded, Revisorskollegiet inactive
NAMNDER = 15  # of them the nämnder, which must report (3.3, 4); the seven helägda bolag need not (3.4)
REPORTED = ["Kulturnämnden", "Malmö Live Konserthus AB", "Miljönämnden"]
VOLUNTARY = ["Malmö Live Konserthus AB"]  # of REPORTED, the bolag's voluntary report
NOT_SHOWN = ("Halvfärdigt seminarium", "Förra året", "Nästa år", "Utkast Namn", "Registrerad Miljö")
