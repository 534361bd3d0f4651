"""CPU work of a turn (the policy answer), run off the event loop so that other conversations' turns go on.

One worker thread for the whole process. The work is pure Python and holds the GIL while it runs, so more
threads would not answer sooner; they would only take more of the GIL from the event loop. With one worker the
loop gets the GIL back at least every switch interval (5 ms), and a regular expression, which keeps it for
the whole call, is bounded by what the policy module reads of a question (`decision.max_question_length`).
Questions that arrive together queue here, each costing a few milliseconds. A process pool would isolate the
loop completely, but would load the policy data (0.6 s, tens of MB) in every process and copy each answer
back; measured in bench/long_messages.py, the thread keeps short turns fast enough.

A short question is answered in place, on the event loop (`run_cpu_bound_unless_short`): its answer costs about a
millisecond, and at most a few even for hostile text of that length, while handing it to the worker and back costs
the process some 0.4 ms of CPU a turn under load (bench/turns.py: the GIL changing hands between loop and worker).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lotsen-cpu")

# The longest question answered in place. Measured: the dearest text found of this length (amounts said again and
# again, owner and partner words in turn) takes under 3 ms; an everyday question about 1 ms.
SHORT_QUESTION_CHARACTERS = 200


async def run_cpu_bound(function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`function(*args, **kwargs)` in the worker thread; the turn waits for it, the event loop does not."""
    return await asyncio.get_running_loop().run_in_executor(_worker, functools.partial(function, *args, **kwargs))


async def run_cpu_bound_unless_short(function: Callable[..., T], question: str, /, *args: object,
                                     **kwargs: object) -> T:
    """`function(question, *args, **kwargs)`: in place when the question is short, else in the worker thread."""
    if len(question) <= SHORT_QUESTION_CHARACTERS:
        return function(question, *args, **kwargs)
    return await run_cpu_bound(function, question, *args, **kwargs)
