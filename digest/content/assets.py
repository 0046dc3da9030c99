"""Theme stylesheets and scripts get their content's hash in their name, so hosts may cache them for ever.

A page links `static/style.css`; the file is published as `static/style.3f2a9c1b0d4e.css`, and the
page's link says so. A changed stylesheet gets a new name, so a reader's browser or a CDN that keeps the
old one for a year never shows new pages with it. Only .css and .js files are renamed: fonts and images
are linked by name from inside stylesheets, which nothing rewrites.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

HASHED_SUFFIXES = (".css", ".js")
HASHED = re.compile(r"\.[0-9a-f]{12}\.(?:css|js)$")  # a name `hashed_name` made: its bytes never change


def hashed_name(path: str, data: bytes) -> str:
    """`static/style.css` → `static/style.<12 hex digits of its SHA-256>.css`."""
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:12]}{dot}{suffix}"


def hashed_assets(sources: dict[str, Path]) -> dict[str, str]:
    """Each theme asset's published name, by the name templates link it with (theme .css and .js only)."""
    return {
        path: hashed_name(path, source.read_bytes())
        for path, source in sources.items()
        if path.endswith(HASHED_SUFFIXES)
    }
