"""Command line: the only place that prints and picks exit codes."""

from __future__ import annotations

import argparse
import gc
import sys
from collections import defaultdict
from pathlib import Path

from . import __version__
from .build import Report, build
from .config import load_config, require_config
from .errors import BuildError, BuildWarning, DigestError

SHOWN_PER_WARNING = 3  # identical warnings beyond this are counted, not listed (without -v)


def parser() -> argparse.ArgumentParser:
    """The `digest` command and its sub-commands."""
    main = argparse.ArgumentParser(
        prog="digest",
        description="Build a static website from a folder of curated news stories (Markdown + YAML).",
    )
    main.add_argument("--version", action="version", version=f"digest {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    b = commands.add_parser(
        "build",
        help="build the site into the output folder",
        description="Read site.yml and content/, render the theme and write the site into the output "
        "folder. The previous output is replaced only when the whole build succeeds.",
    )
    _config_option(b)
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
        "-v", "--verbose", action="store_true", help="print every warning and each file left out"
    )
    s = commands.add_parser(
        "serve",
        help="preview the site with live reload while you write",
        description="Build the site into .digest-cache/preview/, serve it, and rebuild and reload the "
        "browser on every save. Drafts and future articles are shown (and marked) by default.",
    )
    _config_option(s)
    s.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000; the next free one if busy)")
    s.add_argument(
        "--drafts",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show draft articles (default: yes)",
    )
    s.add_argument(
        "--future",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show future-dated articles (default: yes)",
    )
    s.add_argument("--open", action="store_true", help="open the preview in a web browser")
    return main


def _config_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--config",
        type=Path,
        default=Path("site.yml"),
        metavar="FILE",
        help="site configuration (default: site.yml); the site's folder is the folder holding it",
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `digest` console script."""
    args = parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        return _build(args)
    except BuildError as failed:
        for error in failed.errors:
            print(_shown(error), file=sys.stderr)
        print(
            f"build failed: {len(failed.errors)} error(s); the previous output is unchanged", file=sys.stderr
        )
    except DigestError as error:
        print(_shown(error), file=sys.stderr)
        print("build failed; the previous output is unchanged", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted; the previous output is unchanged", file=sys.stderr)
        return 130
    return 1


def _build(args: argparse.Namespace) -> int:
    overrides = {"base_url": args.base_url} if args.base_url else {}
    config = load_config(args.config, overrides)
    show_progress = sys.stderr.isatty() and not args.quiet
    report = build(
        config,
        drafts=args.drafts,
        future=args.future,
        output=args.output,
        clean=args.clean,
        progress=_progress if show_progress else None,
    )
    if show_progress:
        print("\r\033[K", end="", file=sys.stderr)
    if not args.quiet:
        _print_warnings(report.warnings, verbose=args.verbose)
        for note in report.notes:
            print(f"note: {_shown(note)}", file=sys.stderr)
        _print_summary(report, args.output or config.output_path, verbose=args.verbose)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve  # tornado and livereload load only for the preview

    require_config(args.config)
    gc.enable()  # `run` turns the collector off for a build; the preview runs for hours
    try:
        serve(
            args.config,
            host=args.host,
            port=args.port,
            drafts=args.drafts,
            future=args.future,
            open_browser=args.open,
            say=lambda line: print(line, flush=True),
        )
    except OSError as exc:
        raise DigestError(
            args.config, None, f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from None
    except KeyboardInterrupt:
        print("stopped", flush=True)
    return 0


def _progress(stage: str, done: int, total: int) -> None:
    """A single updating line, only for sites big enough to wait for."""
    if total >= 500 and (done % 100 == 0 or done == total):
        print(f"\r{stage} {done}/{total}", end="", file=sys.stderr, flush=True)


def _print_warnings(warnings: tuple[BuildWarning, ...], *, verbose: bool) -> None:
    """Warnings grouped by message, so 1,600 files with the same unknown key make one line."""
    groups: dict[str, list[BuildWarning]] = defaultdict(list)
    for warning in warnings:
        groups[warning.message].append(warning)
    for items in groups.values():
        shown = items if verbose else items[:SHOWN_PER_WARNING]
        for warning in shown:
            print(f"warning: {_shown(warning)}", file=sys.stderr)
        if len(items) > len(shown):
            print(
                f"warning: … and {len(items) - len(shown)} more with the same warning (-v lists them)",
                file=sys.stderr,
            )


def _print_summary(report: Report, output: Path, *, verbose: bool) -> None:
    if report.left_out:
        print(
            f"note: {len(report.left_out)} future-dated article(s) left out — they appear once their date "
            "has passed, or now with --future:",
            file=sys.stderr,
        )
        for article in report.left_out if verbose else report.left_out[:SHOWN_PER_WARNING]:
            print(f"  {article.path.as_posix()} ({article.date.isoformat()})", file=sys.stderr)
    where = _relative(output)
    print(
        f"built {report.articles} articles, {report.files} files ({report.written} changed) "
        f"into {where}/ in {report.seconds:.2f} s"
    )


def _shown(item: DigestError | BuildWarning) -> str:
    """An error or warning with its path relative to the current folder, when it is inside it."""
    return str(type(item)(_relative(item.path), item.line, item.message))


def _relative(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


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
