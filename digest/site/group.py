"""Articles → Site: what is published, in what order, grouped how. Pure functions, no I/O."""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, tzinfo
from operator import itemgetter
from types import MappingProxyType

from digest.content.article import EPOCH, Article, Location, Source, Tag
from digest.errors import BuildWarning
from digest.site.model import Month, RelatedRecord, Site, Standing, Term, Year
from digest.site.related import related_stories
from digest.urls import slugify

KINDS = MappingProxyType({"tags": "tag", "sources": "source", "locations": "location"})


def publish(
    articles: Iterable[Article], now: datetime, *, drafts: bool = False, future: bool = False
) -> tuple[list[Article], list[Article]]:
    """The stories this build publishes, in reading order, and the future-dated ones it leaves out."""
    published: list[Article] = []
    left_out: list[Article] = []
    for article in articles:
        if article.draft and not drafts:
            continue
        if article.date > now:
            if not future:
                left_out.append(article)
                continue
            article = replace(article, scheduled=True)
        published.append(article)
    left_out.sort(key=lambda a: a.date)
    return published, left_out


def group(
    published: list[Article],
    left_out: list[Article],
    tz: tzinfo,
    known_related: RelatedRecord | None,
) -> Site:
    """The site grouped from scratch: sorted, by term, by month, with related stories."""
    ranked = sorted([(_standing(a), a) for a in published], key=itemgetter(0), reverse=True)
    newest_first = [article for _, article in ranked]
    related, record = related_stories(newest_first, [standing for standing, _ in ranked], known_related or {})
    warnings: list[BuildWarning] = []
    return Site(
        articles=tuple(newest_first),
        tags=_terms("tags", newest_first, lambda a: a.tags, warnings),
        sources=_terms("sources", newest_first, lambda a: (a.source,), warnings),
        locations=_terms("locations", newest_first, lambda a: (a.location,) if a.location else (), warnings),
        years=_archives(newest_first, tz),
        related=related,
        related_record=record,
        left_out=tuple(left_out),
        warnings=tuple(warnings),
    )


PATCHED_UP_TO = 64  # more changed stories than this, and grouping afresh is as quick


def patched(
    site: Site, before: list[Article], published: list[Article], left_out: list[Article], tz: tzinfo
) -> Site | None:
    """`site`, grouped from `before`, with edited stories swapped in, when no edit moved a story.

    A story keeps its place while its path, date, URL, tags, source and location are unchanged;
    then every list it is in stays the same but for the story itself, and the other lists are
    reused as they are, so the pages made from them are reused too.
    """
    if len(before) != len(published) or list(site.left_out) != left_out:
        return None
    changed = [(old, new) for old, new in zip(before, published, strict=True) if old is not new]
    if len(changed) > PATCHED_UP_TO or any(_place(old) != _place(new) for old, new in changed):
        return None
    if not changed:
        return site
    swap = {id(old): new for old, new in changed}
    tags = {tag.slug for old, _ in changed for tag in old.tags}
    months = {(local.year, local.month) for local in (old.date.astimezone(tz) for old, _ in changed)}
    neighbours = {a.url for term in site.tags if term.slug in tags for a in term.articles}

    def fix(items: tuple[Article, ...]) -> tuple[Article, ...]:
        return tuple([swap.get(id(a), a) for a in items])

    def terms(all_terms: tuple[Term, ...], slugs: set[str]) -> tuple[Term, ...]:
        return tuple(replace(t, articles=fix(t.articles)) if t.slug in slugs else t for t in all_terms)

    def month(m: Month) -> Month:
        return replace(m, articles=fix(m.articles)) if (m.year, m.month) in months else m

    return replace(
        site,
        articles=fix(site.articles),
        tags=terms(site.tags, tags),
        sources=terms(site.sources, {old.source.slug for old, _ in changed}),
        locations=terms(site.locations, {old.location.slug for old, _ in changed if old.location}),
        years=tuple(
            replace(year, months=tuple(month(m) for m in year.months))
            if any(year.year == y for y, _ in months)
            else year
            for year in site.years
        ),
        # a story is related only to stories sharing a tag with it: those are all that can mention it
        related={url: fix(others) if url in neighbours else others for url, others in site.related.items()},
    )


def _place(article: Article) -> tuple[object, ...]:
    """What decides where a story is listed: an edit that keeps these moves it nowhere."""
    return (article.path, article.date, article.url, article.tags, article.source, article.location)


def _terms(
    kind: str,
    newest_first: list[Article],
    keys: Callable[[Article], Iterable[Tag | Source | Location]],
    warnings: list[BuildWarning],
) -> tuple[Term, ...]:
    """One term per slug, named as it was first written (oldest article first); sorted by name.

    Spellings that differ by more than case and accents (`C++` and `C`) but share a slug are merged
    too, with a warning for each, unless site.yml's `slugs` chose that slug on purpose.
    """
    names: dict[str, str] = {}
    members: dict[str, list[Article]] = defaultdict(list)
    others: dict[tuple[str, str], Article] = {}  # (slug, another spelling): its first article
    for article in reversed(newest_first):
        for item in keys(article):
            if (slug := item.slug) not in names:
                names[slug] = item.name
            elif item.name != names[slug]:
                others.setdefault((slug, item.name), article)
            members[slug].append(article)
    warnings += _merged_spellings(kind, names, members, others)
    return tuple(
        sorted(
            (Term(kind, names[slug], slug, tuple(reversed(items))) for slug, items in members.items()),
            key=lambda term: (term.name.casefold(), term.slug),
        )
    )


def _merged_spellings(
    kind: str,
    names: dict[str, str],
    members: dict[str, list[Article]],
    others: dict[tuple[str, str], Article],
) -> list[BuildWarning]:
    """A warning for each spelling merged into another one only because both slugify alike."""
    warned: set[tuple[str, str]] = set()
    warnings = []
    for (slug, name), article in others.items():
        first = names[slug]
        if (slug, _folded(name)) in warned or _folded(name) == _folded(first):
            continue
        if slugify(name) != slug or slugify(first) != slug:
            continue  # site.yml's `slugs` put them together
        warned.add((slug, _folded(name)))
        where = members[slug][0].path.as_posix()
        warnings.append(
            BuildWarning(
                article.path,
                None,
                f"{KINDS[kind]} `{name}` is merged with `{first}` ({where}): both make the URL "
                f"/{kind}/{slug}/ — to keep them apart, give one its own slug in site.yml: "
                f"`slugs: {{{kind}: {{{json.dumps(name, ensure_ascii=False)}: …}}}}`",
            )
        )
    return warnings


def _folded(name: str) -> str:
    """A spelling without case or accents: `Café` and `CAFE` are one name written two ways."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


def _archives(newest_first: list[Article], tz: tzinfo) -> tuple[Year, ...]:
    """Years and months newest first, by the date as seen in the site's time zone."""
    months: dict[tuple[int, int], list[Article]] = defaultdict(list)
    for article in newest_first:
        local = article.date.astimezone(tz)
        months[(local.year, local.month)].append(article)
    years: dict[int, list[Month]] = defaultdict(list)
    for (year, month), items in sorted(months.items(), reverse=True):
        years[year].append(Month(year, month, tuple(items)))
    return tuple(Year(year, tuple(items)) for year, items in years.items())


def _standing(article: Article) -> Standing:
    """The story's sort key (newest first, then by file) with its tags; also what related lists hang on.

    By instant: a timedelta compares as fast as an int; datetimes in mixed zones do not.
    """
    return Standing(article.date - EPOCH, article.path.as_posix(), tuple(tag.slug for tag in article.tags))
