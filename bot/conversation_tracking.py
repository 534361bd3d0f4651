"""Remembers who talks to Lotsen and where, so that later proactive messages (reminders) can reach them; and
places a user without organisation from the directory when Graph is configured (directory/placement.py).

Every turn refreshes the user and the conversation reference, but only writes when something changed since
this process last wrote it: a turn that changes nothing costs no database round trip.
"""

from __future__ import annotations

from dataclasses import dataclass

from botbuilder.core import TurnContext
from botbuilder.schema import Activity
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.activity import base_conversation_id, tenant_id_of
from directory.placement import DirectoryPlacer
from storage.conversations import save_conversation_reference
from storage.unit_of_work import after_commit
from storage.users import upsert_user


@dataclass(frozen=True)
class _UserSnapshot:
    name: str
    aad_object_id: str | None
    locale: str | None


@dataclass(frozen=True)
class _ConversationSnapshot:
    service_url: str
    user_id: int | None


class ConversationTracker:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession],
                 directory: DirectoryPlacer | None = None) -> None:
        self._session_factory = session_factory
        self._directory = directory
        self._users: dict[str, tuple[_UserSnapshot, int]] = {}
        self._conversations: dict[str, _ConversationSnapshot] = {}

    async def track(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if not activity.from_property or not activity.from_property.id or not activity.conversation:
            return
        user_snapshot = _user_snapshot(activity)
        cached_user = self._users.get(activity.from_property.id)
        user_changed = cached_user is None or cached_user[0] != user_snapshot
        conversation_type = activity.conversation.conversation_type or "personal"
        known_user_id = cached_user[1] if cached_user else None
        conversation_snapshot = _ConversationSnapshot(
            activity.service_url, known_user_id if conversation_type == "personal" else None
        )
        conversation_id = base_conversation_id(activity)
        conversation_changed = self._conversations.get(conversation_id) != conversation_snapshot
        if not user_changed and not conversation_changed:
            await self._place_from_directory(known_user_id)
            return

        async with self._session_factory.begin() as session:
            user_id = known_user_id
            if user_changed:
                user = await upsert_user(
                    session,
                    activity.from_property.id,
                    aad_object_id=user_snapshot.aad_object_id,
                    name=user_snapshot.name,
                    locale=user_snapshot.locale,
                )
                user_id = user.id
            personal_user_id = user_id if conversation_type == "personal" else None
            conversation_snapshot = _ConversationSnapshot(activity.service_url, personal_user_id)
            if self._conversations.get(conversation_id) != conversation_snapshot:
                reference = TurnContext.get_conversation_reference(activity).serialize()
                # Proactive messages are new posts, not replies in the thread or to the message seen last.
                reference["conversation"]["id"] = conversation_id
                reference.pop("activityId", None)
                await save_conversation_reference(
                    session,
                    conversation_id=conversation_id,
                    conversation_type=conversation_type,
                    tenant_id=tenant_id_of(activity),
                    service_url=activity.service_url,
                    channel_id=activity.channel_id,
                    reference=reference,
                    user_id=personal_user_id,
                )
        # Only after the commit (of the whole turn, when there is one): a failed write is retried next turn.
        sender_id = activity.from_property.id

        def remember() -> None:
            self._users[sender_id] = (user_snapshot, user_id)
            self._conversations[conversation_id] = conversation_snapshot

        after_commit(remember)
        await self._place_from_directory(user_id)

    async def _place_from_directory(self, user_id: int | None) -> None:
        """A user without organisation is looked up in the directory and placed, before the turn is routed so
        that what follows knows the organisation; at most once a day, and asked only from memory otherwise."""
        if self._directory is None or user_id is None or not self._directory.due(user_id):
            return
        async with self._session_factory.begin() as session:
            await self._directory.place(session, user_id)


def _user_snapshot(activity: Activity) -> _UserSnapshot:
    sender = activity.from_property
    return _UserSnapshot(name=sender.name or "", aad_object_id=sender.aad_object_id, locale=activity.locale)
