"""Errors a caller can act on. Each carries a catalog key, so its message exists in both languages."""

from __future__ import annotations

from typing import Any


class PolicyError(Exception):
    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, lang: str = "sv") -> str:
        from policy.loader import load_policy  # the catalog lives with the data

        return load_policy().texts.text(f"errors.{self.key}", lang, **self.params)

    def __str__(self) -> str:
        return self.message("en")


class NotInForceError(PolicyError, LookupError):
    """No version of the policy (or no value of a parameter) was in force on the date asked."""


class UnknownSectionError(PolicyError, KeyError):
    pass


class UnknownParameterError(PolicyError, KeyError):
    pass


class InvalidInputError(PolicyError, ValueError):
    pass


class PolicyDataError(ValueError):
    """The files in policy/data contradict themselves; raised when they are loaded."""
