"""Run `digest` and halt it at a chosen moment: a real process, stopped or killed for real.

    python tests/halt_digest.py --at EVENT[:TEXT] [--nth N] [--then stall|kill:SECONDS]
                                [--children-at EVENT[:TEXT]] [--children-for SECONDS] -- digest-args…

An audit hook counts the main process's events named EVENT (whose first argument contains TEXT, if
given). At the Nth it does `--then`: `stall` sleeps for ever (keeping whatever the process holds,
such as the site's lock; "stalled" is printed first), `kill:SECONDS` SIGKILLs the process that long
after, first printing `children: PID …` (what it had forked then) to stderr. With `--children-at`,
each forked child sleeps at its first such event, for ever or `--children-for` seconds. The hook is
installed from outside, so digest itself has no test hooks.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from digest.cli import run


def children() -> list[int]:
    """The live children of this process, as the kernel lists them (every thread's)."""
    tasks = Path("/proc/self/task").iterdir()
    return [int(pid) for task in tasks for pid in (task / "children").read_text().split()]


def die(_signum: int, _frame: object) -> None:
    print("children:", *children(), file=sys.stderr, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


def matches(spec: str, name: str, args: tuple[Any, ...]) -> bool:
    event, _, text = spec.partition(":")
    return name == event and (not text or text in str(args[:1]))


def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--at", required=True)
    options.add_argument("--nth", type=int, default=1)
    options.add_argument("--then", default="stall")
    options.add_argument("--children-at")
    options.add_argument("--children-for", type=float, default=float("inf"))
    options.add_argument("digest", nargs=argparse.REMAINDER)
    given = options.parse_args()
    parent, seen, slept = os.getpid(), [0], [False]

    def hook(name: str, args: tuple[Any, ...]) -> None:
        if os.getpid() != parent:
            if given.children_at and not slept[0] and matches(given.children_at, name, args):
                slept[0] = True
                time.sleep(min(given.children_for, 3600))
            return
        if not matches(given.at, name, args):
            return
        seen[0] += 1
        if seen[0] != given.nth:
            return
        if given.then == "stall":
            print("stalled", file=sys.stderr, flush=True)
            time.sleep(3600)
        signal.signal(signal.SIGALRM, die)
        signal.setitimer(signal.ITIMER_REAL, float(given.then.removeprefix("kill:")))

    sys.addaudithook(hook)
    sys.argv = ["digest", *given.digest[given.digest[:1] == ["--"] :]]
    run()


if __name__ == "__main__":
    main()
