"""botbuilder's `Storage` on Lotsen's database (the `bot_state` table, through storage/state.py).

Semantics, as botbuilder's persistent storages (BlobStorage, CosmosDbPartitionedStorage) have them:

- Serialization: items are flattened with jsonpickle, as those storages do, so that objects in bot state
  (DialogState, DialogInstance, PromptOptions with their Activity, datetimes, a dialog's own classes) come back
  as the same types after a restart. Plain dicts stay plain JSON. Items come back as new objects, never the
  ones written (MemoryStorage deep-copies too).
- e_tags: `read` puts the stored e_tag in every item (`item["e_tag"]`, or the `e_tag` attribute of an object),
  so BotState's next `write` of that item is conditional. A write whose item has e_tag None or "*" overwrites;
  any other e_tag must match the stored one, else `ETagConflict` is raised (also when the item no longer
  exists). "" is refused, as by every botbuilder storage. `ETagConflict` is a KeyError, the type
  MemoryStorage raises for a conflict. After a successful write the new e_tag is put into the written items,
  so a second save in the same turn is checked against this write, not against the original read.
  (MemoryStorage never checks items that were first written without an e_tag, which BotState's always are;
  this storage checks every item it has handed out, like BlobStorage and Cosmos DB.)
- Transactions: each `read`, `write` and `delete` is one transaction; a `write` of several items is all or
  nothing (MemoryStorage and BlobStorage would keep the items written before a conflict).
- Only classes from trusted modules are restored (`DEFAULT_TRUSTED_MODULES`, extendable per instance):
  jsonpickle can otherwise be made to call any importable function by whoever can write the table. An item
  with an untrusted class is refused when written, so the mistake shows at once and not a turn later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from botbuilder.core import Storage
from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler, loadclass
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.state import ETagConflict, delete_state, read_state, write_state

__all__ = ["DEFAULT_TRUSTED_MODULES", "ETagConflict", "SqlStorage", "UntrustedStateError"]

E_TAG = "e_tag"

DEFAULT_TRUSTED_MODULES: tuple[str, ...] = (
    "botbuilder",
    "botframework",
    "bot",
    "dialogs",
    "policy",
    "collections",
    "datetime",
    "decimal",
    "enum",
    "fractions",
    "uuid",
    "zoneinfo",
)
# Callables and built-in types jsonpickle names for ordinary values (defaultdict factories, __reduce__ helpers).
_TRUSTED_NAMES = frozenset(
    {
        "builtins.bool",
        "builtins.bytes",
        "builtins.complex",
        "builtins.dict",
        "builtins.float",
        "builtins.frozenset",
        "builtins.int",
        "builtins.list",
        "builtins.NoneType",
        "builtins.object",
        "builtins.set",
        "builtins.str",
        "builtins.tuple",
        "copyreg._reconstructor",
        "copyreg.__newobj__",
        "copyreg.__newobj_ex__",
        "zoneinfo.ZoneInfo._unpickle",
    }
)
_CLASS_TAGS = ("py/object", "py/type")
_FUNCTION_TAG = "py/function"
_FORBIDDEN_TAGS = ("py/repr", "py/mod")


class UntrustedStateError(ValueError):
    """A stored item names a class or function outside the trusted modules; it is not restored."""


class SqlStorage(Storage):
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        extra_trusted_modules: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self._session_factory = session_factory
        self._trusted_modules = (*DEFAULT_TRUSTED_MODULES, *extra_trusted_modules)
        self._verdicts: dict[str, bool] = {}

    async def read(self, keys: Iterable[str]) -> dict[str, object]:
        if keys is None:
            raise Exception("Keys are required when reading")
        wanted = list(keys)
        if not wanted:
            return {}
        async with self._session_factory.begin() as session:
            stored = await read_state(session, wanted)
        items: dict[str, object] = {}
        for key, state in stored.items():
            document = dict(state.data)
            document[E_TAG] = state.e_tag
            self._check_trusted(key, document)
            items[key] = Unpickler(safe=True).restore(document)
        return items

    async def write(self, changes: Mapping[str, object]) -> None:
        if changes is None:
            raise Exception("Changes are required when writing")
        if not changes:
            return
        prepared: list[tuple[str, object, dict[str, Any], str | None]] = []
        for key, item in changes.items():
            e_tag = _e_tag_of(item)
            if e_tag == "":
                raise ValueError(f"SqlStorage.write(): etag missing for {key!r}")
            document = Pickler().flatten(item)
            if not isinstance(document, dict):
                kind = type(item).__name__
                raise TypeError(f"SqlStorage.write(): {key!r} must be a dict or an object, not {kind}")
            document.pop(E_TAG, None)
            self._check_trusted(key, document)
            prepared.append((key, item, document, e_tag))

        new_e_tags: list[str] = []
        async with self._session_factory.begin() as session:
            for key, _item, document, e_tag in prepared:
                new_e_tags.append(await write_state(session, key, document, e_tag))
        for (_key, item, _document, _e_tag), new_e_tag in zip(prepared, new_e_tags):
            _set_e_tag(item, new_e_tag)

    async def delete(self, keys: Iterable[str]) -> None:
        if keys is None:
            raise Exception("SqlStorage.delete: keys parameter can't be null")
        wanted = list(keys)
        if not wanted:
            return
        async with self._session_factory.begin() as session:
            await delete_state(session, wanted)

    def _check_trusted(self, key: str, document: object) -> None:
        pending: list[object] = [document]
        while pending:
            node = pending.pop()
            if isinstance(node, dict):
                for tag in _FORBIDDEN_TAGS:
                    if tag in node:
                        raise UntrustedStateError(f"State {key!r} contains {tag!r}, which is never restored")
                for tag in _CLASS_TAGS:
                    name = node.get(tag)
                    if isinstance(name, str) and not self._is_trusted(name, function=False):
                        raise UntrustedStateError(_untrusted_message(key, name))
                name = node.get(_FUNCTION_TAG)
                if isinstance(name, str) and not self._is_trusted(name, function=True):
                    raise UntrustedStateError(_untrusted_message(key, name))
                pending.extend(value for value in node.values() if isinstance(value, (dict, list)))
            elif isinstance(node, list):
                pending.extend(value for value in node if isinstance(value, (dict, list)))

    def _is_trusted(self, name: str, *, function: bool) -> bool:
        cache_key = f"{'f' if function else 'c'}:{name}"
        verdict = self._verdicts.get(cache_key)
        if verdict is None:
            verdict = self._judge(name, function=function)
            self._verdicts[cache_key] = verdict
        return verdict

    def _judge(self, name: str, *, function: bool) -> bool:
        if name in _TRUSTED_NAMES:
            return True
        if function or not self._in_trusted_module(name):
            return False
        # The name is resolved the way jsonpickle will resolve it: it must be a class defined in a trusted
        # module, not something a trusted module merely imported ("botbuilder.core.bot_state.deepcopy").
        resolved = loadclass(name)
        if resolved is None:
            # jsonpickle leaves an unknown class as the plain dict it was stored as: nothing is called.
            return True
        if not isinstance(resolved, type):
            return False
        return self._in_trusted_module(f"{resolved.__module__}.{resolved.__qualname__}")

    def _in_trusted_module(self, name: str) -> bool:
        return any(name.startswith(f"{module}.") for module in self._trusted_modules)


def _untrusted_message(key: str, name: str) -> str:
    return (
        f"State {key!r} names {name!r}, which is not in a trusted module; "
        "pass its module to SqlStorage(extra_trusted_modules=...) if it belongs in bot state"
    )


def _e_tag_of(item: object) -> str | None:
    if isinstance(item, dict):
        return item.get(E_TAG)
    return getattr(item, E_TAG, None)


def _set_e_tag(item: object, e_tag: str) -> None:
    if isinstance(item, dict):
        item[E_TAG] = e_tag
        return
    try:
        setattr(item, E_TAG, e_tag)
    except (AttributeError, TypeError):
        # An object that takes no new attributes (__slots__, frozen) keeps its old e_tag; its next write is
        # then checked against the read it came from, as with BlobStorage, which never updates items.
        pass
