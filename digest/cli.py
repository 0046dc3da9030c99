"""Command line: the only place that prints and picks exit codes."""

from __future__ import annotations

import argparse
import errno
import gc
import shlex
import signal
import sys
import threading
import traceback
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from digest import __version__
from digest.build import Options, build
from digest.config.load import load_config, require_config
from digest.errors import BuildError, BuildWarning, DigestError
from digest.incremental.state import BuildState
from digest.oserrors import explain
from digest.report import Report
from digest.write.lock import Busy, site_locked

if TYPE_CHECKING:
    from digest.deploy.run import Deployed

SHOWN_PER_WARNING = 3  # identical warnings beyond this are counted, not listed (without -v)


def parser() -> argparse.ArgumentParser:
    """The `digest` command and its sub-commands."""
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
    b = commands.add_parser(
        "build",
        help="build the site into the output folder",
        description="Read site.yml and content/, render the theme and write the site into the output "
        "folder. The previous output is replaced only when the whole build succeeds.",
        epilog="examples:\n  digest build\n  digest build --output /tmp/staging --base-url https://staging.example.org/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _config_option(b)
    _debug_option(b)
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
    s = commands.add_parser(
        "serve",
        help="preview the site with live reload while you write",
        description="Build the site into .digest-cache/preview/, serve it, and rebuild and reload the "
        "browser on every save. Drafts and future articles are shown (and marked) by default.",
        epilog="examples:\n  digest serve --open\n"
        "  digest serve --host 0.0.0.0 --allow-host mylaptop.lan --no-drafts",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _config_option(s)
    _debug_option(s)
    s.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000; the next free one if busy)")
    s.add_argument(
        "--allow-host",
        action="append",
        default=[],
        type=_allowed_host,
        metavar="NAME",
        help="also answer to NAME, e.g. a LAN name (.lan: every name under lan); may be repeated",
    )
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
    i = commands.add_parser(
        "init",
        help="start a new digest: site.yml, an example story and .gitignore",
        description="Make a new site in DIR that builds at once: a commented site.yml, one example "
        "story in content/ and a .gitignore. DIR must be empty or new; nothing is written otherwise.",
        epilog='example:\n  digest init my-digest --title "The Morning Brief"\n'
        "  cd my-digest && digest build && digest serve",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    i.add_argument(
        "dir", nargs="?", type=Path, default=Path(), metavar="DIR", help="the new site's folder (default: .)"
    )
    i.add_argument("--title", help="the digest's name (default: made from the folder's name)")
    _new_command(commands)
    _import_command(commands)
    _check_command(commands)
    _email_command(commands)
    _deploy_command(commands)
    return main


def _new_command(commands: argparse._SubParsersAction) -> None:
    """`digest new`: its arguments, each checked as it is read."""
    from digest.curator import new

    n = commands.add_parser(
        "new",
        help="write a new story file from a headline and the original's link",
        description="Write content/YYYY-MM-DD-slug.md with its front matter filled in: the date now in the "
        "site's time zone, the source found in the registry by --source or by the link's host. Prints the "
        "file's path; never overwrites a file; warns when another story already links the same URL.",
        epilog='example:\n  digest new "Rain returns to the Sahel" --url https://www.reuters.com/world/x/ '
        '--location "Niamey, Niger" --tags climate,africa --edit',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _config_option(n)
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


def _import_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`digest import`: its options, with examples."""
    from digest.curator.new import story_date

    m = commands.add_parser(
        "import",
        help="make draft stories from the new entries of RSS, Atom or JSON feeds",
        description="Read each FEED (a file or an http(s) URL) and write every entry whose link is not "
        "yet in the digest as a draft story (draft: true) in content/. Titles, dates, links, summaries "
        "and categories are taken over; the feed's HTML is cleaned to plain text and Markdown.",
        epilog="examples:\n  digest import https://www.example.org/news/feed.xml --limit 5\n"
        "  digest import saved-feed.xml --since 2024-05-01 --tag energy --dry-run\n"
        "then: digest serve (drafts are shown), edit, and remove `draft: true` to publish",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    m.add_argument("feeds", nargs="+", metavar="FEED", help="a feed file, or an http(s) URL of a feed")
    _config_option(m)
    _debug_option(m)
    m.add_argument("--since", type=story_date, metavar="DATE", help="skip entries dated before DATE")
    m.add_argument("--limit", type=_count_option, metavar="N", help="at most N new stories from each feed")
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


def _check_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`digest check`: its options, in one place."""
    c = commands.add_parser(
        "check",
        help="find broken links, missing images, bad URLs and unrendered shortcodes",
        description="Build the site into a scratch folder (the output folder is not touched) and report\n"
        "everything `digest build` would, then links to missing pages and #anchors, missing\n"
        "images, malformed URLs, two stories citing one source URL, and template or shortcode\n"
        "syntax left in the pages, each at the story's file and line.\n"
        "Exit status: 0 when nothing fails, 1 when an error (or, with --strict, a warning) is found.",
        epilog="examples:\n  digest check\n  digest check --strict --external\n"
        "  digest check --format json > findings.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _config_option(c)
    _debug_option(c)
    c.add_argument("--strict", action="store_true", help="fail on warnings too (exit status 1)")
    c.add_argument(
        "--external", action="store_true", help="also ask every outside link over HTTP (answers kept a day)"
    )
    c.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json, for tools"
    )
    c.add_argument(
        "--timeout", type=_seconds, default=10.0, metavar="S", help="--external: seconds to wait (default 10)"
    )
    c.add_argument(
        "--host-delay",
        type=_seconds,
        default=1.0,
        metavar="S",
        help="--external: seconds from an answer to the next request to its host (default 1)",
    )


def _seconds(text: str) -> float:
    """A number of seconds from the command line: positive and finite."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds between 0 and 3600")
    return value


def _email_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`digest email`: an edition as a newsletter."""
    e = commands.add_parser(
        "email",
        help="write an edition as an email (.eml), or send it over SMTP",
        description="Make an edition's email (the same email.html and email.txt a build publishes) into "
        "a multipart/alternative message: written to FILE, or delivered through the SMTP relay in "
        "site.yml (`email: smtp:`) with --send. The output folder is not touched.",
        epilog="examples:\n  digest email               # the latest edition, as edition-N.eml\n"
        "  digest email 12 --send --to me@example.org   # a test send to yourself\n"
        "  DIGEST_SMTP_PASSWORD=… digest email --send    # to the readers in email.to",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _config_option(e)
    _debug_option(e)
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


def _deploy_command(commands: argparse._SubParsersAction) -> None:
    """`digest deploy [TARGET] [--dry-run]`."""
    d = commands.add_parser(
        "deploy",
        help="publish the built site: to a folder, an rsync host, a git branch or S3",
        description="Upload what changed in the output folder since the last deploy to TARGET: new files "
        "and assets first, then pages, then the home page, feeds and sitemap, deletions last.",
        epilog="examples:\n  digest build && digest deploy www\n"
        "  digest deploy s3://my-bucket/digest/ --dry-run\n  digest deploy git+origin#gh-pages\n"
        "  digest deploy deploy@web1.example.org:/var/www/digest/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    d.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help="a name under `deploy:` in site.yml (default: the only one), or an address: ./DIR, "
        "user@host:path, git+REMOTE#BRANCH, s3://bucket/prefix",
    )
    d.add_argument(
        "--dry-run", action="store_true", help="print the plan (uploads, deletions, bytes); change nothing"
    )
    d.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="the built folder to deploy (default: output_dir in site.yml)",
    )
    _config_option(d)
    _debug_option(d)


def _config_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--config",
        type=Path,
        default=Path("site.yml"),
        metavar="FILE",
        help="site configuration (default: site.yml); the site's folder is the folder holding it",
    )


def _debug_option(command: argparse.ArgumentParser) -> None:
    """Errors are one line; a bug report needs the whole traceback."""
    command.add_argument(
        "--debug", action="store_true", help="print the full traceback of an unexpected error or OS error"
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `digest` console script."""
    args = parser().parse_args(argv)
    if args.command == "init":
        return _init(args)
    if args.command == "new":
        return _new(args)
    if args.command == "import":
        return _import(args)
    if args.command == "check":
        return _check(args)
    if args.command == "email":
        return _email(args)
    if args.command == "deploy":
        return _deploy(args)
    try:
        if args.command == "serve":
            return _serve(args)
        with _stopped_by_sigterm():
            return _build(args)
    except BuildError as failed:
        for error in failed.errors:
            print(_shown(error), file=sys.stderr)
        print(
            f"build failed: {len(failed.errors)} error(s); the previous output is unchanged", file=sys.stderr
        )
    except DigestError as error:
        _failed(error)
    except KeyboardInterrupt:
        print("interrupted; the previous output is unchanged", file=sys.stderr)
        return 130
    except Terminated:
        print("stopped (SIGTERM); the previous output is unchanged", file=sys.stderr)
        return 128 + signal.SIGTERM
    except OSError as error:  # a full disk, a read-only folder: the user's to fix, not a bug
        _traceback_if(args, error)
        _failed(explain(error, fallback=args.config.parent))
    except Exception as error:
        _traceback_if(args, error)
        print(
            f"internal error: {type(error).__name__}: {error}; run with --debug for the traceback",
            file=sys.stderr,
        )
    return 1


def _failed(error: DigestError) -> None:
    """One mistake the user can fix, and the reassurance that nothing was half done."""
    print(_shown(error), file=sys.stderr)
    print("build failed; the previous output is unchanged", file=sys.stderr)


def _traceback_if(args: argparse.Namespace, error: BaseException) -> None:
    """The full traceback, for a bug report, only when asked for: one line says what to fix."""
    if args.debug or getattr(args, "verbose", False):
        traceback.print_exception(error)


class Terminated(BaseException):
    """SIGTERM during a build: like Ctrl-C, not an error, so `except Exception` never swallows it."""


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """Turn SIGTERM into `Terminated` where the build is, so it rolls back and cleans up as on a failure."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _build(args: argparse.Namespace) -> int:
    overrides = {"base_url": args.base_url} if args.base_url else {}
    config = load_config(args.config, overrides)
    show_progress = sys.stderr.isatty() and not args.quiet
    with site_locked(config.root, _silent if args.quiet else _waiting):
        state = BuildState.empty(config.root) if args.clean else BuildState.load(config.root)
        options = Options(args.drafts, args.future, args.output, _progress if show_progress else None)
        report = build(config, state, options)
    if show_progress:
        print("\r\033[K", end="", file=sys.stderr)
    if not args.quiet:
        _print_warnings(report.warnings, verbose=args.verbose)
        for note in report.notes:
            print(f"note: {_shown(note)}", file=sys.stderr)
        _print_summary(report, args.output or config.output_path, verbose=args.verbose)
    return 0


def _init(args: argparse.Namespace) -> int:
    """`digest init`: its own failure line, since it has no previous output to keep."""
    from digest.curator.init import init_site

    try:
        made = init_site(args.dir, args.title)
    except DigestError as error:
        print(_shown(error), file=sys.stderr)
    except OSError as error:
        told = explain(error, fallback=args.dir)
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):  # the general fix names --output
            what = told.message.split(" — ")[0]
            told = DigestError(told.path, None, f"{what} — choose a folder you can write to")
        print(_shown(told), file=sys.stderr)
    else:
        where = _relative(args.dir)
        print(f"made a new digest in {where.as_posix()}/:")
        for name in made:
            print(f"  {name}")
        print("next: edit site.yml (title, base_url), then")
        go = "" if where == Path() else f"cd {shlex.quote(where.as_posix())} && "
        print(f"  {go}digest build && digest serve")
        return 0
    print("init failed; nothing was written", file=sys.stderr)
    return 1


def _new(args: argparse.Namespace) -> int:
    """`digest new`: prints the new file's path, then what the curator should know about it."""
    from digest.curator.new import create_story, dated, open_editor
    from digest.curator.story_file import NewStory

    try:
        config = load_config(args.config)
        when = dated(config, args.date)
        story = NewStory(args.headline, when, args.url, args.source, args.location, args.tags, args.summary,
                         draft=args.draft, edition=args.edition, slug=args.slug)  # fmt: skip
        created = create_story(config, story)
    except BuildError as failed:
        for error in failed.errors:
            print(_shown(error), file=sys.stderr)
    except DigestError as error:
        print(_shown(error), file=sys.stderr)
    except OSError as error:
        print(_shown(explain(error, fallback=args.config.parent)), file=sys.stderr)
    else:
        print(_relative(created.path).as_posix())
        _print_warnings(created.warnings, verbose=True)
        if not args.edit:
            return 0
        try:
            open_editor(_relative(created.path))
        except DigestError as error:
            print(_shown(error), file=sys.stderr)
            return 1
        return 0
    print("new failed; nothing was written", file=sys.stderr)
    return 1


def _deploy(args: argparse.Namespace) -> int:
    """`digest deploy`: its own failure line, since the target, not the output, is what changed."""
    from digest.deploy.run import choose_target, deploy

    try:
        config = load_config(args.config)
        chosen = choose_target(config, args.target, args.config)
        output = (args.output or config.output_path).resolve()
        with site_locked(config.root, _waiting):  # no build swaps the output while it is read
            done = deploy(config, chosen, output, args.config, dry_run=args.dry_run)
    except BuildError as failed:
        for error in failed.errors:
            print(_shown(error), file=sys.stderr)
    except DigestError as error:
        print(_shown(error), file=sys.stderr)
    except OSError as error:
        _traceback_if(args, error)
        print(_shown(explain(error, fallback=args.config.parent)), file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted; the target still serves a complete site — run digest deploy again to finish",
              file=sys.stderr)  # fmt: skip
        return 130
    else:
        _print_deployed(done, dry_run=args.dry_run)
        return 0
    print(
        "deploy failed; the target still serves a complete site (removals come last) — "
        "fix the above and run digest deploy again to finish",
        file=sys.stderr,
    )
    return 1


def _import(args: argparse.Namespace) -> int:
    """`digest import`: one line per story written, a line per feed that failed, then a summary."""
    from digest.content.dates import parse_date
    from digest.curator.feed_import import ImportOptions, import_feeds

    try:
        config = load_config(args.config)
        since = parse_date(args.since, config.tz) if args.since else None
        options = ImportOptions(since, args.limit, tuple(args.tag), args.dry_run)
        verb = "would write" if args.dry_run else "wrote"
        told = lambda line: print(line, file=sys.stderr)  # noqa: E731
        tally = import_feeds(
            config, args.feeds, options, lambda path: print(verb, _relative(path).as_posix()), told
        )
    except DigestError as error:
        print(_shown(error), file=sys.stderr)
    except OSError as error:
        _traceback_if(args, error)
        print(_shown(explain(error, fallback=args.config.parent)), file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted; only the stories listed above were written", file=sys.stderr)
        return 130
    else:
        print(tally.summary(args.dry_run, len(args.feeds)))
        return 1 if tally.failed else 0
    print("import stopped; only the stories listed above were written", file=sys.stderr)
    return 1


def _count_option(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"`{text}` is not a whole number of stories, 1 or more")
    return int(text)


def _check(args: argparse.Namespace) -> int:
    """`digest check`: findings on stdout, one line each (or JSON), then the summary; 1 if any fails."""
    from digest.curator.check import Outcome, run_check
    from digest.curator.external import Settings
    from digest.curator.findings import as_json, failing, summary

    external = Settings(timeout=args.timeout, host_delay=args.host_delay) if args.external else None
    try:
        with _stopped_by_sigterm():
            outcome = run_check(args.config, external, _silent if args.format == "json" else _waiting)
    except BuildError as failed:  # site.yml: nothing else can be checked
        outcome = Outcome.stopped(failed.errors)
    except DigestError as error:
        outcome = Outcome.stopped([error])
    except KeyboardInterrupt:
        print("check interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("check stopped (SIGTERM)", file=sys.stderr)
        return 128 + signal.SIGTERM
    except OSError as error:  # a full disk for the scratch build, a read-only cache
        _traceback_if(args, error)
        outcome = Outcome.stopped([explain(error, fallback=args.config.parent)])
    found, strict = outcome.findings, args.strict
    if args.format == "json":
        print(as_json(found, strict=strict, stories=outcome.stories, pages=outcome.pages, relative=_relative))
    else:
        for finding in found:
            print(finding.shown(_relative))
        print(summary(found, strict=strict, stories=outcome.stories, pages=outcome.pages))
    return 1 if failing(found, strict=strict) else 0


def _email(args: argparse.Namespace) -> int:
    """`digest email`: its own failure line, since it has no output to keep, only mail not sent."""
    from digest.newsletter.command import mail_edition

    try:
        require_config(args.config)
        with site_locked(args.config.parent.resolve(), _waiting):
            mailed = mail_edition(
                args.config,
                args.edition,
                output=args.output,
                draft=args.draft,
                deliver=args.send,
                to=tuple(args.to),
            )
    except BuildError as failed:
        for error in failed.errors:
            print(_shown(error), file=sys.stderr)
        print(f"email failed: {len(failed.errors)} error(s); nothing was sent", file=sys.stderr)
    except DigestError as error:
        print(_shown(error), file=sys.stderr)
        print("email failed; nothing was sent", file=sys.stderr)
    except OSError as error:
        _traceback_if(args, error)
        print(_shown(explain(error, fallback=args.output or args.config.parent)), file=sys.stderr)
        print("email failed; nothing was sent", file=sys.stderr)
    else:
        if mailed.written:
            print(
                f"wrote edition {mailed.number}, “{mailed.title}”, to {_relative(mailed.written).as_posix()}"
            )
        if mailed.sent:
            print(f"sent edition {mailed.number}, “{mailed.title}”, to {len(mailed.sent)} reader(s)")
        for address, (code, answer) in mailed.refused.items():
            said = answer.decode(errors="replace")
            print(f"the relay refused {address}: {code} {said} — check the address", file=sys.stderr)
        return 1 if mailed.refused else 0
    return 1


def _print_deployed(done: Deployed, *, dry_run: bool) -> None:
    """The plan (dry run) or what was done, and the URL paths a CDN should forget."""
    plan, target = done.plan, done.target
    name = target.url if target.name == target.url else f"{target.name} ({target.url})"
    if dry_run:
        for local in plan.uploads:
            print(f"upload  {local.path} ({local.size:,} bytes)")
        for path in plan.deletions:
            print(f"delete  {path}")
        print(
            f"dry run: {len(plan.uploads)} upload(s), {_size(plan.bytes)}, and {len(plan.deletions)} "
            f"deletion(s) to {name}; nothing was changed"
        )
        return
    if not (plan.uploads or plan.deletions):
        print(f"{name} is up to date: nothing to upload or delete")
        return
    print(
        f"deployed to {name}: {len(plan.uploads)} file(s) uploaded, {_size(plan.bytes)}, "
        f"{len(plan.deletions)} deleted, in {done.seconds:.2f} s"
    )
    if done.changed:
        print("changed paths (for a CDN invalidation):")
        for url in done.changed:
            print(f"  {url}")


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 100_000 else f"{count:,} bytes"


def _serve(args: argparse.Namespace) -> int:
    from digest.preview.serve import serve  # tornado and livereload load only for the preview

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
            allowed_hosts=tuple(args.allow_host),
        )
    except OSError as exc:
        raise DigestError(
            args.config, None, f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from None
    except KeyboardInterrupt:
        print("stopped", flush=True)
    return 0


def _waiting(busy: Busy) -> None:
    """One line, so a build that waits for another is not mistaken for one that hangs."""
    print(busy.message(), file=sys.stderr, flush=True)


def _silent(_busy: Busy) -> None:
    """With --quiet the wait goes unannounced, like everything but errors."""


def _progress(stage: str, done: int, total: int) -> None:
    """A single updating line, only for sites big enough to wait for."""
    if total >= 500 and (done % 100 == 0 or done == total):
        print(f"\r{stage} {done}/{total}", end="", file=sys.stderr, flush=True)


def _allowed_host(text: str) -> str:
    """`--allow-host`, checked by the module that uses it (loaded only when the option is given)."""
    from digest.preview.hosts import allowed_host

    return allowed_host(text)


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
