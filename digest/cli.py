"""Command line: the only place that prints and picks exit codes; every command fails the same way."""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from digest import __version__
from digest.commands import build, check, deploy, email, import_feeds, init, new, serve
from digest.commands.common import Ending, shown, traceback_if
from digest.errors import BuildError, DigestError

# in the order `digest --help` lists them
COMMANDS = (build, serve, init, new, import_feeds, check, email, deploy)


def parser() -> argparse.ArgumentParser:
    """The `digest` command and its sub-commands, each added by its own module."""
    main = argparse.ArgumentParser(
        prog="digest",
        description="Build a static website from a folder of curated news stories (Markdown + YAML).",
        epilog="example:\n  digest init my-digest && cd my-digest && digest build && digest serve\n"
        "  digest check --strict            # before publishing: links, images, leftovers\n\n"
        "digest COMMAND --help shows each command's options and an example.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    main.add_argument("--version", action="version", version=f"digest {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(commands)
    return main


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `digest` console script."""
    args = parser().parse_args(argv)
    ending: Ending = args.ending
    try:
        with _stopped_by_sigterm(ending.stopped is not None):
            return args.handler(args)
    except BuildError as failed:
        for error in failed.errors:
            print(shown(error), file=sys.stderr)
        print(ending.closing(len(failed.errors)), file=sys.stderr)
    except DigestError as error:
        print(shown(error), file=sys.stderr)
        print(ending.closing(), file=sys.stderr)
    except KeyboardInterrupt:
        print(ending.interrupted, file=sys.stderr)
        return 130
    except Terminated:
        print(ending.stopped, file=sys.stderr)
        return 128 + signal.SIGTERM
    except OSError as error:  # a full disk, a read-only folder: the user's to fix, not a bug
        traceback_if(args, error)
        print(shown(ending.explained(args, error)), file=sys.stderr)
        print(ending.closing(), file=sys.stderr)
    except Exception as error:
        traceback_if(args, error)
        print(
            f"internal error: {type(error).__name__}: {error}; run with --debug for the traceback",
            file=sys.stderr,
        )
    return 1


class Terminated(BaseException):
    """SIGTERM during a command: like Ctrl-C, not an error, so `except Exception` never swallows it."""


@contextmanager
def _stopped_by_sigterm(wanted: bool) -> Iterator[None]:
    """Turn SIGTERM into `Terminated`, so a build rolls back and cleans up as on a failure."""
    if not wanted or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def run() -> None:
    """The console script: `main` with the garbage collector off, then exit without a last collection.

    A build makes few reference cycles, and its process ends with it, yet the collector would scan
    the whole site model again and again as it grows: at 10,000 articles a sixth of a one-edit
    rebuild. At exit Python collects once more over everything still alive, about half a second of
    freeing memory the OS takes back anyway; frozen objects are left out of that collection (files
    and worker processes are closed by then). The preview, which runs for hours, collects as usual.
    """
    gc.disable()
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
