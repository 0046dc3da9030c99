"""`digest build`: the site into the output folder, then warnings, notes and one summary line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digest.build import Options, build
from digest.commands.common import (
    SHOWN_PER_WARNING,
    Commands,
    Ending,
    command_parser,
    print_warnings,
    relative,
    shown,
    silent,
    waiting,
)
from digest.config.load import load_config
from digest.incremental.state import BuildState
from digest.report import Report
from digest.write.lock import site_locked

KEPT = "the previous output is unchanged"
ENDING = Ending(
    failed=f"build failed; {KEPT}",
    counted=f"build failed: {{count}} error(s); {KEPT}",
    interrupted=f"interrupted; {KEPT}",
    stopped=f"stopped (SIGTERM); {KEPT}",
)


def add_parser(commands: Commands) -> None:
    """`digest build`: its options, with examples."""
    b = command_parser(
        commands,
        "build",
        summary="build the site into the output folder",
        description="Read site.yml and content/, render the theme and write the site into the output "
        "folder. The previous output is replaced only when the whole build succeeds.",
        epilog="examples:\n  digest build\n  digest build --output /tmp/staging --base-url https://staging.example.org/",
    )
    b.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="output folder (default: output_dir in site.yml, or public)",
    )
    b.add_argument(
        "--base-url", metavar="URL", help="override base_url from site.yml, e.g. https://example.org/digest/"
    )
    b.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    b.add_argument("--future", action="store_true", help="include articles dated in the future")
    b.add_argument(
        "--clean", action="store_true", help="ignore the build cache (.digest-cache/) and redo everything"
    )
    noise = b.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    noise.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print every warning and each file left out (and a traceback, as --debug does)",
    )
    b.set_defaults(handler=run, ending=ENDING)


def run(args: argparse.Namespace) -> int:
    """Build under the site's lock; progress on a terminal, then what the user should know."""
    overrides = {"base_url": args.base_url} if args.base_url else {}
    config = load_config(args.config, overrides)
    show_progress = sys.stderr.isatty() and not args.quiet
    with site_locked(config.root, silent if args.quiet else waiting):
        state = BuildState.empty(config.root) if args.clean else BuildState.load(config.root)
        options = Options(args.drafts, args.future, args.output, _progress if show_progress else None)
        report = build(config, state, options)
    if show_progress:
        print("\r\033[K", end="", file=sys.stderr)
    if not args.quiet:
        print_warnings(report.warnings, verbose=args.verbose)
        for note in report.notes:
            print(f"note: {shown(note)}", file=sys.stderr)
        _print_summary(report, args.output or config.output_path, verbose=args.verbose)
    return 0


def _progress(stage: str, done: int, total: int) -> None:
    """A single updating line, only for sites big enough to wait for."""
    if total >= 500 and (done % 100 == 0 or done == total):
        print(f"\r{stage} {done}/{total}", end="", file=sys.stderr, flush=True)


def _print_summary(report: Report, output: Path, *, verbose: bool) -> None:
    """Future stories left out, then one line: how much was built, where, how fast."""
    if report.left_out:
        print(
            f"note: {len(report.left_out)} future-dated article(s) left out — they appear once their date "
            "has passed, or now with --future:",
            file=sys.stderr,
        )
        for article in report.left_out if verbose else report.left_out[:SHOWN_PER_WARNING]:
            print(f"  {article.path.as_posix()} ({article.date.isoformat()})", file=sys.stderr)
    where = relative(output)
    print(
        f"built {report.articles} articles, {report.files} files ({report.written} changed) "
        f"into {where}/ in {report.seconds:.2f} s"
    )
