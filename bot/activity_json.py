"""An activity as the JSON the Bot Framework connector takes, made without msrest's serializer.

msrest walks every node of every card through its type-checking serializer, which made serialising a turn's
replies cost more than the rest of the reply path together. The Bot Framework schema's classes are msrest
models whose `_attribute_map` names each attribute's JSON key, so the same JSON comes from reading those maps
directly: the output is what `Activity.serialize()` gives (tests/bot/test_activity_json.py holds them equal),
values of the activity's dicts (card contents, channel data) are copied as they are, and models inside them
are turned into JSON too.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from msrest.serialization import Model


def activity_json(model: Model) -> dict[str, Any]:
    """`model.serialize()`, for the activities and schema objects a bot sends."""
    return _model(model)


def _model(model: Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attribute, spec in type(model)._attribute_map.items():
        value = getattr(model, attribute, None)
        if value is None:
            continue
        out[spec["key"]] = _value(value)
    return out


def _value(value: Any) -> Any:
    # The common cases first: most of a card is strings, numbers and plain dicts and lists.
    if isinstance(value, str):
        return value.value if isinstance(value, enum.Enum) else value
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, dict):
        return {key: _value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_value(item) for item in value]
    if isinstance(value, Model):
        return _model(value)
    if isinstance(value, datetime):
        return _iso_8601(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _iso_8601(moment: datetime) -> str:
    """As msrest writes a date and time: in UTC, with milliseconds at least, and 'Z'."""
    utc = moment.utctimetuple()
    fraction = str(moment.microsecond).rjust(6, "0").rstrip("0").ljust(3, "0")
    return (f"{utc.tm_year:04}-{utc.tm_mon:02}-{utc.tm_mday:02}T{utc.tm_hour:02}:{utc.tm_min:02}:"
            f"{utc.tm_sec:02}.{fraction}Z")
