"""`editions:` in site.yml checked at load: every wrong value reported at once, each with its own line."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from digest.config.hints import describe, did_you_mean
from digest.config.lined_yaml import Fields
from digest.config.site_config import (
    CADENCES,
    FRONT_PAGES,
    WEEKDAYS,
    EditionsConfig,
    EditionSection,
)
from digest.errors import BuildError, DigestError

KEYS = tuple(f.name for f in fields(EditionsConfig))
TITLE_FIELDS = ("number", "date", "start", "end", "site")
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def editions_config(raw: Fields, value: Any) -> EditionsConfig:
    """The `editions:` mapping as an EditionsConfig; raises BuildError naming every wrong value."""
    check = _Check(raw)
    if not isinstance(value, dict):
        check.fail("", f"expected a mapping such as `cadence: weekly`, found {describe(value)}")
        raise BuildError(check.errors)
    for key in value:
        if key not in KEYS:
            check.fail(f".{key}", f"unknown key `{key}`{did_you_mean(str(key), KEYS)}")
    settings: dict[str, Any] = {}
    if "cadence" in value:
        settings["cadence"] = check.choice("cadence", value["cadence"], CADENCES, "a cadence")
    if "week_starts" in value:
        day = check.choice("week_starts", value["week_starts"], WEEKDAYS, "a weekday")
        settings["week_starts"] = None if day is None else WEEKDAYS.index(day)
    if "first" in value:
        settings["first"] = check.day("first", value["first"])
    if "title" in value:
        settings["title"] = check.title(value["title"])
    if "sections" in value:
        settings["sections"] = check.sections(value["sections"])
    if "other_section" in value:
        settings["other_section"] = check.text("other_section", value["other_section"])
    if "front_page" in value:
        settings["front_page"] = check.choice("front_page", value["front_page"], FRONT_PAGES, "a front page")
    config = EditionsConfig(**{k: v for k, v in settings.items() if v is not None})
    if config.cadence != "manual" and config.first is None and "first" not in value:
        check.fail(
            "",
            f"`{config.cadence}` editions need `first`: a day in the period of edition No. 1 "
            "(add `first: 2022-09-12`) — numbers count periods from it, so they never change",
        )
    if check.errors:
        raise BuildError(check.errors)
    return config


@dataclass(slots=True)
class _Check:
    """Checks that note an error at the nested key's line in site.yml and carry on."""

    raw: Fields
    errors: list[DigestError] = field(default_factory=list)

    def fail(self, key: str, message: str) -> None:
        name = f"editions{key}" if not key or key[0] in ".[" else f"editions.{key}"
        self.errors.append(DigestError(self.raw.path, self.raw.line(name), f"`{name}`: {message}"))

    def text(self, key: str, value: Any) -> str | None:
        if isinstance(value, (bool, dict, list)) or value is None or not str(value).strip():
            self.fail(key, f"expected text, found {describe(value)}")
            return None
        return str(value).strip()

    def choice(self, key: str, value: Any, choices: tuple[str, ...], noun: str) -> Any:
        word = self.text(key, value)
        if word is None:
            return None
        if word.lower() not in choices:
            hint = did_you_mean(word.lower(), choices).replace("valid keys", "one of")
            self.fail(key, f"`{word}` is not {noun}{hint}")
            return None
        return word.lower()

    def day(self, key: str, value: Any) -> date | None:
        text = self.text(key, value)  # site.yml keeps dates as the text written
        if text is None:
            return None
        if not _DAY.match(text):
            self.fail(key, f"expected a day like 2022-09-12, found `{text}`")
            return None
        try:
            return date(*map(int, text.split("-")))
        except ValueError as exc:
            self.fail(key, f"`{text}` is not a real day ({exc})")
            return None

    def title(self, value: Any) -> str | None:
        """A title pattern, tried once on a sample edition so a mistake shows now, not at render."""
        pattern = self.text("title", value)
        if pattern is None:
            return None
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
        except ValueError as exc:
            self.fail("title", f"{exc} — write fields as {{number}}, and a literal brace as {{{{ or }}}}")
            return None
        for name in names:
            if name.split(".")[0].split("[")[0] not in TITLE_FIELDS:
                self.fail("title", f"unknown field `{{{name}}}`{did_you_mean(name, TITLE_FIELDS)}")
                return None
        sample = date(2022, 9, 18)
        try:
            pattern.format(number=1, date=sample, start=sample, end=sample, site="")
        except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
            self.fail(
                "title",
                f"cannot be filled in ({exc}) — dates take strftime codes like "
                "`{date:%A %-d %B %Y}`, the number takes `{number}` or `{number:03d}`",
            )
            return None
        return pattern

    def sections(self, value: Any) -> tuple[EditionSection, ...] | None:
        if not isinstance(value, list):
            self.fail(
                "sections", f"expected a list of `- title: …` / `tags: […]` items, found {describe(value)}"
            )
            return None
        sections: list[EditionSection] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(value):
            key = f"sections[{index}]"
            if not isinstance(item, dict):
                self.fail(key, f"expected `title: …` and `tags: […]`, found {describe(item)}")
                continue
            for sub in item:
                if sub not in ("title", "tags"):
                    self.fail(
                        f"{key}.{sub}", f"unknown key `{sub}`{did_you_mean(str(sub), ('title', 'tags'))}"
                    )
            if "title" not in item or "tags" not in item:
                missing = " and ".join(f"`{k}`" for k in ("title", "tags") if k not in item)
                self.fail(key, f"a section needs {missing} — e.g. `- title: Europe` then `  tags: [Ukraine]`")
                continue
            title = self.text(f"{key}.title", item["title"])
            tags = self.tags(f"{key}.tags", item["tags"])
            if title is None or tags is None:
                continue
            if title.casefold() in seen:
                self.fail(
                    f"{key}.title", f"`{title}` is also section {seen[title.casefold()] + 1} — rename one"
                )
                continue
            seen[title.casefold()] = index
            sections.append(EditionSection(title, tags))
        return tuple(sections)

    def tags(self, key: str, value: Any) -> tuple[str, ...] | None:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list) or not items or any(isinstance(t, (dict, list, bool)) for t in items):
            self.fail(key, f"expected a list of tags like `[Russia, Ukraine]`, found {describe(value)}")
            return None
        return tuple(str(tag).strip() for tag in items if str(tag).strip())
