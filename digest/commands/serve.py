"""`digest serve`: the live preview, which runs until Ctrl-C."""

from __future__ import annotations

import argparse
import dataclasses
import gc

from digest.commands.build import ENDING as BUILD_ENDING
from digest.commands.common import Commands, command_parser
from digest.config.load import require_config
from digest.errors import DigestError

# a preview's first build fails as a build does; SIGTERM ends it at once, and Ctrl-C normally
ENDING = dataclasses.replace(BUILD_ENDING, stopped=None)


def add_parser(commands: Commands) -> None:
    """`digest serve`: its options, with examples."""
    s = command_parser(
        commands,
        "serve",
        summary="preview the site with live reload while you write",
        description="Build the site into .digest-cache/preview/, serve it, and rebuild and reload the "
        "browser on every save. Drafts and future articles are shown (and marked) by default.",
        epilog="examples:\n  digest serve --open\n"
        "  digest serve --host 0.0.0.0 --allow-host mylaptop.lan --no-drafts",
    )
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
    s.set_defaults(handler=run, ending=ENDING)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C, which ends it normally (exit status 0)."""
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


def _allowed_host(text: str) -> str:
    """`--allow-host`, checked by the module that uses it (loaded only when the option is given)."""
    from digest.preview.hosts import allowed_host

    return allowed_host(text)
