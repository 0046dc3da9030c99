"""Site + theme → Outputs: every page rendered through the Jinja2 loader chain, nothing written."""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from .cache import settings_key, tree_key
from .config import SiteConfig
from .errors import DigestError
from .metadata import article_data, home_data
from .model import Article, Output, Site, Term
from .urls import absolute_url, output_file, relative_url, root_url

BUILTIN_THEMES = Path(__file__).parent / "themes"
PAGE_WINDOW = 2  # page links shown either side of the current one


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What every template knows about the page it renders."""

    title: str
    description: str
    kind: str
    url: str


@dataclass(frozen=True, slots=True)
class PageLink:
    number: int
    url: str
    current: bool


@dataclass(frozen=True, slots=True)
class Pagination:
    """Where a list page sits among its siblings; `pages` is a window around the current one."""

    number: int
    total: int
    prev_url: str | None
    next_url: str | None
    pages: tuple[PageLink, ...]


def theme_dirs(config: SiteConfig) -> list[Path]:
    """The theme folders to search, most specific first: the site's own, then the built-in default."""
    own = config.root / "themes" / config.theme
    builtin = BUILTIN_THEMES / config.theme
    found = [d for d in (own, builtin) if d.is_dir()]
    if not found:
        raise DigestError(
            config.root / "site.yml",
            None,
            f"theme `{config.theme}` not found — create themes/{config.theme}/templates/ "
            "or remove `theme` to use the default",
        )
    if BUILTIN_THEMES / "default" not in found:
        found.append(BUILTIN_THEMES / "default")  # a theme may override only some templates
    return found


def make_environment(config: SiteConfig) -> jinja2.Environment:
    """Jinja2 with the loader chain site templates → theme → built-in, autoescaped and strict."""
    loaders = [jinja2.FileSystemLoader(config.root / "templates")]
    loaders += [jinja2.FileSystemLoader(d / "templates") for d in theme_dirs(config)]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["datefmt"] = lambda value, fmt="%B %-d, %Y": value.strftime(fmt)
    env.globals["site"] = config
    # every template and theme file, and the settings: an edit to any of them redoes every page
    env.globals["theme_key"] = settings_key(config) + tree_key(
        [config.root / "templates", *theme_dirs(config)]
    )
    return env


def render_site(
    config: SiteConfig, site: Site, env: jinja2.Environment, previous: dict[str, str] | None = None
) -> list[Output]:
    """Every page of the site in a stable order; a page whose fingerprint is in `previous` is not rendered."""
    outputs: list[Output] = []
    render = _Renderer(config, env, previous or {})
    articles = site.articles
    for index, article in enumerate(articles):
        outputs.append(
            render.page(
                "article.html",
                PageInfo(f"{article.title} — {config.title}", article.summary, "article", article.url),
                article.modified,
                structured_data=article_data(config, article),
                article=article,
                newer=articles[index - 1] if index > 0 else None,
                older=articles[index + 1] if index + 1 < len(articles) else None,
                related=site.related.get(article.url, ()),
            )
        )
    outputs += render.listing("", "home", config.title, config.description, articles, home=True)
    labels = {"tags": "Stories tagged {}", "sources": "Stories from {}", "locations": "Stories datelined {}"}
    headings = {"tags": "Tags", "sources": "Sources", "locations": "Locations"}
    for kind, terms in (("tags", site.tags), ("sources", site.sources), ("locations", site.locations)):
        outputs.append(render.terms(kind, headings[kind], terms))
        for term in terms:
            outputs += render.listing(term.url, kind[:-1], labels[kind].format(term.name), "", term.articles)
    outputs.append(
        render.page(
            "archives.html",
            PageInfo(
                f"Archive — {config.title}",
                f"Every story in {config.title}, by month",
                "archives",
                "archive/",
            ),
            _newest(articles),
            heading="Archive",
            years=site.years,
        )
    )
    for year in site.years:
        outputs += render.listing(year.url, "year", f"Stories from {year.year}", "", year.articles)
        for month in year.months:
            outputs += render.listing(month.url, "month", f"Stories from {month.name}", "", month.articles)
    outputs.append(
        render.page(
            "404.html",
            PageInfo(
                f"Page not found — {config.title}",
                f"This page is not part of {config.title}.",
                "404",
                "404.html",
            ),
        )
    )
    return outputs


class _Renderer:
    """Renders one template into one Output, turning template mistakes into `template:line` errors."""

    def __init__(self, config: SiteConfig, env: jinja2.Environment, previous: dict[str, str]) -> None:
        self.config, self.env, self.previous = config, env, previous
        self.theme_key = env.globals["theme_key"]

    def page(self, template: str, info: PageInfo, lastmod: datetime | None = None, **context: Any) -> Output:
        if info.kind == "404":  # served at any missing path, so its links are rooted at base_url
            url: Callable[[str], str] = lambda target: root_url(self.config.base_url, target)  # noqa: E731
        else:
            url = lambda target: relative_url(target, info.url)  # noqa: E731
        context.setdefault("structured_data", None)
        path = output_file(info.url)
        fingerprint = _fingerprint(self.theme_key, template, info, lastmod, context)
        if self.previous.get(path) == fingerprint:
            return Output(path, None, lastmod, fingerprint)
        try:
            html = self.env.get_template(template).render(
                page=info,
                url=url,
                absolute_url=lambda target: absolute_url(self.config.base_url, target),
                **context,
            )
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
        return Output(path, html.encode("utf-8"), lastmod, fingerprint)

    def listing(
        self,
        base: str,
        kind: str,
        heading: str,
        intro: str,
        articles: Sequence[Article],
        *,
        home: bool = False,
    ) -> Iterator[Output]:
        """A paginated list: `base`, then `base/page/2/` and so on."""
        per_page = self.config.per_page
        total = max(1, -(-len(articles) // per_page))
        urls = [base if n == 1 else f"{base}page/{n}/" for n in range(1, total + 1)]
        for number in range(1, total + 1):
            suffix = f" — page {number}" if number > 1 else ""
            title = f"{heading}{suffix}" + ("" if home and number == 1 else f" — {self.config.title}")
            description = intro if number == 1 and intro else f"{heading}{suffix}"
            window = range(max(1, number - PAGE_WINDOW), min(total, number + PAGE_WINDOW) + 1)
            pagination = Pagination(
                number,
                total,
                urls[number - 2] if number > 1 else None,
                urls[number] if number < total else None,
                tuple(PageLink(n, urls[n - 1], n == number) for n in sorted({1, *window, total})),
            )
            shown = articles[(number - 1) * per_page : number * per_page]
            yield self.page(
                "list.html",
                PageInfo(title, description, kind, urls[number - 1]),
                _newest(shown),
                structured_data=home_data(self.config, shown) if home and number == 1 else None,
                heading=heading if not home else self.config.title,
                intro=intro,
                articles=shown,
                pagination=pagination,
                feed_url=f"{base}feed.xml" if kind != "year" and kind != "month" else None,
            )

    def terms(self, kind: str, heading: str, terms: tuple[Term, ...]) -> Output:
        info = PageInfo(
            f"{heading} — {self.config.title}",
            f"All {heading.lower()} in {self.config.title}",
            kind,
            f"{kind}/",
        )
        newest = _newest([term.articles[0] for term in terms])
        return self.page("terms.html", info, newest, heading=heading, intro="", terms=terms)


def _fingerprint(*parts: Any) -> str:
    """A hash of everything a page is made from; articles count by their file's hash, not their body."""
    digest = hashlib.blake2b(digest_size=16)
    stack = list(parts)
    while stack:
        value = stack.pop()
        if isinstance(value, Article):
            digest.update(f"A{value.digest}{value.url}{value.scheduled}".encode())
        elif is_dataclass(value):
            digest.update(type(value).__name__.encode())
            stack += [getattr(value, f.name) for f in fields(value)]
        elif isinstance(value, (list, tuple)):
            digest.update(b"[%d" % len(value))
            stack += value
        elif isinstance(value, dict):
            digest.update(b"{%d" % len(value))
            for key in sorted(value):
                stack += [key, value[key]]
        else:
            digest.update(f"{type(value).__name__}:{value!r}\0".encode())
    return digest.hexdigest()


def _newest(articles: Sequence[Article]) -> datetime | None:
    """The latest change among some articles: a list page changes when any of them does."""
    return max((a.modified for a in articles), default=None)


def _template_frame(exc: BaseException, fallback: str) -> tuple[Path, int | None]:
    """The template file and line where a render error happened (Jinja2 rewrites tracebacks so)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2")):
            return Path(frame.filename), frame.lineno
    return Path(fallback), None
