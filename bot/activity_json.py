"""An activity as the JSON the Bot Framework connector takes, and an incoming one read, without msrest.

msrest walks every node of every card through its type-checking serializer, which made serialising a turn's
replies cost more than the rest of the reply path together. The Bot Framework schema's classes are msrest
models whose `_attribute_map` names each attribute's JSON key, so the same JSON comes from reading those maps
directly: the output is what `Activity.serialize()` gives (tests/bot/test_activity_json.py holds them equal),
values of the activity's dicts (card contents, channel data) are copied as they are, and models inside them
are turned into JSON too.

`activity_from_json` is the other direction: what `Activity().deserialize(body)` gives for a JSON body, read
through the same maps without msrest's per-node dispatch (tests/bot/test_activity_json.py holds the two equal).
It knows the types the schema's maps use for JSON (texts, numbers, booleans, times, objects, lists and the
schema's models); a value of any other shape (a number where a text belongs, a time that is already an object)
is left to msrest itself, which reads the whole activity then, with its conversions and its errors.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from botbuilder.schema import Activity
from msrest.serialization import Deserializer, Model


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


class _NotPlain(Exception):
    """A value `activity_from_json` leaves to msrest."""


def activity_from_json(body: dict[str, Any]) -> Activity:
    """`Activity().deserialize(body)` for a body parsed from JSON."""
    try:
        return _read_model(Activity, body)
    except Exception:  # _NotPlain, or a value msrest refuses: msrest says so in its own words
        return Activity().deserialize(body)


# The schema's classes by name, as msrest resolves the types its maps name.
_MODELS: dict[str, type] = Activity._infer_class_models()
_JSON_SCALARS = (str, int, float, bool)


def _read_model(cls: type, data: Any) -> Any:
    if type(data) is not dict:
        raise _NotPlain
    attributes = cls._attribute_map
    known = _known_keys(cls)
    # As msrest: every attribute is passed, None when absent; keys the map does not name are kept aside.
    model = cls(**{attribute: _read(data.get(spec["key"]), spec["type"]) for attribute, spec in attributes.items()})
    extra = data.keys() - known
    if extra:
        model.additional_properties = {key: data[key] for key in extra}
    return model


_KNOWN: dict[type, frozenset[str]] = {}


def _known_keys(cls: type) -> frozenset[str]:
    known = _KNOWN.get(cls)
    if known is None:
        validation = getattr(cls, "_validation", None) or {}
        if (getattr(cls, "_subtype_map", None)
                or any(rule.get("readonly") or rule.get("constant") for rule in validation.values())
                or any("." in spec["key"] or not spec["key"] for spec in cls._attribute_map.values())):
            raise _NotPlain  # polymorphism, read-only fields, flattened keys: msrest's own business
        known = _KNOWN[cls] = frozenset(spec["key"] for spec in cls._attribute_map.values())
    return known


def _read(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "str":
        if type(value) is not str:
            raise _NotPlain
        return value
    if kind == "object":
        return _read_object(value)
    if kind == "iso-8601":
        if type(value) is not str:
            raise _NotPlain
        return Deserializer.deserialize_iso(value)
    if kind in ("bool", "int", "float"):
        if type(value).__name__ != kind:
            raise _NotPlain
        return value
    if kind[0] == "[" and kind[-1] == "]":
        if type(value) is not list:
            raise _NotPlain
        inner = kind[1:-1]
        return [_read(item, inner) for item in value]
    if kind[0] == "{" and kind[-1] == "}":
        if type(value) is not dict:
            raise _NotPlain
        inner = kind[1:-1]
        return {key: _read(item, inner) for key, item in value.items()}
    model = _MODELS.get(kind)
    if model is None or not issubclass(model, Model):
        raise _NotPlain
    return _read_model(model, value)


def _read_object(value: Any) -> Any:
    """msrest's `deserialize_object` for JSON: dicts and lists copied, texts, numbers and booleans as they are."""
    kind = type(value)
    if kind is dict:
        return {key: None if item is None else _read_object(item) for key, item in value.items()}
    if kind is list:
        return [None if item is None else _read_object(item) for item in value]
    if kind in _JSON_SCALARS:
        return value
    raise _NotPlain
