"""Site → the list of pages to make: which exist, at what URL, from which template and data.

Deciding this is cheap and needs no template, so the sitemap and the cache can know every page
before any is rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from .config import SiteConfig
from .metadata import article_data, home_data
from .model import Article, Site, Term
from .urls import output_file

PAGE_WINDOW = 2  # page links shown either side of the current one
LABELS = {"tags": "Stories tagged {}", "sources": "Stories from {}", "locations": "Stories datelined {}"}
HEADINGS = {"tags": "Tags", "sources": "Sources", "locations": "Locations"}


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
    """One page to render: its template, what the template is given, and its newest change."""

    template: str
    info: PageInfo
    lastmod: datetime | None = None
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return output_file(self.info.url)

    structured_data: Callable[[], Any] | None = None  # JSON-LD, made only if the page is rendered


def plan_site(config: SiteConfig, site: Site) -> list[Page]:
    """Every page of the site, in a stable order."""
    articles = site.articles
    pages = [
        Page(
            "article.html",
            PageInfo(f"{article.title} — {config.title}", article.summary, "article", article.url),
            article.modified,
            {
                "article": article,
                "newer": articles[index - 1] if index > 0 else None,
                "older": articles[index + 1] if index + 1 < len(articles) else None,
                "related": site.related.get(article.url, ()),
            },
            partial(article_data, config, article),
        )
        for index, article in enumerate(articles)
    ]
    pages += _listing(config, "", "home", config.title, config.description, articles, home=True)
    for kind, terms in (("tags", site.tags), ("sources", site.sources), ("locations", site.locations)):
        pages.append(_terms(config, kind, terms))
        for term in terms:
            pages += _listing(config, term.url, kind[:-1], LABELS[kind].format(term.name), "", term.articles)
    pages.append(
        Page(
            "archives.html",
            PageInfo(
                f"Archive — {config.title}",
                f"Every story in {config.title}, by month",
                "archives",
                "archive/",
            ),
            _newest(articles),
            {"heading": "Archive", "years": site.years},
        )
    )
    for year in site.years:
        pages += _listing(config, year.url, "year", f"Stories from {year.year}", "", year.articles)
        for month in year.months:
            pages += _listing(config, month.url, "month", f"Stories from {month.name}", "", month.articles)
    not_found = f"This page is not part of {config.title}."
    pages.append(Page("404.html", PageInfo(f"Page not found — {config.title}", not_found, "404", "404.html")))
    return pages


def _listing(
    config: SiteConfig,
    base: str,
    kind: str,
    heading: str,
    intro: str,
    articles: Sequence[Article],
    *,
    home: bool = False,
) -> Iterator[Page]:
    """A paginated list: `base`, then `base/page/2/` and so on."""
    per_page = config.per_page
    total = max(1, -(-len(articles) // per_page))
    urls = [base if n == 1 else f"{base}page/{n}/" for n in range(1, total + 1)]
    for number in range(1, total + 1):
        suffix = f" — page {number}" if number > 1 else ""
        title = f"{heading}{suffix}" + ("" if home and number == 1 else f" — {config.title}")
        description = intro if number == 1 and intro else f"{heading}{suffix}"
        window = range(max(1, number - PAGE_WINDOW), min(total, number + PAGE_WINDOW) + 1)
        pagination = Pagination(
            number,
            total,
            urls[number - 2] if number > 1 else None,
            urls[number] if number < total else None,
            tuple(PageLink(n, urls[n - 1], n == number) for n in sorted({1, *window, total})),
        )
        shown = articles[(number - 1) * per_page : number * per_page]
        yield Page(
            "list.html",
            PageInfo(title, description, kind, urls[number - 1]),
            _newest(shown),
            {
                "heading": heading if not home else config.title,
                "intro": intro,
                "articles": shown,
                "pagination": pagination,
                "feed_url": f"{base}feed.xml" if kind not in ("year", "month") else None,
            },
            partial(home_data, config, shown) if home and number == 1 else None,
        )


def _terms(config: SiteConfig, kind: str, terms: tuple[Term, ...]) -> Page:
    heading = HEADINGS[kind]
    info = PageInfo(
        f"{heading} — {config.title}", f"All {heading.lower()} in {config.title}", kind, f"{kind}/"
    )
    newest = _newest([term.articles[0] for term in terms])
    return Page("terms.html", info, newest, {"heading": heading, "intro": "", "terms": terms})


def _newest(articles: Sequence[Article]) -> datetime | None:
    """The latest change among some articles: a list page changes when any of them does."""
    return max((a.modified for a in articles), default=None)
