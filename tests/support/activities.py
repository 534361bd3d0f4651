"""Activities shaped the way Teams sends them, for tests and benchmarks."""

from __future__ import annotations

import itertools
from typing import Any

BOT_ID = "28:lotsen-bot"
TENANT_ID = "72f988bf-0000-4000-8000-malmo0000001"
_ids = itertools.count(1)


def activity(
    service_url: str,
    *,
    type: str = "message",
    text: str | None = None,
    value: dict[str, Any] | None = None,
    user_id: str = "29:anna",
    user_name: str = "Anna Andersson",
    conversation_id: str | None = None,
    conversation_type: str = "personal",
    locale: str = "sv-SE",
    tenant_id: str = TENANT_ID,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type,
        "id": f"activity-{next(_ids)}",
        "timestamp": "2026-11-25T08:00:00.000Z",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": user_id, "name": user_name, "aadObjectId": f"aad-{user_id}"},
        "recipient": {"id": BOT_ID, "name": "Lotsen"},
        "conversation": {
            "id": conversation_id or f"a:conversation-{user_id}",
            "conversationType": conversation_type,
            "tenantId": tenant_id,
        },
        "channelData": {"tenant": {"id": tenant_id}},
        "locale": locale,
    }
    if text is not None:
        body["text"] = text
    if value is not None:
        body["value"] = value
    body.update(extra)
    return body


def message(service_url: str, text: str, **fields: Any) -> dict[str, Any]:
    return activity(service_url, text=text, **fields)


def bot_added(service_url: str, **fields: Any) -> dict[str, Any]:
    return activity(service_url, type="conversationUpdate", membersAdded=[{"id": BOT_ID}], **fields)


def channel_mention(service_url: str, text: str, **fields: Any) -> dict[str, Any]:
    """A channel message that @mentions Lotsen, with the mention entity Teams adds."""
    return activity(
        service_url,
        text=f"<at>Lotsen</at> {text}",
        conversation_type="channel",
        conversation_id="19:channel@thread.tacv2",
        entities=[{"type": "mention", "text": "<at>Lotsen</at>", "mentioned": {"id": BOT_ID, "name": "Lotsen"}}],
        **fields,
    )
