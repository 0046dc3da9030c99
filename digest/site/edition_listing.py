"""The stories edition files list: each name found (a path under content/, or a slug) and checked. Pure."""

from __future__ import annotations

import difflib
import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from os import sep
from pathlib import Path

from digest.config.site_config import SiteConfig
from digest.content.article import Article
from digest.content.editions import EditionFile, StoryRef
from digest.errors import DigestError


class Listing:
    """The stories edition files list, each found by its path under content/ or its slug, and checked."""

    def __init__(
        self, config: SiteConfig, stories: Sequence[Article], drafts: bool, wanted: set[str]
    ) -> None:
        self.content = f"{config.shown(config.content_path).as_posix()}/"
        self.stories = stories
        self.wanted = wanted | {name.rsplit("/", 1)[-1] for name in wanted}  # names, and paths' last parts
        self.drafts = drafts
        self.placed: dict[Path, int] = {}  # story file → the edition listing it
        self.where: dict[Path, tuple[EditionFile, StoryRef]] = {}
        self.order: dict[int, list[tuple[str | None, Path]]] = defaultdict(list)

    @functools.cached_property
    def names(self) -> dict[str, list[Article]]:
        """Each story a file may name, by every name it may be given; made only when a file lists one."""
        names: dict[str, list[Article]] = defaultdict(list)
        content = self.content
        for story in self.stories:
            path = str(story.path) if sep == "/" else story.path.as_posix()
            if story.slug not in self.wanted and path[path.rfind("/") + 1 :] not in self.wanted:
                continue
            under = path[len(content) :] if path.startswith(content) else path
            for name in {path, under, story.slug}:
                names[name].append(story)
        return names

    def add(
        self,
        number: int,
        file: EditionFile,
        resolve: Callable[[Article], int | None],
        errors: list[DigestError],
    ) -> None:
        """Place the stories `file` lists in edition `number`, in its order; each bad name is an error."""
        for ref in file.stories:
            problem = self._problem(number, file, ref, resolve)
            if problem:
                errors.append(DigestError(file.path, ref.line, problem))
                continue
            story = self.names[ref.name][0]
            self.placed[story.path] = number
            self.where[story.path] = (file, ref)
            self.order[number].append((ref.heading, story.path))

    def _problem(
        self, number: int, file: EditionFile, ref: StoryRef, resolve: Callable[[Article], int | None]
    ) -> str | None:
        found = self.names.get(ref.name)
        if not found:
            close = difflib.get_close_matches(ref.name, list(self.names), n=1, cutoff=0.6)
            hint = f" — did you mean `{close[0]}`?" if close else ""
            return f"no story `{ref.name}`{hint} — name a story by its path under content/ or by its slug"
        if len({story.path for story in found}) > 1:
            paths = ", ".join(sorted(story.path.as_posix() for story in found))
            return f"`{ref.name}` is the slug of {len(found)} stories ({paths}) — name one by its path"
        story = found[0]
        if story.draft and not self.drafts:
            return (
                f"`{ref.name}` is a draft ({story.path.as_posix()}) — publish it (take out `draft: true`) "
                "or take it off this list"
            )
        if story.path in self.where:
            other, earlier = self.where[story.path]
            where = "this file" if other is file else other.path.as_posix()
            return (
                f"`{ref.name}` is also listed in {where} (line {earlier.line}) — a story is in one edition: "
                "take it off one list"
            )
        own = None if story.edition is None else resolve(story)  # a wrong `edition:` is reported anyway
        if own is not None and own != number:
            return (
                f"`{ref.name}` is placed in another edition by its own `edition:` "
                f"({story.path.as_posix()}:{story.edition.line}) — take it off this list, or change that line"
            )
        return None
