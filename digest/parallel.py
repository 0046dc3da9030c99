"""Renders spread over all cores: forked workers share the site already in memory instead of copies."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .model import Output
from .orphans import die_with_parent

PARALLEL_FROM = 100  # tasks per worker below which forking costs more than it saves
CHUNK = 32  # tasks a worker runs per round trip

Task = Callable[[], Output]


@dataclass(slots=True)
class Work:
    """What one stage has to output: files known to be unchanged, and the renders still to run."""

    kept: list[Output] = field(default_factory=list)
    todo: list[Task] = field(default_factory=list)


def run_tasks(tasks: Sequence[Task], then: Callable[[Output], Output] | None = None) -> Iterator[Output]:
    """Each task's output passed through `then`, in order; in forked workers when there are enough.

    Tasks are closures over the site, never pickled: the workers are forked after they exist.
    `then` runs where the task ran, so a worker can write its own output (see write.Staging).
    """
    global _TASKS, _THEN
    workers = min(os.cpu_count() or 1, len(tasks) // PARALLEL_FROM)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (then(task()) if then else task() for task in tasks)
        return
    _TASKS, _THEN = tasks, then
    try:
        chunks = [range(start, min(start + CHUNK, len(tasks))) for start in range(0, len(tasks), CHUNK)]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=start_forked_worker, initargs=(os.getpid(),)
        ) as pool:
            for outputs in pool.map(_run_chunk, chunks):
                yield from outputs
    finally:
        _TASKS, _THEN = (), None


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


_TASKS: Sequence[Callable[[], Any]] = ()  # what forked workers run, by index
_THEN: Callable[[Output], Output] | None = None


def _run_chunk(indexes: range) -> list[Output]:
    then = _THEN
    return [then(_TASKS[index]()) if then else _TASKS[index]() for index in indexes]
