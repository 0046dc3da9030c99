"""A real SMTP relay on 127.0.0.1 for the newsletter tests (aiosmtpd): what it received, and its TLS."""

from __future__ import annotations

import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "curator", "correct horse battery staple"


@dataclass
class Inbox:
    """Every message the relay accepted, with the envelope it came in."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        local = envelope.content.replace(b"\r\n", b"\n")  # as a mailbox stores it: SMTP's CRLF made local
        parsed = message_from_bytes(local, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if address.startswith("nobody@"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    """Accepts one user and password, as a real relay's account."""
    good = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=good, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def relay(
    *, auth: bool = False, tls: ssl.SSLContext | None = None, implicit_tls: bool = False
) -> Iterator[tuple[int, Inbox]]:
    """An SMTP server for the test: AUTH over plain text when `auth`, STARTTLS or SSL with `tls`."""
    inbox = Inbox()
    port = free_port()
    options: dict[str, Any] = {"hostname": "127.0.0.1", "port": port}
    if auth:
        options |= {"authenticator": _authenticate, "auth_require_tls": False}
    if tls is not None and implicit_tls:
        options["ssl_context"] = tls
    elif tls is not None:
        options |= {"tls_context": tls, "require_starttls": True}
    controller = Controller(inbox, **options)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def self_signed(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for 127.0.0.1 (openssl), and the server's context holding it."""
    cert, key = folder / "relay.pem", folder / "relay.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context
