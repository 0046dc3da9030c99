"""Planned pages + theme → Outputs: Jinja2 through the loader chain site → theme → built-in."""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import jinja2

from .cache import fingerprint, settings_key, tree_key
from .config import SiteConfig
from .errors import DigestError
from .model import Output
from .pages import Page
from .urls import absolute_url, linker, root_url

BUILTIN_THEMES = Path(__file__).parent / "themes"
PARALLEL_FROM = 100  # pages per worker below which forking costs more than it saves
CHUNK = 64  # pages a worker renders per round trip


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


def render_pages(
    config: SiteConfig, env: jinja2.Environment, pages: list[Page], previous: dict[str, str]
) -> Iterator[Output]:
    """Render the pages whose fingerprint is not in `previous`, on all cores when there are many.

    Worker processes are forked after the plan exists, so they share it instead of receiving copies.
    """
    global _JOB
    theme_key = env.globals["theme_key"]
    marks = [fingerprint(theme_key, p.template, p.info, p.lastmod, p.context) for p in pages]
    todo = [i for i, page in enumerate(pages) if previous.get(page.path) != marks[i]]
    for index, page in enumerate(pages):
        if previous.get(page.path) == marks[index]:
            yield Output(page.path, None, page.lastmod, marks[index])
    _JOB = (config, env, pages, marks)
    workers = min(os.cpu_count() or 1, len(todo) // PARALLEL_FROM)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_render_one, todo)
        return
    chunks = [todo[start : start + CHUNK] for start in range(0, len(todo), CHUNK)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for outputs in pool.map(_render_chunk, chunks):
            yield from outputs


_JOB: tuple[SiteConfig, jinja2.Environment, list[Page], list[str]] | None = None  # what forked workers render


def _render_chunk(indexes: list[int]) -> list[Output]:
    return [_render_one(index) for index in indexes]


def _render_one(index: int) -> Output:
    """Render one planned page, turning template mistakes into `template:line` errors."""
    assert _JOB is not None
    config, env, pages, marks = _JOB
    page = pages[index]
    template = page.template
    if page.info.kind == "404":  # served at any missing path, so its links are rooted at base_url
        url: Callable[[str], str] = lambda target: root_url(config.base_url, target)  # noqa: E731
    else:
        url = linker(page.info.url)
    try:
        html = env.get_template(template).render(
            page=page.info,
            url=url,
            absolute_url=lambda target: absolute_url(config.base_url, target),
            structured_data=page.structured_data() if page.structured_data else None,
            **page.context,
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
    return Output(page.path, html.encode("utf-8"), page.lastmod, marks[index])


def _template_frame(exc: BaseException, fallback: str) -> tuple[Path, int | None]:
    """The template file and line where a render error happened (Jinja2 rewrites tracebacks so)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2")):
            return Path(frame.filename), frame.lineno
    return Path(fallback), None
