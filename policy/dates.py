"""The date that counts: Malmö's, not the server's."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

# Malmö's time zone: every date and time a user reads, and every deadline, is in it.
MALMO_TIME = ZoneInfo("Europe/Stockholm")


def today() -> date:
    return datetime.now(MALMO_TIME).date()
