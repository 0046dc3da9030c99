"""Planned pages and feeds + theme → Outputs: Jinja2 through the loader chain site → theme → built-in."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import date, datetime, time, tzinfo
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser

from digest.config.site_config import SiteConfig
from digest.config.themes import theme_dirs
from digest.errors import DigestError
from digest.render.edition_feeds import render_any_feed
from digest.render.feeds import Feed
from digest.render.plan import Output, Page
from digest.urls import absolute_url, linker, root_url


class FragmentCache(Extension):
    """`{% cache "card", a.url, url("") %}…{% endcache %}`: render a fragment once per key per build.

    A story's card appears on a dozen list pages; rendered once per link depth (`url("")`), most
    list pages are mostly copies. The key must name everything the fragment shows.
    """

    tags = frozenset({"cache"})
    LIMIT = 50_000  # fragments kept; past this the store starts over, to bound memory

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.fragments: dict[tuple[Any, ...], str] = {}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        key = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            key.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method("_fragment", [nodes.Tuple(key, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _fragment(self, key: tuple[Any, ...], caller: Callable[[], str]) -> str:
        found = self.fragments.get(key)
        if found is None:
            if len(self.fragments) >= self.LIMIT:
                self.fragments.clear()
            found = self.fragments[key] = caller()
        return found


def make_environment(
    config: SiteConfig, compiled: jinja2.BytecodeCache | None = None, assets: dict[str, str] | None = None
) -> jinja2.Environment:
    """Jinja2 with the loader chain site templates → theme → built-in, autoescaped and strict.

    `compiled` keeps templates compiled between builds (see incremental/bytecode.py); `assets` are
    the hashed names `url()` links theme stylesheets and scripts by (see content/assets.py).
    """
    loaders = [jinja2.FileSystemLoader(config.root / "templates")]
    loaders += [jinja2.FileSystemLoader(d / "templates") for d in theme_dirs(config)]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=compiled,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=[FragmentCache],
    )
    env.filters["datefmt"] = lambda value, fmt="%B %-d, %Y": value.strftime(fmt)
    env.filters["timestamp"] = partial(_timestamp, tz=config.tz)
    env.globals["site"] = config
    env.globals["asset_names"] = assets or {}
    return env


def _timestamp(value: date | datetime, tz: tzinfo) -> int:
    """Whole seconds since 1970, to sort by; a day counts from its start in the site's time zone."""
    moment = value if isinstance(value, datetime) else datetime.combine(value, time(), tz)
    return int(moment.timestamp())


def render_tasks(
    config: SiteConfig, env: jinja2.Environment, pages: list[Page], feeds: list[Feed]
) -> list[Callable[[], Output]]:
    """One task per file to render, feeds first: the slowest renders, spread over the workers."""
    return [
        *(partial(render_any_feed, config, feed) for feed in feeds),
        *(partial(render_page, config, env, page) for page in pages),
    ]


def render_page(config: SiteConfig, env: jinja2.Environment, page: Page) -> Output:
    """Render one planned page, turning template mistakes into `template:line` errors."""
    template = page.template
    if page.info.kind == "404":  # served at any missing path, so its links are rooted at base_url
        link: Callable[[str], str] = lambda target: root_url(config.base_url, target)  # noqa: E731
    else:
        link = linker(page.info.url)
    assets = env.globals["asset_names"]
    url = (lambda target: link(assets.get(target, target))) if assets else link

    def draw(extra: dict[str, Any]) -> str:
        return env.get_template(template).render(
            page=page.info,
            url=url,
            absolute_url=lambda target: absolute_url(config.base_url, target),
            structured_data=page.structured_data() if page.structured_data else None,
            **(page.context | extra if extra else page.context),
        )

    try:
        html = page.finish(draw) if page.finish else draw({})
    except jinja2.TemplateSyntaxError as exc:
        raise DigestError(
            Path(exc.filename or template), exc.lineno, f"template syntax error: {exc.message}"
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise DigestError(Path(template), None, f"template `{exc.name}` not found in the theme") from None
    except jinja2.UndefinedError as exc:
        path, line = _template_frame(exc, template)
        raise DigestError(path, line, f"{exc.message} — check the variable's spelling") from None
    except Exception as exc:  # a filter or method failing inside a template: still the template's line
        path, line = _template_frame(exc, template)
        raise DigestError(path, line, f"template error: {type(exc).__name__}: {exc}") from None
    return Output(page.path, html.encode("utf-8"))


def _template_frame(exc: BaseException, fallback: str) -> tuple[Path, int | None]:
    """The template file and line where a render error happened (Jinja2 rewrites tracebacks so)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2")):
            return Path(frame.filename), frame.lineno
    return Path(fallback), None
