"""The turn a log line belongs to: its activity id, conversation id and the user's keyed hash, kept in a context
variable while the turn runs, so that every line logged during it carries them (observability/logging_setup.py).

The user is never named in a log: `user_hash` is an HMAC of their Bot Framework id under a key only the instances
share, cut to 16 hex digits, enough to follow one user across lines and instances without saying who it is.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from observability import telemetry

logger = logging.getLogger("lotsen.turn")

# Kept apart from the download links' signatures: the same secret, a different purpose (see `set_user_hash_key`).
_PURPOSE = b"lotsen log user hash v1"
_HASH_LENGTH = 16
# An id longer than this is not a Bot Framework id; it is cut rather than logged whole.
_MAX_ID_LENGTH = 200
# Activity types a turn's metrics are labelled with; any other (they come from the request) counts as "other".
_ACTIVITY_TYPES = frozenset({"message", "invoke", "conversationUpdate", "messageReaction", "installationUpdate",
                             "event", "typing", "endOfConversation", "messageUpdate", "messageDelete"})
_user_hash_key = hmac.new(b"", _PURPOSE, hashlib.sha256).digest()


@dataclass
class TurnFields:
    activity_id: str | None
    conversation_id: str | None
    user_hash: str | None
    activity_type: str
    started: float = field(default_factory=time.perf_counter)

    def as_log_fields(self) -> dict[str, str]:
        fields = {"activity_id": self.activity_id, "conversation_id": self.conversation_id, "user": self.user_hash}
        return {name: value for name, value in fields.items() if value}


@dataclass
class TurnOutcome:
    status: int = 500  # until the caller says otherwise: an exception escaped the turn


current_turn: ContextVar[TurnFields | None] = ContextVar("lotsen_turn", default=None)


def set_user_hash_key(secret: str) -> None:
    """Derives the key users are hashed with from a secret every instance shares (the download links' secret)."""
    global _user_hash_key
    _user_hash_key = hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def hash_user(user_id: str) -> str:
    return hmac.new(_user_hash_key, user_id.encode(), hashlib.sha256).hexdigest()[:_HASH_LENGTH]


def _text(value: Any) -> str | None:
    """An id as it may go into a log line: the request's own, so cut to length and without line breaks or other
    control characters that could forge a line in the text format."""
    if not isinstance(value, str):
        return None
    return "".join(character for character in value[:_MAX_ID_LENGTH] if character.isprintable()) or None


def fields_of(body: Any) -> TurnFields:
    """The turn's fields from an activity as posted (a dict, not yet checked): what is missing stays None."""
    activity: Mapping[str, Any] = body if isinstance(body, Mapping) else {}
    conversation = activity.get("conversation")
    sender = activity.get("from")
    conversation_id = _text(conversation.get("id")) if isinstance(conversation, Mapping) else None
    user_id = _text(sender.get("id")) if isinstance(sender, Mapping) else None
    activity_type = activity.get("type")
    return TurnFields(activity_id=_text(activity.get("id")), conversation_id=conversation_id,
                      user_hash=hash_user(user_id) if user_id else None,
                      activity_type=activity_type if _known_type(activity_type) else "other")


def _known_type(activity_type: Any) -> bool:
    return isinstance(activity_type, str) and activity_type in _ACTIVITY_TYPES


@contextmanager
def observed_turn(body: Any) -> Iterator[TurnOutcome]:
    """Runs a turn with its fields in the log context; at its end logs one line with its duration and records
    the duration in the turn-latency histogram. The caller sets `outcome.status` to the HTTP status it answers."""
    fields = fields_of(body)
    outcome = TurnOutcome()
    token = current_turn.set(fields)
    try:
        yield outcome
    finally:
        seconds = time.perf_counter() - fields.started
        logger.info("turn finished", extra={"duration_ms": round(seconds * 1000, 1), "status": outcome.status,
                                            "activity_type": fields.activity_type})
        telemetry.record_turn(seconds, fields.activity_type, outcome.status)
        current_turn.reset(token)
