"""Work spread over all cores in forked workers that share the site in memory and die with the build.

Without PR_SET_PDEATHSIG a `kill -9` of `digest build` leaves its workers running, waiting for work that
never comes, and holding the site's lock (they share its descriptor), so the next build would wait for ever.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>: the signal a child gets when its parent dies
PARALLEL_FROM = 100  # tasks per worker below which forking costs more than it saves
CHUNK = 32  # tasks a worker runs per round trip

T = TypeVar("T")


def run_tasks(tasks: Sequence[Callable[[], T]], then: Callable[[T], T] | None = None) -> Iterator[T]:
    """Each task's result passed through `then`, in order; in forked workers when there are enough.

    Tasks are closures over the site, never pickled: the workers are forked after they exist, and
    get them as their initializer's arguments. `then` runs where the task ran, so a worker can write
    its own output (see write.output.Staging).
    """
    workers = min(os.cpu_count() or 1, len(tasks) // PARALLEL_FROM)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (then(task()) if then else task() for task in tasks)
        return
    chunks = [range(start, min(start + CHUNK, len(tasks))) for start in range(0, len(tasks), CHUNK)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_task_worker, initargs=(os.getpid(), tasks, then)
    ) as pool:
        for results in pool.map(_run_chunk, chunks):
            yield from results


def start_forked_worker(parent: int) -> None:
    """A forked worker's first step: never outlive the build (`parent`), and collect only its own garbage."""
    die_with_parent(parent)
    collect_in_worker()


def collect_in_worker() -> None:
    """A forked worker collects its own garbage, but never scans (and so copies) the pages it shares.

    The parent may run with the collector off (the command line does); what the worker inherits is
    frozen, so a collection looks only at what the worker itself makes.
    """
    gc.freeze()
    gc.enable()


Then = Callable[[Any], Any] | None
_TASKS: tuple[Sequence[Callable[[], Any]], Then] = ((), None)  # set in each forked worker, never in the build


def _start_task_worker(
    parent: int, tasks: Sequence[Callable[[], Any]], then: Callable[[Any], Any] | None
) -> None:
    """A task worker keeps the tasks it was forked with, to run them by index."""
    global _TASKS
    start_forked_worker(parent)
    _TASKS = (tasks, then)


def _run_chunk(indexes: range) -> list[Any]:
    tasks, then = _TASKS
    return [then(tasks[index]()) if then else tasks[index]() for index in indexes]


def die_with_parent(parent: int) -> None:
    """Have Linux SIGKILL this forked child when `parent` dies; elsewhere, do nothing.

    Called first in the child, with the pid the parent had before forking: when the parent has died
    already, the child belongs to another process, which the kernel would watch instead, so it ends now.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes  # only in the child, so a build that never forks never pays for it
    except ImportError:  # a Python built without it: the child works, only without the guarantee
        return
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return  # refused (a sandbox's filter): the same
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
