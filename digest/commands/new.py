"""`digest new`: a story file from a headline and a link; prints its path, then what to know."""

from __future__ import annotations

import argparse
import sys

from digest.commands.common import (
    Commands,
    Ending,
    command_parser,
    print_warnings,
    relative,
    shown,
)
from digest.errors import DigestError

ENDING = Ending(failed="new failed; nothing was written", interrupted="interrupted")


def add_parser(commands: Commands) -> None:
    """`digest new`: its arguments, each checked as it is read."""
    from digest.curator import new

    n = command_parser(
        commands,
        "new",
        summary="write a new story file from a headline and the original's link",
        description="Write content/YYYY-MM-DD-slug.md with its front matter filled in: the date now in the "
        "site's time zone, the source found in the registry by --source or by the link's host. Prints the "
        "file's path; never overwrites a file; warns when another story already links the same URL.",
        epilog='example:\n  digest new "Rain returns to the Sahel" --url https://www.reuters.com/world/x/ '
        '--location "Niamey, Niger" --tags climate,africa --edit',
    )
    n.add_argument("headline", type=new.headline, help="the story's title, in quotes")
    n.add_argument("--url", type=new.web_address, required=True, help="the original story's link")
    n.add_argument("--source", metavar="KEY", help="a key, name or alias from the source registry")
    n.add_argument("--location", metavar="PLACE", help='the dateline, e.g. "Niamey, Niger"')
    n.add_argument("--tags", type=new.tag_list, default=(), metavar="A,B", help="tags, comma-separated")
    n.add_argument("--summary", help="one or two sentences shown in lists and feeds")
    n.add_argument("--edition", type=new.edition, help="the edition: a number (12) or a day (2022-09-15)")
    n.add_argument(
        "--date", type=new.story_date, help="when, e.g. 2022-09-15 or 2022-09-15T18:30 (default: now)"
    )
    n.add_argument("--slug", help="the URL name (default: made from the headline)")
    n.add_argument("--draft", action="store_true", help="mark it draft: true, left out until you publish it")
    n.add_argument("--edit", action="store_true", help="open the new file in $VISUAL or $EDITOR")
    n.set_defaults(handler=run, ending=ENDING)


def run(args: argparse.Namespace) -> int:
    """Write the story, print its path and warnings; then open the editor if asked."""
    from digest.config.load import load_config
    from digest.curator.new import create_story, dated, open_editor
    from digest.curator.story_file import NewStory

    config = load_config(args.config)
    when = dated(config, args.date)
    story = NewStory(args.headline, when, args.url, args.source, args.location, args.tags, args.summary,
                     draft=args.draft, edition=args.edition, slug=args.slug)  # fmt: skip
    created = create_story(config, story)
    print(relative(created.path).as_posix())
    print_warnings(created.warnings, verbose=True)
    if not args.edit:
        return 0
    try:
        open_editor(relative(created.path))
    except DigestError as error:  # the story is written: the editor's failure is not "new failed"
        print(shown(error), file=sys.stderr)
        return 1
    return 0
