"""Removing the bot's own @mention from a message written in a channel or group chat."""

from __future__ import annotations

import re

from botbuilder.schema import Activity

_AT_TAG = re.compile(r"<at[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)


def strip_bot_mention(activity: Activity) -> str:
    """The message text without "<at>Lotsen</at>"; other people's mentions stay as their plain names."""
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        if (entity.type or "").lower() != "mention":
            continue
        properties = entity.additional_properties or {}
        mentioned = properties.get("mentioned") or {}
        if bot_id and mentioned.get("id") == bot_id:
            text = text.replace(properties.get("text") or f"<at>{mentioned.get('name', '')}</at>", " ")
    # Any mention tag left names someone else: keep the name, drop the markup.
    text = _AT_TAG.sub(lambda match: re.sub(r"</?at[^>]*>", "", match.group(0)), text)
    return " ".join(text.split())
