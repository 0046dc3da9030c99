"""Stories and edition files → numbered Editions: which story is in which issue, in what order. Pure.

A number counts periods from `first`, so it depends on dates alone: adding an older story never
renumbers a later edition. Every bad reference is collected, and reported at once by the build.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import NamedTuple

from digest.config.site_config import EditionsConfig, SiteConfig
from digest.content.article import Article
from digest.content.editions import EditionFile
from digest.errors import DigestError
from digest.site.edition_listing import Listing
from digest.site.edition_sections import Sections
from digest.site.model import Edition, Site

FIRST, LAST = (datetime.min.replace(tzinfo=timezone.utc), datetime.max.replace(tzinfo=timezone.utc))


class Placed(NamedTuple):
    """The editions published, each story's edition, the mistakes, and when a left-out one falls due."""

    editions: tuple[Edition, ...]
    edition_of: dict[str, Edition]
    errors: list[DigestError]
    due: datetime | None


class Periods:
    """Daily or weekly periods numbered from the one holding `first` (No. 1); none in manual cadence."""

    __slots__ = ("length", "origin", "settings")

    def __init__(self, settings: EditionsConfig) -> None:
        first = settings.first
        self.settings = settings
        self.length = 1 if settings.cadence == "daily" else 7
        self.origin: date | None = None  # the first day of No. 1's period
        if first is not None and settings.cadence != "manual":
            self.origin = first - timedelta(days=(first.weekday() - settings.week_starts) % self.length)

    def number_of(self, day: date) -> int | None:
        """The edition whose period holds `day`; None before No. 1's period, or in manual cadence."""
        origin = self.origin
        if origin is None or day < origin:
            return None
        return (day - origin).days // self.length + 1

    def start(self, number: int, tz: tzinfo) -> datetime:
        """The moment edition `number`'s period begins: midnight of its first day, in the site time zone."""
        return datetime.combine(self.span(number)[0], time(), tz).astimezone(timezone.utc)

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
    listing = Listing(config, stories, drafts, {ref.name for file in files for ref in file.stories})
    for number, file in sorted(numbered.items(), key=lambda item: item[1].path.as_posix()):
        listing.add(number, file, lambda a: _resolve(a, periods, numbered, by_day, None), errors)
    published: dict[Path, Article] = {}  # the listed stories this build publishes
    members: dict[int, list[Article]] = defaultdict(list)
    sections = Sections(config)
    taken = ("editions/", "stories/") if settings.front_page == "edition" else ("editions/",)
    tz, placed, number_of = config.tz, listing.placed, periods.number_of
    period, since = None, LAST  # the period of the story before, and when it starts
    for article in site.articles:  # every story, every build, newest first: kept lean
        if article.url.startswith(taken):
            where = "the story stream" if article.url.startswith("stories/") else "the editions pages"
            message = f"its URL /{article.url} belongs to {where} — change its `slug` or the `permalink`"
            errors.append(DigestError(article.path, None, message))
        number: int | None = None
        if article.edition is not None:
            number = _resolve(article, periods, numbered, by_day, errors)
        if placed and article.path in placed:
            number = placed[article.path]
            published[article.path] = article
        elif article.edition is None:
            if article.instant < since:  # older than its period's start: the story opens another period
                period = number_of(article.date.astimezone(tz).date())
                since = FIRST if period is None else periods.start(period, tz)
            number = period
        if article.section is not None:
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
        dated = file is not None and file.day is not None  # an edition file's `date` schedules it
        if (dated or not members[number]) and day > today and not future:
            due.append(day)  # it waits for its day
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
