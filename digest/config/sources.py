"""The source registry (`sources:` in site.yml, or a file beside it): one name and one page per outlet."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import yaml

from digest.config.hints import describe, did_you_mean
from digest.config.lined_yaml import Fields, load_fields
from digest.config.site_config import SourceEntry
from digest.errors import BuildError, DigestError
from digest.safeurl import url_problem

FIELDS = ("name", "home", "feed", "description", "aliases")
_LineKey = tuple[str, ...]


class _Lines(NamedTuple):
    """Where each entry and field of the registry is written, and entries written twice."""

    lines: dict[_LineKey, int]
    repeats: list[tuple[str, int, int]]  # key, first line, repeated line


def parse_sources(value: Any, site_yml: Fields) -> tuple[SourceEntry, ...]:
    """`sources:` → registry entries; raises BuildError with every mistake, each at its file and line."""
    if isinstance(value, str) and value.strip():
        path = site_yml.path.parent / value.strip()
        text = _read(path, site_yml)
        entries, lines = load_fields(text, path).values, _lines(text, None)
    elif isinstance(value, dict):
        path, entries = site_yml.path, value
        try:
            lines = _lines(path.read_text(encoding="utf-8-sig"), "sources")
        except (OSError, UnicodeDecodeError):  # read a moment ago; lines are only a help
            lines = _Lines({}, [])
    else:
        raise DigestError(
            site_yml.path,
            site_yml.line("sources"),
            f"`sources` must be a mapping of sources or the name of a file beside site.yml like "
            f"`sources.yml`, found {describe(value)} — see the README's source registry",
        )
    registry = _Registry(path, lines.lines, site_yml.line("sources") if path == site_yml.path else 1)
    for key, first, again in lines.repeats:
        message = f"source `{key}` is listed twice (lines {first} and {again}) — merge them"
        registry.errors.append(DigestError(path, again, message))
    for key, fields in entries.items():
        registry.add(str(key), fields)
    if registry.errors:
        raise BuildError(registry.errors)
    return tuple(registry.entries)


def registry_file(site_yml: Path) -> Path | None:
    """The sources file site.yml names (`sources: sources.yml`), for a preview to watch; None if none."""
    try:
        named = load_fields(site_yml.read_text(encoding="utf-8-sig"), site_yml).values.get("sources")
    except (OSError, UnicodeDecodeError, DigestError):
        return None
    return site_yml.parent / named.strip() if isinstance(named, str) and named.strip() else None


def _read(path: Path, site_yml: Fields) -> str:
    """The sources file's text, or an error at site.yml's `sources:` line saying what is wrong with it."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        problem = "does not exist — create it beside site.yml, or list the sources under `sources:`"
    except IsADirectoryError:
        problem = "is a folder — name a YAML file like `sources.yml`"
    except UnicodeDecodeError:
        problem = "is not UTF-8 text — save it as UTF-8"
    except OSError as error:
        problem = f"cannot be read ({error.strerror}) — check its permissions"
    raise DigestError(site_yml.path, site_yml.line("sources"), f"`sources`: the file {path.name} {problem}")


def _lines(text: str, under: str | None) -> _Lines:
    """The line of every entry and field, read from the YAML's nodes (values come from load_fields)."""
    found = _Lines({}, [])
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return found
    if under is not None:
        node = _child(node, under)
    if not isinstance(node, yaml.MappingNode):
        return found
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if (key,) in found.lines:
            found.repeats.append((key, found.lines[(key,)], line))
            continue
        found.lines[(key,)] = line
        if isinstance(value_node, yaml.MappingNode):
            for sub_node, sub_value in value_node.value:
                found.lines[(key, str(sub_node.value))] = sub_node.start_mark.line + 1
                if isinstance(sub_value, yaml.SequenceNode):
                    for index, item in enumerate(sub_value.value):
                        found.lines[(key, str(sub_node.value), str(index))] = item.start_mark.line + 1
    return found


def _child(node: yaml.Node | None, name: str) -> yaml.Node | None:
    """The value node of `name` in a mapping node, if there is one."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == name:
                return value_node
    return None


class _Registry:
    """Entries checked one by one, every mistake kept, and each spelling's owner remembered."""

    def __init__(self, path: Path, lines: dict[_LineKey, int], first_line: int) -> None:
        self.path, self.lines, self.first_line = path, lines, first_line
        self.entries: list[SourceEntry] = []
        self.errors: list[DigestError] = []
        self.owners: dict[str, str] = {}  # casefolded spelling → the key of the source it names
        self.pages: dict[str, str] = {}  # slug → key

    def line(self, where: _LineKey) -> int:
        """The line of a field, else of its entry, else of `sources:` itself."""
        for end in range(len(where), 0, -1):
            if where[:end] in self.lines:
                return self.lines[where[:end]]
        return self.first_line

    def fail(self, where: _LineKey, message: str) -> None:
        self.errors.append(DigestError(self.path, self.line(where), message))

    def add(self, key: str, fields: Any) -> None:
        """Check one entry; keep it when it is right."""
        if not isinstance(fields, dict):
            example = f"`{key}: {{name: The Outlet, home: https://…}}`"
            self.fail(
                (key,),
                f"source `{key}` must be a mapping with a name, found {describe(fields)} — write {example}",
            )
            return
        errors = len(self.errors)
        for sub in fields:
            if sub not in FIELDS:
                hint = did_you_mean(str(sub), FIELDS)
                self.fail((key, str(sub)), f"source `{key}` has an unknown key `{sub}`{hint}")
        name = self.text(key, "name", fields.get("name"))
        if name is None:
            self.fail(
                (key, "name"), f"source `{key}` needs a `name` — add `name: The Outlet` (as pages show it)"
            )
        home, feed = self.url(key, "home", fields.get("home")), self.url(key, "feed", fields.get("feed"))
        description = self.text(key, "description", fields.get("description")) or ""
        numbered = self.aliases(key, fields.get("aliases"))
        aliases = tuple(alias for _, alias in numbered)
        slug = SourceEntry(key, "").slug
        other = self.pages.setdefault(slug, key)
        if other.casefold() != key.casefold():  # the same key in another case is reported by claim()
            self.fail(
                (key,), f"sources `{other}` and `{key}` would share one page, sources/{slug}/ — rename one"
            )
        named = [(name, (key, "name"))] if name else []
        self.claim(
            key, [(key, (key,)), *named, *((alias, (key, "aliases", str(i))) for i, alias in numbered)]
        )
        if len(self.errors) == errors and name is not None:
            self.entries.append(SourceEntry(key, name, home, feed, description, aliases))

    def text(self, key: str, field: str, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, (bool, dict, list)):
            self.fail((key, field), f"source `{key}`: `{field}` must be text, found {describe(value)}")
            return None
        return " ".join(str(value).split()) or None

    def url(self, key: str, field: str, value: Any) -> str | None:
        url = self.text(key, field, value)
        problem = url and url_problem(url)
        if problem:
            self.fail((key, field), f"source `{key}`: `{field}`: {problem}")
            return None
        return url

    def aliases(self, key: str, value: Any) -> list[tuple[int, str]]:
        """Each alias with its place in the list, for errors that point at its line."""
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        found: list[tuple[int, str]] = []
        for index, item in enumerate(items):
            where = (key, "aliases", str(index)) if isinstance(value, list) else (key, "aliases")
            if isinstance(item, (bool, dict, list)) or item is None:
                self.fail(where, f"source `{key}`: each alias must be text, found {describe(item)} — "
                          "write `aliases: [NYT, The Times]`")  # fmt: skip
            elif text := " ".join(str(item).split()):
                found.append((index, text))
        return found

    def claim(self, key: str, spellings: list[tuple[str, _LineKey]]) -> None:
        """Each key, name and alias names one source: a spelling two entries claim is a mistake."""
        for spelling, where in spellings:
            owner = self.owners.setdefault(spelling.casefold(), key)
            if owner != key:
                self.fail(
                    where,
                    f"`{spelling}` names two sources, `{owner}` (line {self.line((owner,))}) and `{key}` — "
                    "keep it in one of them",
                )
