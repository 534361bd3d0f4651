"""What the tests of KS förvaltning's chat commands stand on (the status overview, the review, the
compilation): a test bot that does what LotsenBot does with its chat commands, an adapter for it in a personal
chat or KS förvaltning's channel, and a seed of annual reports in every status.

The test bot: the first command that recognises a turn handles it; a turn no command takes is answered NOT_MINE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from botbuilder.core import ConversationState, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogSet
from botbuilder.schema import ChannelAccount
from sqlalchemy import update

from bot.sql_storage import SqlStorage
from dialogs.common.chat_commands import ChatCommand
from dialogs.annual_report.compilation_command import CompilationCommand
from dialogs.annual_report.report_review import ReportReviewCommand
from dialogs.annual_report.report_status import ReportStatusCommand
from dialogs.common.routing import Route, Router, command_route
from dialogs.common.turn import Turn
from settings import Settings
from storage.annual_reports import approve, get_or_create_draft, return_for_completion, submit
from storage.contact_persons import set_contact_person
from storage.models import AnnualReport, Role, User
from storage.organisations import get_organisation
from tests.support.chat import chat_adapter
from tests.support.people import make_user


# 3 February 2026 at 09:15 in Malmö: the reports for 2025 are being written (due 31 March 2026).
NOW = datetime(2026, 2, 3, 8, 15, 40, tzinfo=timezone.utc)
YEAR = 2025
NOT_MINE = "(inget kommando)"
ANNA = ChannelAccount(id="29:anna", name="Anna Andersson")  # official, Miljönämnden: submitted its report
BO = ChannelAccount(id="29:bo", name="Bo Berg")  # contact person (role), Fritidsnämnden: a draft
SARA = ChannelAccount(id="29:sara", name="Sara Svensson")  # official, Servicenämnden, in the registry
KARIN = ChannelAccount(id="29:karin", name="Karin Karlsson")  # KS coordinator
OLLE = ChannelAccount(id="29:olle", name="Olle Olsson")  # official, Kulturnämnden
KS_CHANNEL = "19:ks-forvaltning@thread.tacv2"
# Miljönämnden's report last changed at 14.05 Malmö time (13.05 UTC) on 2 February 2026.
CHANGED_AT = datetime(2026, 2, 2, 13, 5, tzinfo=timezone.utc)


@dataclass
class Seeded:
    users: dict[str, User]
    reports: dict[str, AnnualReport]  # by organisation slug


def ks_bot(session_factory, commands: Sequence[ChatCommand]):
    """`commands` as rows of a routing table (dialogs/common/routing.py), tried in the order given, on the real state
    storage; a message none of them takes is answered NOT_MINE."""
    conversation_state = ConversationState(SqlStorage(session_factory))
    dialogs = DialogSet(conversation_state.create_property("DialogState"))
    routes = [command_route(type(command).__name__, rank, command) for rank, command in enumerate(commands)]
    router = Router([*routes, Route("not mine", len(routes), lambda turn: True, _not_mine)])

    async def on_turn(turn_context: TurnContext) -> None:
        activity = turn_context.activity
        activity.text = " ".join((activity.text or "").split())
        await router.route(Turn.of(await dialogs.create_context(turn_context)))
        await conversation_state.save_changes(turn_context)

    return on_turn


async def _not_mine(turn: Turn, _request: object) -> None:
    await turn.send(NOT_MINE)


def all_commands(session_factory, clock=lambda: NOW, **settings) -> list[ChatCommand]:
    configured = Settings(_env_file=None, **settings)
    return [
        ReportStatusCommand(session_factory, configured, clock=clock),
        ReportReviewCommand(session_factory, clock=clock),
        CompilationCommand(session_factory, configured, clock=clock),
    ]


def adapter(session_factory, user: ChannelAccount = KARIN, *, channel: bool = False, locale: str = "sv-SE",
            clock=lambda: NOW, **settings) -> TestAdapter:
    """The KS commands as `user` reaches them: in their personal chat, or in KS förvaltning's channel."""
    bot = ks_bot(session_factory, all_commands(session_factory, clock, **settings))
    if channel:
        return chat_adapter(bot, user, conversation_id=KS_CHANNEL, conversation_type="channel", locale=locale)
    return chat_adapter(bot, user, locale=locale)


async def seed(session_factory) -> Seeded:
    """Miljönämnden submitted (registry contact Anna), Fritidsnämnden a draft (contact person Bo, by role),
    Servicenämnden returned (registry contact Sara), Kulturnämnden approved; the others not started."""
    async with session_factory.begin() as session:
        organisation = {slug: await get_organisation(session, slug)
                        for slug in ("miljonamnden", "fritidsnamnden", "servicenamnden", "kulturnamnden",
                                     "kommunstyrelsen")}
        users = {
            "anna": await make_user(session, ANNA.id, ANNA.name, organisation["miljonamnden"]),
            "bo": await make_user(session, BO.id, BO.name, organisation["fritidsnamnden"], Role.CONTACT_PERSON),
            "sara": await make_user(session, SARA.id, SARA.name, organisation["servicenamnden"]),
            "karin": await make_user(session, KARIN.id, KARIN.name, organisation["kommunstyrelsen"],
                                     Role.KS_COORDINATOR),
            "olle": await make_user(session, OLLE.id, OLLE.name, organisation["kulturnamnden"]),
        }
        await set_contact_person(session, organisation["miljonamnden"], "Anna Andersson", None)
        await set_contact_person(session, organisation["servicenamnden"], "Sara Svensson", None)
        environment = await get_or_create_draft(session, organisation["miljonamnden"].id, YEAR, users["anna"])
        await submit(session, environment, users["anna"])
        leisure = await get_or_create_draft(session, organisation["fritidsnamnden"].id, YEAR, users["bo"])
        service = await get_or_create_draft(session, organisation["servicenamnden"].id, YEAR, users["sara"])
        await submit(session, service, users["sara"])
        await return_for_completion(session, service, users["karin"], "Lägg till nätverken.")
        culture = await get_or_create_draft(session, organisation["kulturnamnden"].id, YEAR, users["olle"])
        await submit(session, culture, users["olle"])
        await approve(session, culture, users["karin"])
        await session.execute(update(AnnualReport).where(AnnualReport.id == environment.id)
                              .values(updated_at=CHANGED_AT))
        reports = {"miljonamnden": environment, "fritidsnamnden": leisure, "servicenamnden": service,
                   "kulturnamnden": culture}
    return Seeded(users, reports)
