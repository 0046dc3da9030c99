"""`digest email`: an edition as an .eml file, or delivered over SMTP to the configured readers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from digest.build import build_now
from digest.config.email import parse_address
from digest.config.load import load_config
from digest.errors import DigestError
from digest.incremental.state import BuildState
from digest.newsletter.edition import letter
from digest.newsletter.message import compose
from digest.newsletter.smtp import send


class Mailed(NamedTuple):
    """What `digest email` did, for the command line to tell."""

    number: int
    title: str
    written: Path | None
    sent: tuple[str, ...]
    refused: dict[str, tuple[int, bytes]]
    html_bytes: int  # over CLIP_BYTES even as headlines: Gmail will clip it


def mail_edition(
    config_path: Path,
    number: int | None,
    *,
    output: Path | None,
    draft: bool,
    deliver: bool,
    to: tuple[str, ...],
) -> Mailed:
    """Make the message; write it to `output` (default edition-N.eml unless sending); send if asked."""
    config = load_config(config_path)
    email = config.email
    if email is None:
        raise DigestError(
            config_path,
            None,
            "no `email:` section — add `email:` with at least `from: The Brief <brief@example.org>`",
        )
    recipients = tuple(_address(config_path, text) for text in to) or email.to
    if deliver and email.smtp is None:
        raise DigestError(
            config_path,
            None,
            "no relay to send through — add `smtp:` with a `host:` under `email:`",
        )
    if deliver and not recipients:
        raise DigestError(
            config_path,
            None,
            "no one to send to — add `to:` under `email:`, or pass --to ADDR",
        )
    made = letter(config, BuildState.load(config.root), number, draft=draft, where=config_path)
    message = compose(config, email, made, recipients, build_now())
    written = output or (None if deliver else Path(f"edition-{made.number}.eml"))
    if written is not None:
        written.write_bytes(message.as_bytes())
    refused = {}
    if deliver and email.smtp is not None:
        refused = send(email.smtp, message, recipients, os.environ, config_path)
    sent = tuple(r for r in recipients if r not in refused) if deliver else ()
    return Mailed(made.number, made.title, written, sent, refused, len(made.html.encode("utf-8")))


def _address(config_path: Path, text: str) -> str:
    """An address given with --to, checked as site.yml's are."""
    address = parse_address(text)
    if address is None:
        raise DigestError(
            config_path, None, f"--to `{text}` is not one email address — write it as `reader@example.org`"
        )
    return address
