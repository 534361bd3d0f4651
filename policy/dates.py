"""The date that counts: Malmö's, not the server's."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

_MALMO = ZoneInfo("Europe/Stockholm")


def today() -> date:
    return datetime.now(_MALMO).date()
