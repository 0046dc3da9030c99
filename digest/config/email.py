"""`email:` in site.yml → EmailConfig: the newsletter's addresses and relay, checked at load.

A mistake here would only show when the newsletter is sent, so it is caught with the rest of
site.yml, on the line of the key that is wrong.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any, Protocol

import yaml

from digest.config.hints import did_you_mean
from digest.config.site_config import EmailConfig, SmtpConfig
from digest.errors import DigestError

KEYS = ("from", "to", "reply_to", "list_unsubscribe", "smtp")
SMTP_KEYS = ("host", "port", "security", "user", "password_env")
# the usual port of each, when none is given
SECURITY_PORTS = MappingProxyType({"starttls": 587, "ssl": 465, "none": 25})
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Checker(Protocol):
    """load.py's checker, as this module uses it."""

    def fail(self, key: str, message: str) -> DigestError: ...
    def mapping(self, key: str, value: Any) -> dict[str, Any]: ...
    def text(self, key: str, value: Any) -> str: ...


def email_config(check: Checker, value: Any) -> EmailConfig:
    """The `email:` mapping, every address parsed, the relay complete, and no password in the file."""
    options = check.mapping("email", value)
    for key in options:
        if key not in KEYS:
            raise _fail(check, f"email.{key}", f"unknown key `{key}`{did_you_mean(str(key), KEYS)}")
    if "from" not in options:
        raise _fail(check, "email", "missing `from` — add a line `from: The Brief <brief@example.org>`")
    sender = _address(check, "email.from", options["from"])
    to = tuple(_address(check, "email.to", item) for item in _listed(options.get("to", [])))
    reply_to = options.get("reply_to")
    unsubscribe = tuple(_unsubscribe(check, item) for item in _listed(options.get("list_unsubscribe", [])))
    smtp = options.get("smtp")
    return EmailConfig(
        sender,
        to,
        None if reply_to is None else _address(check, "email.reply_to", reply_to),
        unsubscribe,
        None if smtp is None else _smtp(check, smtp),
    )


def _smtp(check: Checker, value: Any) -> SmtpConfig:
    options = check.mapping("email.smtp", value)
    for key in options:
        if key == "password":
            raise _fail(
                check,
                "email.smtp.password",
                "a password does not belong in site.yml, which is shared and kept in version control — "
                "delete this line and set the environment variable named by `password_env` "
                "(default DIGEST_SMTP_PASSWORD) where you run `digest email --send`",
            )
        if key not in SMTP_KEYS:
            raise _fail(check, f"email.smtp.{key}", f"unknown key `{key}`{did_you_mean(str(key), SMTP_KEYS)}")
    if "host" not in options:
        raise _fail(check, "email.smtp", "missing `host` — add a line `host: smtp.example.org`")
    host = check.text("email", options["host"])
    security = check.text("email", options.get("security", "starttls")).lower()
    if security not in SECURITY_PORTS:
        raise _fail(
            check,
            "email.smtp.security",
            f"`security` must be starttls, ssl or none, not `{security}` — starttls for port 587, "
            "ssl for port 465, none only for a relay on this machine",
        )
    port = options.get("port", SECURITY_PORTS[security])
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise _fail(check, "email.smtp.port", f"`port` must be a number from 1 to 65535, not `{port}`")
    user = options.get("user")
    password_env = check.text("email", options.get("password_env", "DIGEST_SMTP_PASSWORD"))
    if not _ENV_NAME.fullmatch(password_env):
        raise _fail(
            check,
            "email.smtp.password_env",
            f"`password_env` names an environment variable, like DIGEST_SMTP_PASSWORD, not `{password_env}`",
        )
    return SmtpConfig(host, port, security, None if user is None else check.text("email", user), password_env)


def _listed(value: Any) -> list[Any]:
    """One value or a list of them: `to: a@example.org` and `to: [a@…, b@…]` both read naturally."""
    return value if isinstance(value, list) else [value]


def _address(check: Checker, key: str, value: Any) -> str:
    """An address as a header holds it (`Name <a@example.org>` or `a@example.org`), checked by `email`."""
    text = check.text(key, value)
    address = parse_address(text)
    if address is None:
        raise _fail(
            check,
            key,
            f"`{text}` is not one email address — write it as `brief@example.org` or "
            "`The Brief <brief@example.org>` (quote it in YAML when it holds a `:` or `#`)",
        )
    return address


def parse_address(text: str) -> str | None:
    """One address, normalised as a header writes it, or None when `text` is not exactly one."""
    from email.errors import HeaderParseError  # loaded only for a site with an `email:` section
    from email.headerregistry import Address, HeaderRegistry

    try:
        header = HeaderRegistry()("To", text)
        addresses: tuple[Address, ...] = header.addresses  # type: ignore[attr-defined]
    except (HeaderParseError, ValueError, IndexError):
        return None
    if len(addresses) != 1 or header.defects or not addresses[0].domain or not addresses[0].username:
        return None
    return str(addresses[0])


def _unsubscribe(check: Checker, value: Any) -> str:
    """A List-Unsubscribe target: a mailto: address or a web address (RFC 2369, RFC 8058)."""
    url = check.text("email.list_unsubscribe", value)
    if not re.match(r"(?:mailto:[^@\s]+@[^@\s]+|https?://[^\s<>]+)\Z", url):
        raise _fail(
            check,
            "email.list_unsubscribe",
            f"`{url}` is not an unsubscribe address — use `mailto:leave@example.org` or an "
            "https:// page that unsubscribes (with one click, for List-Unsubscribe-Post)",
        )
    return url


def _fail(check: Checker, key: str, message: str) -> DigestError:
    """An error on the line of a nested key (`email.smtp.password`), found in site.yml's own nodes."""
    error = check.fail("email", message)
    line = nested_line(error.path, key)
    return DigestError(error.path, line or error.line, f"`{key}`: {message}")


def nested_line(path: Any, dotted: str) -> int | None:
    """The file line of a nested key, by walking site.yml's YAML nodes; None when it cannot be found."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError, AttributeError):
        return None
    line = None
    for part in dotted.split("."):
        if not isinstance(node, yaml.MappingNode):
            return line
        found = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part]
        if not found:
            return line
        key, node = found[-1]
        line = key.start_mark.line + 1
    return line
