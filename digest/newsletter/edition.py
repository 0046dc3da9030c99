"""Which edition to mail, and its email.html and email.txt, made as `digest build` makes them.

The site is read through the pipeline's own stages and build state (stories already parsed are
not parsed again), and only the two email files are rendered, in memory: the user's output folder
is never written, and the files are byte for byte those a build publishes.
"""

from __future__ import annotations

from pathlib import Path

from digest.build import Options, build_now, read_site  # the build's own first half, as a build does it
from digest.config.site_config import SiteConfig
from digest.config.themes import theme_dirs
from digest.content.inputs import list_inputs
from digest.errors import BuildError, DigestError
from digest.incremental.state import BuildState
from digest.newsletter.message import Letter
from digest.render.email import plan_emails
from digest.render.templates import make_environment, render_page
from digest.site.model import Edition, Site


def letter(config: SiteConfig, state: BuildState, number: int | None, *, draft: bool, where: Path) -> Letter:
    """Edition `number` (default: the latest published) as a Letter; a draft only when `draft`.

    `where` is the site.yml the errors name.
    """
    if config.editions is None:
        raise DigestError(
            where, None, "this site has no editions — add an `editions:` section to site.yml (see README)"
        )
    site = published_site(config, state, drafts=draft)
    edition = _chosen(config, state, site, number, draft=draft, where=where)
    env = make_environment(config, state.compiled_templates())
    html, text = (
        render_page(config, env, spec.page(config)).content or b""
        for spec in plan_emails(config, site)
        if spec.name in (edition.email_url, edition.text_url)
    )
    return Letter(edition.number, edition.title, html.decode("utf-8"), text.decode("utf-8"))


def published_site(config: SiteConfig, state: BuildState, *, drafts: bool) -> Site:
    """The published site, as a build groups it; raises BuildError with every content mistake."""
    inputs = list_inputs(config)
    state.begin(config, theme_dirs(config), drafts=drafts, future=False)
    try:
        read = read_site(config, state, inputs, build_now(), Options(drafts=drafts))
        if read.errors:
            raise BuildError(read.errors)
    finally:
        state.save()
    return read.site


def _chosen(
    config: SiteConfig, state: BuildState, site: Site, number: int | None, *, draft: bool, where: Path
) -> Edition:
    """The edition asked for, or a line saying which ones there are and what to do."""
    editions = site.editions
    if number is None:
        if not editions:
            raise DigestError(
                where, None, "no edition is published yet — publish a story in an edition, or pass --draft"
            )
        return editions[0]
    found = [edition for edition in editions if edition.number == number]
    if found:
        return found[0]
    if not draft and any(e.number == number for e in published_site(config, state, drafts=True).editions):
        raise DigestError(
            where, None, f"edition {number} is a draft — pass --draft to mail it anyway (e.g. to test it)"
        )
    valid = ", ".join(str(e.number) for e in sorted(editions, key=lambda e: e.number)) or "none yet"
    raise DigestError(where, None, f"there is no edition {number} — the published editions are: {valid}")
