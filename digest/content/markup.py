"""Markdown bodies → HTML, with in-site links made relative to the page so sub-path deploys work."""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from types import MappingProxyType

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import STX

from digest.config.site_config import MarkdownConfig
from digest.content.inline_probe import Extensions, fast_inline_pass_agrees
from digest.content.titles import TitleTypography
from digest.urls import is_external, relative_url

# what Python-Markdown and its usual extensions produce (tables, footnotes, toc, attr_list), plus
# inline and media tags curators paste; no script, style, iframe, object, form or event handler
SAFE_TAGS = frozenset({
    "a", "abbr", "audio", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "s",
    "samp", "small", "source", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "track", "u", "ul", "var", "video",
})  # fmt: skip
SAFE_ATTRIBUTES = MappingProxyType(
    {
        tag: frozenset(names)
        for tag, names in {
            "*": {"id", "class", "title", "lang", "dir"},
            "a": {"href", "name", "rel"},
            "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
            "source": {"src", "srcset", "type", "media", "sizes"},
            "audio": {"src", "controls", "preload"},
            "video": {"src", "controls", "poster", "width", "height", "preload"},
            "track": {"src", "kind", "srclang", "label"},
            "td": {"align", "colspan", "rowspan", "style"},  # the tables extension aligns with `style`
            "th": {"align", "colspan", "rowspan", "scope", "style"},
            "ol": {"start", "reversed", "type"},
            "li": {"value"},
            "blockquote": {"cite"},
            "q": {"cite"},
            "del": {"cite", "datetime"},
            "ins": {"cite", "datetime"},
            "time": {"datetime"},
            "details": {"open"},
        }.items()
    }
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})  # and paths in the site, which have no scheme
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAGS = re.compile(r"<[^>]+>")
# a stop, any closing quotes or brackets, then a space and more text ("3.5" and "example.org" are
# not ends; neither is a stop before a lower-case word, as in "e.g. the")
_SENTENCE_END = re.compile("(?P<stop>[.!?])[\"'\u201d\u2019\u00bb)\\]]*(?=\\s+(?P<next>\\S))")
# the word before a full stop that does not end a sentence: a title, an initial or an initialism
_ABBREVIATION = re.compile(
    "[(\"'\u201c\u2018]*"
    r"(?:Mr|Mrs|Ms|Dr|Prof|Rev|Gen|Col|Lt|Sgt|Capt|Gov|Sen|Rep|Pres|St|Mt|Jr|Sr|No|Nos|vs|approx|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Za-z]|(?:[A-Za-z]\.)+[A-Za-z])"
)


class _RelativeLinks(Treeprocessor):
    """Rewrites site links (`/tags/x/`, `images/a.png`) so they resolve from the article's own URL."""

    page_url = ""

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                # an email autolink's href (`<a@b.org>`) is held obfuscated in Python-Markdown's stash
                if value and not is_external(value) and not value.startswith(("#", "?", STX)):
                    element.set(attribute, relative_url(value.lstrip("/"), self.page_url))


class _RelativeLinksExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's API name)
        md.treeprocessors.register(_RelativeLinks(md), "digest-relative-links", 0)


class MarkdownRenderer:
    """One configured Python-Markdown instance, reset between documents (building one is slow)."""

    def __init__(self, config: MarkdownConfig) -> None:
        self._config = config
        self._sanitize = config.sanitize

    @functools.cached_property
    def _md(self) -> markdown.Markdown:
        """Made at the first render, so that a rebuild with nothing to parse never runs the probe."""
        config = self._config
        md = markdown.Markdown(
            extensions=[*config.extensions, _RelativeLinksExtension()],
            extension_configs=config.extension_configs,
            output_format="html",
        )
        if fast_inline_pass_agrees(Extensions(config.extensions, config.extension_configs)):
            from digest.content.inline import skip_impossible_patterns  # imported by the probe already

            skip_impossible_patterns(md)
        return md

    @functools.cached_property
    def title(self) -> TitleTypography:
        """Titles with the typography the bodies get, so a headline and its story agree."""
        return TitleTypography(self._config)

    def render(self, text: str, page_url: str) -> str:
        """The body's HTML as seen from the page at `page_url`."""
        md = self._md
        md.reset()
        md.treeprocessors["digest-relative-links"].page_url = page_url
        body = md.convert(text)
        return sanitized(body) if self._sanitize else body


def sanitized(body: str) -> str:
    """The body with only the HTML Markdown makes and common safe tags: no scripts or event handlers.

    nh3 takes the attributes as a plain dict only, so it gets a copy of the read-only table.
    """
    import nh3  # here, not at start-up: only sites with `markdown: {sanitize: true}` need it

    return nh3.clean(
        body, tags=SAFE_TAGS, attributes=dict(SAFE_ATTRIBUTES), url_schemes=SAFE_SCHEMES, link_rel=None
    )


def first_paragraph_text(body_html: str, limit: int = 280) -> str:
    """A summary from the body's first paragraph: whole sentences that fit, else cut at a word."""
    match = _FIRST_PARAGRAPH.search(body_html)
    if not match:
        return ""
    text = " ".join(html.unescape(_TAGS.sub(" ", match.group(1))).split())
    if len(text) <= limit:
        return text
    ends = [end for end in _sentence_ends(text[: limit + 2]) if end <= limit]  # +2: the space, and a letter
    if ends:
        return text[: ends[-1]]
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"


def _sentence_ends(text: str) -> Iterator[int]:
    """Where sentences end: after `.`, `!` or `?` (and closing quotes), not after "Dr." or "U.S."."""
    for match in _SENTENCE_END.finditer(text):
        word = text[: match.start()].rpartition(" ")[2]
        if match["next"].islower() or (match["stop"] == "." and _ABBREVIATION.fullmatch(word)):
            continue
        yield match.end()


def word_count(body_html: str) -> int:
    """Words a reader reads, for the reading time."""
    return len(_TAGS.sub(" ", body_html).split())
