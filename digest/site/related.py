"""Stories → up to five related stories each: those sharing the most tags, newest first among equals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from heapq import merge
from itertools import islice

from digest.content.article import Article
from digest.site.model import Chosen, RelatedRecord, Standing

RELATED = 5
FEW_TAGS = 16  # up to this many tags, whole levels in set operations; beyond, a count per shared story


def related_stories(
    newest_first: list[Article], standings: list[Standing], known: RelatedRecord
) -> tuple[dict[str, tuple[Article, ...]], RelatedRecord]:
    """Up to five articles per article sharing the most tags, newest first among equals; and their record.

    A list can only change when a story sharing one of its tags (as it was, or as it is) came, went,
    moved or was retagged, so every other list is taken from `known`: adding a tag to one story
    chooses again for the few hundred stories with that tag, not for all 10,000.
    """
    by_url = {article.url: article for article in newest_first}
    olds = [known.get(article.url) for article in newest_first]
    stale = {slug for url, chosen in known.items() if url not in by_url for slug in chosen.standing.tags}
    for standing, old in zip(standings, olds, strict=True):
        if old is None or old.standing != standing:
            stale.update(standing.tags, old.standing.tags if old else ())
    related: dict[str, tuple[Article, ...]] = {}
    record: RelatedRecord = {}
    choose: Callable[[int, tuple[str, ...]], list[int]] | None = None
    for index, (article, standing, old) in enumerate(zip(newest_first, standings, olds, strict=True)):
        if old is not None and old.standing == standing and stale.isdisjoint(standing.tags):
            related[article.url], record[article.url] = tuple(map(by_url.__getitem__, old.urls)), old
            continue
        choose = choose or chooser(newest_first)
        related[article.url] = chosen = tuple(newest_first[i] for i in choose(index, standing.tags))
        record[article.url] = Chosen(standing, tuple(other.url for other in chosen))
    return related, known if choose is None and len(record) == len(known) else record


def chooser(newest_first: list[Article]) -> Callable[[int, tuple[str, ...]], list[int]]:
    """For an article's index and tag slugs, the indexes of its related articles.

    Counting every co-tagged article is quadratic on popular tags, and taking every subset of an
    article's tags is exponential in their number. Instead, one pass over the tags (smallest set
    first) finds the articles sharing at least two, by how many they share: as sets of levels for
    the usual few tags, as counts beyond (levels would cost the tag count times the most shared).
    The last level is simply the newest articles with any tag.
    """
    by_tag: dict[str, list[int]] = defaultdict(list)  # article indexes, so ascending = newest first
    for index, article in enumerate(newest_first):
        for tag in article.tags:
            by_tag[tag.slug].append(index)
    sets = {slug: set(indexes) for slug, indexes in by_tag.items()}

    def choose(index: int, slugs: tuple[str, ...]) -> list[int]:
        chosen: list[int] = []
        taken = {index}
        groups = sorted((sets[slug] for slug in slugs), key=len)
        for level in reversed(_levels(index, groups) if len(groups) <= FEW_TAGS else _counted(index, groups)):
            chosen += sorted(level - taken)[: RELATED - len(chosen)]
            taken |= level
            if len(chosen) == RELATED:
                return chosen
        newest = (i for i in merge(*(by_tag[slug] for slug in slugs)) if i not in taken)
        return chosen + list(islice(_unique(newest), RELATED - len(chosen)))

    return choose


def _levels(index: int, groups: list[set[int]]) -> list[set[int]]:
    """`levels[k]`: the articles other than `index` found in at least k + 2 of `groups`.

    Each group raises the articles it holds one level, top level first so that no group counts
    twice; the union of the groups is only kept while a later group can still meet it.
    """
    levels: list[set[int]] = []
    seen: set[int] = set()
    for number, members in enumerate(groups):
        grown = bool(levels) and bool(top := levels[-1] & members)
        if grown:
            levels.append(top)
        for k in range(len(levels) - 1 - grown, 0, -1):
            levels[k] |= levels[k - 1] & members
        if number and (pairs := seen & members):
            if levels:
                levels[0] |= pairs
            else:
                levels.append(pairs)
        if number + 1 < len(groups):
            seen |= members
            seen.discard(index)
    return levels


def _counted(index: int, groups: list[set[int]]) -> list[set[int]]:
    """The articles other than `index` found in at least two of `groups`, by how many, fewest first.

    Only an article met again is counted in Python; finding those is a set operation per group.
    """
    counts: dict[int, int] = {}
    seen: set[int] = set()
    for number, members in enumerate(groups):
        if number:
            for again in seen & members:
                counts[again] = counts.get(again, 1) + 1
        if number + 1 < len(groups):
            seen |= members
            seen.discard(index)
    by_count: dict[int, set[int]] = defaultdict(set)
    for article, count in counts.items():
        by_count[count].add(article)
    return [by_count[count] for count in sorted(by_count)]


def _unique(indexes: Iterable[int]) -> Iterator[int]:
    """Sorted indexes with repeats dropped (an article in two of the merged tag lists)."""
    last = None
    for index in indexes:
        if index != last:
            yield index
        last = index
