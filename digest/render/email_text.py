"""HTML → plain text with numbered link references: the email's text part must read on its own.

A reader of the text part sees "the summit [3]" and finds [3] in the list of addresses at the end,
as in a printed footnote; a mail client that shows only text loses nothing but the layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "table", "tr", "hr"}
)
SKIPPED = frozenset({"script", "style", "template"})
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


@dataclass(slots=True)
class References:
    """The addresses a text part links to, numbered in reading order; one number per address."""

    urls: list[str] = field(default_factory=list)

    def number(self, url: str) -> int:
        """The reference number of `url`, given the next one if it is new."""
        if url not in self.urls:
            self.urls.append(url)
        return self.urls.index(url) + 1


class _Text(HTMLParser):
    """Collects paragraphs of text; a link's text is followed by its reference, `[n]`."""

    def __init__(self, references: References) -> None:
        super().__init__(convert_charrefs=True)
        self.references = references
        self.paragraphs: list[str] = []
        self.line: list[str] = []
        self.links: list[str | None] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += 1
        elif tag in BLOCKS:
            self.end_paragraph()
        elif tag == "li":
            self.end_paragraph()
            self.line.append("- ")
        elif tag == "br":
            self.end_paragraph()
        elif tag == "a":
            href = dict(attrs).get("href")
            self.links.append(href if href and not href.startswith("#") else None)
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.line.append(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCKS or tag == "li":
            self.end_paragraph()
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.line.append(f" [{self.references.number(href)}]")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.line.append(data)

    def end_paragraph(self) -> None:
        text = _SPACES.sub(" ", "".join(self.line)).strip()
        if text:
            self.paragraphs.append(text)
        self.line = []


def text_paragraphs(html: str, references: References) -> list[str]:
    """The paragraphs of an HTML fragment as plain text, links numbered into `references`."""
    parser = _Text(references)
    parser.feed(html)
    parser.close()
    parser.end_paragraph()
    return parser.paragraphs
