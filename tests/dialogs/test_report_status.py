""""status årsredovisning" and "Påminn alla som inte har skickat in" through botbuilder's TestAdapter, on real
state storage and both databases.

The test bot (tests/support/ks_setup.py) does what LotsenBot does with its chat commands: the first command that
recognises a turn handles it, in a personal chat or a channel. Reports, contact persons and users are made with
the storage functions.
"""

from __future__ import annotations

from datetime import timedelta

from botbuilder.schema import ChannelAccount
from sqlalchemy import select, update

from storage.annual_reports import get_or_create_draft, submit
from storage.models import Organisation, Reminder, ReminderKind, Role
from storage.organisations import get_organisation, list_organisations
from tests.support.chat import buttons, say, text_of
from tests.support.ks_setup import BO, KARIN, NOT_MINE, NOW, OLLE, SARA, YEAR, adapter, seed
from tests.support.people import make_user
from tests.support.phone_cards import adaptive_cards, assert_fits_a_phone

ORGANISATIONS = 23  # in storage/data/organisations.yaml
# Of them the nämnder: only they must report (3.3, 4), so only they are counted, listed as not started and
# reminded; the seven helägda bolag need not (3.4) and are shown apart when they report voluntarily.
NAMNDER = 16
BOLAG = ("Boplats Syd AB", "Malmö Kommuns Parkerings AB", "Malmö Leasing AB", "Malmö Live Konserthus AB",
         "Malmö Stadshus AB", "Malmö Stadsteater AB", "MKB Fastighets AB")


async def reminders(session_factory) -> list[Reminder]:
    async with session_factory() as session:
        return list((await session.scalars(select(Reminder).order_by(Reminder.recipient_user_id))).all())


# --- the overview ---------------------------------------------------------------------------------------------


async def test_a_coordinator_sees_every_organisation_with_status_contact_and_last_change(session_factory):
    seeded = await seed(session_factory)
    replies = await say(adapter(session_factory), "status årsredovisning")
    text = text_of(replies)
    assert "Årsredovisningar 2025: status" in text  # the last calendar year, by default
    assert "Stadens sista dag är 31\u00a0mars\u00a02026." in text
    # The counts per status: the 16 nämnder, four of them with a report; no bolag is counted.
    for line in ("ej påbörjad: 12", "utkast: 1", "inskickad: 1", "returnerad: 1", "godkänd: 1"):
        assert line in text
    # The registry's name, else the users with the contact person role, else "saknas"; Malmö time.
    assert ("Miljönämnden: inskickad · Kontaktperson: Anna Andersson · "
            "Senast ändrad: 2\u00a0februari\u00a02026 kl.\u00a014.05" in text)
    assert "Fritidsnämnden: utkast · Kontaktperson: Bo Berg · Senast ändrad:" in text
    assert "Servicenämnden: returnerad · Kontaktperson: Sara Svensson" in text
    assert "Kulturnämnden: godkänd · Kontaktperson: saknas" in text
    assert "Valnämnden: ej påbörjad · Kontaktperson: saknas" in text
    assert "Valnämnden: ej påbörjad · Kontaktperson: saknas · Senast" not in text  # not started: no change yet
    # Every nämnd has its line, in Swedish order; no bolag is listed, none having started a voluntary report.
    organisation_lines = [line for line in text.splitlines() if " · Kontaktperson: " in line]
    assert len(organisation_lines) == NAMNDER
    assert organisation_lines[-1].startswith("Överförmyndarnämnden:")
    not_started = text.split("Nämnder som inte har påbörjat årsredovisningen:")[1]
    assert "Valnämnden" in not_started and "Miljönämnden" not in not_started
    assert not [bolag for bolag in BOLAG if bolag in text]
    assert "Helägda bolag: frivillig redovisning (avsnitt 3.4)" in text
    assert "Inget bolag har påbörjat någon frivillig redovisning för 2025." in text
    assert buttons(replies)["Påminn alla som inte har skickat in"] == {"action": "annual_report_remind_all",
                                                                        "year": YEAR}
    assert seeded.reports["miljonamnden"].id is not None
    # "Gymnasie- och vuxenutbildningsnämnden" wraps between words on a phone, not in the middle of one.
    assert_fits_a_phone(adaptive_cards(replies))


async def test_a_year_can_be_named_and_an_unreadable_one_is_asked_again(session_factory):
    await seed(session_factory)
    text = text_of(await say(adapter(session_factory), "Status årsredovisningar 2024"))
    assert "Årsredovisningar 2024: status" in text and f"ej påbörjad: {NAMNDER}" in text
    assert "Stadens sista dag är 31\u00a0mars\u00a02025." in text
    [reply] = await say(adapter(session_factory), "status årsredovisning 20255")
    assert reply.text == ("Jag förstod inte vilket år du menar. Skriv ett årtal, till exempel ”status årsredovisning "
                          "2025”.")
    # Words after the command that are no year are not this command's (a question, perhaps).
    [reply] = await say(adapter(session_factory), "status årsredovisning för Miljönämnden")
    assert reply.text == NOT_MINE


async def test_the_overview_in_english(session_factory):
    await seed(session_factory)
    replies = await say(adapter(session_factory, locale="en-GB"), "annual report status 2025")
    text = text_of(replies)
    assert "Annual reports 2025: status" in text
    assert "not started: 12" in text and "approved: 1" in text
    assert "No company has started a voluntary report for 2025." in text
    assert ("Miljönämnden: submitted · Contact person: Anna Andersson · "
            "Last changed: 2\u00a0February\u00a02026 at 14:05" in text)
    assert "Kulturnämnden: approved · Contact person: none" in text
    assert "[Remind all who have not submitted]" in text


async def test_a_contact_person_sees_the_own_organisations_line_only(session_factory):
    await seed(session_factory)
    text = text_of(await say(adapter(session_factory, BO), "status årsredovisning"))
    assert "Årsredovisningen 2025: Fritidsnämnden" in text
    assert "utkast · Kontaktperson: Bo Berg · Senast ändrad:" in text
    for other in ("Miljönämnden", "Kulturnämnden", "Servicenämnden", "Påminn alla"):
        assert other not in text
    # Linked in the registry (no contact person role): a contact person too.
    text = text_of(await say(adapter(session_factory, SARA), "status årsredovisning"))
    assert "Årsredovisningen 2025: Servicenämnden" in text and "returnerad · Kontaktperson: Sara Svensson" in text
    assert "Miljönämnden" not in text


async def test_an_official_is_refused_and_shown_nothing(session_factory):
    await seed(session_factory)
    [reply] = await say(adapter(session_factory, OLLE), "status årsredovisning")
    assert reply.text.startswith("Statusen för alla nämnders och bolags årsredovisningar visar jag bara för "
                                 "kommunstyrelsens förvaltning (KS-samordnare och administratörer)")
    assert "”årsredovisning 2025”" in reply.text
    assert not reply.attachments
    for organisation in ("Miljönämnden", "Fritidsnämnden", "Kulturnämnden"):
        assert organisation not in reply.text


async def test_in_ks_forvaltnings_channel_the_role_of_whoever_asks_decides(session_factory):
    await seed(session_factory)
    text = text_of(await say(adapter(session_factory, channel=True), "status årsredovisning"))
    assert "Miljönämnden: inskickad" in text and "ej påbörjad: 12" in text
    [reply] = await say(adapter(session_factory, OLLE, channel=True), "status årsredovisning")
    assert "KS-samordnare" in reply.text and not reply.attachments


# --- "Påminn alla som inte har skickat in" ---------------------------------------------------------------------


async def test_remind_all_reminds_the_contact_persons_of_those_not_submitted_and_names_those_without(
    session_factory
):
    seeded = await seed(session_factory)
    replies = await say(adapter(session_factory, channel=True), value={"action": "annual_report_remind_all",
                                                                      "year": YEAR})
    text = text_of(replies)
    assert "Påminnelser om årsredovisningen 2025" in text
    # Fritidsnämnden (Bo, by role) and Servicenämnden (Sara, in the registry): submitted and approved are not.
    assert "Nämnder och bolag som påminns: 2" in text
    assert "Personer som påminns: 2" in text
    assert "Påminns: Fritidsnämnden, Servicenämnden" in text
    without = text.split("Kunde inte påminnas, eftersom ingen kontaktperson finns i Lotsen:")[1]
    assert "Valnämnden" in without and not [bolag for bolag in BOLAG if bolag in text]  # no duty, no reminder
    for handed_in in ("Miljönämnden", "Kulturnämnden", "Fritidsnämnden"):
        assert handed_in not in without
    assert "avsnitt 3.3" in without
    stored = await reminders(session_factory)
    assert [(r.kind, r.recipient_user_id, r.subject_id, r.due_at) for r in stored] == sorted([
        (ReminderKind.ANNUAL_REPORT, seeded.users["bo"].id, seeded.reports["fritidsnamnden"].organisation_id, NOW),
        (ReminderKind.ANNUAL_REPORT, seeded.users["sara"].id, seeded.reports["servicenamnden"].organisation_id,
         NOW),
    ], key=lambda row: row[1])
    assert all(r.details["deadline"] == "2026-03-31" and r.details["report_year"] == YEAR for r in stored)


async def test_one_round_a_day_a_second_press_that_day_plans_nothing_and_says_so(session_factory):
    await seed(session_factory)
    press = {"action": "annual_report_remind_all", "year": YEAR}
    # 10:42:59 and 10:43:01 in Malmö: a double press across a minute boundary.
    first = NOW.replace(hour=9, minute=42, second=59)
    replies = await say(adapter(session_factory, clock=lambda: first), value=press)
    assert "Var och en påminns högst en gång om dagen." in text_of(replies)
    [reply] = await say(adapter(session_factory, clock=lambda: first + timedelta(seconds=2)), value=press)
    assert reply.text == ("Alla som kan påminnas om årsredovisningen 2025 har redan fått en påminnelse i dag, så jag "
                          "skickar inga fler nu. Du kan påminna dem igen i morgon.")
    assert not reply.attachments
    # Later the same day, by the clock in Malmö (22:59 UTC is 23:59 there), still nothing new.
    [reply] = await say(adapter(session_factory, clock=lambda: first.replace(hour=22, minute=59)), value=press)
    assert reply.text.startswith("Alla som kan påminnas om årsredovisningen 2025 har redan fått en påminnelse i dag")
    assert len(await reminders(session_factory)) == 2
    # Two minutes later it is tomorrow in Malmö (still the same day in UTC): they are reminded again.
    replies = await say(adapter(session_factory, clock=lambda: first.replace(hour=23, minute=1)), value=press)
    assert "Personer som påminns: 2" in text_of(replies)
    assert len(await reminders(session_factory)) == 4


async def test_already_reminded_today_in_english(session_factory):
    await seed(session_factory)
    press = {"action": "annual_report_remind_all", "year": YEAR}
    await say(adapter(session_factory, locale="en-GB"), value=press)
    [reply] = await say(adapter(session_factory, locale="en-GB", clock=lambda: NOW + timedelta(hours=3)),
                        value=press)
    assert reply.text.startswith("Everyone who can be reminded of the annual report 2025 has already been reminded "
                                 "today")


async def test_only_coordinators_may_remind_everyone(session_factory):
    await seed(session_factory)
    for user in (OLLE, BO):
        [reply] = await say(adapter(session_factory, user, channel=True),
                            value={"action": "annual_report_remind_all", "year": YEAR})
        assert reply.text.startswith("Bara kommunstyrelsens förvaltning (KS-samordnare och administratörer) kan "
                                     "påminna alla")
    assert await reminders(session_factory) == []


async def test_when_everyone_has_submitted_there_is_nobody_to_remind(session_factory):
    async with session_factory.begin() as session:
        await make_user(session, KARIN.id, KARIN.name, None, Role.KS_COORDINATOR)
        for organisation in await list_organisations(session):
            # Each organisation's own official writes and submits its report.
            official = await make_user(session, f"29:{organisation.slug}", f"Tjänsteperson {organisation.name}",
                                       organisation)
            report = await get_or_create_draft(session, organisation.id, 2023, official)
            await submit(session, report, official)
    replies = await say(adapter(session_factory), "status årsredovisning 2023")
    text = text_of(replies)
    assert f"inskickad: {NAMNDER}" in text and "Alla nämnder har påbörjat sin årsredovisning." in text
    # The bolag's reports are voluntary (3.4): listed apart, with their representative, not counted above.
    assert "MKB Fastighets AB: inskickad · Representant: ingen utsedd · Senast ändrad:" in text
    assert "Påminn alla som inte har skickat in" not in buttons(replies)
    [reply] = await say(adapter(session_factory), value={"action": "annual_report_remind_all", "year": "2023"})
    assert reply.text == ("Alla nämnder har skickat in sin årsredovisning för 2023, och inget bolag har en påbörjad "
                          "frivillig redovisning kvar: det finns ingen att påminna.")
    assert await reminders(session_factory) == []


async def test_a_press_with_a_broken_year_is_answered(session_factory):
    await seed(session_factory)
    [reply] = await say(adapter(session_factory), value={"action": "annual_report_remind_all", "year": "tjugo"})
    assert reply.text.startswith("Jag förstod inte vilket år du menar.")
    assert await reminders(session_factory) == []


async def test_an_organisation_no_longer_active_is_left_out(session_factory):
    await seed(session_factory)
    async with session_factory.begin() as session:
        await session.execute(update(Organisation).where(Organisation.slug == "valnamnden").values(active=False))
    text = text_of(await say(adapter(session_factory), "status årsredovisning"))
    assert "Valnämnden" not in text and "ej påbörjad: 11" in text



# --- helägda bolag: no duty to report (3.4), a voluntary report shown and reminded of apart -------------------

MATS = ChannelAccount(id="29:mats", name="Mats Berg")  # contact person (role), MKB Fastighets AB


async def seed_bolag(session_factory) -> dict[str, int]:
    """MKB has a voluntary draft and a contact person; Malmö Stadsteater submitted one, Malmö Live has a draft and
    nobody to remind; the other bolag have none."""
    async with session_factory.begin() as session:
        ids = {}
        for slug in ("mkb-fastighets-ab", "malmo-stadsteater-ab", "malmo-live-konserthus-ab"):
            organisation = await get_organisation(session, slug)
            assert organisation is not None
            official = await make_user(session, f"29:{slug}", f"Tjänsteperson {organisation.name}", organisation)
            report = await get_or_create_draft(session, organisation.id, YEAR, official)
            if slug == "malmo-stadsteater-ab":
                await submit(session, report, official)
            ids[slug] = organisation.id
        mkb = await session.get(Organisation, ids["mkb-fastighets-ab"])
        await make_user(session, MATS.id, MATS.name, mkb, Role.CONTACT_PERSON)
    return ids


async def test_bolag_that_report_voluntarily_are_shown_apart_and_the_others_never_as_missing(session_factory):
    await seed(session_factory)
    await seed_bolag(session_factory)
    text = text_of(await say(adapter(session_factory), "status årsredovisning"))
    # The nämnder's counts are what they were: the bolag's reports are not counted among them.
    for line in ("ej påbörjad: 12", "utkast: 1", "inskickad: 1", "returnerad: 1", "godkänd: 1"):
        assert line in text
    voluntary = text.split("Helägda bolag: frivillig redovisning (avsnitt 3.4)")[1]
    assert "ingen skyldighet att redovisa" in voluntary
    assert "MKB Fastighets AB: utkast · Representant: Mats Berg · Senast ändrad:" in voluntary
    assert "Malmö Stadsteater AB: inskickad · Representant: ingen utsedd · Senast ändrad:" in voluntary
    assert "Malmö Live Konserthus AB: utkast" in voluntary
    not_started = text.split("Nämnder som inte har påbörjat årsredovisningen:")[1].split("Helägda bolag")[0]
    assert not [bolag for bolag in BOLAG if bolag in not_started]
    assert "Boplats Syd AB" not in text and "MKB Fastighets AB" not in text.split("Helägda bolag:")[0]


async def test_remind_all_reminds_a_bolag_only_of_a_voluntary_report_it_has_open(session_factory):
    seeded = await seed(session_factory)
    ids = await seed_bolag(session_factory)
    text = text_of(await say(adapter(session_factory), value={"action": "annual_report_remind_all", "year": YEAR}))
    # Fritidsnämnden and Servicenämnden as before, and MKB's open voluntary draft; Malmö Stadsteater handed its
    # report in, and the bolag without one have nothing to be reminded of.
    assert "Påminns: Fritidsnämnden, MKB Fastighets AB, Servicenämnden" in text
    without = text.split("Kunde inte påminnas, eftersom ingen kontaktperson finns i Lotsen:")[1]
    namnder_without, bolag_without = without.split("Bolag med en påbörjad frivillig redovisning som inte kunde "
                                                   "påminnas, eftersom ingen representant finns i Lotsen:")
    assert "Valnämnden" in namnder_without and "avsnitt 3.3" in namnder_without
    assert not [bolag for bolag in BOLAG if bolag in namnder_without]
    assert "Malmö Live Konserthus AB" in bolag_without and "avsnitt 3.4" in bolag_without
    assert "Malmö Stadsteater AB" not in text and "Boplats Syd AB" not in text
    stored = {reminder.subject_id: reminder for reminder in await reminders(session_factory)}
    assert set(stored) == {ids["mkb-fastighets-ab"], seeded.reports["fritidsnamnden"].organisation_id,
                           seeded.reports["servicenamnden"].organisation_id}
    mkb = stored[ids["mkb-fastighets-ab"]]
    assert (mkb.details["voluntary"], mkb.details["source"], mkb.details["report_year"]) == (True, "3.4", YEAR)
    assert "voluntary" not in stored[seeded.reports["fritidsnamnden"].organisation_id].details


async def test_a_bolags_contact_person_sees_that_its_report_is_voluntary(session_factory):
    await seed(session_factory)
    await seed_bolag(session_factory)
    text = text_of(await say(adapter(session_factory, MATS), "status årsredovisning 2024"))
    assert "Årsredovisningen 2024: MKB Fastighets AB" in text
    assert "ingen redovisning (frivillig för bolag, avsnitt 3.4) · Representant: Mats Berg" in text
    assert "ej påbörjad" not in text
    assert "Helägda bolag har ingen skyldighet att redovisa enligt policyn (avsnitt 3.4)" in text
    text = text_of(await say(adapter(session_factory, MATS), "status årsredovisning"))
    assert "utkast · Representant: Mats Berg · Senast ändrad:" in text
