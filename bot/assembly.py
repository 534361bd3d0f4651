"""Builds the bot and everything it stands on, once per process (the web app and the terminal chat share it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from botbuilder.core import ConversationState, UserState
from botbuilder.dialogs import DialogSet
from botframework.connector.auth import ServiceClientCredentialsFactory
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapter import BotEndpoint, LotsenAdapter
from bot.authentication import LotsenAuthentication
from bot.conversation_tracking import ConversationTracker
from bot.lotsen_bot import LotsenBot
from bot.routes import RouteTargets, lotsen_routes
from bot.sql_storage import SqlStorage
from dialogs.people.admin_commands import AdminCommands
from dialogs.annual_report.command import AnnualReportCommand
from dialogs.annual_report.dialog import AnnualReportDialog
from dialogs.annual_report.compilation_command import CompilationCommand
from dialogs.policy_questions.consultation import ConsultationDialog
from dialogs.people.contact_commands import ContactCommands, ContactRequest
from dialogs.people.directory_commands import DirectoryCommands
from dialogs.people.history_commands import HistoryCommands
from dialogs.policy_questions.learning_commands import LearningCommands
from dialogs.applications.my_applications import MyApplicationsDialog
from dialogs.policy_questions.answers import PolicyQuestions
from dialogs.policy_questions.memory import PolicyMemory
from dialogs.applications.registration import RegistrationDialog
from dialogs.annual_report.report_review import ReportReviewCommand
from dialogs.annual_report.report_status import ReportStatusCommand, StatusRequest
from dialogs.reminders.commands import ReminderCommands
from dialogs.common.routing import Router
from directory.config import build_directory_placer, directory_source, mapping_path
from directory.mapping import load_mapping_file
from directory.people import build_people_directory
from settings import Settings
from storage.unit_of_work import TurnSessions


@dataclass
class BotServices:
    bot: LotsenBot
    conversation_state: ConversationState
    user_state: UserState
    router: Router


def build_bot(settings: Settings, session_factory: async_sessionmaker[AsyncSession] | TurnSessions,
              clock: Callable[[], datetime] | None = None) -> BotServices:
    """`clock` (UTC now) is for tests that let days pass between two turns. Everything built here opens its
    sessions through `TurnSessions`, so that inside a turn they all share the turn's one transaction."""
    if not isinstance(session_factory, TurnSessions):
        session_factory = TurnSessions(session_factory)
    storage = SqlStorage(session_factory)
    conversation_state = ConversationState(storage)
    user_state = UserState(storage)
    dialogs = DialogSet(conversation_state.create_property("DialogState"))
    with_clock = {"clock": clock} if clock else {}
    # Users without organisation placed from the directory when Graph is configured (directory/placement.py).
    placer = build_directory_placer(settings, clock)
    registration = RegistrationDialog(session_factory, settings, user_state, **with_clock)
    # What the conversation told Lotsen about its project, for the next policy question (dialogs/policy_questions/memory.py).
    memory = PolicyMemory(conversation_state.create_property("PolicyMemory"))
    dialogs.add(ConsultationDialog(settings.eur_sek_rate, memory))
    dialogs.add(registration)
    dialogs.add(MyApplicationsDialog(session_factory, settings, **with_clock))
    dialogs.add(ContactCommands.replacement_dialog(session_factory))
    dialogs.add(AnnualReportDialog(session_factory, settings, **with_clock))
    # What answers each message: bot/routes.py, one row per kind of message, in the order they are tried.
    report_status = ReportStatusCommand(session_factory, settings, **with_clock)
    # Contact persons chosen in the directory when Graph is configured (directory/people.py), else named.
    contacts = ContactCommands(session_factory, build_people_directory(settings))
    # A question that asks for KS förvaltning's views is shown the view itself, to those who may see it.
    views = {"report_status": (report_status, StatusRequest("show")), "contacts": (contacts, ContactRequest("overview"))}
    targets = RouteTargets(
        questions=PolicyQuestions(session_factory, settings.eur_sek_rate, memory, views=views),
        registration=registration,
        reminders=ReminderCommands(session_factory, hour=settings.reminder_hour, **with_clock),
        annual_report=AnnualReportCommand(AnnualReportDialog.__name__),
        report_status=report_status,
        report_review=ReportReviewCommand(session_factory, **with_clock),
        compilation=CompilationCommand(session_factory, settings, **with_clock),
        learning=LearningCommands(session_factory),
        contacts=contacts,
        admin=AdminCommands(session_factory),
        history=HistoryCommands(session_factory),
        directory=DirectoryCommands(session_factory, directory_source(settings),
                                    load_mapping_file(mapping_path(settings)), in_use=placer is not None),
    )
    router = Router(lotsen_routes(targets))
    bot = LotsenBot(conversation_state, user_state, ConversationTracker(session_factory, placer), dialogs, router)
    return BotServices(bot, conversation_state, user_state, router)


def build_endpoint(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    credentials_factory: ServiceClientCredentialsFactory | None = None,
) -> BotEndpoint:
    adapter = LotsenAdapter(LotsenAuthentication(settings, credentials_factory))
    sessions = TurnSessions(session_factory)
    services = build_bot(settings, sessions)
    return BotEndpoint(adapter, services.bot, sessions, settings.allowed_tenant_ids)
