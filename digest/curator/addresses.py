"""Whether a URL written in a story is well formed: a host that can exist, a known scheme, no typo."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

_SPACE = re.compile(r"[\x00-\x20\x7f]")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# schemes a page may link besides http(s); anything else is most likely a typo (`htps:`, `http;`)
KNOWN_SCHEMES = frozenset(
    {"http", "https", "mailto", "tel", "sms", "ftp", "ftps", "sftp", "ssh", "git", "irc", "ircs", "news"}
    | {"nntp", "geo", "magnet", "data", "feed", "webcal", "xmpp", "matrix", "sip", "urn", "javascript"}
    | {"about", "blob"}
)
# a path in the site that is really a web address missing its scheme: `www.x.org`, `https//x.org`
LOOKS_EXTERNAL = re.compile(r"^(?:https?:?/+|www\.[^/]+\.[a-z]{2,})", re.I)
FIX = "write it as https://host/path"


def split(url: str) -> SplitResult | str:
    """The URL's parts, or why it cannot be one."""
    if _SPACE.search(url.strip()):
        return f"`{url}` has a space or an invisible character — write spaces as %20, delete the others"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (reading it checks the port: a number under 65536)
    except ValueError as exc:
        return f"`{url}` is not a valid URL ({exc}) — {FIX}"
    return parts


def problem(url: str) -> str | None:
    """Why a link with a scheme is malformed, or None."""
    parts = split(url)
    if isinstance(parts, str):
        return parts
    scheme = parts.scheme.lower()
    if scheme not in KNOWN_SCHEMES:
        return f"`{url}`: unknown scheme `{parts.scheme}:` — {FIX} (or mailto:…)"
    if scheme == "mailto" and "@" not in parts.path:
        return f"`{url}` names no address — write mailto:name@example.org"
    if scheme in ("http", "https"):
        return host_problem(url, parts)
    return None


def host_problem(url: str, parts: SplitResult) -> str | None:
    """Why the host of an http(s) URL cannot exist, or None."""
    host = parts.hostname
    if not host:
        return f"`{url}` has no host — {FIX}"
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"`{url}` has an invalid IPv6 address — {FIX}"
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return f"`{url}` has an invalid host name `{host}` — {FIX}"
    labels = ascii_host.rstrip(".").split(".")
    if not all(_LABEL.match(label) for label in labels):
        return f"`{url}` has an invalid host name `{host}` — {FIX}"
    return None
