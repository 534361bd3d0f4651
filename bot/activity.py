"""The edge of the bot: what an incoming Bot Framework activity must contain before a turn runs."""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError


class InvalidActivity(ValueError):
    """The request body is not an activity Lotsen can process; the message is safe to show the caller."""


class _Identified(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1)


class IncomingActivity(BaseModel):
    """Only the fields a turn cannot do without; everything else passes through to botbuilder untouched."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    type: str = Field(min_length=1)
    channel_id: str = Field(alias="channelId", min_length=1)
    service_url: HttpUrl = Field(alias="serviceUrl")
    conversation: _Identified
    sender: _Identified = Field(alias="from")


def parse_activity(body: Any) -> Activity:
    if not isinstance(body, dict):
        raise InvalidActivity("the body must be a JSON object (a Bot Framework activity)")
    try:
        IncomingActivity.model_validate(body)
    except ValidationError as error:
        fields = sorted({".".join(str(part) for part in issue["loc"]) for issue in error.errors()})
        raise InvalidActivity(f"missing or invalid activity fields: {', '.join(fields)}") from None
    try:
        return Activity().deserialize(body)
    except Exception as error:  # msrest raises DeserializationError and friends for ill-typed fields
        raise InvalidActivity(f"the activity could not be read: {type(error).__name__}") from None


def tenant_id_of(activity: Activity) -> str | None:
    """Teams puts the tenant on the conversation and in channelData; either will do."""
    if activity.conversation and activity.conversation.tenant_id:
        return activity.conversation.tenant_id
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = channel_data.get("tenant") or {}
    return tenant.get("id") if isinstance(tenant, dict) else None


def base_conversation_id(activity: Activity) -> str:
    """A channel's own id: Teams adds ";messageid=…" to the conversation id of a reply thread, and a message
    sent to that longer id would land in the thread instead of as a new post in the channel."""
    return activity.conversation.id.split(";messageid=", 1)[0]
