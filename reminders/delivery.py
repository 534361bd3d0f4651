"""What delivering one reminder can come to, and the shape of whatever delivers it (no botbuilder here).

The scheduler only knows a `Deliverer`, which it asks to `prepare` each claimed batch; the Teams one lives in
`bot/reminder_delivery.py`, so that moving to another SDK (or another channel) touches `bot/` alone. An outcome
says what the scheduler should do next: mark the reminder sent, try again later, or give up because the
conversation is gone.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from storage.leases import shortened
from storage.models import Reminder

# Errors are kept on the reminder for operators to read; a connector's whole error page is not.
ERROR_MAX_LENGTH = 500


class DeliveryStatus(enum.StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"  # a passing failure (throttled, server error, timeout): try again after a pause
    GONE = "gone"  # the conversation cannot be reached any more (app uninstalled, chat deleted): stop


@dataclass(frozen=True)
class DeliveryOutcome:
    status: DeliveryStatus
    error: str | None = None
    # How long the channel asked us to wait (HTTP Retry-After), when it said so.
    retry_after: timedelta | None = None

    @classmethod
    def delivered(cls) -> DeliveryOutcome:
        return cls(DeliveryStatus.DELIVERED)

    @classmethod
    def retry(cls, error: str, retry_after: timedelta | None = None) -> DeliveryOutcome:
        return cls(DeliveryStatus.RETRY, _short(error), retry_after)

    @classmethod
    def gone(cls, error: str) -> DeliveryOutcome:
        return cls(DeliveryStatus.GONE, _short(error))


class ReminderSender(Protocol):
    async def deliver(self, reminder: Reminder) -> DeliveryOutcome:
        """Sends one claimed reminder (its `recipient_user` loaded); never raises for a delivery failure."""
        ...


class Deliverer(ReminderSender, Protocol):
    async def prepare(self, reminders: Sequence[Reminder]) -> ReminderSender:
        """Reads what sending a claimed batch needs (where each reminder goes) in one go, instead of once for
        each reminder; what it returns sends them, one by one and several at once. `deliver` alone is the same
        for one reminder."""
        ...


def _short(error: str) -> str:
    return shortened(" ".join(error.split()), ERROR_MAX_LENGTH)
