"""Returning and approving annual reports, by the KS card's buttons and typed, through botbuilder's TestAdapter on
real storage and both databases; whoever submitted the report is told in their personal chat."""

from __future__ import annotations

from sqlalchemy import select


from dialogs.annual_report.cards import ks_summary_card
from dialogs.common.replies import card_message
from storage.annual_reports import AnnualReportEvent, AnnualReportEventKind, AnnualReportStatus, get_report, submit
from storage.conversations import save_conversation_reference
from storage.models import AnnualReport, User
from tests.support.chat import buttons, deliver_notices, say, text_of
from tests.support.ks_setup import ANNA, BO, KARIN, KS_CHANNEL, OLLE, SARA, Seeded, adapter, seed

ANNA_CHAT = "a:personal-anna"
RETURN = "annual_report_return"
APPROVE = "annual_report_approve"


async def _with_annas_chat(session_factory, *, service_url: str = "https://smba.example/emea/") -> Seeded:
    """The seed, and Anna's personal chat with Lotsen (where she submitted Miljönämnden's report from)."""
    seeded = await seed(session_factory)
    async with session_factory.begin() as session:
        await save_conversation_reference(
            session, conversation_id=ANNA_CHAT, conversation_type="personal", tenant_id=None,
            service_url=service_url, channel_id="msteams", user_id=seeded.users["anna"].id,
            reference={"conversation": {"id": ANNA_CHAT, "conversationType": "personal"},
                       "serviceUrl": service_url, "channelId": "msteams",
                       "user": {"id": ANNA.id, "name": ANNA.name}, "bot": {"id": "28:lotsen", "name": "Lotsen"}})
    return seeded


async def _report(session_factory, report_id: int) -> AnnualReport:
    async with session_factory() as session:
        return await session.get_one(AnnualReport, report_id)


async def _events(session_factory, report_id: int) -> list[str]:
    async with session_factory() as session:
        kinds = await session.scalars(select(AnnualReportEvent.kind).where(AnnualReportEvent.report_id == report_id)
                                      .order_by(AnnualReportEvent.id))
        return [AnnualReportEventKind(kind).value for kind in kinds.all()]


async def _act(session_factory, message: str | None = None, *, value: dict | None = None, **adapter_options):
    """Said or pressed as a KS coordinator (Karin), and then what the notice outbox posts after the commit."""
    talking = adapter(session_factory, **adapter_options)
    replies = await say(talking, message, value=value)
    return replies + await deliver_notices(talking, session_factory)


def _in(replies, conversation_id: str):
    return [reply for reply in replies if reply.conversation.id == conversation_id]


# --- the card's buttons, in KS förvaltning's channel -------------------------------------------------------------


async def test_return_by_the_card_tells_the_submitter_with_the_comment_and_a_button_to_open_it(session_factory):
    seeded = await _with_annas_chat(session_factory)
    report_id = seeded.reports["miljonamnden"].id
    press = {"action": RETURN, "report_id": report_id, "comment": "  Komplettera med vänortssamarbetet. "}
    replies = await _act(session_factory, value=press, channel=True)
    channel = text_of(_in(replies, KS_CHANNEL))
    assert ("Årsredovisningen för Miljönämnden 2025 är returnerad för komplettering. Kommentar: ”Komplettera med "
            "vänortssamarbetet.”") in channel
    assert "Anna Andersson, som skickade in den, får besked i sin chatt med Lotsen nu." in channel
    notice = _in(replies, ANNA_CHAT)
    assert len(notice) == 1
    told = text_of(notice)
    assert "Årsredovisningen 2025 för Miljönämnden behöver kompletteras" in told
    assert "Kommunstyrelsens förvaltning (Karin Karlsson) har returnerat årsredovisningen" in told
    assert "Kommentar: Komplettera med vänortssamarbetet." in told
    assert buttons(notice)["Öppna årsredovisningen"] == {"message": "årsredovisning 2025"}
    report = await _report(session_factory, report_id)
    assert report.status is AnnualReportStatus.RETURNED
    assert report.returned_comment == "Komplettera med vänortssamarbetet."
    assert report.returned_by_user_id == seeded.users["karin"].id
    assert (await _events(session_factory, report_id))[-1] == "returned"

    # Pressed again (or by a colleague): it is already returned, and nothing more happens.
    [reply] = await say(adapter(session_factory, channel=True),
                        value={"action": RETURN, "report_id": report_id, "comment": "Igen"})
    assert reply.text.startswith("Årsredovisningen för Miljönämnden 2025 är redan returnerad för komplettering.")
    assert (await _report(session_factory, report_id)).returned_comment == "Komplettera med vänortssamarbetet."


async def test_return_without_a_comment_asks_for_one_with_an_example(session_factory):
    seeded = await _with_annas_chat(session_factory)
    report_id = seeded.reports["miljonamnden"].id
    for value in ({"action": RETURN, "report_id": report_id, "comment": "   "},
                  {"action": RETURN, "report_id": str(report_id)}):
        [reply] = await say(adapter(session_factory, channel=True), value=value)
        assert reply.text == (
            "Skriv vad Miljönämnden ska komplettera: fyll i kommentarsfältet på kortet och tryck på ”Returnera för "
            "komplettering” igen, eller skriv till exempel ”returnera årsredovisning Miljönämnden 2025: komplettera "
            "med vänortssamarbetet”.")
    assert (await _report(session_factory, report_id)).status is AnnualReportStatus.SUBMITTED


async def test_approve_by_the_card_confirms_and_tells_the_submitter(session_factory):
    seeded = await _with_annas_chat(session_factory)
    report_id = seeded.reports["miljonamnden"].id
    replies = await _act(session_factory, value={"action": APPROVE, "report_id": report_id, "comment": ""},
                         channel=True)
    channel = text_of(_in(replies, KS_CHANNEL))
    assert "Årsredovisningen för Miljönämnden 2025 är godkänd." in channel
    assert "Anna Andersson, som skickade in den, får besked" in channel
    told = text_of(_in(replies, ANNA_CHAT))
    assert "Årsredovisningen 2025 för Miljönämnden är godkänd" in told
    assert "Kommunstyrelsens förvaltning (Karin Karlsson) har godkänt årsredovisningen." in told
    assert "Kommentar" not in told
    report = await _report(session_factory, report_id)
    assert report.status is AnnualReportStatus.APPROVED and report.approved_at is not None
    [reply] = await say(adapter(session_factory, channel=True), value={"action": APPROVE, "report_id": report_id})
    assert reply.text == "Årsredovisningen för Miljönämnden 2025 är redan godkänd."


async def test_only_coordinators_may_press_the_buttons_in_the_channel(session_factory):
    seeded = await _with_annas_chat(session_factory)
    report_id = seeded.reports["miljonamnden"].id
    for user in (OLLE, BO, ANNA):
        for action in (RETURN, APPROVE):
            replies = await say(adapter(session_factory, user, channel=True),
                                value={"action": action, "report_id": report_id, "comment": "Klart"})
            assert [reply.text for reply in replies] == [
                "Bara kommunstyrelsens förvaltning (KS-samordnare och administratörer) kan returnera eller godkänna "
                "en årsredovisning. Jag har inte ändrat något."]
    report = await _report(session_factory, report_id)
    assert report.status is AnnualReportStatus.SUBMITTED and report.returned_comment is None
    assert (await _events(session_factory, report_id))[-1] == "submitted"


async def test_a_report_not_submitted_is_answered_with_its_status(session_factory):
    seeded = await _with_annas_chat(session_factory)
    draft = seeded.reports["fritidsnamnden"].id
    [reply] = await say(adapter(session_factory, channel=True), value={"action": APPROVE, "report_id": draft})
    assert reply.text == ("Årsredovisningen för Fritidsnämnden 2025 är utkast och inte inskickad, så den kan inte "
                          "godkännas än.")
    [reply] = await say(adapter(session_factory, channel=True),
                        value={"action": RETURN, "report_id": draft, "comment": "Mer"})
    assert reply.text == ("Årsredovisningen för Fritidsnämnden 2025 är utkast och inte inskickad, så det finns inget "
                          "att returnera.")
    returned = seeded.reports["servicenamnden"].id
    [reply] = await say(adapter(session_factory, channel=True), value={"action": APPROVE, "report_id": returned})
    assert "är returnerad och inte inskickad" in reply.text
    assert (await _report(session_factory, draft)).status is AnnualReportStatus.DRAFT
    [reply] = await say(adapter(session_factory, channel=True), value={"action": APPROVE, "report_id": 999_999})
    assert reply.text.startswith("Jag hittar inte den årsredovisningen.")


async def test_a_submitter_without_a_chat_with_lotsen_is_reported_as_not_reached(session_factory):
    seeded = await seed(session_factory)  # nobody's personal chat is stored
    replies = await say(adapter(session_factory, channel=True),
                        value={"action": RETURN, "report_id": seeded.reports["miljonamnden"].id,
                               "comment": "Lägg till besöken."})
    assert [reply.conversation.id for reply in replies] == [KS_CHANNEL, KS_CHANNEL]
    assert replies[1].text == ("Jag kunde inte nå Anna Andersson, som skickade in den (hen har ingen chatt med "
                               "Lotsen än). Meddela hen på annat sätt.")
    assert (await _report(session_factory, seeded.reports["miljonamnden"].id)).status is AnnualReportStatus.RETURNED


async def test_a_submitter_in_the_terminal_chat_cannot_be_written_to_afterwards(session_factory):
    seeded = await _with_annas_chat(session_factory, service_url="terminal:anna")
    replies = await say(adapter(session_factory, channel=True),
                        value={"action": APPROVE, "report_id": seeded.reports["miljonamnden"].id})
    assert _in(replies, ANNA_CHAT) == []
    assert "i terminalchatten kan jag inte skriva till någon i efterhand" in replies[-1].text


async def test_the_buttons_of_the_summary_card_posted_to_ks_are_answered(session_factory):
    seeded = await _with_annas_chat(session_factory)
    async with session_factory() as session:
        anna = await session.get_one(User, seeded.users["anna"].id)
        report = await get_report(session, seeded.reports["miljonamnden"].organisation_id, 2025, anna)
        card = ks_summary_card(report, submitted_by=anna.name)
    pressed = buttons([card_message(card)])
    # Teams sends the button's data with the card's comment field filled in.
    replies = await _act(session_factory, value={**pressed["Returnera för komplettering"], "comment": "Beskriv resultaten."},
                         channel=True)
    assert "Kommentar: Beskriv resultaten." in text_of(_in(replies, ANNA_CHAT))
    assert (await _report(session_factory, report.id)).status is AnnualReportStatus.RETURNED
    [reply] = await say(adapter(session_factory, channel=True), value={**pressed["Godkänn"], "comment": ""})
    assert reply.text.startswith("Årsredovisningen för Miljönämnden 2025 är returnerad och inte inskickad")


# --- typed ---------------------------------------------------------------------------------------------------


async def test_typed_return_and_approval(session_factory):
    seeded = await _with_annas_chat(session_factory)
    report_id = seeded.reports["miljonamnden"].id
    replies = await _act(session_factory, "returnera årsredovisning Miljönämnden 2025: komplettera med vänortssamarbetet")
    assert ("Årsredovisningen för Miljönämnden 2025 är returnerad för komplettering. Kommentar: ”komplettera med "
            "vänortssamarbetet”") in text_of(replies)
    assert "Kommentar: komplettera med vänortssamarbetet" in text_of(_in(replies, ANNA_CHAT))
    assert (await _report(session_factory, report_id)).status is AnnualReportStatus.RETURNED

    # Anna completes and submits again; KS approves, by typing, without the year (the last calendar year).
    async with session_factory.begin() as session:
        anna = await session.get_one(User, seeded.users["anna"].id)
        report = await get_report(session, seeded.reports["miljonamnden"].organisation_id, 2025, anna)
        await submit(session, report, anna)
    replies = await say(adapter(session_factory), "Godkänn årsredovisningen för miljönämnden")
    assert "Årsredovisningen för Miljönämnden 2025 är godkänd." in text_of(replies)
    assert (await _report(session_factory, report_id)).status is AnnualReportStatus.APPROVED
    assert await _events(session_factory, report_id) == ["created", "submitted", "returned", "submitted", "approved"]


async def test_typed_commands_that_cannot_be_carried_out_say_why_with_an_example(session_factory):
    await _with_annas_chat(session_factory)
    cases = {
        "returnera årsredovisning Miljönämnden 2025":
            "Skriv vad Miljönämnden ska komplettera: fyll i kommentarsfältet på kortet och tryck på ”Returnera för "
            "komplettering” igen, eller skriv till exempel ”returnera årsredovisning Miljönämnden 2025: komplettera "
            "med vänortssamarbetet”.",
        "returnera årsredovisning":
            "Skriv nämnden eller bolaget, året och vad som ska kompletteras, till exempel ”returnera årsredovisning "
            "Miljönämnden 2025: komplettera med vänortssamarbetet”.",
        "godkänn årsredovisning":
            "Skriv nämnden eller bolaget och året, till exempel ”godkänn årsredovisning Miljönämnden 2025”.",
        "godkänn årsredovisning Månnämnden 2025":
            "Jag känner inte igen nämnden eller bolaget ”Månnämnden”. Skriv till exempel ”godkänn årsredovisning "
            "Miljönämnden 2025”.",
        "godkänn årsredovisning Valnämnden 2025": "Valnämnden har ingen årsredovisning för 2025 än (ej påbörjad).",
        # A bolag without a report is not behind: it has no duty to report (3.4).
        "godkänn årsredovisning MKB Fastighets AB 2025":
            "MKB Fastighets AB har ingen redovisning för 2025. Helägda bolag har ingen skyldighet att redovisa "
            "(avsnitt 3.4); de kan redovisa frivilligt.",
        "godkänn årsredovisning Miljönämnden 1850":
            "Jag förstod inte vilket år du menar. Skriv ett årtal, till exempel ”godkänn årsredovisning Miljönämnden "
            "2025”.",
        "godkänn årsredovisning Fritidsnämnden 2025":
            "Årsredovisningen för Fritidsnämnden 2025 är utkast och inte inskickad, så den kan inte godkännas än.",
    }
    for message, expected in cases.items():
        [reply] = await say(adapter(session_factory), message)
        assert reply.text == expected, message


async def test_typed_commands_from_others_change_nothing(session_factory):
    seeded = await _with_annas_chat(session_factory)
    [reply] = await say(adapter(session_factory, SARA), "godkänn årsredovisning Miljönämnden 2025")
    assert reply.text.startswith("Bara kommunstyrelsens förvaltning")
    assert (await _report(session_factory, seeded.reports["miljonamnden"].id)).status is AnnualReportStatus.SUBMITTED


async def test_review_in_english(session_factory):
    seeded = await _with_annas_chat(session_factory)
    replies = await _act(session_factory, "return annual report Miljönämnden 2025: add the partner city cooperation",
                         locale="en-US")
    text = text_of(_in(replies, f"personal-{KARIN.id}"))
    assert ("The annual report of Miljönämnden for 2025 has been returned for completion. Comment: “add the partner "
            "city cooperation”") in text
    assert "Anna Andersson, who submitted it, is being told in their chat with Lotsen now." in text
    # Anna has not said she reads English: her notice is in Swedish.
    assert "behöver kompletteras" in text_of(_in(replies, ANNA_CHAT))
    assert (await _report(session_factory, seeded.reports["miljonamnden"].id)).status is AnnualReportStatus.RETURNED
