"""The history in chat ("historik", "historik Miljönämnden"), through the whole bot and botbuilder's
TestAdapter, on real storage and both databases."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import update

from storage.annual_reports import get_or_create_draft, return_for_completion, set_details, submit
from storage.application_data import ApplicationData, ApplicationStatus, MalmoRole, Money
from storage.applications import application_reference, create_application, set_status
from storage.contact_persons import remove_contact_person
from storage.models import AuditEvent
from storage.organisations import get_organisation
from tests.support.people_chat import ADA, ANNA, BO, KARIN, ask, mentioning_lotsen, seed_people

# Every event is moved to this moment: 14.05 in Malmö (summer time), so the card's times can be checked.
MOMENT = datetime(2027, 6, 3, 12, 5, tzinfo=timezone.utc)


async def _at_moment(session_factory) -> None:
    async with session_factory.begin() as session:
        await session.execute(update(AuditEvent).values(at=MOMENT))


async def _changes_in_chat(session_factory) -> None:
    """Anna names Miljönämnden's contact person, the admin makes Bo a coordinator and places him elsewhere."""
    assert (await ask(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")).startswith("Klart")
    assert (await ask(session_factory, ADA, "roll Bo Berg: kontaktperson")).startswith("Klart")
    assert (await ask(session_factory, ADA, "organisation Bo Berg: Kulturnämnden")).startswith("Klart")


async def test_a_coordinator_reads_who_changed_what_and_when(session_factory):
    await seed_people(session_factory)
    async with session_factory() as session:
        seeded_events = len((await session.scalars(AuditEvent.__table__.select())).all())
    await _changes_in_chat(session_factory)
    await _at_moment(session_factory)
    history = (await ask(session_factory, KARIN, "historik")).splitlines()
    assert history[0] == "Historik"
    assert history[1] == f"De senaste {seeded_events + 3} händelserna, nyast först."
    when = "3\u00a0juni\u00a02027 kl.\u00a014.05"
    assert f"{when} · Anna Andersson · Miljönämnden" in history
    assert "Kontaktperson registrerad: Miljönämnden (ingen → Anna Andersson)" in history
    assert f"{when} · Ada Admin · Fritidsnämnden" in history  # Bo's role changed while he was there
    assert "Roll ändrad: Bo Berg (tjänsteperson → kontaktperson)" in history
    assert f"{when} · Ada Admin · Kulturnämnden" in history
    assert "Organisation ändrad: Bo Berg (Fritidsnämnden → Kulturnämnden)" in history
    # The operator's seeding has no user behind it.
    assert f"{when} · Lotsen eller kommandoraden · Kommunstyrelsen" in history


async def test_the_history_of_one_organisation_and_of_applications(session_factory):
    people = await seed_people(session_factory)
    await _changes_in_chat(session_factory)
    async with session_factory.begin() as session:
        environment = await get_organisation(session, "miljonamnden")
        application, _ = await create_application(
            session,
            data=ApplicationData(project_name="Gröna tak", organisation_slug="miljonamnden",
                                 malmo_role=MalmoRole.PARTNER, total_budget=Money.of(3_000_000, "SEK")),
            organisation=environment, created_by=people.anna, submission_key="green-roofs", eur_sek_rate=None,
            information_item_required=False, information_item_draft=None,
        )
        await set_status(session, application, ApplicationStatus.SUBMITTED, people.anna)
        reference = application_reference(application)
    history = await ask(session_factory, ADA, "historik Miljönämnden")
    lines = history.splitlines()
    assert lines[0] == "Historik för Miljönämnden"
    assert f"Ansökans status ändrad: {reference} (utkast → inskickad)" in lines
    assert f"EU-ansökan registrerad: {reference}" in lines
    assert "Kontaktperson registrerad: Miljönämnden (ingen → Anna Andersson)" in lines
    assert "Bo Berg" not in history  # his changes belong to Fritidsnämnden and Kulturnämnden
    assert "Fritidsnämnden" not in history


async def test_the_latest_twenty_are_shown(session_factory):
    await seed_people(session_factory)
    for role in ["samordnare", "tjänsteperson"] * 12:
        await ask(session_factory, ADA, f"roll Bo Berg: {role}")
    lines = (await ask(session_factory, KARIN, "historik")).splitlines()
    assert lines[1] == "De senaste 20 händelserna, nyast först."
    assert lines.count("Roll ändrad: Bo Berg (KS-samordnare → tjänsteperson)") == 10
    assert lines.count("Roll ändrad: Bo Berg (tjänsteperson → KS-samordnare)") == 10
    # Newest first: the last change (back to tjänsteperson) comes first.
    assert lines.index("Roll ändrad: Bo Berg (KS-samordnare → tjänsteperson)") < lines.index(
        "Roll ändrad: Bo Berg (tjänsteperson → KS-samordnare)")


async def test_officials_are_refused_and_see_nothing(session_factory):
    await seed_people(session_factory)
    await _changes_in_chat(session_factory)
    for message in ("historik", "historik Miljönämnden", "historik Okändnämnden"):
        assert await ask(session_factory, ANNA, message) == (
            "Historiken kan bara KS-samordnare och administratörer läsa.")
    assert await ask(session_factory, BO, "history", locale="en-US") == (
        "Only KS coordinators and administrators can read the history.")


async def test_an_unknown_organisation_gets_an_example(session_factory):
    await seed_people(session_factory)
    assert await ask(session_factory, KARIN, "historik Okändnämnden") == (
        "Jag hittar ingen nämnd eller inget bolag som heter ”Okändnämnden”. Skriv till exempel "
        "”historik Miljönämnden”, eller bara ”historik” för allt.")
    assert await ask(session_factory, KARIN, "historik Valnämnden") == (
        "Historik för Valnämnden\nDet finns inga händelser för Valnämnden än.")


async def test_the_history_answers_only_in_a_private_chat(session_factory):
    await seed_people(session_factory)
    answer = await ask(session_factory, KARIN, mentioning_lotsen("historik"), conversation_type="channel")
    assert answer.startswith("Användare, roller och historiken tar jag bara i en privat chatt")


async def test_english(session_factory):
    await seed_people(session_factory)
    await _changes_in_chat(session_factory)
    await _at_moment(session_factory)
    history = (await ask(session_factory, KARIN, "history Miljönämnden", locale="en-US")).splitlines()
    assert history[0] == "History of Miljönämnden"
    assert "3\u00a0June\u00a02027 at 14:05 · Anna Andersson · Miljönämnden" in history
    assert "Contact person registered: Miljönämnden (none → Anna Andersson)" in history


async def test_granted_amounts_are_named_with_the_amount(session_factory):
    people = await seed_people(session_factory)
    async with session_factory.begin() as session:
        environment = await get_organisation(session, "miljonamnden")
        application, _ = await create_application(
            session, data=ApplicationData(project_name="Gröna tak", organisation_slug="miljonamnden"),
            organisation=environment, created_by=people.anna, submission_key="green-roofs", eur_sek_rate=None,
            information_item_required=False, information_item_draft=None,
        )
        await set_status(session, application, ApplicationStatus.SUBMITTED, people.anna)
        await set_status(session, application, ApplicationStatus.GRANTED, people.anna,
                         granted_amount=Money.of(1_500_000, "SEK"))
        await set_status(session, application, ApplicationStatus.GRANTED, people.anna,  # corrected
                         granted_amount=Money.of(250_000.5, "EUR"))
        await set_status(session, application, ApplicationStatus.REJECTED, people.anna)
        reference = application_reference(application)
    lines = (await ask(session_factory, KARIN, "historik Miljönämnden")).splitlines()
    assert (f"Ansökans status ändrad: {reference} (inskickad → beviljad; "
            "beviljat belopp 1\u00a0500\u00a0000\u00a0kr)") in lines
    assert f"Beviljat belopp ändrat: {reference} (beviljat belopp 250\u00a0000,50\u00a0euro)" in lines
    assert (f"Ansökans status ändrad: {reference} (beviljad → avslagen; beviljat belopp borttaget, var "
            f"250\u00a0000,50\u00a0euro)") in lines
    assert not any("beviljad → beviljad" in line for line in lines)
    english = (await ask(session_factory, KARIN, "history Miljönämnden", locale="en-US")).splitlines()
    assert f"Granted amount changed: {reference} (granted amount EUR\u00a0250,000.50)" in english
    assert (f"Application status changed: {reference} (submitted → granted; "
            "granted amount SEK\u00a01,500,000)") in english


async def test_a_returned_reports_comment_and_changed_details_are_shown(session_factory):
    people = await seed_people(session_factory)
    async with session_factory.begin() as session:
        report = await get_or_create_draft(session, people.anna.organisation_id, 2026, people.anna)
        await set_details(session, report, people.anna, in_verksamhetsplan=True, contact_name="Anna Andersson")
        await set_details(session, report, people.anna, in_verksamhetsplan=False)
        await submit(session, report, people.anna)
        await return_for_completion(session, report, people.karin, "Lägg till resultaten av vänortssamarbetet.")
    lines = (await ask(session_factory, KARIN, "historik Miljönämnden")).splitlines()
    assert ("Redovisningen returnerad för komplettering: redovisningen för 2026 "
            "(kommentar: ”Lägg till resultaten av vänortssamarbetet.”)") in lines
    assert ("Redovisningens uppgifter ändrade: redovisningen för 2026 (internationellt arbete i verksamhetsplanen: "
            "inte angivet → ja; kontaktperson: ingen → Anna Andersson)") in lines
    assert ("Redovisningens uppgifter ändrade: redovisningen för 2026 (internationellt arbete i verksamhetsplanen: "
            "ja → nej)") in lines
    english = (await ask(session_factory, KARIN, "history Miljönämnden", locale="en-US")).splitlines()
    assert ("Report returned for completion: the report for 2026 "
            "(comment: “Lägg till resultaten av vänortssamarbetet.”)") in english


async def test_a_removed_contact_person_is_named(session_factory):
    await seed_people(session_factory)
    await ask(session_factory, ANNA, "kontaktperson Miljönämnden: Anna Andersson")
    async with session_factory.begin() as session:
        await remove_contact_person(session, await get_organisation(session, "miljonamnden"), actor=None)
    lines = (await ask(session_factory, KARIN, "historik Miljönämnden")).splitlines()
    assert "Kontaktperson borttagen: Miljönämnden (tidigare Anna Andersson)" in lines
