"""Links on the built pages: internal pages, `#anchors` and images must exist, URLs must be well formed.

Each finding is reported where it was written: the story's line when a story page holds it, else
site.yml's line (a `nav` link), else the output page (a theme template), once for all pages.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from digest.content.article import Article
from digest.curator import addresses
from digest.curator.findings import Finding
from digest.curator.origins import Origins
from digest.curator.pages import Link, Page
from digest.urls import is_external

Place = tuple[Path, int | None]  # a file and its line
Spellings = tuple[str, ...]  # the ways a link may be written in a story or site.yml, likeliest first
_MEDIA = frozenset({"img", "source", "video", "audio", "track", "embed"})
_UP = re.compile(r"^(?:\.\.?/)+")
_TEMPLATED = re.compile(r"\{\{|\{%")
_ANCHOR_FIX = "link a heading's id (shown in the page's HTML), or remove the #fragment"
_IMAGE_FIX = "add it, or fix the path"


class Anchor(NamedTuple):
    """A link to another page's #fragment, checked once every page's ids are known."""

    file: str
    fragment: str
    page: str
    spellings: Spellings
    shown: str


class LinkChecker:
    """Told each page in turn, then `finish`ed: the findings, and the outside URLs with their places.

    Most links of a big site are the theme's, alike on every page at one depth (`../../tags/x/`): a
    link found fine there is not looked at again, so 15,000 pages cost little more than their reading.
    """

    def __init__(self, files: frozenset[str], origins: Origins, base_url: str, *, places: bool) -> None:
        self.files, self.origins = files, origins
        self.base = urlsplit(base_url if base_url.endswith("/") else base_url + "/")
        self.places = places  # where outside links are written, for --external: reads story files
        self.md_pages = {n: a.url for a in origins.stories.values() for n in (a.path.name, f"{a.slug}.md")}
        self.findings: list[Finding] = []
        self.external: dict[str, list[Place]] = {}
        self._unplaced: dict[str, str] = {}  # an outside URL → the first page showing it
        self._elsewhere: dict[tuple[str, str], list[str]] = defaultdict(list)  # (kind, message) → pages
        self._spelt: dict[tuple[str, str], Spellings] = {}
        self._fine: set[tuple[int, str]] = set()  # (depth, link): fine on any page at that depth
        self._anchors: list[Anchor] = []

    def page(self, page: Page) -> None:
        """Check one page's links (each once)."""
        depth = page.path.count("/")
        story = self.origins.story(page.path)
        seen: set[str] = set()
        for link in page.links:
            if (depth, link.target) in self._fine or link.target in seen:
                continue
            seen.add(link.target)
            if self._one(page, story, link, depth):
                self._fine.add((depth, link.target))

    def finish(self, ids: dict[str, frozenset[str]]) -> list[Finding]:
        """The findings, once every page has been seen: anchors on other pages, links no story wrote."""
        for anchor in self._anchors:
            if unquote(anchor.fragment) not in ids.get(anchor.file, frozenset({anchor.fragment})):
                message = _no_anchor(f"{anchor.shown}#{anchor.fragment}", anchor.fragment, "there")
                self._report(anchor.page, anchor.spellings, "anchor", message)
        for url, places in self.external.items():
            places[:] = dict.fromkeys(places)  # a story's line once, however many links show it
            if not places:  # shown by the theme or site.yml only
                places.append((self.origins.page_path(self._unplaced[url]), None))
        for (kind, message), pages in self._elsewhere.items():
            self.findings.append(self._grouped(kind, message, self._spelt[(kind, message)], pages))
        return self.findings

    def _one(self, page: Page, story: Article | None, link: Link, depth: int) -> bool:
        """One link: a finding, an outside URL to ask later, or fine; True when fine from any such page."""
        target = link.target.strip()
        if target in ("", "#") or target.startswith(("?", "#?")) or _TEMPLATED.search(unquote(target)):
            return True  # template syntax in a link is reported as such
        if target.startswith("#"):
            if unquote(target[1:]) not in page.ids and target != "#top":
                message = _no_anchor(target, target[1:], "on this page")
                self._report(page.path, (target,), "anchor", message)
            return False
        if is_external(target):
            return self._absolute(page, story, link)
        path, _, fragment = target.partition("#")
        path = path.split("?", 1)[0]
        ups = _UP.match(path)
        tail = unquote(path[ups.end() :] if ups else path)
        if addresses.LOOKS_EXTERNAL.match(tail) or "://" in tail:
            message = f"link `{tail}` looks like a mistyped web address — {addresses.FIX}"
            self._report(page.path, (tail,), "url", message)
            return False
        if path.startswith("/"):  # from the server's root: the site is at base_url's path
            if not path.startswith(self.base.path):
                message = (
                    f"link to {path} is outside the site's path {self.base.path} — link {self.base.path}…"
                )
                self._report(page.path, (path,), "link", message + " instead")
                return False
            site_path, anywhere = posixpath.normpath(unquote(path[len(self.base.path) :])), True
        else:
            here = posixpath.dirname(page.path)
            site_path = posixpath.normpath(posixpath.join(here, unquote(path)))
            anywhere = depth == 0 or (ups is not None and ups.group().count("../") == depth)
        if site_path.startswith("../") or site_path == "..":
            written = path[3 * depth :] if path.startswith("../" * depth) else path  # less the page's climb
            message = f"link to `{written}` climbs above the site's root — link a page of the site"
            self._report(page.path, (written,), "link", message)
            return False
        site_path = "" if site_path == "." else site_path + ("/" if path.endswith("/") else "")
        return self._internal(page, Link(link.element, tail), site_path, fragment) and anywhere

    def _absolute(self, page: Page, story: Article | None, link: Link) -> bool:
        """A link with a scheme: under base_url it is internal; else well formed, and asked later."""
        target = link.target.strip()
        url = "https:" + target if target.startswith("//") else target
        if problem := addresses.problem(url):
            self._report(page.path, (target,), "url", f"link {problem}")
            return False
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            return True
        if parts.netloc.lower() == self.base.netloc.lower() and parts.path.startswith(self.base.path):
            site_path = posixpath.normpath(unquote(parts.path[len(self.base.path) :]) or ".")
            site_path = "" if site_path == "." else site_path + ("/" if parts.path.endswith("/") else "")
            return self._internal(page, link, site_path, parts.fragment)
        places = self.external.setdefault(url, [])
        self._unplaced.setdefault(url, page.path)
        if self.places and story is not None:
            places.extend((story.path, n) for n in self.origins.url_lines(story.path, (target,)))
            return False
        return not self.places  # without --external, an outside link is looked at once

    def _internal(self, page: Page, link: Link, site_path: str, fragment: str) -> bool:
        """A link to a page or file of the site: it must exist, and so must its `#fragment`."""
        shown = "/" + site_path.lstrip("/")
        file = self._served(site_path)
        spellings = (link.target, shown + (f"#{fragment}" if fragment else ""), shown, site_path.rstrip("/"))
        if file is None:
            if link.element in _MEDIA:
                message = (
                    f"image {shown} — no such file in the content or static folder; add it, or fix the path"
                )
                self._report(page.path, spellings, "image", message)
                return False
            story = self.md_pages.get(posixpath.basename(site_path)) if site_path.endswith(".md") else None
            fix = f"link the story's address, /{story}" if story else "fix the address, or remove the link"
            self._report(page.path, spellings, "link", f"link to {shown} — no such page; {fix}")
            return False
        if fragment in ("", "top") or not file.endswith(".html"):
            return True
        if file == page.path:
            if unquote(fragment) not in page.ids:
                message = _no_anchor(f"{shown}#{fragment}", fragment, "there")
                self._report(page.path, spellings, "anchor", message)
            return False
        self._anchors.append(Anchor(file, fragment, page.path, spellings, shown))
        return False

    def _served(self, site_path: str) -> str | None:
        """The output file a web server answers a site path with, or None."""
        if site_path in ("", "/", "."):
            return "index.html" if "index.html" in self.files else None
        if site_path.endswith("/"):
            name = site_path + "index.html"
            return name if name in self.files else None
        if site_path in self.files:
            return site_path
        name = site_path + "/index.html"  # servers redirect a folder's address to its slash form
        return name if name in self.files else None

    def _report(self, page: str, spellings: Spellings, kind: str, message: str) -> None:
        """A finding at each story line that wrote the link; a link from the theme or site.yml is grouped."""
        story = self.origins.story(page)
        lines = self.origins.url_lines(story.path, spellings) if story else []
        if story and lines:
            self.findings.extend(Finding(story.path, line, message, kind) for line in lines)
        else:
            self._elsewhere[(kind, message)].append(page)
            self._spelt.setdefault((kind, message), spellings)

    def _grouped(self, kind: str, message: str, spellings: Spellings, pages: list[str]) -> Finding:
        """One finding for a link that no story wrote: at site.yml's line that writes it, else the page."""
        count = f" (on {len(pages)} pages)" if len(pages) > 1 else ""
        lines = self.origins.url_lines(self.origins.config_file, spellings)
        if lines:
            return Finding(self.origins.config_file, lines[0], message + count, kind)
        return Finding(self.origins.page_path(pages[0]), None, message + count, kind)


def _no_anchor(link: str, fragment: str, where: str) -> str:
    """The message for a #fragment that names no element."""
    return f"link to {link} — no element with id `{fragment}` {where}; {_ANCHOR_FIX}"
