"""Stories and edition files → numbered Editions: which story is in which issue, in what order. Pure.

A number counts periods from `first`, so it depends on dates alone: adding an older story never
renumbers a later edition. Every bad reference is collected, and reported at once by the build.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

from digest.config.site_config import EditionsConfig, SiteConfig
from digest.content.article import Article
from digest.content.editions import EditionFile, StoryRef
from digest.errors import DigestError
from digest.site.model import Edition, EditionPart, Site


class Placed(NamedTuple):
    """The editions published, each story's edition, the mistakes, and when a left-out one falls due."""

    editions: tuple[Edition, ...]
    edition_of: dict[str, Edition]
    errors: list[DigestError]
    due: datetime | None


@dataclass(frozen=True, slots=True)
class Periods:
    """Daily or weekly periods numbered from the one holding `first` (No. 1); none in manual cadence."""

    settings: EditionsConfig

    @property
    def origin(self) -> date | None:
        first = self.settings.first
        if first is None or self.settings.cadence == "manual":
            return None
        if self.settings.cadence == "daily":
            return first
        return first - timedelta(days=(first.weekday() - self.settings.week_starts) % 7)

    @property
    def length(self) -> int:
        return 1 if self.settings.cadence == "daily" else 7

    def number_of(self, day: date) -> int | None:
        """The edition whose period holds `day`; None before No. 1's period, or in manual cadence."""
        origin = self.origin
        if origin is None or day < origin:
            return None
        return (day - origin).days // self.length + 1

    def span(self, number: int) -> tuple[date, date]:
        """The first and last day of edition `number`'s period."""
        assert self.origin is not None
        start = self.origin + timedelta(days=(number - 1) * self.length)
        return start, start + timedelta(days=self.length - 1)


def place_editions(
    config: SiteConfig,
    site: Site,
    stories: Sequence[Article],
    files: Sequence[EditionFile],
    now: datetime,
    *,
    drafts: bool = False,
    future: bool = False,
) -> Placed:
    """The site's editions: stories placed by file, by `edition:`, else by date; `stories` are all read."""
    settings = config.editions
    assert settings is not None
    errors: list[DigestError] = []
    periods = Periods(settings)
    numbered = _numbered_files(settings, periods, files, errors)
    by_day = {file.day: number for number, file in numbered.items() if file.day is not None}
    listing = _Listing(config, stories, drafts)
    for number, file in sorted(numbered.items(), key=lambda item: item[1].path.as_posix()):
        listing.add(number, file, lambda a: _resolve(a, periods, numbered, by_day, None), errors)
    published = {a.path: a for a in site.articles}
    members: dict[int, list[Article]] = defaultdict(list)
    sections = _Sections(config)
    for article in site.articles:
        own = None if article.edition is None else _resolve(article, periods, numbered, by_day, errors)
        if article.path in listing.placed:
            number: int | None = listing.placed[article.path]
        elif article.edition is not None:
            number = own
        else:
            number = periods.number_of(article.date.astimezone(config.tz).date())
        sections.check(article, errors)
        if number is not None:
            members[number].append(article)
    today = now.astimezone(config.tz).date()
    editions: list[Edition] = []
    due: list[date] = []
    for number in sorted(members.keys() | numbered.keys(), reverse=True):
        file = numbered.get(number)
        if periods.origin is not None:
            start, end = periods.span(number)
        else:  # manual: the file's day (a file without one is an error already)
            start = end = file.day if file and file.day else today
        day = file.day if file and file.day else end
        if file and file.draft and not drafts:
            continue
        if (file or not members[number]) and day > today and not future:
            due.append(day)  # a dated edition file waits for its day
            continue
        first = [(heading, published[path]) for heading, path in listing.order[number] if path in published]
        headed = bool(file and any(ref.heading for ref in file.stories))
        parts = sections.parts(first, members[number], headed=headed)
        title = (file and file.title) or settings.title.format(
            number=number, date=day, start=start, end=end, site=config.title
        )
        note, front_note = (file.note, file.front_note) if file else ("", "")
        path = file.path if file else None
        editions.append(
            Edition(number, day, start, end, title, note, parts, bool(file and file.draft), path, front_note)
        )
    edition_of = {a.url: edition for edition in editions for a in edition.articles}
    first_due = min(due, default=None)
    when = datetime.combine(first_due, time(), config.tz) if first_due else None
    return Placed(tuple(editions), edition_of, errors, when)


def _numbered_files(
    settings: EditionsConfig, periods: Periods, files: Sequence[EditionFile], errors: list[DigestError]
) -> dict[int, EditionFile]:
    """Each edition file by its number: as written, from its name, or from the period of its date."""
    numbered: dict[int, EditionFile] = {}
    manual = settings.cadence == "manual"
    for file in sorted(files, key=lambda f: f.path.as_posix()):
        number = file.number
        if manual and file.day is None:
            errors.append(
                DigestError(
                    file.path,
                    file.line,
                    "missing `date` — a manual edition takes its "
                    "day from its file: add a line like `date: 2022-09-18`",
                )
            )
        if number is None and file.day is not None and not manual:
            number = periods.number_of(file.day)
            if number is None:
                errors.append(
                    DigestError(
                        file.path,
                        file.date_line,
                        f"`date: {file.day}` is before the "
                        f"period of edition No. 1 (`first: {settings.first}` in site.yml) — "
                        "correct the date, or move `first` earlier",
                    )
                )
                continue
        elif number is None:
            how = "name the file after its number (12.md) or add a line `number: 12`"
            errors.append(
                DigestError(
                    file.path,
                    file.line,
                    f"this edition file has no number — {how}"
                    + ("" if manual else ", or a `date` in its period"),
                )
            )
            continue
        elif file.day is not None and not manual:
            start, end = periods.span(number)
            if not start <= file.day <= end:
                errors.append(
                    DigestError(
                        file.path,
                        file.date_line,
                        f"`date: {file.day}` is outside the "
                        f"period of No. {number} ({start} to {end}) — correct the date or the number, "
                        "or leave one of them out",
                    )
                )
                continue
        if number in numbered:
            errors.append(
                DigestError(
                    file.path,
                    file.number_line,
                    f"No. {number} is also claimed by "
                    f"{numbered[number].path.as_posix()} — give one of them another number",
                )
            )
            continue
        numbered[number] = file
    return numbered


def _resolve(
    article: Article,
    periods: Periods,
    numbered: dict[int, EditionFile],
    by_day: dict[date, int],
    errors: list[DigestError] | None,
) -> int | None:
    """The edition a story's `edition:` names; when there is none, an error (if `errors` is given)."""
    ref = article.edition
    assert ref is not None
    manual = periods.origin is None
    if ref.number is not None:
        if not manual or ref.number in numbered:
            return ref.number
        problem = f"`edition: {ref.number}` names no edition — add content/editions/{ref.number}.md"
    else:
        assert ref.day is not None
        number = by_day.get(ref.day) if manual else periods.number_of(ref.day)
        if number is not None:
            return number
        if manual:
            problem = (
                f"`edition: {ref.day}`: no edition file has `date: {ref.day}` — add one, or correct the day"
            )
        else:
            first = periods.settings.first
            problem = (
                f"`edition: {ref.day}` is before the period of edition No. 1 (`first: {first}` in site.yml) "
                "— correct the day, or move `first` earlier"
            )
    if errors is not None:
        errors.append(DigestError(article.path, ref.line, problem))
    return None


class _Listing:
    """The stories edition files list, each found by its path under content/ or its slug, and checked."""

    def __init__(self, config: SiteConfig, stories: Sequence[Article], drafts: bool) -> None:
        content = config.shown(config.content_path)
        self.drafts = drafts
        self.names: dict[str, list[Article]] = defaultdict(list)
        for story in stories:
            for name in {story.path.as_posix(), _under(story.path, content), story.slug}:
                self.names[name].append(story)
        self.placed: dict[Path, int] = {}  # story file → the edition listing it
        self.where: dict[Path, tuple[EditionFile, StoryRef]] = {}
        self.order: dict[int, list[tuple[str | None, Path]]] = defaultdict(list)

    def add(
        self,
        number: int,
        file: EditionFile,
        resolve: Callable[[Article], int | None],
        errors: list[DigestError],
    ) -> None:
        """Place the stories `file` lists in edition `number`, in its order; each bad name is an error."""
        for ref in file.stories:
            problem = self._problem(number, file, ref, resolve)
            if problem:
                errors.append(DigestError(file.path, ref.line, problem))
                continue
            story = self.names[ref.name][0]
            self.placed[story.path] = number
            self.where[story.path] = (file, ref)
            self.order[number].append((ref.heading, story.path))

    def _problem(
        self, number: int, file: EditionFile, ref: StoryRef, resolve: Callable[[Article], int | None]
    ) -> str | None:
        found = self.names.get(ref.name)
        if not found:
            close = difflib.get_close_matches(ref.name, list(self.names), n=1, cutoff=0.6)
            hint = f" — did you mean `{close[0]}`?" if close else ""
            return f"no story `{ref.name}`{hint} — name a story by its path under content/ or by its slug"
        if len({story.path for story in found}) > 1:
            paths = ", ".join(sorted(story.path.as_posix() for story in found))
            return f"`{ref.name}` is the slug of {len(found)} stories ({paths}) — name one by its path"
        story = found[0]
        if story.draft and not self.drafts:
            return (
                f"`{ref.name}` is a draft ({story.path.as_posix()}) — publish it (take out `draft: true`) "
                "or take it off this list"
            )
        if story.path in self.where:
            other, earlier = self.where[story.path]
            where = "this file" if other is file else other.path.as_posix()
            return (
                f"`{ref.name}` is also listed in {where} (line {earlier.line}) — a story is in one edition: "
                "take it off one list"
            )
        own = None if story.edition is None else resolve(story)  # a wrong `edition:` is reported anyway
        if own is not None and own != number:
            return (
                f"`{ref.name}` is placed in another edition by its own `edition:` "
                f"({story.path.as_posix()}:{story.edition.line}) — take it off this list, or change that line"
            )
        return None


def _under(path: Path, folder: Path) -> str:
    """A story's path as written relative to the content folder (`2022/putin-xi.md`)."""
    return path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.as_posix()


class _Sections:
    """The configured sections: which one a story goes to, and the parts of an edition in order."""

    def __init__(self, config: SiteConfig) -> None:
        settings = config.editions
        assert settings is not None
        self.sections = settings.sections
        self.other = settings.other_section
        self.titles = {section.title.casefold(): section.title for section in self.sections}
        self.slugs = [
            (section.title, {config.term_slug("tags", tag) for tag in section.tags})
            for section in self.sections
        ]

    def check(self, article: Article, errors: list[DigestError]) -> None:
        """A story's `section:` must name a configured section."""
        chosen = article.section
        if chosen is None or chosen.casefold() in self.titles:
            return
        if not self.sections:
            problem = "site.yml's `editions` has no `sections` — add them there, or delete this line"
        else:
            close = difflib.get_close_matches(chosen.casefold(), list(self.titles), n=1, cutoff=0.6)
            names = ", ".join(section.title for section in self.sections)
            problem = f"did you mean `{self.titles[close[0]]}`?" if close else f"the sections are: {names}"
        errors.append(DigestError(article.path, article.section_line, f"no section `{chosen}` — {problem}"))

    def rule(self, article: Article) -> str | None:
        """The story's section: its `section:`, else the first section sharing a tag, else the other one."""
        if article.section is not None and article.section.casefold() in self.titles:
            return self.titles[article.section.casefold()]
        tags = {tag.slug for tag in article.tags}
        for title, slugs in self.slugs:
            if tags & slugs:
                return title
        return self.other if self.sections else None

    def parts(
        self, first: list[tuple[str | None, Article]], members: list[Article], *, headed: bool
    ) -> tuple[EditionPart, ...]:
        """The file's stories in its order and under its headings, then the rest, newest first by section."""
        groups: dict[str | None, list[Article]] = {}
        for heading, article in first:
            title = self.titles.get(heading.casefold(), heading) if heading else self.rule(article)
            groups.setdefault(title, []).append(article)
        for section in self.sections:
            groups.setdefault(section.title, [])
        taken = {article.path for _, article in first}
        for article in members:
            if article.path not in taken:
                title = self.rule(article)
                groups.setdefault(self.other if title is None and headed else title, []).append(article)
        return tuple(EditionPart(title, tuple(items)) for title, items in groups.items() if items)
