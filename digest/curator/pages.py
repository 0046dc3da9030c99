"""The built pages as a link checker reads them: their links, their ids and any unrendered template text."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple
from urllib.parse import unquote

# the attributes read, each found by a pattern that starts with its name: a literal start is what
# lets the regex engine skip through a page fast. The output is digest's own HTML ("), but raw HTML
# in a story may quote with ' too.
_ATTRIBUTES = MappingProxyType(
    {
        name: (re.compile(name + r'="([^"]*)"'), re.compile(name + r"='([^']*)'"))
        for name in ("href", "src", "id", "name")
    }
)
_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")
_SPACE = frozenset(" \t\n\r")
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


def output_files(folder: Path) -> frozenset[str]:
    """Every file of a built site, relative to its folder."""
    files = set()
    prefix = len(str(folder)) + 1
    for top, _dirs, names in os.walk(folder):
        files.update(os.path.join(top, name)[prefix:] for name in names)  # noqa: PTH118 (strings: fast)
    return frozenset(files)


def read_pages(folder: Path, files: frozenset[str]) -> Iterator[Page]:
    """Each HTML page of a built site, read one at a time (15,000 pages' links would fill memory)."""
    for name in sorted(files):
        if name.endswith(".html"):
            yield read_page(name, folder)


def read_page(name: str, folder: Path) -> Page:
    """One page's links, ids and unrendered template text."""
    text = (folder / name).read_text(encoding="utf-8", errors="replace")
    found = sorted(_attribute(text, "href") + _attribute(text, "src"))
    links = tuple(Link(_element(text, start), value) for start, value in found)
    ids = frozenset(value for _, value in _attribute(text, "id") + _attribute(text, "name"))
    return Page(name, links, ids, unrendered(text) + _templated(links))


def _attribute(text: str, name: str) -> list[tuple[int, str]]:
    """Where each `name="…"` attribute is, and its value with entities decoded (not `data-name=`)."""
    double, single = _ATTRIBUTES[name]
    found = [
        (match.start(), match.group(1))
        for pattern in ((double, single) if f"{name}='" in text else (double,))
        for match in pattern.finditer(text)
        if text[match.start() - 1] in _SPACE
    ]
    return [(start, html.unescape(value)) if "&" in value else (start, value) for start, value in found]


def _element(text: str, attribute: int) -> str:
    """The name of the tag an attribute at this position is in."""
    tag = _TAG_NAME.match(text, text.rfind("<", 0, attribute))
    return tag.group(1).lower() if tag else ""


def _templated(links: tuple[Link, ...]) -> tuple[str, ...]:
    """Template syntax in a link (`[a]({{< ref "x" >}})`), from its first brace, as the story wrote it."""
    found = []
    for link in links:
        if "{" in link.target or "%7B" in link.target or "%7b" in link.target:
            target = unquote(link.target)
            if start := _TEMPLATED.search(target):
                found.append(target[start.start() :])
    return tuple(found)


def unrendered(text: str) -> tuple[str, ...]:
    """Template or shortcode syntax left in a page (outside code and scripts), each snippet once."""
    if "{{" not in text and "{%" not in text:
        return ()
    visible = _QUOTED.sub(" ", text)
    found = {" ".join(html.unescape(m.group(0)).split()): None for m in _SYNTAX.finditer(visible)}
    return tuple(found)
