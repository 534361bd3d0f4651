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
from contextvars import ContextVar, Token
from typing import Any

from botbuilder.core import BotState, Storage, TurnContext
from botbuilder.core.bot_state import CachedBotState
from botbuilder.dialogs import DialogInstance, DialogState
from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler, loadclass
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.state import ETagConflict, delete_state, read_state, write_state

__all__ = ["DEFAULT_TRUSTED_MODULES", "ETagConflict", "SqlStorage", "TurnStates", "UntrustedStateError"]

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


# The classes a dialog stack is made of, restored here without jsonpickle when a document holds nothing else (a
# registration's state: 0.4 ms through jsonpickle, a tenth of that here). jsonpickle writes them as
# {"py/object": name, attribute: value, …}, their attributes plain JSON or such objects.
_PLAIN_CLASSES: dict[str, type] = {
    "botbuilder.dialogs.dialog_state.DialogState": DialogState,
    "botbuilder.dialogs.dialog_instance.DialogInstance": DialogInstance,
}


class _NotPlain(Exception):
    """The document holds more than plain JSON and the dialog stack's classes: jsonpickle restores it."""


def _restored(document: dict[str, Any]) -> object:
    """What jsonpickle's `Unpickler(safe=True).restore(document)` gives back, the same types and values."""
    try:
        return _plain(document)
    except _NotPlain:
        return Unpickler(safe=True).restore(document)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        class_name = value.get("py/object")
        if class_name is None:
            if any(key.startswith("py/") for key in value):
                raise _NotPlain
            return {key: _plain(item) for key, item in value.items()}
        cls = _PLAIN_CLASSES.get(class_name)
        if cls is None:
            raise _NotPlain
        instance = cls.__new__(cls)
        for key, item in value.items():
            if key != "py/object":
                if key.startswith("py/"):
                    raise _NotPlain
                setattr(instance, key, _plain(item))
        return instance
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


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
        missing = _missing_this_turn.get()
        if missing:
            # Read at the start of this turn and not there (`TurnStates`): not read again, as botbuilder's
            # BotState does on each use of a state that is still empty.
            wanted = [key for key in wanted if key not in missing]
        if not wanted:
            return {}
        return {key: item for key, (item, _document) in (await self.read_documents(wanted)).items()}

    async def read_documents(self, keys: list[str]) -> dict[str, tuple[object, dict[str, Any]]]:
        """`read`, each item with the document it was restored from (its e_tag in it): what the item flattens
        to as long as nothing in it changed (`TurnStates`). The document must not be changed."""
        async with self._session_factory.begin() as session:
            stored = await read_state(session, keys)
        items: dict[str, tuple[object, dict[str, Any]]] = {}
        for key, state in stored.items():
            document = dict(state.data)
            document[E_TAG] = state.e_tag
            self._check_trusted(key, document)
            items[key] = (_restored(document), document)
        return items

    async def write(self, changes: Mapping[str, object]) -> None:
        if changes is None:
            raise Exception("Changes are required when writing")
        if not changes:
            return
        await self._write_flattened([(key, item, Pickler().flatten(item)) for key, item in changes.items()])

    async def _write_flattened(self, flattened: list[tuple[str, object, Any]]) -> None:
        """Writes items already flattened (`Pickler().flatten(item)`); the documents are changed (e_tag out)."""
        prepared: list[tuple[str, object, dict[str, Any], str | None]] = []
        for key, item, document in flattened:
            e_tag = _e_tag_of(item)
            if e_tag == "":
                raise ValueError(f"SqlStorage.write(): etag missing for {key!r}")
            if not isinstance(document, dict):
                kind = type(item).__name__
                raise TypeError(f"SqlStorage.write(): {key!r} must be a dict or an object, not {kind}")
            document.pop(E_TAG, None)
            self._check_trusted(key, document)
            prepared.append((key, item, document, e_tag))

        missing = _missing_this_turn.get()
        if missing:
            missing.difference_update(key for key, *_rest in prepared)
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


# Keys of bot state that this turn read and did not find (`TurnStates.load`), until it writes them.
_missing_this_turn: ContextVar[set[str] | None] = ContextVar("lotsen_state_missing", default=None)


class _StoredBotState(CachedBotState):
    """botbuilder's per-turn cache of one state, made from what `SqlStorage` read: the document the state was
    restored from stands for the hash botbuilder would get by flattening the state once more."""

    def __init__(self, state: dict[str, object], document: dict[str, Any]) -> None:  # pylint: disable=super-init-not-called
        # CachedBotState.__init__ is not called: it flattens the state to compute its hash.
        self.state = state
        self.document: dict[str, Any] | None = document
        self._hash: str | None = None

    @property
    def hash(self) -> str:  # type: ignore[override]
        """What botbuilder's own `save_changes` compares with (should anything call it)."""
        if self._hash is None:
            self._hash = str(self.document)
        return self._hash

    @hash.setter
    def hash(self, value: str) -> None:
        # Set by botbuilder after its own save: from then on, botbuilder's comparison is the one that holds.
        self._hash = value
        self.document = None


class TurnStates:
    """The bot states of a turn (the conversation's, the user's): read from `SqlStorage` in one statement before
    the turn, and saved after it with each state flattened once.

    botbuilder's `BotState` reads each state on its first use and flattens it with jsonpickle to remember a hash;
    at the end of the turn it flattens it again to see whether it changed, again to write it, and once more for
    the new hash. Here the document a state was read from stands for the first, and the one flattening at the
    end is both the comparison and what is written. What is stored, and when, is what botbuilder would store.
    A state not stored yet, or one botbuilder loaded or cleared itself, is saved by botbuilder's
    `save_changes`, as before; so is every state when the storage is not a `SqlStorage` (tests' MemoryStorage).
    """

    def __init__(self, *states: BotState) -> None:
        self._states = states
        storages = {id(getattr(state, "_storage", None)) for state in states}
        storage = getattr(states[0], "_storage", None) if states else None
        self._storage = storage if isinstance(storage, SqlStorage) and len(storages) == 1 else None

    async def load(self, turn_context: TurnContext) -> Token[set[str] | None] | None:
        """Reads the states; the token given back is for `end`, once the turn is over."""
        if self._storage is None:
            return None
        keys: dict[str, BotState] = {}
        for state in self._states:
            if state.get_cached_state(turn_context) is not None:
                continue
            try:
                keys[state.get_storage_key(turn_context)] = state
            except TypeError:
                continue  # no user or conversation id: botbuilder says so where the state is used, if it is
        if not keys:
            return None
        found = await self._storage.read_documents(list(keys))
        for key, (item, document) in found.items():
            if isinstance(item, dict):
                turn_context.turn_state[keys[key]._context_service_key] = _StoredBotState(item, document)
        # A state not stored yet is left to botbuilder, which makes it empty on its first use, as always.
        return _missing_this_turn.set({key for key in keys if key not in found})

    @staticmethod
    def end(token: Token[set[str] | None] | None) -> None:
        if token is not None:
            _missing_this_turn.reset(token)

    async def save(self, turn_context: TurnContext) -> None:
        for state in self._states:
            cached = state.get_cached_state(turn_context)
            if self._storage is None or not isinstance(cached, _StoredBotState) or cached.document is None:
                await state.save_changes(turn_context)
                continue
            document = Pickler().flatten(cached.state)
            if document == cached.document:
                continue
            await self._storage._write_flattened([(state.get_storage_key(turn_context), cached.state, document)])
            document[E_TAG] = _e_tag_of(cached.state)
            cached.document, cached._hash = document, None
