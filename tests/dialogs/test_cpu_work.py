"""dialogs/common/cpu_work.py: CPU work runs in the worker thread, and the event loop goes on meanwhile; a short
question is answered in place."""

from __future__ import annotations

import asyncio
import threading

from dialogs.common.cpu_work import SHORT_QUESTION_CHARACTERS, run_cpu_bound, run_cpu_bound_unless_short

# Only a blocked event loop makes the handshake run out.
HANDSHAKE_TIMEOUT_SECONDS = 60


async def test_the_work_runs_off_the_loop_which_serves_other_coroutines_meanwhile():
    loop = asyncio.get_running_loop()
    progress: list[str] = []

    async def another_conversation() -> str:
        progress.append("another conversation served")
        return "done"

    def cpu_work(question: str, *, times: int) -> tuple[int, str]:
        # While this work is in progress, a coroutine runs to its end on the event loop.
        handshake = asyncio.run_coroutine_threadsafe(another_conversation(), loop)
        progress.append(handshake.result(timeout=HANDSHAKE_TIMEOUT_SECONDS))
        progress.append("work done")
        return threading.get_ident(), question * times

    worker, result = await run_cpu_bound(cpu_work, "ab", times=2)

    assert result == "abab"
    assert worker != threading.get_ident()
    assert progress == ["another conversation served", "done", "work done"]


async def test_an_error_in_the_work_reaches_the_turn():
    def fails() -> None:
        raise ValueError("bad question")

    try:
        await run_cpu_bound(fails)
    except ValueError as error:
        assert str(error) == "bad question"
    else:
        raise AssertionError("the error was lost")


def _thread_and_reply(question: str, *, suffix: str) -> tuple[int, str]:
    return threading.get_ident(), question + suffix


async def test_a_short_question_is_answered_in_place_and_a_long_one_in_the_worker():
    short = "Måste vi informera KS?".ljust(SHORT_QUESTION_CHARACTERS, ".")
    long = short + "?"

    in_place, reply = await run_cpu_bound_unless_short(_thread_and_reply, short, suffix="!")
    worker, long_reply = await run_cpu_bound_unless_short(_thread_and_reply, long, suffix="!")

    assert (in_place, reply) == (threading.get_ident(), short + "!")
    assert worker != threading.get_ident() and long_reply == long + "!"
