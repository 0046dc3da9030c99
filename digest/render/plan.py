"""Site → the list of pages to make: which exist, at what URL, from which template and data.

Deciding this is cheap and needs no template, so the sitemap and the build state can know every
page before any is rendered. Each page is planned as a `PageSpec`: the function that makes it and
what it is made from, so equal inputs can be seen to make an equal page without making it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from types import MappingProxyType
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from digest.config.site_config import SiteConfig, SourceEntry
from digest.content.article import Article, newest
from digest.render.metadata import article_data, home_data, source_data
from digest.site.model import EditionLink, Site, Term, Year
from digest.urls import encoded, output_file

PAGE_WINDOW = 2  # page links shown either side of the current one
LABELS = MappingProxyType(
    {"tags": "Stories tagged {}", "sources": "Stories from {}", "locations": "Stories datelined {}"}
)
STREAM = "stories/"  # the story stream's own pages, when the front page shows an edition
HEADINGS = MappingProxyType({"tags": "Tags", "sources": "Sources", "locations": "Locations"})
OPML = "sources.opml"  # the registry's feeds, for a feed reader: made when a source has a feed


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What every template knows about the page it renders."""

    title: str
    description: str
    kind: str
    url: str


@dataclass(frozen=True, slots=True)
class PageLink:
    number: int
    url: str
    current: bool


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where a list page sits among its siblings; `pages` is a window around the current one."""

    number: int
    total: int
    prev_url: str | None
    next_url: str | None
    pages: tuple[PageLink, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """One page to render: its template, what the template is given, and its newest change.

    The output path and sitemap entry (its URL percent-encoded, then XML-escaped, after `base_url`)
    are made with the page: every build needs both, and a page reused by the next build keeps them.
    """

    template: str
    info: PageInfo
    lastmod: datetime | None = None
    context: dict[str, Any] = field(default_factory=dict)
    structured_data: Callable[[], Any] | None = None  # JSON-LD, made only if the page is rendered
    # when one render is not the whole job (an email: CSS inlined, re-rendered shorter if too long),
    # `finish(draw)` makes the text, calling `draw(extra_context)` to render the template
    finish: Callable[[Callable[[dict[str, Any]], str]], str] | None = None
    published: datetime | None = None  # when its story or edition appeared: the search index is split by it
    path: str = field(init=False)
    sitemap_entry: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        when = self.lastmod and self.lastmod.isoformat(timespec="seconds")
        lastmod = f"\n    <lastmod>{when}</lastmod>" if when else ""
        object.__setattr__(self, "path", output_file(self.info.url))
        entry = f"{escape(encoded(self.info.url))}</loc>{lastmod}\n  </url>"
        object.__setattr__(self, "sitemap_entry", entry)


class PageSpec(NamedTuple):
    """A page as planned: `make(config, *inputs)` makes it, and equal inputs make an equal page."""

    name: str  # unique in the plan: the page's URL
    make: Callable[..., Page]
    inputs: tuple[Any, ...]

    def page(self, config: SiteConfig) -> Page:
        return self.make(config, *self.inputs)


@dataclass(frozen=True, slots=True)
class Output:
    """One file to write: a path relative to the output folder and its content (None once staged)."""

    path: str
    content: bytes | None
    staged: bool = False  # written to the staging folder; its bytes are dropped from here


def plan_site(config: SiteConfig, site: Site) -> list[PageSpec]:
    """Every page of the site, in a stable order (the edition pages are render/edition_pages.py's)."""
    articles = site.articles
    links = {edition.number: edition.link for edition in site.editions}
    plan = [
        PageSpec(
            article.url,
            _article,
            (
                article,
                articles[index - 1] if index > 0 else None,
                articles[index + 1] if index + 1 < len(articles) else None,
                site.related.get(article.url, ()),
                *((links[edition.number],) if (edition := site.edition_of.get(article.url)) else ()),
            ),
        )
        for index, article in enumerate(articles)
    ]
    per_page = config.per_page
    if config.editions and config.editions.front_page == "edition":  # the front page is an edition's
        plan += _listing(per_page, STREAM, "stories", "All stories", "", articles)
    else:
        plan += _listing(per_page, "", "home", config.title, config.description, articles)
    for kind, terms in (("tags", site.tags), ("sources", site.sources), ("locations", site.locations)):
        plan.append(PageSpec(f"{kind}/", _terms, (kind, terms)))
        for term in terms:
            about = config.source_entry(term.name) if kind == "sources" else None
            heading, intro = LABELS[kind].format(term.name), about.description if about else ""
            plan += _listing(per_page, term.url, kind[:-1], heading, intro, term.articles, about)
    plan.append(PageSpec("archive/", _archives, (site.years,)))
    for year in site.years:
        plan += _listing(per_page, year.url, "year", f"Stories from {year.year}", "", year.articles)
        for month in year.months:
            plan += _listing(per_page, month.url, "month", f"Stories from {month.name}", "", month.articles)
    plan.append(PageSpec("404.html", _not_found, ()))
    if config.search:
        plan.append(PageSpec("search/", _search, (newest(articles),)))
    return plan


def _article(
    config: SiteConfig,
    article: Article,
    newer: Article | None,
    older: Article | None,
    related: Any,
    edition: EditionLink | None = None,
) -> Page:
    return Page(
        "article.html",
        PageInfo(f"{article.title} — {config.title}", article.summary, "article", article.url),
        article.modified,
        {"article": article, "newer": newer, "older": older, "related": related, "edition": edition},
        partial(article_data, config, article),
        published=article.date,
    )


def _listing(
    per_page: int,
    base: str,
    kind: str,
    heading: str,
    intro: str,
    articles: Sequence[Article],
    about: SourceEntry | None = None,
) -> Iterator[PageSpec]:
    """A paginated list: `base`, then `base/page/2/` and so on; `about` is a source page's registry entry."""
    total = max(1, -(-len(articles) // per_page))
    for number in range(1, total + 1):
        shown = articles[(number - 1) * per_page : number * per_page]
        url = page_url(base, number)
        yield PageSpec(url, _list_page, (base, kind, heading, intro, number, total, shown, about))


def _list_page(
    config: SiteConfig,
    base: str,
    kind: str,
    heading: str,
    intro: str,
    number: int,
    total: int,
    shown: Sequence[Article],
    about: SourceEntry | None = None,
) -> Page:
    home = kind == "home"
    suffix = f" — page {number}" if number > 1 else ""
    title = f"{heading}{suffix}" + ("" if home and number == 1 else f" — {config.title}")
    description = intro if number == 1 and intro else f"{heading}{suffix}"
    structured = None
    if home and number == 1:
        structured = partial(home_data, config, shown)
    elif about:
        structured = partial(source_data, config, about)
    return Page(
        "list.html",
        PageInfo(title, description, kind, page_url(base, number)),
        newest(shown),
        {
            "heading": heading if not home else config.title,
            "intro": intro,
            "articles": shown,
            "pagination": pagination(base, number, total),
            "feed_url": _feed_url(kind, base),
            **({"source": about} if about else {}),
        },
        structured,
    )


def _feed_url(kind: str, base: str) -> str | None:
    """The feed a list offers: its own, none for archives, the site's for the story stream."""
    if kind in ("year", "month"):
        return None
    return "feed.xml" if kind == "stories" else f"{base}feed.xml"


def page_url(base: str, number: int) -> str:
    return base if number == 1 else f"{base}page/{number}/"


def pagination(base: str, number: int, total: int) -> Pagination:
    """Page `number` of `total` of a list at `base`, with links to a window of its neighbours."""
    window = range(max(1, number - PAGE_WINDOW), min(total, number + PAGE_WINDOW) + 1)
    return Pagination(
        number,
        total,
        page_url(base, number - 1) if number > 1 else None,
        page_url(base, number + 1) if number < total else None,
        tuple(PageLink(n, page_url(base, n), n == number) for n in sorted({1, *window, total})),
    )


def _terms(config: SiteConfig, kind: str, terms: tuple[Term, ...]) -> Page:
    heading = HEADINGS[kind]
    info = PageInfo(
        f"{heading} — {config.title}", f"All {heading.lower()} in {config.title}", kind, f"{kind}/"
    )
    lastmod = newest([term.articles[0] for term in terms])
    outline = OPML if kind == "sources" and any(entry.feed for entry in config.sources) else None
    return Page(
        "terms.html", info, lastmod, {"heading": heading, "intro": "", "terms": terms, "opml_url": outline}
    )


def _archives(config: SiteConfig, years: tuple[Year, ...]) -> Page:
    info = PageInfo(
        f"Archive — {config.title}", f"Every story in {config.title}, by month", "archives", "archive/"
    )
    lastmod = newest([a for year in years for month in year.months for a in month.articles])
    return Page("archives.html", info, lastmod, {"heading": "Archive", "years": years})


def _search(config: SiteConfig, lastmod: datetime | None) -> Page:
    """The search page changes when what it searches does: its last change is the newest story's."""
    info = PageInfo(f"Search — {config.title}", f"Search every story in {config.title}", "search", "search/")
    return Page("search.html", info, lastmod)


def _not_found(config: SiteConfig) -> Page:
    not_found = f"This page is not part of {config.title}."
    return Page("404.html", PageInfo(f"Page not found — {config.title}", not_found, "404", "404.html"))
