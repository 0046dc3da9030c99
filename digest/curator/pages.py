"""The built pages as a link checker reads them: their links, their ids and any unrendered template text."""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

# the attributes that load or link something; the output is digest's own HTML, and raw HTML in a
# story may quote with ' as well as "
_LINK = re.compile(
    r"<(a|area|link|img|script|source|video|audio|iframe|track|embed)\b[^>]*?\s(href|src)\s*=\s*"
    r"(?:\"([^\"]*)\"|'([^']*)')",
    re.I,
)
_ID = re.compile(r"<[a-z][^>]*?\s(?:id|name)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)
# what readers must never see: the shortcodes and tags of Hugo, Jekyll, Liquid and Jinja, here as the
# HTML holds them (`<` may be escaped), each on one line and closed
_SYNTAX = re.compile(
    r"\{\{-?\s*(?:<|&lt;)(?:(?!\}\}).){0,2000}?(?:>|&gt;)\s*-?\}\}"
    r"|\{\{-?\s*%(?:(?!\}\}).){0,2000}?%\s*-?\}\}"
    r"|\{%-?(?:(?!%\}).){1,2000}?-?%\}"
    r"|\{\{(?:(?!\}\}).){1,2000}?\}\}"
)
# code is where a story may show template syntax on purpose; scripts and meta tags hold copies of the
# summary, which the story's own text is checked for
_QUOTED = re.compile(r"<(pre|code|script|style|textarea)\b.*?</\1\s*>|<meta\b[^>]*>", re.I | re.S)
_TEMPLATED = re.compile(r"\{\{|\{%")


class Link(NamedTuple):
    """An href or src on a page, as written there (entities decoded): a million on a big site."""

    element: str
    target: str


@dataclass(frozen=True, slots=True)
class Page:
    """What the checks need from one HTML file of the output."""

    path: str  # relative to the output folder, e.g. `2022/09/story/index.html`
    links: tuple[Link, ...]
    ids: frozenset[str]
    syntax: tuple[str, ...]  # unrendered template snippets, each once


@dataclass(frozen=True, slots=True)
class Output:
    """A built site: every file in it, and every HTML page read."""

    folder: Path
    files: frozenset[str]
    pages: dict[str, Page]


def read_output(folder: Path) -> Output:
    """Every file of a built site, and its pages read: one pass over the folder."""
    files = set()
    prefix = len(str(folder)) + 1
    for top, _dirs, names in os.walk(folder):
        files.update(os.path.join(top, name)[prefix:] for name in names)  # noqa: PTH118 (strings: fast)
    pages = {name: read_page(name, folder) for name in sorted(files) if name.endswith(".html")}
    return Output(folder, frozenset(files), pages)


def read_page(name: str, folder: Path) -> Page:
    """One page's links, ids and unrendered template text."""
    text = (folder / name).read_text(encoding="utf-8", errors="replace")
    links = tuple(
        Link(m.group(1).lower(), html.unescape(m.group(3) if m.group(3) is not None else m.group(4)))
        for m in _LINK.finditer(text)
    )
    ids = frozenset(html.unescape(a if a is not None else b) for a, b in _ID.findall(text))
    targets = (unquote(link.target) for link in links)
    templated = tuple(target[found.start() :] for target in targets if (found := _TEMPLATED.search(target)))
    return Page(name, links, ids, unrendered(text) + templated)


def unrendered(text: str) -> tuple[str, ...]:
    """Template or shortcode syntax left in a page (outside code and scripts), each snippet once."""
    if "{{" not in text and "{%" not in text:
        return ()
    visible = _QUOTED.sub(" ", text)
    found = {" ".join(html.unescape(m.group(0)).split()): None for m in _SYNTAX.finditer(visible)}
    return tuple(found)
