"""What Pagefind reads of a page, so a page re-rendered only around its indexed text is not indexed again.

A new story changes its neighbours' "newer" links and other stories' related lists: their pages are
written again, but Pagefind would index them the same, since that navigation is outside the body it
indexes or marked `data-pagefind-ignore`. This is the part of a page Pagefind looks at: the language,
the body's tags and text outside ignored elements, and every element that gives a filter, sort or
meta value, with its text. Two pages with the same view index alike; pages whose views differ may too.
"""

from __future__ import annotations

import re

INDEXED = b"data-pagefind-body"  # the attribute that asks for a page to be indexed
VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr")
)
# the attributes that give a filter, sort or meta value: `key:value`, `key[attribute]`, or `key` (the text)
VALUES = frozenset(("data-pagefind-filter", "data-pagefind-meta", "data-pagefind-sort"))
_QUOTED = r"""[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*"""  # up to the tag's end, quotes and all
TOKEN = re.compile(  # a comment, a script or style element whole (its text is not indexed), or a tag
    rf"<!--.*?-->|<(script|style)\b({_QUOTED})>.*?</\1\s*>|<(/?)([A-Za-z][^\s/>]*)({_QUOTED})>",
    re.DOTALL | re.IGNORECASE,
)
ATTRIBUTE = re.compile(r"""([^\s"'=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def indexed_view(page: bytes) -> str | None:
    """What Pagefind reads of `page`, as text to compare; None when the page does not ask to be indexed.

    A tokenizer, not a full HTML parser: several times faster, and applied alike to both pages compared.
    """
    if INDEXED not in page:
        return None
    text = page.decode("utf-8", errors="replace")
    seen: list[str] = []
    open_: list[tuple[str, bool, bool, bool, bool]] = []  # tag, in body, ignored, gives its text, counted
    end = 0
    for token in TOKEN.finditer(text):
        if open_ and open_[-1][4] and not text[end : token.start()].isspace():
            seen.append(text[end : token.start()])
        end = token.end()
        raw, closing, name, attributes = token.group(1), token.group(3), token.group(4), token.group(5)
        if raw:
            _open(seen, open_, raw.lower(), token.group(2), void=True)
        elif closing:
            _close(seen, open_, name.lower())
        elif name:
            _open(
                seen, open_, name.lower(), attributes, void=name.lower() in VOID or attributes.endswith("/")
            )
    return "\0".join(seen)


def _open(
    seen: list[str], open_: list[tuple[str, bool, bool, bool, bool]], tag: str, attributes: str, *, void: bool
) -> None:
    """Note an element's start: its attributes if Pagefind reads them, and whether its text counts."""
    _, in_body, ignored, giving, _ = open_[-1] if open_ else ("", False, False, False, False)
    pairs = []
    if "data-pagefind" in attributes or tag == "html" or (in_body and not ignored) or giving:
        pairs = sorted((m[1], m[2] or m[3] or m[4] or "") for m in ATTRIBUTE.finditer(attributes))
    names = {name for name, _ in pairs}
    values = [value for name, value in pairs if name in VALUES]
    in_body = in_body or "data-pagefind-body" in names
    ignored = ignored or "data-pagefind-ignore" in names
    giving = giving or any(map(_names_text, values))
    counted = giving or (in_body and not ignored)
    if counted or values or tag == "html":
        seen.append(f"<{tag} {pairs}")
    if not void:
        open_.append((tag, in_body, ignored, giving, counted))


def _close(seen: list[str], open_: list[tuple[str, bool, bool, bool, bool]], tag: str) -> None:
    """Close up to the matching open element (an end tag with none open is ignored, as browsers do)."""
    for depth in range(len(open_) - 1, -1, -1):
        if open_[depth][0] == tag:
            if open_[depth][4]:
                seen.append(f"</{tag}")
            del open_[depth:]
            return


def _names_text(value: str) -> bool:
    """Whether a filter, sort or meta attribute takes a value from the element's text (`key`, not `key:…`)."""
    for part in value.split(","):
        if ":" in part:  # `key:value`, whose value may hold commas: nothing after it is another key
            return False
        if "[" not in part and part.strip():
            return True
    return False
