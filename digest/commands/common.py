"""What several commands print or parse: paths shown short, grouped warnings, shared options."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from digest.errors import BuildWarning, DigestError
from digest.oserrors import explain
from digest.write.lock import Busy

SHOWN_PER_WARNING = 3  # identical warnings beyond this are counted, not listed (without -v)

Commands = argparse._SubParsersAction  # the `add_subparsers()` object each command adds itself to


def in_site_folder(args: argparse.Namespace, error: OSError) -> DigestError:
    """An OS error with no path of its own is put at the site's folder, the folder holding site.yml."""
    return explain(error, fallback=args.config.parent)


@dataclass(frozen=True, slots=True)
class Ending:
    """How a command ends when it cannot finish: the lines cli.py's one error wrapper prints for it."""

    failed: str  # after the error, e.g. "build failed; the previous output is unchanged"
    interrupted: str  # on Ctrl-C (exit status 130)
    counted: str | None = None  # after several errors, with {count}; None: `failed` is printed
    stopped: str | None = None  # on SIGTERM (exit status 143); None: SIGTERM ends it as usual
    explained: Callable[[argparse.Namespace, OSError], DigestError] = in_site_folder

    def closing(self, count: int | None = None) -> str:
        """The last line after `count` errors (or one)."""
        return self.counted.format(count=count) if self.counted and count is not None else self.failed


def command_parser(
    commands: Commands, name: str, *, summary: str, description: str, epilog: str, config: bool = True
) -> argparse.ArgumentParser:
    """A command's parser, examples kept as written, with `--config` (if it reads a site) and `--debug`."""
    parser = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if config:
        config_option(parser)
    debug_option(parser)
    return parser


def config_option(command: argparse.ArgumentParser) -> None:
    """`--config FILE`: the site is the folder holding it."""
    command.add_argument(
        "--config",
        type=Path,
        default=Path("site.yml"),
        metavar="FILE",
        help="site configuration (default: site.yml); the site's folder is the folder holding it",
    )


def debug_option(command: argparse.ArgumentParser) -> None:
    """Errors are one line; a bug report needs the whole traceback."""
    command.add_argument(
        "--debug", action="store_true", help="print the full traceback of an unexpected error or OS error"
    )


def traceback_if(args: argparse.Namespace, error: BaseException) -> None:
    """The full traceback, for a bug report, only when asked for: one line says what to fix."""
    if getattr(args, "debug", False) or getattr(args, "verbose", False):
        traceback.print_exception(error)


def seconds(text: str) -> float:
    """A number of seconds from the command line: positive and finite."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds between 0 and 3600")
    return value


def count_option(text: str) -> int:
    """A number of stories from the command line: a whole number, 1 or more."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"`{text}` is not a whole number of stories, 1 or more")
    return int(text)


def waiting(busy: Busy) -> None:
    """One line, so a build that waits for another is not mistaken for one that hangs."""
    print(busy.message(), file=sys.stderr, flush=True)


def silent(_busy: Busy) -> None:
    """With --quiet the wait goes unannounced, like everything but errors."""


def print_warnings(warnings: tuple[BuildWarning, ...], *, verbose: bool) -> None:
    """Warnings grouped by message, so 1,600 files with the same unknown key make one line."""
    groups: dict[str, list[BuildWarning]] = defaultdict(list)
    for warning in warnings:
        groups[warning.message].append(warning)
    for items in groups.values():
        listed = items if verbose else items[:SHOWN_PER_WARNING]
        for warning in listed:
            print(f"warning: {shown(warning)}", file=sys.stderr)
        if len(items) > len(listed):
            print(
                f"warning: … and {len(items) - len(listed)} more with the same warning (-v lists them)",
                file=sys.stderr,
            )


def shown(item: DigestError | BuildWarning) -> str:
    """An error or warning with its path relative to the current folder, when it is inside it."""
    return str(type(item)(relative(item.path), item.line, item.message))


def relative(path: Path) -> Path:
    """`path` from the current folder when it is inside it, so messages stay short; else as given."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path
