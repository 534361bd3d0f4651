"""dialogs/common/cpu_work.py: CPU work runs in the worker thread, and the event loop goes on meanwhile."""

from __future__ import annotations

import asyncio
import threading

from dialogs.common.cpu_work import run_cpu_bound

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
