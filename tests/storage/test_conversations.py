"""storage/conversations.py: conversation references for proactive messages."""

from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationReference
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.conversations import (
    ConversationReferenceRecord,
    get_conversation_reference,
    get_personal_reference_for_user,
    save_conversation_reference,
)
from storage.users import upsert_user

Factory = async_sessionmaker[AsyncSession]
SERVICE_URL = "https://smba.trafficmanager.net/emea/"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def _reference(conversation_id: str, conversation_type: str, user_name: str = "Åsa Öberg") -> dict:
    activity = Activity(
        id="1",
        type="message",
        channel_id="msteams",
        service_url=SERVICE_URL,
        locale="sv-SE",
        from_property=ChannelAccount(id="29:asa", name=user_name, aad_object_id="aad-asa"),
        recipient=ChannelAccount(id="28:lotsen", name="Lotsen"),
        conversation=ConversationAccount(
            id=conversation_id, conversation_type=conversation_type, tenant_id=TENANT
        ),
    )
    return TurnContext.get_conversation_reference(activity).serialize()


async def _save(
    session: AsyncSession, conversation_id: str, conversation_type: str, **overrides: Any
) -> ConversationReferenceRecord:
    values: dict[str, Any] = {
        "tenant_id": TENANT,
        "service_url": SERVICE_URL,
        "channel_id": "msteams",
        "reference": _reference(conversation_id, conversation_type),
    }
    values.update(overrides)
    return await save_conversation_reference(
        session, conversation_id=conversation_id, conversation_type=conversation_type, **values
    )


async def test_save_and_get_round_trips_the_botbuilder_reference(session_factory: Factory) -> None:
    reference = _reference("a:1personal", "personal")
    async with session_factory.begin() as session:
        user = await upsert_user(session, "29:asa", aad_object_id="aad-asa", name="Åsa Öberg")
        saved = await save_conversation_reference(
            session,
            conversation_id="a:1personal",
            conversation_type="personal",
            tenant_id=TENANT,
            service_url=SERVICE_URL,
            channel_id="msteams",
            reference=reference,
            user_id=user.id,
        )
        assert saved.id is not None

    async with session_factory() as session:
        stored = await get_conversation_reference(session, "a:1personal")
    assert stored is not None
    assert (stored.conversation_type, stored.tenant_id, stored.service_url, stored.channel_id, stored.user_id) == (
        "personal", TENANT, SERVICE_URL, "msteams", user.id
    )
    assert stored.reference == reference
    restored = ConversationReference().deserialize(stored.reference)
    assert restored.conversation.id == "a:1personal"
    assert restored.user.name == "Åsa Öberg"
    assert restored.service_url == SERVICE_URL
    assert stored.updated_at.utcoffset().total_seconds() == 0


async def test_saving_again_refreshes_and_keeps_the_user(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        user = await upsert_user(session, "29:asa", aad_object_id=None, name="Åsa")
        first = await _save(session, "a:1", "personal", user_id=user.id)
        first_id, first_updated = first.id, first.updated_at

    moved = "https://smba.trafficmanager.net/se/"
    async with session_factory.begin() as session:
        second = await _save(
            session, "a:1", "personal", tenant_id=None, service_url=moved,
            reference=_reference("a:1", "personal", "Åsa Ö."),
        )
        assert second.id == first_id
        assert second.service_url == moved
        assert second.user_id == user.id  # None given: kept
        assert second.tenant_id == TENANT  # None given: kept
        assert second.reference["user"]["name"] == "Åsa Ö."
        assert second.updated_at >= first_updated


async def test_personal_reference_for_user(session_factory: Factory) -> None:
    async with session_factory.begin() as session:
        asa = await upsert_user(session, "29:asa", aad_object_id=None, name="Åsa")
        bo = await upsert_user(session, "29:bo", aad_object_id=None, name="Bo")
        await _save(session, "19:channel@thread.tacv2", "channel")
        await _save(session, "a:asa", "personal", user_id=asa.id)

    async with session_factory() as session:
        found = await get_personal_reference_for_user(session, asa.id)
        assert found is not None and found.conversation_id == "a:asa"

    async with session_factory.begin() as session:
        await _save(session, "a:asa-new", "personal", user_id=asa.id)

    async with session_factory() as session:
        latest = await get_personal_reference_for_user(session, asa.id)
        assert latest is not None and latest.conversation_id == "a:asa-new"
        assert await get_personal_reference_for_user(session, bo.id) is None
        assert await get_conversation_reference(session, "missing") is None
