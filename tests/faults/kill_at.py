"""Run `digest` and kill it with a real signal just before its Nth file-changing operation.

Usage: python kill_at.py N SIGNAL digest-arguments...   (N = 0: run to the end and count)
       python kill_at.py EVENT@K SIGNAL digest-arguments...   (before the Kth operation named EVENT…)

An audit hook (`sys.addaudithook`) sees every file the process opens for writing, renames, links,
removes or creates, and the look-up of renameat2 just before two folders are exchanged. With
KILL_AT_LOG set, each such operation ("event name-of-its-path") is written there as one JSON list
when the run ends, so a test can choose where to kill. Only the digest process itself counts:
forked workers inherit the hook but leave it alone.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from digest.cli import main

CHANGES = {
    "os.rename",  # also os.replace, Path.rename, Path.replace
    "os.remove",  # also os.unlink, Path.unlink
    "os.rmdir",
    "os.mkdir",
    "os.link",
    "os.symlink",
    "os.truncate",
    "shutil.rmtree",
    "shutil.copyfile",
}
WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _changes(event: str, args: tuple) -> bool:
    if event == "ctypes.dlsym":  # looked up just before the call: renameat2(RENAME_EXCHANGE)
        return args[1] == "renameat2"
    if event == "open":
        mode, flags = args[1], args[2]
        return any(c in mode for c in "wax+") if isinstance(mode, str) else bool(flags & WRITING)
    return event in CHANGES


def _name(args: tuple) -> str:
    """The last part of the path an operation is on, so a test can tell the commit from other renames."""
    first = args[0] if args else ""
    return Path(os.fsdecode(first)).name if isinstance(first, (str, bytes, os.PathLike)) else ""


def run(point: str, sig: signal.Signals, argv: list[str]) -> int:
    seen: list[str] = []
    pid = os.getpid()
    named, _, nth = point.rpartition("@")
    limit = int(nth)

    def hook(event: str, args: tuple) -> None:
        if os.getpid() != pid or not _changes(event, args):
            return
        seen.append(f"{event} {_name(args)}")
        if len([e for e in seen if e.startswith(named)] if named else seen) == limit:
            os.kill(pid, sig)

    sys.addaudithook(hook)
    try:
        return main(argv)
    finally:
        if log := os.environ.get("KILL_AT_LOG"):
            events = list(seen)  # before the log itself is opened
            with open(log, "w") as handle:  # noqa: PTH123
                json.dump(events, handle)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], signal.Signals[sys.argv[2]], sys.argv[3:]))
