"""The catalog of user-facing texts (policy/data/texts/<lang>.yaml), and figures in its words ("12 000 000 kr")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from policy.formatting import format_number
from policy.model import Lang

LANGS: tuple[Lang, ...] = ("sv", "en")


class Catalog:
    def __init__(self, catalogs: dict[str, dict[str, Any]]) -> None:
        self._catalogs = catalogs

    def raw(self, key: str, lang: str) -> Any:
        """The catalog entry as written: a text, a list or a group of entries."""
        node: Any = self._catalogs[lang]
        for part in key.split("."):
            node = node[part]
        return node

    def keys(self, lang: str) -> set[str]:
        """Every dotted key of one language's catalog."""
        return flatten_keys(self._catalogs[lang])

    def has(self, key: str, lang: str = "sv") -> bool:
        try:
            self.raw(key, lang)
        except (KeyError, TypeError):
            return False
        return True

    def text(self, key: str, lang: str, **params: Any) -> str:
        value = self.raw(key, lang)
        return value.format(**params) if params else value

    def texts(self, key: str, lang: str) -> list[str]:
        return list(self.raw(key, lang))

    # ---- numbers ---------------------------------------------------------------------------

    def money(self, value: Decimal, currency: str | None, lang: str) -> str:
        """An amount the policy's answers name: whole kronor from 1 000 up ("12 650 000 kr"), else to the öre."""
        decimals = 0 if value == value.to_integral() or value >= 1000 else 2
        key = "format.eur" if currency == "EUR" else "format.sek"
        return self.text(key, lang, amount=format_number(value, lang, decimals))

    def rate(self, rate: float, lang: str) -> str:
        return self.text("format.rate", lang, rate=format_number(Decimal(str(rate)), lang, 2))


def flatten_keys(node: Any, prefix: str = "") -> set[str]:
    """All dotted keys of a catalog (for checking that both languages have the same ones)."""
    if not isinstance(node, dict):
        return {prefix}
    keys: set[str] = set()
    for name, child in node.items():
        keys |= flatten_keys(child, f"{prefix}.{name}" if prefix else str(name))
    return keys
