"""Grouping again after an edit gives exactly the site grouped afresh, reusing every list it did not touch."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import digest.site.related
from digest.content.article import Article, Location, Source, Tag
from digest.incremental.state import BuildState
from digest.site.group import group, publish
from digest.site.model import RelatedRecord, Site

NOW = datetime(2023, 1, 1, tzinfo=timezone.utc)
TAGS = [Tag(name, name.lower()) for name in ("Energy", "Markets", "Elections", "Health")]
SOURCES = [Source(name, None, name.lower()) for name in ("Reuters", "NYTIMES", "AP")]


def _stories(count: int = 40) -> list[Article]:
    stories = []
    for n in range(count):
        date = datetime(2022, 1, 1, tzinfo=timezone.utc) + timedelta(days=n * 9, hours=n % 5)
        stories.append(
            Article(
                path=Path(f"content/s{n:02d}.md"),
                title=f"Story {n}",
                date=date,
                source=SOURCES[n % 3],
                slug=f"s{n:02d}",
                url=f"{date:%Y/%m}/s{n:02d}/",
                body="<p>Text.</p>",
                summary="Text.",
                words=1,
                location=Location("Oslo, Norway", "oslo-norway") if n % 4 else None,
                tags=(TAGS[n % 4], TAGS[(n * 3 + 1) % 4]) if n % 7 else (),
                draft=n == 13,
                file_fingerprint=f"{n:064x}",
            )
        )
    return stories


def _afresh(stories: list[Article], *, future: bool = False, known: RelatedRecord | None = None) -> Site:
    """Grouped in a new process: nothing in memory, at most the last related record from disk."""
    return group(*publish(stories, NOW, future=future), timezone.utc, known)


def _kept(state: BuildState, stories: list[Article], *, future: bool = False) -> Site:
    """Grouped by a build state that grouped the site before, as the preview's does at every save."""
    published, left_out = publish(stories, NOW, future=future)
    state.publishing = (False, future)  # as `begin` sets it for a build
    return state.grouped(published, left_out, timezone.utc)[0]


EDITS = {
    "body": lambda a: replace(a, body="<p>New.</p>", file_fingerprint="f" * 64),
    "title": lambda a: replace(a, title="Renamed", file_fingerprint="e" * 64),
    "same instant, another offset": lambda a: replace(
        a, date=a.date.astimezone(timezone(timedelta(hours=5)))
    ),
    "tags": lambda a: replace(a, tags=(TAGS[3],)),
    "date": lambda a: replace(a, date=a.date - timedelta(days=200)),
    "source": lambda a: replace(a, source=SOURCES[(SOURCES.index(a.source) + 1) % 3]),
    "location": lambda a: replace(a, location=Location("Accra, Ghana", "accra-ghana")),
    "into the future": lambda a: replace(a, date=NOW + timedelta(days=3)),
    "draft": lambda a: replace(a, draft=True),
}


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("future", [False, True])
def test_a_site_grouped_again_after_an_edit_equals_one_grouped_afresh(edit, future, tmp_path):
    stories = _stories()
    state = BuildState.load(tmp_path)
    _kept(state, stories, future=future)
    for index in (5, 20, 21):
        stories[index] = EDITS[edit](stories[index])
        assert _kept(state, stories, future=future) == _afresh(stories, future=future)


def test_an_edit_that_moves_no_story_reuses_every_list_it_is_not_in(tmp_path):
    stories = _stories()
    state = BuildState.load(tmp_path)
    before = _kept(state, stories)
    stories[22] = EDITS["body"](stories[22])  # tagged Elections and Health, from NYTIMES, in Oslo
    after = _kept(state, stories)
    assert after == _afresh(stories)
    same = lambda old, new: [a.slug for a, b in zip(old, new, strict=True) if a is b]  # noqa: E731
    assert same(before.tags, after.tags) == ["energy", "markets"]
    assert same(before.sources, after.sources) == ["ap", "reuters"]
    assert same(before.locations, after.locations) == []
    months = [
        (m.year, m.month)
        for old, new in zip(before.years, after.years, strict=True)
        for m, n in zip(old.months, new.months, strict=True)
        if m is not n
    ]
    assert months == [(stories[22].date.year, stories[22].date.month)]
    assert sum(a is not b for a, b in zip(before.articles, after.articles, strict=True)) == 1


def _regrouped(stories: list[Article], known: Site) -> Site:
    """Grouped in a new process after an edit: nothing in memory, the last related record on disk."""
    return _afresh(stories, known=known.related_record)


CHANGES = {
    **EDITS,
    "deleted": lambda a: None,
    "new tag": lambda a: replace(a, tags=(*a.tags, Tag("Brand new", "brand-new"))),
    "tags dropped": lambda a: replace(a, tags=()),
    "renamed file": lambda a: replace(a, path=Path("content/elsewhere.md")),
    "new URL": lambda a: replace(a, url="2022/elsewhere/"),
}


def _few_stories() -> list[Article]:
    """Few stories with one to four tags: most related lists hold stories sharing a single tag."""
    return [
        replace(story, tags=tuple(TAGS[bit] for bit in range(4) if (n * 5 + 3) >> bit & 1))
        for n, story in enumerate(_stories(14))
    ]


@pytest.mark.parametrize("change", CHANGES)
def test_related_stories_chosen_again_from_an_earlier_record_equal_those_chosen_afresh(change):
    stories = _few_stories()
    known = _afresh(stories)
    for index in (1, 5, 6, 10):
        changed = CHANGES[change](stories[index])
        stories = stories[:index] + ([changed] if changed else []) + stories[index + 1 :]
        again = _regrouped(stories, known)
        assert again.related == _afresh(stories).related
        assert again.related_record == _afresh(stories).related_record
        known = again


def test_a_retagged_story_has_related_stories_chosen_again_only_for_stories_sharing_a_tag(monkeypatch):
    stories = _stories()
    known = _afresh(stories)
    chosen_for: list[str] = []
    real = digest.site.related.chooser

    def counting(newest_first: list[Article]):
        choose = real(newest_first)
        return lambda index, slugs: chosen_for.append(newest_first[index].slug) or choose(index, slugs)

    monkeypatch.setattr(digest.site.related, "chooser", counting)
    assert _regrouped(stories, known).related_record is known.related_record  # nothing to choose again
    assert chosen_for == []
    stories[22] = replace(stories[22], tags=(TAGS[3],))  # was Elections and Health
    _regrouped(stories, known)
    sharing = {s.slug for s in stories if {t.slug for t in s.tags} & {"elections", "health"}}
    assert set(chosen_for) == sharing
    assert len(sharing) < len(stories) // 2
