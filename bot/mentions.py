"""Removing the bot's own @mention from a message written in a channel or group chat."""

from __future__ import annotations

import re

from botbuilder.schema import Activity

# A mention tag whose name holds no other mention tag: with `.*?` every unclosed "<at>" searched to the end of the
# text, which made a long message of them cost the square of its length.
_AT_TAG = re.compile(r"<at(?:\s[^<>]*)?>((?:(?!</?at[\s>]).)*?)</at>", re.IGNORECASE | re.DOTALL)


def strip_bot_mention(activity: Activity) -> str:
    """The message text without "<at>Lotsen</at>"; other people's mentions stay as their plain names."""
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        if (entity.type or "").lower() != "mention":
            continue
        properties = entity.additional_properties or {}
        # An entity is only as well-formed as its sender made it: a mention of something else is no mention.
        mentioned = properties.get("mentioned")
        if not isinstance(mentioned, dict):
            continue
        if bot_id and mentioned.get("id") == bot_id:
            tag = properties.get("text")
            text = text.replace(tag if isinstance(tag, str) and tag else f"<at>{mentioned.get('name', '')}</at>", " ")
    # Any mention tag left names someone else: keep the name, drop the markup.
    text = _AT_TAG.sub(lambda match: match.group(1), text)
    return " ".join(text.split())
