"""`digest init`: a new site that builds at once, and what to do next."""

from __future__ import annotations

import argparse
import errno
import shlex
from pathlib import Path

from digest.commands.common import Commands, Ending, command_parser, relative
from digest.errors import DigestError
from digest.oserrors import explain


def _explained(args: argparse.Namespace, error: OSError) -> DigestError:
    """An OS error at the new folder; an unwritable place is fixed by choosing another folder."""
    told = explain(error, fallback=args.dir)
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):  # the general fix names --output
        what = told.message.split(" — ")[0]
        told = DigestError(told.path, None, f"{what} — choose a folder you can write to")
    return told


# there is no previous output to keep: a failed or interrupted init leaves the folder as it was
ENDING = Ending(
    failed="init failed; nothing was written",
    interrupted="interrupted; nothing was written",
    explained=_explained,
)


def add_parser(commands: Commands) -> None:
    """`digest init`: its arguments, with an example."""
    i = command_parser(
        commands,
        "init",
        summary="start a new digest: site.yml, an example story and .gitignore",
        description="Make a new site in DIR that builds at once: a commented site.yml, one example "
        "story in content/ and a .gitignore. DIR must be empty or new; nothing is written otherwise.",
        epilog='example:\n  digest init my-digest --title "The Morning Brief"\n'
        "  cd my-digest && digest build && digest serve",
        config=False,
    )
    i.add_argument(
        "dir", nargs="?", type=Path, default=Path(), metavar="DIR", help="the new site's folder (default: .)"
    )
    i.add_argument("--title", help="the digest's name (default: made from the folder's name)")
    i.set_defaults(handler=run, ending=ENDING)


def run(args: argparse.Namespace) -> int:
    """Make the site, then list its files and the commands to try next."""
    from digest.curator.init import init_site

    made = init_site(args.dir, args.title)
    where = relative(args.dir)
    print(f"made a new digest in {where.as_posix()}/:")
    for name in made:
        print(f"  {name}")
    print("next: edit site.yml (title, base_url), then")
    go = "" if where == Path() else f"cd {shlex.quote(where.as_posix())} && "
    print(f"  {go}digest build && digest serve")
    return 0
