"""Errors carry their message in both languages."""

from __future__ import annotations

import pytest

from policy import InvalidInputError, PolicyError, answer
from policy.errors import NotInForceError


def test_messages_in_swedish_and_english() -> None:
    error = NotInForceError("not_in_force", date="2000-01-01", first="2016-11-01")
    assert error.message("sv") == "Ingen version av policyn gällde 2000-01-01; den äldsta gäller från 2016-11-01."
    assert str(error) == "No version of the policy was in force on 2000-01-01; the earliest is in force from 2016-11-01."
    assert isinstance(error, LookupError) and isinstance(error, PolicyError)


def test_bad_input_is_a_value_error_with_a_message() -> None:
    with pytest.raises(InvalidInputError) as e:
        answer("  ")
    assert isinstance(e.value, ValueError) and e.value.message("sv") == "Frågan är tom."
