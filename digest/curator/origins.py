"""Where a finding on a built page was written: the story file and its line, else site.yml, else the page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from digest.config.site_config import SiteConfig
from digest.content.article import Article
from digest.urls import output_file

# what may stand just before and after a URL written in Markdown, HTML or YAML: `](/a/)`, `href="/a/"`,
# `[1]: /a/`, `<https://…>`, `url: https://…`
_BEFORE = r"(?:(?<=[\s(\"'<:/=\[])|^)"
_AFTER = r"(?=[\s)\"'>#?},\]]|$)"


class Origins:
    """Output pages mapped to the story files that made them, and lines found in those files."""

    def __init__(self, config: SiteConfig, config_file: Path, articles: Iterable[Article]) -> None:
        self.config = config
        self.config_file = config_file
        self.stories = {output_file(article.url): article for article in articles}
        self._texts: dict[Path, list[str]] = {}

    def story(self, page: str) -> Article | None:
        """The story whose own page this is, if any."""
        return self.stories.get(page)

    def page_path(self, page: str) -> Path:
        """A page of the output as the user finds it after `digest build`."""
        return Path(self.config.output_dir) / page

    def lines(self, path: Path, pattern: re.Pattern[str]) -> list[int]:
        """The numbers of the lines of `path` (as messages show it) that `pattern` matches."""
        if path not in self._texts:
            try:
                text = (self.config.root / path).read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                text = ""
            self._texts[path] = text.splitlines()
        return [number for number, line in enumerate(self._texts[path], 1) if pattern.search(line)]

    def url_lines(self, path: Path, candidates: Iterable[str]) -> list[int]:
        """The lines of `path` that write a URL, trying each way it may be spelt until one is found."""
        for candidate in candidates:
            if len(candidate.strip("/#")) >= 3:  # shorter spellings match too much
                found = self.lines(path, re.compile(_BEFORE + re.escape(candidate) + _AFTER))
                if found:
                    return found
        return []
