"""Related stories: the same choice as counting shared tags by brute force, in time that scales."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from itertools import combinations
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from digest.content.article import Article, Source, Tag
from digest.site.related import FEW_TAGS, RELATED, chooser
from tests.conftest import article, page, write_files

SOURCE = Source("Reuters", None, "reuters")
POOL = [Tag(f"T{n}", f"t{n}") for n in range(FEW_TAGS + 8)]  # both ways of counting


def _by_subsets(newest_first: list[Article], index: int, slugs: tuple[str, ...]) -> list[int]:
    """The former choice, kept as the reference: every k-subset of the tags, from the largest k down."""
    sets: dict[str, set[int]] = defaultdict(set)
    for number, story in enumerate(newest_first):
        for tag in story.tags:
            sets[tag.slug].add(number)
    chosen: list[int] = []
    taken = {index}
    for shared in range(len(slugs), 0, -1):
        level: set[int] = set()
        for group in combinations(slugs, shared):
            level |= set.intersection(*(sets[slug] for slug in group))
        chosen += sorted(level - taken)[: RELATED - len(chosen)]
        taken |= level
        if len(chosen) == RELATED:
            break
    return chosen


def _by_count(newest_first: list[Article], index: int, slugs: tuple[str, ...]) -> list[int]:
    """The plainest choice: every other story with a shared tag, by tags shared, then newest first."""
    shared = [
        (len({t.slug for t in story.tags} & set(slugs)), number) for number, story in enumerate(newest_first)
    ]
    return [
        number for count, number in sorted(shared, key=lambda s: (-s[0], s[1])) if count and number != index
    ][:RELATED]


def _story(number: int, tags: tuple[Tag, ...]) -> Article:
    date = datetime(2022, 1, 1, tzinfo=timezone.utc) - timedelta(days=number)  # newest first
    return Article(
        path=Path(f"content/s{number}.md"),
        title=f"Story {number}",
        date=date,
        source=SOURCE,
        slug=f"s{number}",
        url=f"s{number}/",
        body="",
        summary="",
        words=1,
        tags=tags,
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sets(st.sampled_from(range(8)), max_size=7), min_size=1, max_size=30))
def test_related_stories_are_those_the_former_subset_choice_gives(tag_sets):
    stories = [_story(n, tuple(POOL[i] for i in sorted(chosen))) for n, chosen in enumerate(tag_sets)]
    choose = chooser(stories)
    for index, story in enumerate(stories):
        slugs = tuple(tag.slug for tag in story.tags)
        assert choose(index, slugs) == _by_subsets(stories, index, slugs) == _by_count(stories, index, slugs)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sets(st.sampled_from(range(len(POOL))), max_size=len(POOL)), min_size=1, max_size=30))
def test_related_stories_are_those_sharing_most_tags_with_few_or_many_tags(tag_sets):
    stories = [_story(n, tuple(POOL[i] for i in sorted(chosen))) for n, chosen in enumerate(tag_sets)]
    choose = chooser(stories)
    for index, story in enumerate(stories):
        slugs = tuple(tag.slug for tag in story.tags)
        assert choose(index, slugs) == _by_count(stories, index, slugs)


def test_a_story_sharing_many_tags_ranks_above_newer_stories_sharing_fewer():
    many = tuple(Tag(f"Topic {n}", f"topic-{n}") for n in range(2000))
    stories = [
        _story(0, many[:1]),  # newest, one tag in common
        _story(1, many[:2]),
        _story(2, many[:900]),
        _story(3, many),
        _story(4, many[1500:1503]),
        _story(5, ()),
    ]
    assert chooser(stories)(3, tuple(tag.slug for tag in many)) == [2, 4, 1, 0]


def test_a_story_with_hundreds_of_tags_builds_in_seconds(tmp_path):
    """Every subset of 300 tags would never finish: the build must, with the right related stories.

    Cards and feed entries show a dozen tags, so the output does not grow with the square of the count.
    """
    tags = [f"Topic {n}" for n in range(300)]
    write_files(
        tmp_path,
        {
            "site.yml": "title: T\nbase_url: https://example.org/\n",
            "content/2022-01-01-many.md": article("Many", "2022-01-01", tags=f"[{', '.join(tags)}]"),
            "content/2022-01-02-two.md": article("Two", "2022-01-02", tags="[Topic 7, Topic 250]"),
            "content/2022-01-03-one.md": article("One", "2022-01-03", tags="[Topic 3]"),
            "content/2022-01-04-none.md": article("None", "2022-01-04"),
        },
    )
    run = subprocess.run(
        [sys.executable, "-m", "digest.cli", "build", "-q"], cwd=tmp_path, capture_output=True, timeout=600
    )
    assert run.returncode == 0, run.stderr
    related = page(tmp_path, "2022/01/many/").xpath("//*[contains(@class, 'related')]//a/text()")
    assert [" ".join(text.split()) for text in related if text.strip()] == ["Two", "One"]
    card = page(tmp_path, "tags/topic-299/").xpath("//article[contains(@class, 'card')]//a[@rel='tag']")
    assert [link.text for link in card] == tags[:12]  # a card is on 300 tag pages: a dozen tags each
    feed = (tmp_path / "public/tags/topic-299/feed.xml").read_text()
    assert feed.count("<category ") == 12
