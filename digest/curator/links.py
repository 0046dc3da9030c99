"""Links on the built pages: internal pages, `#anchors` and images must exist, URLs must be well formed.

Each finding is reported where it was written: the story's line when a story page holds it, else
site.yml's line (a `nav` link), else the output page (a theme template), once for all pages.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from digest.curator import addresses
from digest.curator.findings import Finding
from digest.curator.origins import Origins
from digest.curator.pages import Link, Output, Page
from digest.urls import is_external

_MEDIA = frozenset({"img", "source", "video", "audio", "track", "embed"})
_UP = re.compile(r"^(?:\.\.?/)+")
Spellings = tuple[str, ...]  # the ways a link may be written in a story or site.yml, likeliest first
_TEMPLATED = re.compile(r"\{\{|\{%")


@dataclass(slots=True)
class LinkCheck:
    """The findings of one pass over the pages, and the outside URLs met, each with where it is written."""

    findings: list[Finding] = field(default_factory=list)
    external: dict[str, list[tuple[Path, int | None]]] = field(default_factory=dict)
    unplaced: dict[str, str] = field(default_factory=dict)  # an outside URL → the first page showing it
    elsewhere: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))  # → pages
    spelt: dict[tuple[str, str], Spellings] = field(default_factory=dict)  # how the link may be written


def check_links(output: Output, origins: Origins, base_url: str) -> LinkCheck:
    """Every link of every page checked; outside links collected for `--external`."""
    base = urlsplit(base_url if base_url.endswith("/") else base_url + "/")
    check = LinkCheck()
    md_pages = {name: a.url for a in origins.stories.values() for name in (a.path.name, f"{a.slug}.md")}
    for page in output.pages.values():
        seen: set[str] = set()
        for link in page.links:
            if link.target in seen:
                continue
            seen.add(link.target)
            _one(check, output, origins, page, link, base, md_pages)
    for url, places in check.external.items():
        places[:] = dict.fromkeys(places)  # a story's line once, however many links show it
        if not places:  # shown by the theme or site.yml only
            places.append((origins.page_path(check.unplaced[url]), None))
    for (kind, message), pages in check.elsewhere.items():
        check.findings.append(_grouped(origins, kind, message, check.spelt[(kind, message)], pages))
    return check


def _one(
    check: LinkCheck,
    output: Output,
    origins: Origins,
    page: Page,
    link: Link,
    base: tuple[str, ...],
    md_pages: dict[str, str],
) -> None:
    """One link of one page: fine, a finding, or an outside URL to check later."""
    target = link.target.strip()
    if target in ("", "#") or target.startswith(("?", "#?")) or _TEMPLATED.search(unquote(target)):
        return  # template syntax in a link is reported as such
    if target.startswith("#"):
        if unquote(target[1:]) not in page.ids and target != "#top":
            message = f"link to {target} — no element with id `{target[1:]}` on this page; " + _ANCHOR_FIX
            _report(check, origins, page, [target], "anchor", message)
        return
    if is_external(target):
        _absolute(check, output, origins, page, link, base)
        return
    path, _, fragment = target.partition("#")
    path = path.split("?", 1)[0]
    tail = unquote(_UP.sub("", path))
    if addresses.LOOKS_EXTERNAL.match(tail) or "://" in tail:
        message = f"link `{tail}` looks like a mistyped web address — {addresses.FIX}"
        _report(check, origins, page, [tail], "url", message)
        return
    if path.startswith("/"):  # from the server's root: the site is at base_url's path
        if not path.startswith(base[2]):
            message = f"link to {path} is outside the site's path {base[2]} — link {base[2]}… instead"
            _report(check, origins, page, [path], "link", message)
            return
        path = path[len(base[2]) :]
        here = ""
    else:
        here = posixpath.dirname(page.path)
    site_path = posixpath.normpath(posixpath.join(here, unquote(path)))
    if site_path.startswith("../") or site_path == "..":
        message = f"link to `{target}` climbs above the site's root — link a page of the site"
        _report(check, origins, page, [tail], "link", message)
        return
    site_path = "" if site_path == "." else site_path + ("/" if path.endswith("/") else "")
    _internal(check, output, origins, page, Link(link.element, tail), site_path, fragment, md_pages)


def _absolute(
    check: LinkCheck, output: Output, origins: Origins, page: Page, link: Link, base: tuple[str, ...]
) -> None:
    """A link with a scheme: under base_url it is checked as internal, else it must be well formed."""
    target = link.target.strip()
    url = "https:" + target if target.startswith("//") else target
    if problem := addresses.problem(url):
        _report(check, origins, page, [target], "url", f"link {problem}")
        return
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return
    if parts.netloc.lower() == base[1].lower() and parts.path.startswith(base[2]):
        site_path = posixpath.normpath(unquote(parts.path[len(base[2]) :]) or ".")
        site_path = "" if site_path == "." else site_path + ("/" if parts.path.endswith("/") else "")
        _internal(check, output, origins, page, link, site_path, parts.fragment, {})
        return
    places = check.external.setdefault(url, [])
    places.extend(_places(origins, page, [target]))
    check.unplaced.setdefault(url, page.path)


def _internal(
    check: LinkCheck,
    output: Output,
    origins: Origins,
    page: Page,
    link: Link,
    site_path: str,
    fragment: str,
    md_pages: dict[str, str],
) -> None:
    """A link to a page or file of the site: it must exist, and so must its `#fragment`."""
    shown = "/" + site_path.lstrip("/")
    file = _served(output, site_path)
    spellings = [link.target, shown + (f"#{fragment}" if fragment else ""), shown, site_path.rstrip("/")]
    if file is None:
        if link.element in _MEDIA:
            message = f"image {shown} — no such file in the content or static folder; add it, or fix the path"
            _report(check, origins, page, spellings, "image", message)
            return
        story = md_pages.get(posixpath.basename(site_path)) if site_path.endswith(".md") else None
        fix = f"link the story's address, /{story}" if story else "fix the address, or remove the link"
        _report(check, origins, page, spellings, "link", f"link to {shown} — no such page; {fix}")
        return
    ids = output.pages[file].ids if file in output.pages else None
    if fragment not in ("", "top") and ids is not None and unquote(fragment) not in ids:
        message = f"link to {shown}#{fragment} — no element with id `{fragment}` there; " + _ANCHOR_FIX
        _report(check, origins, page, spellings, "anchor", message)


_ANCHOR_FIX = "link a heading's id (shown in the page's HTML), or remove the #fragment"


def _served(output: Output, site_path: str) -> str | None:
    """The output file a web server answers a site path with, or None."""
    if site_path in ("", "/", "."):
        return "index.html" if "index.html" in output.files else None
    if site_path.endswith("/"):
        name = site_path + "index.html"
        return name if name in output.files else None
    if site_path in output.files:
        return site_path
    name = site_path + "/index.html"  # servers redirect a folder's address to its slash form
    return name if name in output.files else None


def _places(origins: Origins, page: Page, spellings: list[str]) -> list[tuple[Path, int | None]]:
    """The story lines that wrote a link found on `page`; none when the page is not a story's own."""
    story = origins.story(page.path)
    if story is None:
        return []
    return [(story.path, line) for line in origins.url_lines(story.path, spellings)]


def _report(
    check: LinkCheck, origins: Origins, page: Page, spellings: list[str], kind: str, message: str
) -> None:
    """A finding at each story line that wrote the link; a link from the theme or site.yml is grouped."""
    places = _places(origins, page, spellings)
    if places:
        check.findings.extend(Finding(path, line, message, kind) for path, line in places)
    else:
        check.elsewhere[(kind, message)].append(page.path)
        check.spelt.setdefault((kind, message), tuple(spellings))


def _grouped(origins: Origins, kind: str, message: str, spellings: Spellings, pages: list[str]) -> Finding:
    """One finding for a link that no story wrote: at site.yml's line that writes it, else the page."""
    count = f" (on {len(pages)} pages)" if len(pages) > 1 else ""
    lines = origins.url_lines(origins.config_file, spellings)
    if lines:
        return Finding(origins.config_file, lines[0], message + count, kind)
    return Finding(origins.page_path(pages[0]), None, message + count, kind)
