"""site.yml → a SiteConfig, checked once at load so later stages can trust it; every mistake at once."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.config.deploy_targets import deploy_targets
from digest.config.editions import editions_config
from digest.config.email import email_config
from digest.config.folders import folder_problems
from digest.config.hints import describe, did_you_mean
from digest.config.lined_yaml import Fields, load_fields
from digest.config.site_config import (
    DEFAULT_EXTENSIONS,
    PERMALINK_FIELDS,
    Defaults,
    MarkdownConfig,
    NavLink,
    Publisher,
    SiteConfig,
)
from digest.config.sources import parse_sources
from digest.errors import BuildError, DigestError
from digest.safeurl import url_problem
from digest.urls import slugify

_KEYS = frozenset({f.name for f in fields(SiteConfig) if f.init} - {"root"})


def load_config(path: Path, overrides: dict[str, Any] | None = None) -> SiteConfig:
    """Read and validate site.yml; `overrides` come from the command line and win."""
    require_config(path)
    raw = load_fields(path.read_text(encoding="utf-8-sig"), path, deep=True)
    return parse_config(raw, path.parent.resolve(), overrides or {})


def require_config(path: Path) -> None:
    """Stop early, and clearly, when there is no site.yml to work from."""
    if not path.is_file():
        raise DigestError(
            path, None, "no site.yml here — run digest in your site's folder or pass --config FILE"
        )


def parse_config(raw: Fields, root: Path, overrides: dict[str, Any]) -> SiteConfig:
    """Turn site.yml's fields into a SiteConfig, reporting every wrong key at once, each with its line."""
    values = {**raw.values, **overrides}
    check = _Checker(raw)
    problems = [
        DigestError(raw.path, raw.line(key), f"unknown key `{key}`{did_you_mean(key, _KEYS)}")
        for key in values
        if key not in _KEYS
    ]
    misspelt = {close for key in values for close in difflib.get_close_matches(key, _KEYS, 1, 0.7)}
    problems += [
        DigestError(raw.path, None, f"missing `{key}` — add a line `{key}: …`")
        for key in ("title", "base_url")
        if key not in values and key not in misspelt  # `base_ulr` is one mistake, reported once
    ]
    kwargs: dict[str, Any] = {}
    wrong: set[str] = set()
    for key in _KEYS & values.keys():  # each key alone, so one wrong value does not hide the next
        try:
            if key == "deploy":
                kwargs["deploy"] = deploy_targets(raw, values[key])
                continue
            kwargs |= _settings(check, {key: values[key]})
        except DigestError as problem:
            problems.append(problem)
            wrong.add(key)
        except BuildError as failed:  # a nested setting (editions, the source registry) reports each mistake
            problems += failed.errors
            wrong.add(key)
    config = SiteConfig(root=root, **{"title": "", "base_url": "", **kwargs})
    if not wrong & {"content_dir", "static_dir", "output_dir"}:  # else a default would be blamed
        problems += folder_problems(raw, config)
    if problems:
        raise BuildError(problems)
    return config


def _settings(check: _Checker, values: dict[str, Any]) -> dict[str, Any]:
    """The SiteConfig arguments for the keys in `values`, checked; raises at the first wrong one."""
    kwargs: dict[str, Any] = {}
    if "title" in values:
        kwargs["title"] = check.text("title", values["title"])
    if "base_url" in values:
        kwargs["base_url"] = _base_url(check, values["base_url"])
    for key in ("description", "language", "output_dir", "content_dir", "static_dir", "theme"):
        if key in values:
            kwargs[key] = check.text(key, values[key])
    if "author" in values:
        kwargs["author"] = check.text("author", values["author"])
    if "timezone" in values:
        kwargs["timezone"] = _timezone(check, values["timezone"])
    for key in ("per_page", "feed_size"):
        if key in values:
            kwargs[key] = check.positive_int(key, values[key])
    if "permalink" in values:
        kwargs["permalink"] = _permalink(check, values["permalink"])
    if "publisher" in values:
        kwargs["publisher"] = _publisher(check, values["publisher"])
    if "markdown" in values:
        kwargs["markdown"] = _markdown(check, values["markdown"])
    if "nav" in values:
        kwargs["nav"] = tuple(
            NavLink(check.text("nav.title", item.get("title")), _url(check, "nav.url", item.get("url")))
            for item in check.list_of_mappings("nav", values["nav"], {"title", "url"})
        )
    if "defaults" in values:
        kwargs["defaults"] = tuple(
            Defaults(
                check.text("defaults", item.get("path", "**")),
                check.mapping("defaults", item.get("values")),
            )
            for item in check.list_of_mappings("defaults", values["defaults"], {"path", "values"})
        )
    if "aliases" in values:
        kwargs["aliases"] = {
            str(k): check.text("aliases", v) for k, v in check.mapping("aliases", values["aliases"]).items()
        }
    for key in ("extra_keys", "ignore"):
        if key in values:
            kwargs[key] = tuple(check.text(key, v) for v in check.list(key, values[key]))
    if "slugs" in values:
        kwargs["slugs"] = _slugs(check, values["slugs"])
    if "sources" in values:
        kwargs["sources"] = parse_sources(values["sources"], check.raw)
    if "email" in values:
        kwargs["email"] = email_config(check, values["email"])
    if "editions" in values:
        kwargs["editions"] = editions_config(check.raw, values["editions"])
    if "search" in values:
        kwargs["search"] = _search(check, values["search"])
    return kwargs


def _search(check: _Checker, value: Any) -> bool:
    """`search: false` builds no index, search page or search box; YAML's `no` and `off` are false too."""
    if not isinstance(value, bool):
        raise check.fail("search", f"expected `true` or `false`, found {describe(value)}")
    return value


@dataclass(frozen=True, slots=True)
class _Checker:
    """Type checks that raise errors pointing at the key's line in site.yml."""

    raw: Fields

    def fail(self, key: str, message: str) -> DigestError:
        return DigestError(self.raw.path, self.raw.line(key), f"`{key}`: {message}")

    def text(self, key: str, value: Any) -> str:
        if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
            raise self.fail(key, f"expected text, found {describe(value)}")
        return str(value).strip()

    def positive_int(self, key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(key, f"expected a whole number of at least 1, found {describe(value)}")
        return value

    def mapping(self, key: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a mapping of `name: value` lines, found {describe(value)}")
        return value

    def list(self, key: str, value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list (lines starting with `- `), found {describe(value)}")
        return value

    def list_of_mappings(self, key: str, value: Any, allowed: set[str]) -> list[dict[str, Any]]:
        items = self.list(key, value)
        for item in items:
            self.mapping(key, item)
            for sub in item:
                if sub not in allowed:
                    raise self.fail(key, f"unknown key `{sub}`{did_you_mean(str(sub), allowed)}")
        return items


def _base_url(check: _Checker, value: Any) -> str:
    url = check.text("base_url", value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise check.fail(
            "base_url",
            f"expected an absolute http(s) URL like https://example.org/digest/, found `{url}`",
        )
    return url if url.endswith("/") else url + "/"


def _timezone(check: _Checker, value: Any) -> str:
    name = check.text("timezone", value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise check.fail(
            "timezone", f"unknown time zone `{name}` — use an IANA name like Europe/Paris or UTC"
        ) from None
    return name


def _permalink(check: _Checker, value: Any) -> str:
    pattern = check.text("permalink", value)
    names = re.findall(r"\{([^}]*)\}", pattern)
    for name in names:
        if name not in PERMALINK_FIELDS:
            raise check.fail("permalink", f"unknown field `{{{name}}}`{did_you_mean(name, PERMALINK_FIELDS)}")
    if "slug" not in names:
        raise check.fail("permalink", "must contain `{slug}` so every article gets its own URL")
    if not (pattern.endswith("/") or pattern.endswith(".html")):
        raise check.fail("permalink", "must end with `/` (pretty URLs) or `.html`")
    if ".." in pattern.split("/") or "\\" in pattern:
        raise check.fail("permalink", "may not contain `..` or backslashes")
    return pattern


def _publisher(check: _Checker, value: Any) -> Publisher:
    if isinstance(value, dict):
        for sub in value:
            if sub not in ("name", "url"):
                raise check.fail("publisher", f"unknown key `{sub}`{did_you_mean(str(sub), ('name', 'url'))}")
        url = value.get("url")
        return Publisher(
            check.text("publisher", value.get("name")),
            None if url is None else _url(check, "publisher.url", url),
        )
    return Publisher(check.text("publisher", value))


def _url(check: _Checker, key: str, value: Any) -> str:
    """A link the site shows, held to the rule for every URL a user writes."""
    url = check.text(key, value)
    problem = url_problem(url)
    if problem:
        raise check.fail(key, problem)
    return url


def _markdown(check: _Checker, value: Any) -> MarkdownConfig:
    options = check.mapping("markdown", value)
    known = ("extensions", "extension_configs", "sanitize", "max_size")
    for sub in options:
        if sub not in known:
            raise check.fail("markdown", f"unknown key `{sub}`{did_you_mean(str(sub), known)}")
    sanitize = options.get("sanitize", False)
    if not isinstance(sanitize, bool):
        raise check.fail("markdown", f"`sanitize` must be true or false, found {describe(sanitize)}")
    extensions = tuple(
        check.text("markdown", v)
        for v in check.list("markdown", options.get("extensions", list(DEFAULT_EXTENSIONS)))
    )
    configs = check.mapping("markdown", options.get("extension_configs", {}))
    try:
        import markdown

        markdown.Markdown(extensions=list(extensions), extension_configs=configs)
    except Exception as exc:  # Python-Markdown raises many types for a bad extension name or option
        raise check.fail("markdown", f"Python-Markdown cannot load these extensions: {exc}") from None
    return MarkdownConfig(extensions, configs, sanitize, _size(check, options.get("max_size", "1 MB")))


def _size(check: _Checker, value: Any) -> int:
    """`2 MB` or `800 KB` as bytes: a bare number would leave the unit to guess."""
    found = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(KB|MB)", str(value).strip(), re.IGNORECASE)
    if not found or float(found.group(1)) <= 0:
        raise check.fail(
            "markdown", f"`max_size` must be a size like `2 MB` or `800 KB`, not {describe(value)}"
        )
    return round(float(found.group(1)) * (1_000 if found.group(2).upper() == "KB" else 1_000_000))


SLUG_KINDS = ("tags", "sources", "locations")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _slugs(check: _Checker, value: Any) -> dict[str, dict[str, str]]:
    """`slugs: {tags: {"C++": cpp}}`: the URL name of terms that would otherwise slugify alike."""
    chosen: dict[str, dict[str, str]] = {}
    for kind, names in check.mapping("slugs", value).items():
        if kind not in SLUG_KINDS:
            raise check.fail("slugs", f"unknown key `{kind}`{did_you_mean(str(kind), SLUG_KINDS)}")
        chosen[kind] = {}
        for name, slug in check.mapping("slugs", names).items():
            slug = check.text("slugs", slug)
            if not _SLUG.fullmatch(slug):
                raise check.fail(
                    "slugs",
                    f"the slug `{slug}` for `{name}` may hold only lowercase letters, digits and single "
                    f"hyphens — write it like `{slugify(slug)}`",
                )
            chosen[kind][check.text("slugs", name).casefold()] = slug
    return chosen
