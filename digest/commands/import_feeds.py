"""`digest import`: draft stories from feeds, a line per story written, then a summary."""

from __future__ import annotations

import argparse
import sys

from digest.commands.common import (
    Commands,
    Ending,
    command_parser,
    count_option,
    relative,
)
from digest.config.load import load_config

# each story is written whole as it comes, so a stop keeps those already listed
KEPT = "only the stories listed above were written"
ENDING = Ending(failed=f"import stopped; {KEPT}", interrupted=f"interrupted; {KEPT}")


def add_parser(commands: Commands) -> None:
    """`digest import`: its options, with examples."""
    from digest.curator.new import story_date

    m = command_parser(
        commands,
        "import",
        summary="make draft stories from the new entries of RSS, Atom or JSON feeds",
        description="Read each FEED (a file or an http(s) URL) and write every entry whose link is not "
        "yet in the digest as a draft story (draft: true) in content/. Titles, dates, links, summaries "
        "and categories are taken over; the feed's HTML is cleaned to plain text and Markdown.",
        epilog="examples:\n  digest import https://www.example.org/news/feed.xml --limit 5\n"
        "  digest import saved-feed.xml --since 2024-05-01 --tag energy --dry-run\n"
        "then: digest serve (drafts are shown), edit, and remove `draft: true` to publish",
    )
    m.add_argument("feeds", nargs="+", metavar="FEED", help="a feed file, or an http(s) URL of a feed")
    m.add_argument("--since", type=story_date, metavar="DATE", help="skip entries dated before DATE")
    m.add_argument("--limit", type=count_option, metavar="N", help="at most N new stories from each feed")
    m.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="TAG",
        help="add TAG to every imported story; may be repeated",
    )
    m.add_argument(
        "--dry-run", action="store_true", help="list the stories it would write, and write nothing"
    )
    m.set_defaults(handler=run, ending=ENDING)


def run(args: argparse.Namespace) -> int:
    """Import every feed; exit status 1 when any feed failed."""
    from digest.content.dates import parse_date
    from digest.curator.feed_import import ImportOptions, import_feeds

    config = load_config(args.config)
    since = parse_date(args.since, config.tz) if args.since else None
    options = ImportOptions(since, args.limit, tuple(args.tag), args.dry_run)
    verb = "would write" if args.dry_run else "wrote"
    told = lambda line: print(line, file=sys.stderr)  # noqa: E731
    tally = import_feeds(
        config, args.feeds, options, lambda path: print(verb, relative(path).as_posix()), told
    )
    print(tally.summary(args.dry_run, len(args.feeds)))
    return 1 if tally.failed else 0
