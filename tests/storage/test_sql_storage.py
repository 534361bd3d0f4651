"""bot/sql_storage.py: botbuilder's Storage contract on SQLite and PostgreSQL, and state surviving a restart.

The contract cases follow botbuilder's own `StorageBaseTests` (botbuilder-testing) for persistent storages.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from dataclasses import dataclass, field

import pytest
from botbuilder.core import (
    ConversationState,
    MessageFactory,
    StoreItem,
    TurnContext,
    UserState,
)
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import (
    DialogSet,
    DialogInstance,
    DialogState,
    DialogTurnStatus,
    PromptOptions,
    TextPrompt,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount
from botframework.connector import Channels
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.sql_storage import SqlStorage, UntrustedStateError
from storage.db import create_engine, create_session_factory
from storage.state import ETagConflict, read_state, write_state

Factory = async_sessionmaker[AsyncSession]


@pytest.fixture
def storage(session_factory: Factory) -> SqlStorage:
    return SqlStorage(session_factory)


@dataclass
class Profile:
    """A dialog's own class in user state (needs its module trusted)."""

    name: str
    organisation: str
    since: dt.date
    tags: list[str] = field(default_factory=list)


# --- The Storage contract ----------------------------------------------------------------------------


async def test_reading_unknown_keys_returns_an_empty_dict(storage: SqlStorage) -> None:
    assert await storage.read(["unknown"]) == {}
    assert await storage.read([]) == {}


async def test_none_arguments_are_refused_as_botbuilder_storages_do(storage: SqlStorage) -> None:
    with pytest.raises(Exception, match="Keys are required when reading"):
        await storage.read(None)  # type: ignore[arg-type]
    with pytest.raises(Exception, match="Changes are required when writing"):
        await storage.write(None)  # type: ignore[arg-type]
    with pytest.raises(Exception, match="keys parameter can't be null"):
        await storage.delete(None)  # type: ignore[arg-type]
    await storage.write({})
    await storage.write([])  # type: ignore[arg-type]
    await storage.delete([])


async def test_create_objects_and_read_them_back_with_an_e_tag(storage: SqlStorage) -> None:
    items = {"createPoco": {"id": 1}, "createPocoStoreItem": {"id": 2, "e_tag": "*"}}
    await storage.write(items)

    read = await storage.read(items.keys())

    assert read["createPoco"]["id"] == 1
    assert read["createPocoStoreItem"]["id"] == 2
    assert read["createPoco"]["e_tag"]
    assert read["createPocoStoreItem"]["e_tag"] not in (None, "", "*")
    # The written dicts now carry the stored e_tag, so their next write is checked.
    assert items["createPocoStoreItem"]["e_tag"] == read["createPocoStoreItem"]["e_tag"]
    assert items["createPoco"]["e_tag"] == read["createPoco"]["e_tag"]


async def test_crazy_keys(storage: SqlStorage) -> None:
    key = '!@#$%^&*()_+??><":QASD~`'
    await storage.write({key: {"id": 1}})
    assert (await storage.read([key]))[key]["id"] == 1


async def test_update_object(storage: SqlStorage) -> None:
    await storage.write({"pocoItem": {"id": 1, "count": 1}, "pocoStoreItem": {"id": 1, "count": 1, "e_tag": "*"}})
    loaded = await storage.read(["pocoItem", "pocoStoreItem"])
    loaded["pocoItem"]["e_tag"] = None
    old_store_item = dict(loaded["pocoStoreItem"])
    loaded["pocoItem"]["count"] += 1
    loaded["pocoStoreItem"]["count"] += 1
    await storage.write(loaded)

    reloaded = await storage.read(["pocoItem", "pocoStoreItem"])
    assert reloaded["pocoItem"]["count"] == 2
    assert reloaded["pocoStoreItem"]["count"] == 2

    # An item without e_tag (None) is written whatever is stored ...
    await storage.write({"pocoItem": {"id": 1, "count": 123, "e_tag": None}})
    # ... but one with an old e_tag is refused, and nothing changes.
    old_store_item["count"] = 123
    with pytest.raises(ETagConflict):
        await storage.write({"pocoStoreItem": old_store_item})
    with pytest.raises(KeyError):  # the type MemoryStorage raises for a conflict
        await storage.write({"pocoStoreItem": old_store_item})

    reloaded = await storage.read(["pocoItem", "pocoStoreItem"])
    assert reloaded["pocoItem"]["count"] == 123
    assert reloaded["pocoStoreItem"]["count"] == 2

    # "*" overwrites whatever is stored.
    reloaded["pocoStoreItem"]["count"] = 100
    reloaded["pocoStoreItem"]["e_tag"] = "*"
    await storage.write({"pocoStoreItem": reloaded["pocoStoreItem"]})
    assert (await storage.read(["pocoStoreItem"]))["pocoStoreItem"]["count"] == 100

    # An empty e_tag is refused.
    empty = (await storage.read(["pocoStoreItem"]))["pocoStoreItem"]
    empty["e_tag"] = ""
    empty["count"] = -1
    with pytest.raises(Exception, match="etag missing"):
        await storage.write({"pocoStoreItem": empty})
    assert (await storage.read(["pocoStoreItem"]))["pocoStoreItem"]["count"] == 100


async def test_a_write_of_several_items_is_all_or_nothing(storage: SqlStorage) -> None:
    await storage.write({"a": {"v": 1}})
    stale = await storage.read(["a"])
    await storage.write({"a": {"v": 2, "e_tag": stale["a"]["e_tag"]}})

    new_item = {"v": "new"}
    stale["a"]["v"] = "stale"
    with pytest.raises(ETagConflict):
        await storage.write({"b": new_item, "a": stale["a"]})

    assert await storage.read(["b"]) == {}
    assert (await storage.read(["a"]))["a"]["v"] == 2
    assert "e_tag" not in new_item  # a failed write hands out no e_tag


async def test_store_item_objects_round_trip_with_their_e_tag(storage: SqlStorage) -> None:
    item = StoreItem(name="Åsa", count=1, e_tag="*")
    await storage.write({"storeItem": item})
    assert item.e_tag not in ("*", None)

    read = (await storage.read(["storeItem"]))["storeItem"]
    assert isinstance(read, StoreItem)
    assert (read.name, read.count, read.e_tag) == ("Åsa", 1, item.e_tag)

    read.count = 2
    await storage.write({"storeItem": read})
    item.count = 99  # still carries the e_tag of its own (now superseded) write
    with pytest.raises(ETagConflict):
        await storage.write({"storeItem": item})
    assert (await storage.read(["storeItem"]))["storeItem"].count == 2


async def test_items_read_are_copies(storage: SqlStorage) -> None:
    await storage.write({"k": {"list": [1, 2]}})
    first = await storage.read(["k"])
    first["k"]["list"].append(3)
    assert (await storage.read(["k"]))["k"]["list"] == [1, 2]


async def test_delete_object_and_unknown_object(storage: SqlStorage) -> None:
    await storage.write({"delete1": {"id": 1, "count": 1, "e_tag": "*"}})
    read = await storage.read(["delete1"])
    assert read["delete1"]["e_tag"]
    assert read["delete1"]["count"] == 1

    await storage.delete(["delete1"])
    await storage.delete(["unknown_key"])
    await storage.delete({"also-unknown"})  # BotState.delete passes a set

    assert await storage.read(["delete1"]) == {}


async def test_batch_operations_and_many_keys(storage: SqlStorage) -> None:
    changes = {f"batch{index}": {"count": index} for index in range(700)}
    await storage.write(changes)

    result = await storage.read([*changes, "missing"])

    assert len(result) == 700
    assert all(result[key]["count"] == value["count"] for key, value in changes.items())
    await storage.delete(list(changes))
    assert await storage.read(list(changes)) == {}


async def test_unicode_state(storage: SqlStorage) -> None:
    value = {
        "namn": "Åsa Ödmark-Ängström",
        "emoji": "🧭🏛️👩🏻‍💻",
        "cjk": "瑞典马尔默市政府",
        "keys": {"nämnd": "Miljönämnden", "絵文字": "✅"},
    }
    key = "msteams/conversations/19:åäö@thread.tacv2/"
    await storage.write({key: dict(value)})
    read = (await storage.read([key]))[key]
    read.pop("e_tag")
    assert read == value


async def test_large_state(storage: SqlStorage) -> None:
    value = {"answers": {f"question {index}": "svar åäö " * 25 for index in range(9_000)}}
    assert len(json.dumps(value, ensure_ascii=False)) > 2_000_000
    await storage.write({"large": value})
    read = (await storage.read(["large"]))["large"]
    assert read["answers"] == value["answers"]


async def test_concurrent_writes_with_the_same_e_tag_exactly_one_wins(session_factory: Factory) -> None:
    await SqlStorage(session_factory).write({"shared": {"writer": None}})
    e_tag = (await SqlStorage(session_factory).read(["shared"]))["shared"]["e_tag"]

    async def writer(number: int) -> bool:
        try:
            await SqlStorage(session_factory).write({"shared": {"writer": number, "e_tag": e_tag}})
        except KeyError:
            return False
        return True

    results = await asyncio.gather(*(writer(number) for number in range(20)))

    assert results.count(True) == 1
    assert (await SqlStorage(session_factory).read(["shared"]))["shared"]["writer"] == results.index(True)


# --- With botbuilder's BotState ----------------------------------------------------------------------


def _message(text_: str, conversation_id: str = "conversation-1", user_id: str = "user-1") -> Activity:
    return Activity(
        type=ActivityTypes.message,
        text=text_,
        channel_id="msteams",
        service_url="https://smba.trafficmanager.net/emea/",
        from_property=ChannelAccount(id=user_id, name="Åsa"),
        recipient=ChannelAccount(id="bot", name="Lotsen"),
        conversation=ConversationAccount(id=conversation_id),
    )


async def test_conversation_state_written_by_one_instance_is_read_by_another(session_factory: Factory) -> None:
    adapter = TestAdapter()
    first = ConversationState(SqlStorage(session_factory))
    context = TurnContext(adapter, _message("hej"))
    counter = first.create_property("counter")
    await counter.set(context, {"turns": 1, "when": dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.timezone.utc)})
    await first.save_changes(context)
    # A second save in the same turn is checked against the first save, not the original read.
    await counter.set(context, {"turns": 2, "when": dt.datetime(2025, 1, 2, 3, 5, tzinfo=dt.timezone.utc)})
    await first.save_changes(context)

    second = ConversationState(SqlStorage(session_factory))
    next_context = TurnContext(adapter, _message("igen"))
    value = await second.create_property("counter").get(next_context)
    assert value == {"turns": 2, "when": dt.datetime(2025, 1, 2, 3, 5, tzinfo=dt.timezone.utc)}


async def test_two_turns_racing_on_one_conversation_the_later_save_fails(session_factory: Factory) -> None:
    adapter = TestAdapter()
    state_a = ConversationState(SqlStorage(session_factory))
    state_b = ConversationState(SqlStorage(session_factory))
    setup = TurnContext(adapter, _message("start"))
    await state_a.create_property("value").set(setup, "initial")
    await state_a.save_changes(setup)

    turn_a = TurnContext(adapter, _message("a"))
    turn_b = TurnContext(adapter, _message("b"))
    await state_a.create_property("value").set(turn_a, "from a")  # loads, then changes
    await state_b.create_property("value").set(turn_b, "from b")
    await state_a.save_changes(turn_a)
    with pytest.raises(KeyError):
        await state_b.save_changes(turn_b)

    check = TurnContext(adapter, _message("check"))
    assert await ConversationState(SqlStorage(session_factory)).create_property("value").get(check) == "from a"


async def test_user_state_with_own_classes_needs_their_module_trusted(session_factory: Factory) -> None:
    adapter = TestAdapter()
    profile = Profile("Åsa", "miljonamnden", dt.date(2024, 3, 1), ["kontaktperson"])

    untrusting = UserState(SqlStorage(session_factory))
    context = TurnContext(adapter, _message("hej"))
    await untrusting.create_property("profile").set(context, profile)
    with pytest.raises(UntrustedStateError, match="extra_trusted_modules"):
        await untrusting.save_changes(context)

    trusting = UserState(SqlStorage(session_factory, extra_trusted_modules=["tests"]))
    context = TurnContext(adapter, _message("hej"))
    await trusting.create_property("profile").set(context, profile)
    await trusting.save_changes(context)

    later = UserState(SqlStorage(session_factory, extra_trusted_modules=["tests"]))
    read = await later.create_property("profile").get(TurnContext(adapter, _message("igen")))
    assert read == profile
    assert isinstance(read, Profile)


@pytest.mark.parametrize(
    "document",
    [
        {"run": {"py/reduce": [{"py/function": "os.system"}, {"py/tuple": ["echo pwned"]}]}},
        {"run": {"py/reduce": [{"py/function": "botbuilder.core.bot_state.deepcopy"}, {"py/tuple": [1]}]}},
        {"run": {"py/reduce": [{"py/type": "subprocess.Popen"}, {"py/tuple": [["true"]]}]}},
        {"run": {"py/object": "botbuilder.core.memory_storage.deepcopy"}},
        {"run": {"py/object": "botbuilder.core.bot_state.Pickler"}},
        {"run": {"py/repr": "os/os.getcwd()"}},
        {"run": {"py/mod": "os"}},
    ],
    ids=[
        "function", "function-imported-into-trusted", "class", "imported-function", "imported-class", "repr", "mod"
    ],
)
async def test_tampered_state_naming_untrusted_callables_is_not_restored(
    session_factory: Factory, document: dict
) -> None:
    async with session_factory.begin() as session:
        await write_state(session, "tampered", document, None)

    with pytest.raises(UntrustedStateError):
        await SqlStorage(session_factory).read(["tampered"])


async def test_state_is_stored_as_plain_json(session_factory: Factory, engine: AsyncEngine) -> None:
    await SqlStorage(session_factory).write({"k": {"naïve": "åäö", "when": dt.date(2025, 6, 6)}})
    async with engine.connect() as connection:
        raw = (await connection.execute(text("SELECT data FROM bot_state WHERE key = 'k'"))).scalar_one()
    document = json.loads(raw)
    assert document["naïve"] == "åäö"
    assert document["when"]["py/object"] == "datetime.date"
    assert "e_tag" not in document
    async with session_factory.begin() as session:
        assert (await read_state(session, ["k"]))["k"].data == document


# --- A dialog that continues after a restart ---------------------------------------------------------

# ConversationState's key for TestAdapter's conversation ("%s" of the Channels enum, as botbuilder formats it).
CONVERSATION_KEY = "%s/conversations/%s" % (Channels.test, "Convo1")


class _RegistrationBot:
    """A waterfall with a text prompt, built afresh for every "process"."""

    def __init__(self, session_factory: Factory) -> None:
        self.conversation_state = ConversationState(SqlStorage(session_factory))
        self.dialogs = DialogSet(self.conversation_state.create_property("DialogState"))
        self.dialogs.add(TextPrompt("text"))
        self.dialogs.add(WaterfallDialog("registration", [self._ask_name, self._ask_organisation, self._finish]))

    async def _ask_name(self, step: WaterfallStepContext):  # type: ignore[no-untyped-def]
        return await step.prompt("text", PromptOptions(prompt=MessageFactory.text("Vad heter du?")))

    async def _ask_organisation(self, step: WaterfallStepContext):  # type: ignore[no-untyped-def]
        step.values["name"] = step.result
        prompt = MessageFactory.text(f"Hej {step.result}! Vilken nämnd eller vilket bolag?")
        return await step.prompt("text", PromptOptions(prompt=prompt, retry_prompt=prompt))

    async def _finish(self, step: WaterfallStepContext):  # type: ignore[no-untyped-def]
        await step.context.send_activity(f"Tack {step.values['name']}, du är registrerad på {step.result}.")
        return await step.end_dialog(step.values["name"])

    async def on_turn(self, turn_context: TurnContext) -> None:
        dialog_context = await self.dialogs.create_context(turn_context)
        result = await dialog_context.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog_context.begin_dialog("registration")
        await self.conversation_state.save_changes(turn_context)


async def _turn_in_fresh_process(database_url: str, user_says: str) -> list[str]:
    """One turn with a new engine, storage, ConversationState, DialogSet and adapter: a restarted bot."""
    engine = create_engine(database_url)
    try:
        bot = _RegistrationBot(create_session_factory(engine))
        adapter = TestAdapter(bot.on_turn)
        await adapter.send(user_says)
        return [activity.text for activity in adapter.activity_buffer]
    finally:
        await engine.dispose()


async def test_a_dialog_continues_at_the_right_step_after_a_restart(
    database_url: str, session_factory: Factory
) -> None:
    assert await _turn_in_fresh_process(database_url, "registrera mig") == ["Vad heter du?"]

    async with session_factory.begin() as session:
        stored = await read_state(session, [CONVERSATION_KEY])
    dialog_state = stored[CONVERSATION_KEY].data["DialogState"]
    assert dialog_state["py/object"] == "botbuilder.dialogs.dialog_state.DialogState"

    assert await _turn_in_fresh_process(database_url, "Åsa 🙂") == ["Hej Åsa 🙂! Vilken nämnd eller vilket bolag?"]
    assert await _turn_in_fresh_process(database_url, "Miljönämnden") == [
        "Tack Åsa 🙂, du är registrerad på Miljönämnden."
    ]
    # The dialog ended: the next message starts it again.
    assert await _turn_in_fresh_process(database_url, "hej igen") == ["Vad heter du?"]


async def test_dialog_state_objects_come_back_as_their_types(session_factory: Factory) -> None:
    bot = _RegistrationBot(session_factory)
    adapter = TestAdapter(bot.on_turn)
    await adapter.send("start")

    storage = SqlStorage(session_factory)
    read = (await storage.read([CONVERSATION_KEY]))[CONVERSATION_KEY]
    dialog_state = read["DialogState"]
    assert isinstance(dialog_state, DialogState)
    assert [instance.id for instance in dialog_state.dialog_stack] == ["text", "registration"]
    prompt_options = dialog_state.dialog_stack[0].state["options"]
    assert isinstance(prompt_options, PromptOptions)
    assert isinstance(prompt_options.prompt, Activity)
    assert prompt_options.prompt.text == "Vad heter du?"
    assert dialog_state.dialog_stack[1].state["stepIndex"] == 0


# --- TurnStates: a turn's states read together, each flattened once when saved ------------------------------------


async def test_turn_states_read_together_and_written_only_when_changed(session_factory: Factory,
                                                                      engine: AsyncEngine) -> None:
    from bot.sql_storage import TurnStates
    from tests.support.sql_statements import counting

    adapter = TestAdapter()
    storage = SqlStorage(session_factory)
    conversation, user = ConversationState(storage), UserState(storage)
    states = TurnStates(conversation, user)
    dialog_state = conversation.create_property("DialogState")

    # A first turn: nothing stored yet. Read once (not again on each use of the still empty state), then written.
    first = TurnContext(adapter, _message("hej"))
    with counting(engine) as counter:
        token = await states.load(first)
        await dialog_state.get(first, DialogState)
        await user.create_property("Profile").get(first, dict)
        await states.save(first)
        TurnStates.end(token)
    assert counter.kinds["SELECT"] == 1
    assert counter.kinds["INSERT"] == 2  # both states, as botbuilder's save_changes writes them

    # A turn that changes nothing: one read, no write.
    unchanged = TurnContext(adapter, _message("igen"))
    with counting(engine) as counter:
        token = await states.load(unchanged)
        assert (await dialog_state.get(unchanged, DialogState)).dialog_stack == []
        await states.save(unchanged)
        TurnStates.end(token)
    assert dict(counter.kinds) == {"SELECT": 1}

    # A change is written once, under the e_tag read (a second save in the turn is checked against this write).
    changed = TurnContext(adapter, _message("ändra"))
    token = await states.load(changed)
    await user.create_property("Profile").set(changed, {"name": "Åsa", "since": dt.date(2024, 3, 1)})
    with counting(engine) as counter:
        await states.save(changed)
        await states.save(changed)
    TurnStates.end(token)
    assert dict(counter.kinds) == {"UPDATE": 1}
    await user.create_property("Profile").set(changed, {"name": "Åsa B"})
    await states.save(changed)

    # What botbuilder's own BotState reads back is what was saved, the types restored.
    fresh = TurnContext(adapter, _message("läs"))
    assert await UserState(SqlStorage(session_factory)).create_property("Profile").get(fresh) == {"name": "Åsa B"}

    # A state botbuilder cleared itself is saved by botbuilder's save_changes, as before.
    cleared = TurnContext(adapter, _message("rensa"))
    token = await states.load(cleared)
    await user.clear_state(cleared)
    await states.save(cleared)
    TurnStates.end(token)
    assert await UserState(SqlStorage(session_factory)).create_property("Profile").get(
        TurnContext(adapter, _message("läs igen"))) is None


# --- restoring a dialog stack without jsonpickle -----------------------------------------------------------------


def _stack_of_two() -> DialogState:
    inner = DialogState([DialogInstance("RegistrationSteps", {"lang": "sv", "data": {"budget": 12.5, "ok": True},
                                                               "answered": ["project_name"], "none": None})])
    return DialogState([DialogInstance("RegistrationDialog", {"dialogs": inner})])


@pytest.mark.parametrize(
    "item",
    [
        {"DialogState": _stack_of_two(), "policy": {"facts": {"malmo_is_project_owner": True}}},
        {"plain": [1, "två", {"tre": [None, 4.5]}], "empty": {}},
        # Anything else goes through jsonpickle: other classes, dates, tuples, an object met twice.
        {"DialogState": _stack_of_two(), "when": dt.date(2026, 12, 7)},
        {"pair": ("a", "b"), "set": {1, 2}},
        {"twice": [_stack_of_two()] * 2},
    ],
    ids=["dialog-stack", "plain-json", "with-a-date", "tuple-and-set", "same-object-twice"],
)
def test_a_document_comes_back_as_jsonpickle_restores_it(item: dict) -> None:
    from jsonpickle.pickler import Pickler
    from jsonpickle.unpickler import Unpickler

    from bot.sql_storage import _restored

    document = Pickler().flatten(item)
    restored, by_jsonpickle = _restored(document), Unpickler(safe=True).restore(document)

    assert Pickler().flatten(restored) == Pickler().flatten(by_jsonpickle) == document
    assert type(restored) is type(by_jsonpickle)
    for key, value in restored.items():
        assert type(value) is type(by_jsonpickle[key]), key
    if "DialogState" in restored:
        instance = restored["DialogState"].dialog_stack[0]
        assert isinstance(instance, DialogInstance)
        assert isinstance(instance.state["dialogs"], DialogState)
        assert instance.state["dialogs"].dialog_stack[0].state["data"] == {"budget": 12.5, "ok": True}
