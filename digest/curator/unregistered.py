"""Sources the registry does not know: a misspelt alias makes a second source page for one outlet."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable

from digest.config.site_config import SiteConfig
from digest.content.article import Article
from digest.curator.findings import Finding
from digest.curator.origins import Origins

_SOURCE_LINE = re.compile(r"^source\s*:")


def unregistered_sources(config: SiteConfig, articles: Iterable[Article], origins: Origins) -> list[Finding]:
    """One warning per source name missing from the registry, at the oldest story that writes it.

    A site without a registry has nothing to compare with, so it gets none.
    """
    if not config.sources:
        return []
    users: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if config.source_entry(article.source.name) is None:
            users[article.source.name].append(article)
    known = [name for entry in config.sources for name in (entry.key, entry.name, *entry.aliases)]
    findings = []
    for name, stories in sorted(users.items()):
        first = min(stories, key=lambda a: (a.date, a.path.as_posix()))
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`? or " if close else ""
        others = f" (and {len(stories) - 1} more stories)" if len(stories) > 1 else ""
        message = (
            f"source `{name}` is not in the source registry{others} — {hint}add it under `sources:` "
            "in site.yml, with this spelling among its aliases"
        )
        lines = origins.lines(first.path, _SOURCE_LINE)
        findings.append(Finding(first.path, lines[0] if lines else None, message, "source", "warning"))
    return findings
