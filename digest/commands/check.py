"""`digest check`: findings on stdout, one line each (or JSON), then the summary; 1 if any fails."""

from __future__ import annotations

import argparse

from digest.commands.common import (
    Commands,
    Ending,
    command_parser,
    in_site_folder,
    relative,
    seconds,
    silent,
    traceback_if,
    waiting,
)
from digest.errors import BuildError, DigestError

# errors are findings like any other (see `run`); only a stop ends it early
ENDING = Ending(failed="check failed", interrupted="check interrupted", stopped="check stopped (SIGTERM)")


def add_parser(commands: Commands) -> None:
    """`digest check`: its options, in one place."""
    c = command_parser(
        commands,
        "check",
        summary="find broken links, missing images, bad URLs and unrendered shortcodes",
        description="Build the site into a scratch folder (the output folder is not touched) and report\n"
        "everything `digest build` would, then links to missing pages and #anchors, missing\n"
        "images, malformed URLs, two stories citing one source URL, and template or shortcode\n"
        "syntax left in the pages, each at the story's file and line.\n"
        "Exit status: 0 when nothing fails, 1 when an error (or, with --strict, a warning) is found.",
        epilog="examples:\n  digest check\n  digest check --strict --external\n"
        "  digest check --format json > findings.json",
    )
    c.add_argument("--strict", action="store_true", help="fail on warnings too (exit status 1)")
    c.add_argument(
        "--external", action="store_true", help="also ask every outside link over HTTP (answers kept a day)"
    )
    c.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json, for tools"
    )
    c.add_argument(
        "--timeout", type=seconds, default=10.0, metavar="S", help="--external: seconds to wait (default 10)"
    )
    c.add_argument(
        "--host-delay",
        type=seconds,
        default=1.0,
        metavar="S",
        help="--external: seconds from an answer to the next request to its host (default 1)",
    )
    c.set_defaults(handler=run, ending=ENDING)


def run(args: argparse.Namespace) -> int:
    """Check the site; an error that stops the check is reported as a finding, in the chosen format."""
    from digest.curator.check import Outcome, run_check
    from digest.curator.external import Settings
    from digest.curator.findings import as_json, failing, summary

    external = Settings(timeout=args.timeout, host_delay=args.host_delay) if args.external else None
    try:
        outcome = run_check(args.config, external, silent if args.format == "json" else waiting)
    except BuildError as failed:  # site.yml: nothing else can be checked
        outcome = Outcome.stopped(failed.errors)
    except DigestError as error:
        outcome = Outcome.stopped([error])
    except OSError as error:  # a full disk for the scratch build, a read-only cache
        traceback_if(args, error)
        outcome = Outcome.stopped([in_site_folder(args, error)])
    found, strict = outcome.findings, args.strict
    if args.format == "json":
        print(as_json(found, strict=strict, stories=outcome.stories, pages=outcome.pages, relative=relative))
    else:
        for finding in found:
            print(finding.shown(relative))
        print(summary(found, strict=strict, stories=outcome.stories, pages=outcome.pages))
    return 1 if failing(found, strict=strict) else 0
