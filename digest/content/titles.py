"""Titles get the typographic quotes, dashes and ellipses their bodies get from smarty, as plain text."""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as ET

import markdown
from markdown.util import HTML_PLACEHOLDER_RE

from digest.config.site_config import MarkdownConfig

# every smarty rule needs one of these: a quote, two dashes, three dots, or `<<`/`>>` (angled quotes)
_SMARTY_MAY_CHANGE = re.compile(r"""['"]|--|\.\.\.|<<|>>""")


def _is_smarty(name: str) -> bool:
    """`smarty`, `markdown.extensions.smarty` and `markdown.extensions.smarty:SmartyExtension` alike."""
    return name.partition(":")[0].rpartition(".")[2] == "smarty"


class TitleTypography:
    """Smarty's own inline pass, with the site's smarty settings, run on a title alone."""

    def __init__(self, config: MarkdownConfig) -> None:
        self._smarty = next((name for name in config.extensions if _is_smarty(name)), None)
        self._settings = config.extension_configs.get(self._smarty, {}) if self._smarty else {}

    @functools.cached_property
    def _md(self) -> markdown.Markdown:
        """Made at the first title that needs it: only smarty, so nothing else in a title is Markdown."""
        assert self._smarty is not None
        return markdown.Markdown(extensions=[self._smarty], extension_configs={self._smarty: self._settings})

    def __call__(self, title: str) -> str:
        """The title as the body would show the same words: curly quotes, dashes, ellipses as characters."""
        if self._smarty is None or not _SMARTY_MAY_CHANGE.search(title):
            return title
        md = self._md
        md.reset()
        root = ET.Element("div")
        ET.SubElement(root, "p").text = title
        md.treeprocessors["smarty"].run(root)
        stash = md.htmlStash.rawHtmlBlocks
        typeset = root[0].text or ""
        return HTML_PLACEHOLDER_RE.sub(lambda m: html.unescape(str(stash[int(m.group(1))])), typeset)
