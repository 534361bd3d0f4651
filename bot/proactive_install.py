"""Reaching someone who never opened Lotsen: install it for them through Graph (`directory.installation`), create
their 1:1 chat with the Bot Framework connector (`POST {serviceUrl}/v3/conversations`), and store that chat's
conversation reference, so that this reminder and every later one is posted there as to anyone else.

What may come of it, as a `DeliveryOutcome` for the sender:
- the install refused (403) or the user unknown in the directory (404): gone, with the reason recorded (the
  reminder fails, as one to someone without a chat does without installation);
- Graph or the connector down, throttled or slow: try again later (an installed app is found installed, 409,
  the next time, and the chat is created then; Teams may take a moment to let a new install be written to).

Installs are few (a person once) but slow, so at most `INSTALLS_AT_ONCE` go on at a time, each bounded by
Graph's timeout and `CREATE_TIMEOUT_SECONDS`; a failure is that reminder's outcome, never the batch's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.connector import JsonConnector
from bot.proactive import classify
from directory.installation import AppInstallation, DirectoryUnavailable, build_app_installation
from reminders.delivery import DeliveryOutcome
from settings import Settings
from storage.conversations import TERMINAL_SCHEME, save_conversation_reference
from storage.models import ConversationReferenceRecord, ConversationType, User

logger = logging.getLogger("lotsen.proactive")

# Installs (Graph) and chat creations (connector) going on at once, per instance: a batch of reminders to many
# newcomers must not flood Graph, whose installation calls are throttled far below Teams' posts.
INSTALLS_AT_ONCE = 4
# How long creating the chat may take; the post that follows has the connector's own timeout.
CREATE_TIMEOUT_SECONDS = 15.0
TEAMS_CHANNEL = "msteams"

# The connector at a service URL (the pooled client's JSON calls, `bot.connector.JsonConnector`).
ConnectorFor = Callable[[str], Awaitable[JsonConnector]]


@dataclass(frozen=True)
class ProactiveInstallation:
    """What installing needs from the settings: Graph's installation, and the tenant its chats are created in."""

    app: AppInstallation
    tenant_id: str  # empty: the tenant of the stored conversations
    default_service_url: str  # the connector's address when no stored conversation of the tenant gives it


@dataclass(frozen=True)
class Place:
    """Where a batch's new chats are created: the tenant's connector."""

    service_url: str
    tenant_id: str | None


def proactive_installation(settings: Settings) -> ProactiveInstallation | None:
    """Installation as configured (Graph reachable and TEAMS_APP_CATALOG_ID set), or None: as before, a reminder
    to someone without a chat with Lotsen fails."""
    app = build_app_installation(settings)
    if app is None:
        return None
    return ProactiveInstallation(app, settings.graph_tenant_id or settings.microsoft_app_tenant_id,
                                 settings.teams_service_url)


def can_install_for(user: User | None) -> TypeGuard[User]:
    """Lotsen can be installed for the user: the directory knows them by their Entra object id."""
    return user is not None and bool(user.aad_object_id)


class ProactiveInstaller:
    def __init__(self, installation: ProactiveInstallation, connector_for: ConnectorFor,
                 session_factory: async_sessionmaker[AsyncSession], app_id: str) -> None:
        self._installation = installation
        self._connector_for = connector_for
        self._session_factory = session_factory
        self._bot_id = f"28:{app_id}"
        self._slots = asyncio.Semaphore(INSTALLS_AT_ONCE)

    async def place(self, session: AsyncSession) -> Place:
        """The service URL of the tenant's most recently used conversation (Teams' connector is regional), else
        the configured one."""
        tenant = self._installation.tenant_id or None
        query = (select(ConversationReferenceRecord.service_url, ConversationReferenceRecord.tenant_id)
                 .where(ConversationReferenceRecord.channel_id == TEAMS_CHANNEL,
                        ~ConversationReferenceRecord.service_url.startswith(TERMINAL_SCHEME))
                 .order_by(ConversationReferenceRecord.updated_at.desc(), ConversationReferenceRecord.id.desc())
                 .limit(1))
        if tenant is not None:
            query = query.where(ConversationReferenceRecord.tenant_id == tenant)
        row = (await session.execute(query)).first()
        if row is None:
            return Place(self._installation.default_service_url, tenant)
        return Place(row.service_url, tenant or row.tenant_id)

    async def reach(self, user: User, place: Place) -> ConversationReferenceRecord | DeliveryOutcome:
        """Installs Lotsen for `user` (`can_install_for`), creates their chat and stores its reference; or what
        to do with the reminder instead."""
        async with self._slots:
            try:
                installation = await self._installation.app.install_for(user.aad_object_id or "")
            except DirectoryUnavailable as error:
                return DeliveryOutcome.retry(f"Lotsen could not be installed for the recipient yet: {error}")
            if not installation.result.installed:
                return DeliveryOutcome.gone(f"Lotsen could not be installed for the recipient (Graph answered "
                                            f"{installation.status}: {installation.result.value})")
            try:
                async with asyncio.timeout(CREATE_TIMEOUT_SECONDS):
                    conversation_id = await self._create_conversation(user, place)
            except Exception as error:
                # Installed, so a refusal here is Teams not having caught up yet: tried again, until attempts run out.
                outcome = classify(error)
                return DeliveryOutcome.retry(f"Lotsen was installed for the recipient, but their chat could not be "
                                             f"created: {outcome.error}", outcome.retry_after)
        logger.info("Lotsen installed for user %s and their chat created", user.id)
        async with self._session_factory.begin() as session:
            return await save_conversation_reference(
                session,
                conversation_id=conversation_id,
                conversation_type=ConversationType.PERSONAL.value,
                tenant_id=place.tenant_id,
                service_url=place.service_url,
                channel_id=TEAMS_CHANNEL,
                reference=self._reference(user, place, conversation_id),
                user_id=user.id,
            )

    def _member_id(self, user: User) -> str:
        # The Teams id where Lotsen has one (the user wrote to it in a channel), else the Entra object id, which
        # the connector takes for a member of the tenant as well.
        return user.teams_user_id if user.teams_user_id.startswith("29:") else user.aad_object_id or ""

    async def _create_conversation(self, user: User, place: Place) -> str:
        body: dict[str, Any] = {"bot": {"id": self._bot_id}, "members": [{"id": self._member_id(user)}],
                                "isGroup": False}
        if place.tenant_id:
            body["tenantId"] = place.tenant_id
            body["channelData"] = {"tenant": {"id": place.tenant_id}}
        connector = await self._connector_for(place.service_url)
        return await connector.create_conversation(body)

    def _reference(self, user: User, place: Place, conversation_id: str) -> dict[str, Any]:
        """The reference as the bot's conversation tracking stores one from a turn in that chat: the serialized
        form of botbuilder's ConversationReference, written as JSON (no SDK here: docs/agents-sdk.md's seam)."""
        conversation = {"id": conversation_id, "conversationType": ConversationType.PERSONAL.value, "isGroup": False}
        user_account = {"id": self._member_id(user), "name": user.name}
        if place.tenant_id:
            conversation["tenantID"] = place.tenant_id  # sic: botbuilder's key for it
        if user.aad_object_id:
            user_account["aadObjectId"] = user.aad_object_id
        reference: dict[str, Any] = {"channelId": TEAMS_CHANNEL, "serviceUrl": place.service_url,
                                     "conversation": conversation, "bot": {"id": self._bot_id}, "user": user_account}
        if user.locale:
            reference["locale"] = user.locale
        return reference
