"""What every command prints alike: times in Malmö's zone to the minute, and a refusal on stderr with its exit
status."""

from __future__ import annotations

import sys
from datetime import datetime

from policy.dates import MALMO_TIME

INVALID_INPUT = 2
ACCESS_REFUSED = 3


def local_minute(moment: datetime) -> str:
    """"2027-02-01 09:00", in Europe/Stockholm."""
    return moment.astimezone(MALMO_TIME).strftime("%Y-%m-%d %H:%M")


def fail(message: str, status: int) -> int:
    """Says on stderr why the command stops, and gives the exit status to stop with."""
    print(message, file=sys.stderr)
    return status
