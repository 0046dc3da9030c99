"""Which section of an edition a story goes to, and an edition's parts in reading order. Pure."""

from __future__ import annotations

import difflib

from digest.config.site_config import SiteConfig
from digest.content.article import Article
from digest.errors import DigestError
from digest.site.model import EditionPart


class Sections:
    """The configured sections: which one a story goes to, and the parts of an edition in order."""

    def __init__(self, config: SiteConfig) -> None:
        settings = config.editions
        assert settings is not None
        self.sections = settings.sections
        self.other = settings.other_section
        self.titles = {section.title.casefold(): section.title for section in self.sections}
        self.first: dict[str, int] = {}  # a tag's slug → the first section with that tag
        for index, section in enumerate(self.sections):
            for tag in section.tags:
                self.first.setdefault(config.term_slug("tags", tag), index)

    def check(self, article: Article, errors: list[DigestError]) -> None:
        """A story's `section:` must name a configured section."""
        chosen = article.section
        if chosen is None or chosen.casefold() in self.titles:
            return
        if not self.sections:
            problem = "site.yml's `editions` has no `sections` — add them there, or delete this line"
        else:
            close = difflib.get_close_matches(chosen.casefold(), list(self.titles), n=1, cutoff=0.6)
            names = ", ".join(section.title for section in self.sections)
            problem = f"did you mean `{self.titles[close[0]]}`?" if close else f"the sections are: {names}"
        errors.append(DigestError(article.path, article.section_line, f"no section `{chosen}` — {problem}"))

    def rule(self, article: Article) -> str | None:
        """The story's section: its `section:`, else the first section sharing a tag, else the other one."""
        if article.section is not None and article.section.casefold() in self.titles:
            return self.titles[article.section.casefold()]
        first = self.first
        if not first:
            return None
        found = [first[tag.slug] for tag in article.tags if tag.slug in first]
        return self.sections[min(found)].title if found else self.other if self.sections else None

    def parts(
        self, first: list[tuple[str | None, Article]], members: list[Article], *, headed: bool
    ) -> tuple[EditionPart, ...]:
        """The file's stories in its order and under its headings, then the rest, newest first by section."""
        groups: dict[str | None, list[Article]] = {}
        for heading, article in first:
            title = self.titles.get(heading.casefold(), heading) if heading else self.rule(article)
            groups.setdefault(title, []).append(article)
        for section in self.sections:
            groups.setdefault(section.title, [])
        taken = {id(article) for _, article in first}  # the same objects: ids, not paths, are cheap to hash
        for article in members:
            if id(article) not in taken:
                title = self.rule(article)
                groups.setdefault(self.other if title is None and headed else title, []).append(article)
        return tuple(EditionPart(title, tuple(items)) for title, items in groups.items() if items)
