"""The edge of the bot: what an incoming Bot Framework activity must contain before a turn runs, and the one place
where what people send is cleaned (storage/user_text.py) before any of Lotsen reads it, and where a button that
sends its text as if typed becomes that typed text."""

from __future__ import annotations

import math
from typing import Any

from botbuilder.schema import Activity
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, StrictStr, ValidationError

from bot.activity_json import activity_from_json
from dialogs.common.cards import SEND_TEXT_ACTION
from storage.conversations import base_conversation_id as conversation_base_id
from storage.models import AnnualReport, Application, ContactPerson, ConversationReferenceRecord, User
from storage.user_text import clean, fit

# What the database can hold of a number a card sends back (a signed 64-bit integer).
LARGEST_INTEGER = 2**63 - 1
ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
MESSAGE = "message"
INVOKE = "invoke"
# A display name is stored as the user's name and copied where someone answers "jag" to "who is the contact
# person?": it is cut to fit the shortest of those columns.
NAME_LENGTH = min(column.type.length for column in (User.name, Application.contact_name, AnnualReport.contact_name,
                                                   ContactPerson.name))


class InvalidActivity(ValueError):
    """The request body is not an activity Lotsen can process; the message is safe to show the caller."""


class _Identified(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: StrictStr = Field(min_length=1)
    name: StrictStr | None = None


class IncomingActivity(BaseModel):
    """The fields a turn cannot do without, and the types of those Lotsen reads; everything else passes through
    to botbuilder untouched."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    type: StrictStr = Field(min_length=1)
    name: StrictStr | None = None
    channel_id: StrictStr = Field(alias="channelId", min_length=1)
    service_url: HttpUrl = Field(alias="serviceUrl")
    conversation: _Identified
    sender: _Identified = Field(alias="from")
    recipient: _Identified | None = None
    text: StrictStr | None = None
    locale: StrictStr | None = None
    entities: list[dict[str, Any]] | None = None
    channel_data: dict[str, Any] | None = Field(None, alias="channelData")


class _CardAction(BaseModel):
    """An Adaptive Card's Action.Execute as Teams invokes it: `{"action": {"type": …, "verb": …, "data": …}}`."""

    model_config = ConfigDict(extra="allow")
    type: StrictStr


class _CardInvokeValue(BaseModel):
    model_config = ConfigDict(extra="allow")
    action: _CardAction


# Identifiers Lotsen stores and addresses people by: never cleaned or cut, since two people (or conversations)
# would then become one. One that does not fit its column, or holds what no identifier holds, is refused.
# Each with the length of its column, read once: an ORM attribute's `.type` costs a lookup on every request.
_IDENTIFIERS: tuple[tuple[tuple[str, ...], int], ...] = tuple((path, column.type.length) for path, column in (
    (("from", "id"), User.teams_user_id),
    (("from", "aadObjectId"), User.aad_object_id),
    (("conversation", "id"), ConversationReferenceRecord.conversation_id),
    (("conversation", "tenantId"), ConversationReferenceRecord.tenant_id),
    (("conversation", "conversationType"), ConversationReferenceRecord.conversation_type),
    (("channelData", "tenant", "id"), ConversationReferenceRecord.tenant_id),
    (("channelId",), ConversationReferenceRecord.channel_id),
    (("serviceUrl",), ConversationReferenceRecord.service_url),
))
_IDENTIFIER_PATHS = frozenset(path for path, _ in _IDENTIFIERS)
LOCALE_LENGTH = User.locale.type.length


def parse_activity(body: Any) -> Activity:
    """The activity in `body`, its texts cleaned and its names fitted to their columns; InvalidActivity (400) for
    what no turn should see: missing or ill-typed fields, identifiers that do not fit, card values of a shape no
    card of Lotsen's sends, numbers no database holds."""
    if not isinstance(body, dict):
        raise InvalidActivity("the body must be a JSON object (a Bot Framework activity)")
    try:
        body = _cleaned(body, ())
    except RecursionError:
        raise InvalidActivity("the activity is nested too deeply") from None
    try:
        incoming = IncomingActivity.model_validate(body)
    except ValidationError as error:
        fields = sorted({".".join(str(part) for part in issue["loc"]) for issue in error.errors()})
        raise InvalidActivity(f"missing or invalid activity fields: {', '.join(fields)}") from None
    _check_identifiers(body)
    _check_value(incoming.type, incoming.name, body.get("value"))
    body = _as_typed(body)
    try:
        activity = activity_from_json(body)
    except Exception as error:  # msrest raises DeserializationError and friends for ill-typed fields
        raise InvalidActivity(f"the activity could not be read: {type(error).__name__}") from None
    _fit_to_columns(activity)
    return activity


def _cleaned(node: Any, path: tuple[str, ...]) -> Any:
    """Every text of the activity cleaned (the message, every value of a card form, names), identifiers aside;
    a number the database cannot hold is refused here rather than failing the turn that would store it."""
    if isinstance(node, str):
        return node if path in _IDENTIFIER_PATHS else clean(node)
    if isinstance(node, dict):
        return {clean(key): _cleaned(value, (*path, key)) for key, value in node.items()}
    if isinstance(node, list):
        return [_cleaned(item, (*path, "[]")) for item in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int) and abs(node) > LARGEST_INTEGER:
        raise InvalidActivity(f"{'.'.join(path) or 'a number'} is too large")
    if isinstance(node, float) and not math.isfinite(node):
        raise InvalidActivity(f"{'.'.join(path) or 'a number'} is not a finite number")
    return node


def _check_identifiers(body: dict[str, Any]) -> None:
    for path, length in _IDENTIFIERS:
        node: Any = body
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            continue
        name = ".".join(path)
        if not isinstance(node, str):
            raise InvalidActivity(f"{name} must be a string")
        if len(node) > length:
            raise InvalidActivity(f"{name} is longer than {length} characters")
        if not node.isprintable():  # a control, invisible or lone surrogate character
            raise InvalidActivity(f"{name} holds control or invisible characters")


def _check_value(kind: str, name: str | None, value: Any) -> None:
    """A card's data as Lotsen's cards send it: a message's `value` is an object of texts, numbers and booleans
    (Teams adds its own `msteams` object); an invoke's is an object, and an Action.Execute names its action.
    Anything else is not from Teams or a card of Lotsen's, and would reach a handler in a shape it was never
    written for."""
    if kind == MESSAGE and value is not None:
        if not isinstance(value, dict) or any(
                isinstance(item, (dict, list)) for key, item in value.items() if key != "msteams"):
            raise InvalidActivity("a card's value must be an object of texts, numbers and booleans")
    if kind == INVOKE and not isinstance(value, dict):
        # Every invoke Teams sends carries an object; botbuilder's Teams handler reads it without asking.
        raise InvalidActivity("an invoke's value must be an object")
    if name == ADAPTIVE_CARD_ACTION:
        try:
            _CardInvokeValue.model_validate(value)
        except ValidationError:
            raise InvalidActivity("an adaptiveCard/action invoke needs a value with an action") from None


def _as_typed(body: dict[str, Any]) -> dict[str, Any]:
    """A press of a button that sends its text as if typed (`send_text_action`): Teams and Agents Playground post
    the button's data as the message's value, with no text. From here on it is that text, typed, and no value
    (inputs elsewhere on the card included), so that every route and dialog reads it as it reads typing."""
    value = body.get("value")
    if (body.get("type") != MESSAGE or not isinstance(value, dict) or value.get("action") != SEND_TEXT_ACTION
            or not isinstance(value.get("text"), str)):
        return body
    typed = {key: item for key, item in body.items() if key != "value"}
    typed["text"] = value["text"]
    return typed


def _fit_to_columns(activity: Activity) -> None:
    """A display name longer than Lotsen stores is cut to fit (it is shown, not used to tell people apart); a
    locale that does not fit is no language tag, so it counts as not sent (Swedish)."""
    sender = activity.from_property
    if sender is not None and sender.name:
        sender.name = fit(sender.name, NAME_LENGTH)
    if activity.locale and len(activity.locale) > LOCALE_LENGTH:
        activity.locale = None


def tenant_id_of(activity: Activity) -> str | None:
    """Teams puts the tenant on the conversation and in channelData; either will do."""
    if activity.conversation and activity.conversation.tenant_id:
        return activity.conversation.tenant_id
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = channel_data.get("tenant") or {}
    return tenant.get("id") if isinstance(tenant, dict) else None


def base_conversation_id(activity: Activity) -> str:
    """The id proactive messages to the activity's conversation go to (`storage.conversations.base_conversation_id`)."""
    return conversation_base_id(activity.conversation.id)
