"""Site → the edition pages to make: the editions index, one page per edition, and the front page.

Each edition page is planned from its own Edition and its neighbours' links only, so an edited
story remakes its edition's page and no other edition page (the index lists links, not stories).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from functools import partial

from digest.config.site_config import SiteConfig
from digest.content.article import newest
from digest.render.metadata import edition_data
from digest.render.plan import Page, PageInfo, PageSpec, page_url, pagination
from digest.site.model import Edition, EditionLink, Site

EDITIONS = "editions/"
FEEDS = (  # the editions feeds: path, MIME type, name
    (f"{EDITIONS}feed.xml", "application/atom+xml", "Atom"),
    (f"{EDITIONS}rss.xml", "application/rss+xml", "RSS"),
    (f"{EDITIONS}feed.json", "application/feed+json", "JSON Feed"),
)


def plan_editions(config: SiteConfig, site: Site) -> list[PageSpec]:
    """The editions pages of a site with editions, newest first; none for a site without."""
    settings = config.editions
    if settings is None:
        return []
    editions = site.editions
    links = [edition.link for edition in editions]
    plan = []
    for index, edition in enumerate(editions):
        newer = links[index - 1] if index > 0 else None
        older = links[index + 1] if index + 1 < len(links) else None
        plan.append(PageSpec(edition.url, _edition, (edition, newer, older, False)))
    per_page = config.per_page
    total = max(1, -(-len(links) // per_page))
    for number in range(1, total + 1):
        shown = tuple(links[(number - 1) * per_page : number * per_page])
        plan.append(PageSpec(page_url(EDITIONS, number), _index, (EDITIONS, number, total, shown)))
    if settings.front_page == "edition":  # the latest edition, or the empty index while there is none
        front = PageSpec("", _edition, (editions[0], None, links[1] if len(links) > 1 else None, True))
        plan.append(front if editions else PageSpec("", _index, ("", 1, 1, ())))
    return plan


def _edition(
    config: SiteConfig, edition: Edition, newer: EditionLink | None, older: EditionLink | None, front: bool
) -> Page:
    url = "" if front else edition.url
    name = edition.link.name
    title = f"{name} — {config.title}"
    description = f"{config.title}, {name}: " + "; ".join(a.title for a in edition.articles[:3])
    return Page(
        "edition.html",
        PageInfo(config.title if front else title, description[:300], "home" if front else "edition", url),
        max(filter(None, (newest(edition.articles), _day(config, edition))), default=None),
        {
            "edition": edition,
            "note": edition.front_note if front else edition.note,
            "newer": newer,
            "older": older,
            "feeds": FEEDS,
        },
        partial(edition_data, config, edition, front),
        published=None if front else _day(config, edition),
    )


def _index(config: SiteConfig, base: str, number: int, total: int, shown: Sequence[EditionLink]) -> Page:
    front = base == ""
    suffix = f" — page {number}" if number > 1 else ""
    heading = "Editions"
    title = config.title if front else f"{heading}{suffix} — {config.title}"
    description = f"Every edition of {config.title}, newest first{suffix}"
    day = max((link.date for link in shown), default=None)
    return Page(
        "editions.html",
        PageInfo(title, description, "home" if front else "editions", page_url(base, number)),
        day and datetime.combine(day, time(), config.tz),
        {
            "heading": heading,
            "editions": shown,
            "pagination": pagination(base, number, total),
            "feeds": FEEDS,
        },
    )


def _day(config: SiteConfig, edition: Edition) -> datetime:
    """The edition's day as a moment: the start of it, in the site's time zone."""
    return datetime.combine(edition.date, time(), config.tz)
