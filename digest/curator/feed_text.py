"""A feed's HTML as text a story may hold: plain text for titles and summaries, Markdown for the body.

Feeds carry other people's HTML. It is cleaned with nh3 down to a few harmless tags (no scripts,
styles, iframes, images, event handlers or `javascript:` links survive), then written out as
Markdown with every other character escaped, so the story file holds no raw HTML at all.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from types import MappingProxyType
from urllib.parse import quote

import nh3

from digest.content.markup import first_paragraph_text
from digest.safeurl import url_problem

KEPT_TAGS = frozenset(
    {"a", "p", "br", "em", "i", "strong", "b", "ul", "ol", "li", "blockquote", "code", "pre"}
    | {f"h{level}" for level in range(1, 7)}
)
_BLOCKS = frozenset({"p", "ul", "ol", "li", "blockquote", "pre", "div"} | {f"h{n}" for n in range(1, 7)})
_SEPARATED = frozenset({"br", "td", "th", "tr", "dd", "dt", "figcaption", "hr"}) | _BLOCKS
_INLINE = MappingProxyType(
    {"em": "*", "i": "*", "strong": "**", "b": "**", "code": "`"}
)  # the same mark opens and closes
_BREAK = "\0"  # a <br>, until whitespace is collapsed
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # a story file may not hold them
_ESCAPED = re.compile(r"([\\`*_{}\[\]])")
_LINE_START = re.compile(r"^(?:[#>+=-]|\d+[.)])")  # a paragraph starting so would become markup


def plain_text(fragment: str, limit: int | None = None) -> str:
    """`fragment` as one line of text: tags and their scripts gone, entities decoded, cut at `limit`."""
    spaced = re.sub(r"<(/?)(\w+)", _space_blocks, fragment)
    text = " ".join(_CONTROL.sub("", html.unescape(nh3.clean(spaced, tags=set()))).split())
    return first_paragraph_text(f"<p>{html.escape(text)}</p>", limit) if limit else text


def _space_blocks(tag: re.Match[str]) -> str:
    """A space before block tags, so `<p>one</p><p>two</p>` reads "one two", not "onetwo"."""
    return (" " if tag.group(2).lower() in _SEPARATED else "") + tag.group(0)


def markdown(fragment: str) -> str:
    """`fragment` as Markdown: paragraphs, lists, quotes, emphasis, code and safe links, nothing else."""
    cleaned = nh3.clean(
        fragment,
        tags=set(KEPT_TAGS),
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    writer = _MarkdownWriter()
    writer.feed(cleaned)
    writer.close()
    return writer.text()


class _MarkdownWriter(HTMLParser):
    """Cleaned HTML → Markdown blocks; text is escaped so only the markup written here is markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []  # each block and what it continues: a list, a quote
        self.line: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [next number], or [] for bullets
        self.serial = 0  # which top-level list the items belong to
        self.quoted = 0
        self.pre: list[str] | None = None
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.pre is not None:
            return
        if tag in ("p", "div", "pre") or (tag[:1] == "h" and tag[1:].isdigit()):
            self._end_block()
            if tag == "pre":
                self.pre = []
            elif tag != "p" and tag != "div":
                self.line.append("**")
        elif tag in ("ul", "ol"):
            self._end_block()
            self.serial += not self.lists
            self.lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            self._end_block()
        elif tag == "blockquote":
            self._end_block()
            self.quoted += 1
        elif tag == "br":
            self.line.append(_BREAK)
        elif tag in _INLINE:
            self.line.append(_INLINE[tag])
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(_link_target(href))
            self.line.append("[" if self.links[-1] else "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self.pre is not None:
            code, self.pre = "".join(self.pre).strip("\n"), None
            fence = "`" * max(3, _longest_run(code, "`") + 1)
            self._add_block(f"{fence}\n{code}\n{fence}")
        elif self.pre is not None:
            return
        elif tag in ("p", "div", "li"):
            self._end_block()
        elif tag[:1] == "h" and tag[1:].isdigit():
            self.line.append("**")
            self._end_block()
        elif tag in ("ul", "ol") and self.lists:
            self._end_block()
            self.lists.pop()
        elif tag == "blockquote" and self.quoted:
            self._end_block()
            self.quoted -= 1
        elif tag in _INLINE:
            self.line.append(_INLINE[tag])
        elif tag == "a" and self.links:
            target = self.links.pop()
            if target and self.line[-1:] == ["["]:  # a link with no text is dropped
                self.line.pop()
            elif target:
                self.line.append(f"]({target})")

    def handle_data(self, data: str) -> None:
        if self.pre is not None:
            self.pre.append(_CONTROL.sub("", data).replace("\r", ""))
        else:
            text = _CONTROL.sub("", data)
            self.line.append(_ESCAPED.sub(r"\\\1", text).replace("&", "&amp;").replace("<", "&lt;"))

    def _end_block(self) -> None:
        """The text so far as one block: whitespace collapsed, empty emphasis dropped, list marker added."""
        text = " ".join("".join(self.line).split()).strip(f" {_BREAK}").replace(_BREAK, "  \n")
        self.line = []
        if not text.strip("*` \n"):
            return
        if _LINE_START.match(text):
            text = "\\" + text
        if self.lists:
            counter = self.lists[-1]
            marker = f"{counter[0]}." if counter else "-"
            if counter:
                counter[0] += 1
            text = "    " * (len(self.lists) - 1) + f"{marker} {text}"
        self._add_block(text)

    def _add_block(self, text: str) -> None:
        """A block, kept tight with the one before when both are items of a list or lines of one quote."""
        prefix = "> " * self.quoted
        lines = "\n".join(prefix + line for line in text.split("\n"))
        kind = f"list {self.serial}" if self.lists else prefix
        if self.blocks and kind and self.blocks[-1][1] == kind:
            joint = "\n" if self.lists else f"\n{prefix.rstrip()}\n"
            self.blocks[-1] = (self.blocks[-1][0] + joint + lines, kind)
        else:
            self.blocks.append((lines, kind))

    def text(self) -> str:
        self._end_block()
        return "\n\n".join(block for block, _ in self.blocks)


def _link_target(href: str) -> str | None:
    """An absolute http(s) or mailto link, made safe inside `(…)`; None for anything else."""
    if not href or url_problem(href) or not re.match(r"(?i)(https?://|mailto:)", href):
        return None
    return quote(href, safe=":/?#[]@!$&'*+,;=%~")


def _longest_run(text: str, char: str) -> int:
    return max((len(run) for run in re.findall(f"{re.escape(char)}+", text)), default=0)
