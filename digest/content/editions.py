"""content/editions/*.md → EditionFiles: an edition's number, date, title, story order and editor's note."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from digest.config.hints import describe
from digest.config.lined_yaml import Fields, load_fields
from digest.config.site_config import SiteConfig
from digest.content.dates import parse_date
from digest.content.file_bytes import read_content, unreadable
from digest.content.frontmatter import plain_text, split
from digest.content.markup import MarkdownRenderer
from digest.content.migrate import absent
from digest.errors import BuildError, BuildWarning, DigestError

KEYS = ("number", "date", "title", "draft", "stories")
STORIES_HOW = "list paths under content/ or slugs (`- putin-xi-samarkand`), or headings each with such a list"


class StoryRef(NamedTuple):
    """A story as an edition file names it: a path under content/ or a slug, under an optional heading."""

    name: str
    heading: str | None
    line: int


@dataclass(frozen=True, slots=True)
class EditionFile:
    """One edition file as written; which edition it is, and whether its stories exist, the site decides."""

    path: Path  # as messages show it
    line: int  # its opening `---` line, for mistakes about the file as a whole
    number: int | None
    number_line: int
    day: date | None
    date_line: int
    title: str | None
    draft: bool
    stories: tuple[StoryRef, ...]
    note: str  # the editor's note as HTML, its links as seen from the edition's page
    front_note: str  # the same, as seen from the front page


class EditionFiles(NamedTuple):
    """Every edition file read, with every mistake and warning on the way."""

    files: list[EditionFile]
    errors: list[DigestError]
    warnings: list[BuildWarning]


def read_edition_files(config: SiteConfig, paths: Iterable[str]) -> EditionFiles:
    """Read the edition files (few, and short: read afresh every build that is not a no-op)."""
    found = EditionFiles([], [], [])
    renderer = MarkdownRenderer(config.markdown)
    for path in sorted(paths):
        shown = config.shown(Path(path))
        try:
            data = read_content(Path(path), shown, config.markdown.max_size)
            found.files.append(_edition_file(data, shown, config, renderer, found.warnings))
        except DigestError as error:
            found.errors.append(error)
        except BuildError as failed:
            found.errors.extend(failed.errors)
        except OSError as error:
            found.errors.append(unreadable(Path(path), shown, error))
    return found


def _edition_file(
    data: bytes, shown: Path, config: SiteConfig, renderer: MarkdownRenderer, warnings: list[BuildWarning]
) -> EditionFile:
    """One edition file's bytes → an EditionFile; raises BuildError with every mistake in it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DigestError(
            shown, data.count(b"\n", 0, exc.start) + 1, "not UTF-8 text — save it as UTF-8"
        ) from None
    yaml_text, offset, body = split(text, shown)
    raw = load_fields(yaml_text, shown, offset, warnings, deep=True)
    values, errors = raw.values, []

    def fail(key: str, message: str) -> None:
        errors.append(DigestError(shown, raw.line(key), message))

    for key in values:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.7)
            hint = (
                f" — did you mean `{close[0]}`?" if close else f" — an edition file takes {', '.join(KEYS)}"
            )
            warnings.append(BuildWarning(shown, raw.line(key), f"unknown edition key `{key}`{hint}"))
    number = _number(values.get("number"), shown, fail)
    day = None
    if not absent(values.get("date")):
        try:
            day = parse_date(values["date"], config.tz).astimezone(config.tz).date()
        except ValueError as exc:
            fail("date", f"`date`: {exc}")
    title = values.get("title")
    if not absent(title) and isinstance(title, (dict, list, bool)):
        fail("title", f"`title` must be text, found {describe(title)}")
    draft = values.get("draft", False)
    if not isinstance(draft, bool):
        fail("draft", f"`draft` must be true or false, found {describe(draft)}")
    stories = _stories(raw, values.get("stories"), fail)
    if errors:
        raise BuildError(errors)
    page = f"editions/{number or 0}/"  # every edition page is as deep: its links work from any number
    return EditionFile(
        path=shown,
        line=raw.first_line - 1,
        number=number,
        number_line=raw.line("number"),
        day=day,
        date_line=raw.line("date"),
        title=None if absent(title) else renderer.title(plain_text(str(title))),
        draft=draft,
        stories=stories,
        note=renderer.render(body, page) if body.strip() else "",
        front_note=renderer.render(body, "") if body.strip() else "",
    )


def _number(value: Any, shown: Path, fail: Any) -> int | None:
    """`number:`, else the file's name when it is one (`12.md`); both, and they must agree."""
    named = int(shown.stem) if shown.stem.isdigit() and int(shown.stem) > 0 else None
    if absent(value):
        return named
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        fail("number", f"`number` must be a whole number of at least 1, found {describe(value)}")
        return None
    if named is not None and named != value:
        fail(
            "number",
            f"`number: {value}` but the file is named {shown.name} — make them agree, or rename the file",
        )
    return value


def _stories(raw: Fields, value: Any, fail: Any) -> tuple[StoryRef, ...]:
    """`stories:` as a list, or as headings each with a list; every name with its own line."""
    if absent(value):
        return ()
    if isinstance(value, list):
        groups: list[tuple[str | None, str, Any]] = [(None, "stories", value)]
    elif isinstance(value, dict):
        groups = [(str(heading).strip(), f"stories.{heading}", items) for heading, items in value.items()]
    else:
        fail("stories", f"`stories` must be a list or a mapping — {STORIES_HOW}")
        return ()
    refs: list[StoryRef] = []
    for heading, key, items in groups:
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list):
            fail(key, f"`{key}` must be a list of stories, found {describe(items)} — {STORIES_HOW}")
            continue
        for index, item in enumerate(items):
            if absent(item) or isinstance(item, (dict, list, bool)):
                fail(
                    f"{key}[{index}]",
                    f"expected a story's path or slug, found {describe(item)} — {STORIES_HOW}",
                )
            else:
                refs.append(StoryRef(str(item).strip(), heading or None, raw.line(f"{key}[{index}]")))
    return tuple(refs)
