"""One content file's text → its checked front matter and Markdown body, with every mistake found."""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from digest.config.hints import describe, did_you_mean
from digest.config.lined_yaml import CONTROL, Fields, control_character, load_fields
from digest.config.site_config import EDITION_KEYS, FRONT_MATTER_KEYS, SiteConfig
from digest.content.article import EditionRef
from digest.content.dates import filename_date, names_a_time, parse_date
from digest.content.migrate import absent, apply_aliases, fill
from digest.errors import BuildError, BuildWarning, DigestError
from digest.safeurl import url_problem

_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_TAG = re.compile(r"<[^>]*>")
_LOCATION_KEYS = ("name", "city", "region", "country", "lat", "lon")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The typed front matter of one article, before slugs and URLs are decided."""

    title: str
    date: datetime
    source_name: str
    source_url: str | None
    location: dict[str, Any] | None  # name, city, region, country, lat, lon
    tags: tuple[str, ...]
    summary: str | None
    author: str | None
    image: str | None
    image_alt: str
    slug: str | None
    draft: bool
    updated: datetime | None
    extra: dict[str, Any] = field(default_factory=dict)
    timed: bool = False  # `date` gives a time of day, not only the day
    edition: EditionRef | None = None  # only when the site has editions
    section: str | None = None
    section_line: int | None = None


def split(text: str, path: Path) -> tuple[str, int, str]:
    """Split a file into (YAML text, lines before the YAML, Markdown body); BOM and CRLF tolerated."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1  # blank lines before the opening fence are common in real content
    if start == len(lines) or not _FENCE.match(lines[start]):
        raise DigestError(path, min(start + 1, len(lines)),
                          "no front matter — start the file with a `---` line, then `title: …`, "
                          "`date: …`, `source: …`, then another `---` line")  # fmt: skip
    for end in range(start + 1, len(lines)):
        if _CLOSE.match(lines[end]):
            return "\n".join(lines[start + 1 : end]), start + 1, "\n".join(lines[end + 1 :])
    raise DigestError(
        path, start + 1, "front matter is never closed — add a `---` line after the last `key: value`"
    )


def parse(
    text: str, path: Path, relative: str, config: SiteConfig, warnings: list[BuildWarning]
) -> tuple[FrontMatter, str]:
    """Read and check one file; raises DigestError, or BuildError with every mistake in the file."""
    yaml_text, offset, body = split(text, path)
    raw = load_fields(yaml_text, path, offset, warnings)
    values = apply_aliases(dict(raw.values), config.aliases)
    lines = dict(raw.lines)
    for old, new in config.aliases.items():  # errors about an aliased key point at the user's own line
        if old.split(".")[0] in raw.lines:
            lines.setdefault(new.split(".")[0], raw.lines[old.split(".")[0]])
    raw = Fields(raw.values, lines, raw.path, raw.first_line)
    for default in config.defaults:
        if fnmatch(relative, default.path):
            for key, value in default.values.items():
                fill(values, key, value)
    checker = _Check(raw, [])
    checker.controls(values)
    front = checker.front_matter(values, path, config, warnings)
    if checker.errors:
        raise BuildError(checker.errors)
    assert front is not None
    return front, body


def _control_in(value: Any) -> str | None:
    """The first control character in a value's text, looking inside lists and mappings."""
    if isinstance(value, str):
        found = CONTROL.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        value = [*value, *value.values()]
    if isinstance(value, list):
        return next(filter(None, map(_control_in, value)), None)
    return None


def plain_text(value: str) -> str:
    """Text for titles and summaries: entities decoded (WordPress exports), whitespace collapsed."""
    return " ".join(html.unescape(value).split())


def strip_tags(value: str) -> str:
    """Markup removed, for summaries that must be plain text (meta descriptions, feeds)."""
    return plain_text(_TAG.sub(" ", value))


@dataclass(slots=True)
class _Check:
    """Field checks that record an error with the key's line and carry on, so all are reported."""

    raw: Fields
    errors: list[DigestError]

    def fail(self, key: str, message: str) -> None:
        self.errors.append(DigestError(self.raw.path, self.raw.line(key), message))

    def text(self, values: dict[str, Any], key: str, *, required: str = "") -> str | None:
        value = values.get(key)
        if absent(value):
            if required:
                self.fail(key, f"missing `{key}` — {required}")
            return None
        if isinstance(value, (dict, list, bool)):
            self.fail(key, f"`{key}` must be text, found {describe(value)}")
            return None
        return str(value).strip()

    def controls(self, values: dict[str, Any]) -> None:
        """Invisible control characters (written as YAML escapes like "\\x01") break pages and feeds."""
        for key, value in values.items():
            found = _control_in(value)
            if found:
                self.fail(key, f"`{key}` contains {control_character(found)} — delete it")

    def url(self, key: str, name: str, value: Any) -> str | None:
        """A URL the page links to, checked by the one rule for every URL a user writes."""
        if isinstance(value, (dict, list, bool)):
            self.fail(key, f"`{name}` must be a URL, found {describe(value)}")
            return None
        url = str(value).strip()
        problem = url_problem(url)
        if problem:
            self.fail(key, f"`{name}`: {problem}")
            return None
        return url

    def date(self, values: dict[str, Any], key: str, tz: tzinfo) -> datetime | None:
        try:
            return parse_date(values[key], tz)
        except ValueError as exc:
            self.fail(key, f"`{key}`: {exc}")
            return None

    def front_matter(
        self, values: dict[str, Any], path: Path, config: SiteConfig, warnings: list[BuildWarning]
    ) -> FrontMatter | None:
        tz = config.tz
        title = self.text(values, "title", required='add a line `title: "The headline"`')
        if not absent(values.get("date")):
            date = self.date(values, "date", tz)
        else:
            date = filename_date(path.name, tz)
            if date is None:
                self.fail("date", "missing `date` — add a line like `date: 2022-09-15T18:30:00+05:00`, "
                          "or start the file name with the date (2022-09-15-slug.md)")  # fmt: skip
        timed = not absent(values.get("date")) and names_a_time(values["date"])
        updated = None if absent(values.get("updated")) else self.date(values, "updated", tz)
        source_name, source_url = self.source(values.get("source"))
        location = self.location(values.get("location"))
        tags = self.tags(values.get("tags"))
        draft = self.boolean(values, "draft")
        summary = self.text(values, "summary")
        author = self.author(values.get("author"))
        image = (text := self.text(values, "image")) and self.url("image", "image", text)
        slug = self.text(values, "slug")
        known = FRONT_MATTER_KEYS + EDITION_KEYS if config.editions else FRONT_MATTER_KEYS
        edition = self.edition(values.get("edition"), tz) if config.editions else None
        section = self.text(values, "section") if config.editions else None
        extra = {}
        for key, value in values.items():
            if key in known:
                continue
            if key in config.extra_keys:
                extra[key] = value
            else:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.7)
                if len(key) > 40 or " " in key.strip():
                    hint = (
                        " — it looks like text, not a key: indent the continuation lines of the value above"
                    )
                elif close:
                    hint = f" — did you mean `{close[0]}`?"
                else:
                    hint = (
                        " — map it to a digest key with `aliases`, or keep it for templates with `extra_keys`"
                    )
                shown = key if len(key) <= 40 else key[:37] + "…"
                warnings.append(
                    BuildWarning(path, self.raw.line(key), f"unknown front matter key `{shown}`{hint}")
                )
        if self.errors or title is None or date is None or source_name is None:
            return None
        return FrontMatter(
            title=plain_text(title), date=date, source_name=plain_text(source_name), source_url=source_url,
            location=location, tags=tags, summary=strip_tags(summary) if summary else None, author=author,
            image=image, image_alt=plain_text(self.text(values, "image_alt") or ""), slug=slug, draft=draft,
            updated=updated, extra=extra, timed=timed, edition=edition, section=section,
            section_line=self.raw.line("section") if section else None,
        )  # fmt: skip

    def edition(self, value: Any, tz: tzinfo) -> EditionRef | None:
        """`edition: 12` or `edition: 2022-09-18`: the edition a story joins, whatever its own date."""
        if absent(value):
            return None
        line = self.raw.line("edition")
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            if value >= 1:
                return EditionRef(value, None, line)
        elif isinstance(value, str):
            try:
                return EditionRef(None, parse_date(value, tz).astimezone(tz).date(), line)
            except ValueError:
                pass
        self.fail(
            "edition",
            f"`edition` must be an edition number like `12` or a day like `2022-09-18`, "
            f"found {describe(value)}",
        )
        return None

    def source(self, value: Any) -> tuple[str | None, str | None]:
        how = "write `source: NYTIMES` or `source: {name: NYTIMES, url: https://…}`"
        if absent(value):
            self.fail(
                "source", f"missing `source` — {how}, or give every file one with `defaults` in site.yml"
            )
            return None, None
        if isinstance(value, dict):
            for key in value:
                if key not in ("name", "url"):
                    self.fail(
                        "source",
                        f"`source` has an unknown key `{key}`{did_you_mean(str(key), ('name', 'url'))}",
                    )
            name, url = value.get("name"), value.get("url")
            if absent(name) or isinstance(name, (dict, list)):
                self.fail("source", f"`source` needs a `name` — {how}")
                return None, None
            return str(name).strip(), None if absent(url) else self.url("source", "source.url", url)
        if isinstance(value, (list, bool)):
            self.fail("source", f"`source` must be text or a mapping — {how}")
            return None, None
        return str(value).strip(), None

    def location(self, value: Any) -> dict[str, Any] | None:
        if absent(value):
            return None
        if isinstance(value, dict):
            place: dict[str, Any] = {}
            for key, item in value.items():
                if key not in _LOCATION_KEYS:
                    self.fail(
                        "location",
                        f"`location` has an unknown key `{key}`{did_you_mean(str(key), _LOCATION_KEYS)}",
                    )
                elif key in ("lat", "lon"):
                    place[key] = self.coordinate(key, item)
                elif isinstance(item, (dict, list)):
                    self.fail("location", f"`location.{key}` must be text, found {describe(item)}")
                elif not absent(item):
                    place[key] = plain_text(str(item))
            if not any(place.get(k) for k in ("name", "city", "region", "country")):
                self.fail("location", "`location` needs a `name`, `city` or `country`")
                return None
            return place
        if isinstance(value, (list, bool)):
            self.fail(
                "location",
                "`location` must be a dateline like `Samarkand, Uzbekistan` or a mapping with city/country",
            )
            return None
        return {"name": plain_text(str(value))}

    def coordinate(self, key: str, value: Any) -> float | None:
        limit = 90 if key == "lat" else 180
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not -limit <= value <= limit:
            self.fail(
                "location", f"`location.{key}` must be a number from -{limit} to {limit}, found `{value}`"
            )
            return None
        return float(value)

    def tags(self, value: Any) -> tuple[str, ...]:
        if absent(value):
            return ()
        if isinstance(value, str):
            items: list[Any] = value.split(",")
        elif isinstance(value, list):
            items = value
        else:
            self.fail("tags", "`tags` must be a list (`[Russia, China]`) or comma-separated text")
            return ()
        if any(isinstance(item, (dict, list)) for item in items):
            self.fail("tags", "each tag must be text, not a list or mapping")
            return ()
        return tuple(plain_text(str(item)) for item in items if not absent(item) and item is not False)

    def boolean(self, values: dict[str, Any], key: str) -> bool:
        value = values.get(key)
        if absent(value):
            return False
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("yes", "on", "true", "1"):
            return True
        if str(value).lower() in ("no", "off", "false", "0"):
            return False
        self.fail(key, f"`{key}` must be true or false, found `{value}`")
        return False

    def author(self, value: Any) -> str | None:
        if absent(value):
            return None
        if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
            return ", ".join(plain_text(str(v)) for v in value) or None
        if isinstance(value, (dict, list, bool)):
            self.fail("author", "`author` must be a name or a list of names")
            return None
        return plain_text(str(value))
