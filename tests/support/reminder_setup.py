"""What the reminder delivery tests stand on: a clock to move by hand, users with a stored Teams chat that
points at the connector stand-in, reminders as the planner makes them, and the Teams deliverer built as the
app builds it."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.adapter import LotsenAdapter
from bot.authentication import LotsenAuthentication
from bot.reminder_delivery import TeamsReminderDeliverer
from policy.dates import MALMO_TIME
from reminders.scheduler import ReminderScheduler
from settings import Settings
from storage.conversations import save_conversation_reference
from storage.models import Role, User
from storage.organisations import get_organisation
from storage.reminders import ReminderSpec
from storage.users import set_user_organisation, set_user_role, upsert_user
from tests.support.activities import BOT_ID, TENANT_ID


class Clock:
    """UTC now, moved by the test: the scheduler, the deliverer and the chat all read it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def malmo(text: str) -> datetime:
    """"2027-03-01 09:00" in Malmö, as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=MALMO_TIME).astimezone(timezone.utc)


def reference_for(service_url: str, conversation_id: str, *, user_id: str | None, conversation_type: str) -> dict:
    """The stored form of a conversation reference, made the way the bot's tracker makes it from a turn."""
    activity = Activity(
        type="message",
        id="incoming",
        channel_id="msteams",
        service_url=service_url,
        from_property=ChannelAccount(id=user_id or "29:someone", name="Someone"),
        recipient=ChannelAccount(id=BOT_ID, name="Lotsen"),
        conversation=ConversationAccount(id=conversation_id, conversation_type=conversation_type, tenant_id=TENANT_ID),
        locale="sv-SE",
    )
    return TurnContext.get_conversation_reference(activity).serialize()


async def add_user(
    session: AsyncSession,
    teams_id: str,
    name: str,
    *,
    service_url: str | None,
    locale: str = "sv-SE",
    role: Role = Role.OFFICIAL,
    organisation_slug: str | None = None,
) -> User:
    """A Lotsen user; with `service_url`, also their 1:1 chat with Lotsen, reachable there."""
    user = await upsert_user(session, teams_id, aad_object_id=None, name=name, locale=locale)
    if organisation_slug is not None:
        await set_user_organisation(session, user, await get_organisation(session, organisation_slug))
    if role != Role.OFFICIAL:
        await set_user_role(session, user, role)
    if service_url is not None:
        conversation_id = f"a:personal-{teams_id}"
        await save_conversation_reference(
            session,
            conversation_id=conversation_id,
            conversation_type="personal",
            tenant_id=TENANT_ID,
            service_url=service_url,
            channel_id="msteams",
            reference=reference_for(service_url, conversation_id, user_id=teams_id, conversation_type="personal"),
            user_id=user.id,
        )
    return user


async def add_channel(session: AsyncSession, conversation_id: str, service_url: str) -> None:
    await save_conversation_reference(
        session,
        conversation_id=conversation_id,
        conversation_type="channel",
        tenant_id=TENANT_ID,
        service_url=service_url,
        channel_id="msteams",
        reference=reference_for(service_url, conversation_id, user_id=None, conversation_type="channel"),
    )


def deadline_spec(
    *,
    user_id: int | None = None,
    conversation_id: str | None = None,
    application_id: int = 7,
    due_at: datetime,
    days_before: int = 14,
    deadline: str = "2027-03-15",
    project: str = "Gröna tak i Malmö",
    reference: str = "EU-2027-0007",
    key: str | None = None,
) -> ReminderSpec:
    """An application deadline reminder with the details the planner gives one."""
    return ReminderSpec(
        kind="application_deadline",
        subject_type="application",
        subject_id=application_id,
        due_at=due_at,
        idempotency_key=key or f"application_deadline:{application_id}:{deadline}:{days_before}",
        details={
            "source": "4.1",
            "sources": ["4.1"],
            "organisation": "Miljönämnden",
            "application_id": application_id,
            "reference": reference,
            "project_name": project,
            "deadline": deadline,
            "days_before": days_before,
        },
        recipient_user_id=user_id,
        recipient_conversation_id=conversation_id,
        cycle=deadline,
    )


def information_item_spec(*, user_id: int, item_id: int = 3, application_id: int = 7, due_at: datetime,
                          occurrence: str = "2027-03-01") -> ReminderSpec:
    return ReminderSpec(
        kind="information_item",
        subject_type="information_item",
        subject_id=item_id,
        due_at=due_at,
        idempotency_key=f"information_item:{item_id}:{occurrence}",
        details={
            "source": "4.1",
            "sources": ["4.1"],
            "organisation": "Miljönämnden",
            "application_id": application_id,
            "reference": "EU-2027-0007",
            "project_name": "Gröna tak i Malmö",
            "planned_submission_date": "2027-03-01",
            "occurrence": occurrence,
        },
        recipient_user_id=user_id,
    )


def organisation_spec(kind: str, *, user_id: int, organisation_id: int, due_at: datetime,
                      deadline: str = "2027-03-31") -> ReminderSpec:
    sources = {"annual_report": ["3.3", "4", "configuration"], "missing_contact_person": ["3.3"]}[kind]
    return ReminderSpec(
        kind=kind,
        subject_type="organisation",
        subject_id=organisation_id,
        due_at=due_at,
        idempotency_key=f"{kind}:{organisation_id}:{deadline}:{user_id}",
        details={"source": "3.3", "sources": sources, "organisation": "Miljönämnden",
                 "organisation_id": organisation_id, "deadline": deadline},
        recipient_user_id=user_id,
        cycle=deadline,
    )


@asynccontextmanager
async def teams_scheduler(
    session_factory: async_sessionmaker[AsyncSession], clock: Clock, *, owner: str = "test-instance",
    **options: Any,
) -> AsyncIterator[ReminderScheduler]:
    """A scheduler delivering through the real Teams path (LotsenAdapter, pooled connector clients)."""
    authentication = LotsenAuthentication(Settings(_env_file=None))
    deliverer = TeamsReminderDeliverer(LotsenAdapter(authentication), session_factory, "", clock=clock)
    values: dict[str, Any] = {"poll_seconds": 0.05, "deadline_mmdd": "03-31", "hour": 9}
    values.update(options)
    try:
        yield ReminderScheduler(session_factory, deliverer, owner=owner, clock=clock, **values)
    finally:
        await authentication.close()


def button_data(card: dict[str, Any], action: str) -> dict[str, Any]:
    """The data of the card's button whose `action` is `action`."""
    for button in card.get("actions") or []:
        data = button.get("data") or {}
        if data.get("action") == action:
            return data
    raise AssertionError(f"no button with action {action!r} on the card: {card.get('actions')}")


def reminder_ids_received(cards: list[dict[str, Any]]) -> Counter[int]:
    """How often each reminder's card arrived (each card carries its reminder's id in its buttons)."""
    return Counter(button_data(card, "reminder_done")["reminder_id"] for card in cards)
