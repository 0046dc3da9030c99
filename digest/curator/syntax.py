"""Template and shortcode syntax that reached the pages unrendered (`{{< img … >}}`, `{% if %}`)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from digest.curator.findings import Finding
from digest.curator.origins import Origins

_OPENER = re.compile(r"^(\{\{-?\s*[<%]?|\{%-?)\s*/?\s*([\w.-]*)")
FIX = (
    "digest renders Markdown only: replace it with Markdown (![alt](image.png), a link), "
    "or put it in `code` if it is meant to be shown"
)


def check_syntax(shown: list[tuple[str, tuple[str, ...]]], origins: Origins) -> list[Finding]:
    """Each story line holding syntax seen unrendered on its page; the rest once, at the first page."""
    findings: dict[tuple[Path, int | None], Finding] = {}
    from_stories: set[str] = set()
    elsewhere: dict[str, list[str]] = defaultdict(list)
    for page, snippets in shown:
        story = origins.story(page)
        for snippet in snippets:
            if story is None:
                elsewhere[snippet].append(page)
                continue
            from_stories.add(snippet)
            message = f"unrendered template syntax `{_short(snippet)}` — {FIX}"
            lines: list[int | None] = [*origins.lines(story.path, _written(snippet))]
            lines = lines or [*origins.lines(story.path, _opening(snippet))] or [None]
            for line in lines:  # None: the story's page shows it, but no line of the file quite says it
                findings.setdefault((story.path, line), Finding(story.path, line, message, "syntax"))
    result = list(findings.values())
    summaries = "\n".join(story.summary for story in origins.stories.values())
    for snippet, pages in elsewhere.items():
        if snippet not in from_stories and snippet not in summaries:  # a story's summary is the story's
            count = f" (on {len(pages)} pages)" if len(pages) > 1 else ""
            message = f"unrendered template syntax `{_short(snippet)}`{count} — {FIX}"
            result.append(Finding(origins.page_path(pages[0]), None, message, "syntax"))
    return result


def _written(snippet: str) -> re.Pattern[str]:
    """The snippet as the Markdown spells it: straight quotes where the page has curly ones."""
    parts = [r"\s+" if c.isspace() else _QUOTE if c in _QUOTES else re.escape(c) for c in snippet]
    return re.compile("".join(parts))


_QUOTES = frozenset("\"'\u201c\u201d\u201e\u2018\u2019")
_QUOTE = "[\"'\u201c\u201d\u201e\u2018\u2019]"


def _opening(snippet: str) -> re.Pattern[str]:
    """What finds the snippet's line in the Markdown: its opening brackets and first word."""
    opener = _OPENER.match(snippet)
    if opener is None:
        return re.compile(re.escape(snippet[:20]))
    brackets = re.sub(r"\s+", "", opener.group(1))
    spaced = r"\s*".join(re.escape(char) for char in brackets)
    return re.compile(spaced + r"\s*/?\s*" + re.escape(opener.group(2)))


def _short(snippet: str) -> str:
    """The snippet as the curator typed it (straight quotes), cut to fit one line."""
    typed = snippet.translate(_STRAIGHT)
    return typed if len(typed) <= 60 else typed[:57] + "…"


_STRAIGHT = str.maketrans("\u201c\u201d\u201e\u2018\u2019", '"""\'\'')
