"""Edition → its email: `email.html` as mail clients accept it, and `email.txt`, the text part.

Mail clients drop `<link>` stylesheets and most `<style>` rules, so the theme's email CSS is
inlined into each element (css-inline); only the media queries and dark mode stay in a `<style>`.
Every link is absolute, since the message is read far from the site. Gmail clips a message whose
HTML passes 102 KB, so an edition too long for that is sent as headlines with links to the web.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from digest.config.site_config import SiteConfig
from digest.content.article import Article, newest
from digest.render.email_text import References, text_paragraphs
from digest.render.feeds import absolute_links
from digest.render.plan import Page, PageInfo, PageSpec
from digest.site.model import Edition, Site
from digest.urls import absolute_url

CLIP_BYTES = 102 * 1024  # Gmail shows "[Message clipped]" past this much HTML
_INLINED = re.compile(r"<style>.*?</style>\s*", re.DOTALL)  # the rules css-inline has moved into the tags
_REFERENCE = re.compile(r" \[\d+\]")  # a link's number in the text, which a preheader does without
_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class TextItem:
    """One story in the text part: its lines, with the numbers of its links."""

    headline: str
    meta: str  # dateline · date · source
    summary: str
    original: int | None  # reference number of the original story
    page: int  # reference number of the story's page on the site


@dataclass(frozen=True, slots=True)
class TextSection:
    """A section of the text part: its heading (None without sections) and its stories."""

    title: str | None
    items: tuple[TextItem, ...]


def plan_emails(config: SiteConfig, site: Site) -> list[PageSpec]:
    """Each edition's email.html and email.txt: pages, so an edited story remakes its edition's email."""
    plan = []
    for edition in site.editions:
        plan.append(PageSpec(edition.email_url, _email_html, (edition,)))
        plan.append(PageSpec(edition.text_url, _email_text, (edition,)))
    return plan


def _email_html(config: SiteConfig, edition: Edition) -> Page:
    return Page(
        "email.html",
        PageInfo(edition.title, preheader(edition), "email", edition.email_url),
        newest(edition.articles),
        {
            "edition": edition,
            "note": _note(config, edition),
            "trimmed": False,
            "unsubscribe": _unsubscribe(config),
        },
        finish=inlined,
    )


def _email_text(config: SiteConfig, edition: Edition) -> Page:
    references = References()
    note = text_paragraphs(_note(config, edition), references)
    sections = tuple(
        TextSection(part.title, tuple(_text_item(config, article, references) for article in part.articles))
        for part in edition.parts
    )
    web = references.number(absolute_url(config.base_url, edition.url))
    return Page(
        "email.txt",
        PageInfo(edition.title, preheader(edition), "email", edition.text_url),
        newest(edition.articles),
        {"edition": edition, "note": note, "sections": sections, "web": web, "links": references.urls},
    )


def _unsubscribe(config: SiteConfig) -> str | None:
    """The footer's unsubscribe link: a web page a reader can click, else the mailto: address."""
    targets = config.email.list_unsubscribe if config.email else ()
    return next((url for url in targets if url.startswith("https://")), targets[0] if targets else None)


def _note(config: SiteConfig, edition: Edition) -> str:
    """The editor's note with its links made absolute: the email is read far from the site."""
    return absolute_links(edition.note, absolute_url(config.base_url, edition.url))


def _text_item(config: SiteConfig, article: Article, references: References) -> TextItem:
    local = article.date.astimezone(config.tz)
    when = local.strftime("%-d %B %Y, %H:%M %Z" if article.timed else "%-d %B %Y")
    meta = [article.location.dateline if article.location else "", when, article.source.name]
    return TextItem(
        article.title,
        " · ".join(part for part in meta if part),
        article.summary,
        references.number(article.source.url) if article.source.url else None,
        references.number(absolute_url(config.base_url, article.url)),
    )


def preheader(edition: Edition) -> str:
    """The line an inbox shows after the subject: the note's first sentence, else the first summary."""
    note = text_paragraphs(edition.note, References())
    if note:
        first = _REFERENCE.sub("", note[0])
        found = _SENTENCE.match(first)
        return found.group(1) if found else first
    return next((article.summary for article in edition.articles if article.summary), "")


def inlined(draw: Callable[[dict[str, Any]], str]) -> str:
    """The email with its CSS inlined; with headlines only when the whole edition would be clipped."""
    full = inline_css(draw({}))
    if len(full.encode("utf-8")) <= CLIP_BYTES:
        return full
    return inline_css(draw({"trimmed": True}))


def inline_css(html: str) -> str:
    """Move the `<style>` rules into each element's style; `data-css-inline="ignore"` styles stay."""
    import css_inline  # loaded when an email is made, not by every build that starts

    inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)
    return _INLINED.sub("", inliner.inline(html), count=1).rstrip("\n") + "\n"  # a file ends its last line
