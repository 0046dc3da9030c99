"""`digest email`: an edition as a newsletter, written to a file or sent through the SMTP relay."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digest.commands.common import Commands, Ending, command_parser, relative, waiting
from digest.config.load import require_config
from digest.errors import DigestError
from digest.oserrors import explain
from digest.write.lock import site_locked


def _explained(args: argparse.Namespace, error: OSError) -> DigestError:
    """An OS error with no path of its own is put at the message's file, else at the site's folder."""
    return explain(error, fallback=args.output or args.config.parent)


# there is no output to keep, only mail not sent
NOT_SENT = "nothing was sent"
ENDING = Ending(
    failed=f"email failed; {NOT_SENT}",
    counted=f"email failed: {{count}} error(s); {NOT_SENT}",
    interrupted="interrupted",
    explained=_explained,
)


def add_parser(commands: Commands) -> None:
    """`digest email`: an edition as a newsletter."""
    e = command_parser(
        commands,
        "email",
        summary="write an edition as an email (.eml), or send it over SMTP",
        description="Make an edition's email (the same email.html and email.txt a build publishes) into "
        "a multipart/alternative message: written to FILE, or delivered through the SMTP relay in "
        "site.yml (`email: smtp:`) with --send. The output folder is not touched.",
        epilog="examples:\n  digest email               # the latest edition, as edition-N.eml\n"
        "  digest email 12 --send --to me@example.org   # a test send to yourself\n"
        "  DIGEST_SMTP_PASSWORD=… digest email --send    # to the readers in email.to",
    )
    e.add_argument(
        "edition",
        nargs="?",
        type=int,
        metavar="EDITION",
        help="edition number (default: the latest published)",
    )
    e.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="write the message here (default: edition-N.eml, unless --send)",
    )
    e.add_argument("--draft", action="store_true", help="allow a draft edition (and draft stories)")
    e.add_argument("--send", action="store_true", help="deliver it through the SMTP relay in site.yml")
    e.add_argument(
        "--to",
        action="append",
        default=[],
        metavar="ADDR",
        help="send to ADDR instead of `email: to:`; may be repeated",
    )
    e.set_defaults(handler=run, ending=ENDING)


def run(args: argparse.Namespace) -> int:
    """Make the edition's message under the site's lock; say where it went and who refused it."""
    from digest.newsletter.command import mail_edition
    from digest.render.email import CLIP_BYTES

    require_config(args.config)
    with site_locked(args.config.parent.resolve(), waiting):
        mailed = mail_edition(
            args.config,
            args.edition,
            output=args.output,
            draft=args.draft,
            deliver=args.send,
            to=tuple(args.to),
        )
    if mailed.html_bytes > CLIP_BYTES:
        print(
            f"warning: edition {mailed.number}'s email is {mailed.html_bytes // 1024} KB of HTML even with "
            f"headlines only, and Gmail shows only the first {CLIP_BYTES // 1024} KB of a message "
            "— split the edition, or list fewer stories in it",
            file=sys.stderr,
        )
    if mailed.written:
        print(f"wrote edition {mailed.number}, “{mailed.title}”, to {relative(mailed.written).as_posix()}")
    if mailed.sent:
        print(f"sent edition {mailed.number}, “{mailed.title}”, to {len(mailed.sent)} reader(s)")
    for address, (code, answer) in mailed.refused.items():
        said = answer.decode(errors="replace")
        print(f"the relay refused {address}: {code} {said} — check the address", file=sys.stderr)
    return 1 if mailed.refused else 0
