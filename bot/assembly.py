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
from bot.sql_storage import SqlStorage
from dialogs.chat_commands import ChatCommand
from dialogs.consultation import ConsultationDialog
from dialogs.my_applications import MyApplicationsDialog
from dialogs.policy_answers import PolicyQuestions
from dialogs.registration import RegistrationDialog
from dialogs.reminders import ReminderCommands
from settings import Settings


@dataclass
class BotServices:
    bot: LotsenBot
    conversation_state: ConversationState
    user_state: UserState


def build_bot(settings: Settings, session_factory: async_sessionmaker[AsyncSession],
              clock: Callable[[], datetime] | None = None) -> BotServices:
    """`clock` (UTC now) is for tests that let days pass between two turns."""
    storage = SqlStorage(session_factory)
    conversation_state = ConversationState(storage)
    user_state = UserState(storage)
    dialogs = DialogSet(conversation_state.create_property("DialogState"))
    registration = RegistrationDialog(session_factory, settings, user_state, **({"clock": clock} if clock else {}))
    dialogs.add(ConsultationDialog(settings.eur_sek_rate))
    dialogs.add(registration)
    dialogs.add(MyApplicationsDialog(session_factory))
    # Chat commands, in the order they are tried (see dialogs/chat_commands.py); a dialog they start is
    # added to `dialogs` here too.
    commands: list[ChatCommand] = []
    bot = LotsenBot(
        conversation_state,
        user_state,
        ConversationTracker(session_factory),
        dialogs,
        PolicyQuestions(session_factory, settings.eur_sek_rate),
        registration,
        ReminderCommands(session_factory, hour=settings.reminder_hour, **({"clock": clock} if clock else {})),
        commands,
    )
    return BotServices(bot, conversation_state, user_state)


def build_endpoint(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    credentials_factory: ServiceClientCredentialsFactory | None = None,
) -> BotEndpoint:
    adapter = LotsenAdapter(LotsenAuthentication(settings, credentials_factory))
    services = build_bot(settings, session_factory)
    return BotEndpoint(adapter, services.bot, settings.allowed_tenant_ids)
