"""What a card's button sends back, read without trusting it: the data comes back from Teams as the sender
made it, so a number is only a record's id when it is one a database key can be."""

from __future__ import annotations

# The largest key the database holds (its ids are INTEGER: 32 bits on PostgreSQL); ids start at 1.
LARGEST_ID = 2**31 - 1


def record_id(value: object) -> int | None:
    """The id a button's data names (a whole number, or its ASCII digits), or None when it cannot be one."""
    if isinstance(value, str):
        digits = value.strip()
        if not (digits.isascii() and digits.isdigit() and len(digits) <= len(str(LARGEST_ID))):
            return None
        value = int(digits)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= LARGEST_ID else None
