"""The one rule for URLs a user writes (images, sources, nav links): nothing that runs or leaves the site."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]")  # spaces; browsers drop these in `java\tscript:`
ALLOWED = "an http(s) URL, a mailto: address or a path inside the site like /images/map.png"


def url_problem(url: str) -> str | None:
    """Why `url` may not be published (a script, another scheme, a path above the site), or None."""
    if _INVISIBLE.search(url):
        return f"`{url}` has a space or an invisible character — write spaces as %20, delete the others"
    scheme = _SCHEME.match(url)
    if scheme:
        name = scheme.group(1).lower()  # no invisible characters, so this is the scheme a browser sees
        if name in ("http", "https"):
            return None if urlsplit(url.strip()).netloc else f"`{url}` has no host — write {ALLOWED}"
        if name == "mailto":
            return None
        return f"`{scheme.group(0)}` links are not allowed — write {ALLOWED}"
    if url.startswith("//") or "\\" in url:
        return f"`{url}` is not a plain path — write {ALLOWED}"
    if local_path(url) is None:
        return f"`{url}` climbs out of the site with `..` — write {ALLOWED}"
    return None


def runs_script(url: str) -> bool:
    """Whether following `url` would run code (`javascript:`, `vbscript:`), as a browser reads it."""
    scheme = _SCHEME.match(_INVISIBLE.sub("", url))
    return scheme is not None and scheme.group(1).lower() in ("javascript", "vbscript")


def local_path(url: str) -> str | None:
    """A site-relative URL's file path (`/a/../b.png?x` → `b.png`), or None when it climbs out of the site."""
    parts: list[str] = []
    for part in unquote(url.split("#", 1)[0].split("?", 1)[0]).split("/"):
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)
