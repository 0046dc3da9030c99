"""BuildState: everything one build leaves for the next, in one object the caller owns.

The command line loads it from .digest-cache/ (`BuildState.load`), the preview keeps one across
saves, and `BuildState.empty` is a clean build's: it reads nothing, and redoes everything. The
stages never see it: `build()` asks it what is known, has the stages do the rest, and tells it what
they made. What is kept only in memory (the last grouping, the planned pages) helps the preview,
whose next build is one save away; what is on disk helps every build.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from digest.config.folders import CACHE_FOLDER, cache_folder
from digest.config.site_config import SiteConfig
from digest.content.article import Article
from digest.content.inputs import Inputs, Stat, stat_if_present
from digest.content.read import Parsed, Result
from digest.errors import BuildWarning, DigestError
from digest.incremental import fingerprints
from digest.incremental.articles import ArticleStore
from digest.incremental.bytecode import CheckedBytecodeCache
from digest.incremental.decide import Manifest, Work, outdated
from digest.incremental.snapshot import Snapshot, present_in
from digest.incremental.store import damage_note, per_output, read_pickle, write_pickle
from digest.render.feeds import Feed
from digest.render.plan import Page, PageSpec
from digest.report import Report
from digest.site.collisions import url_collisions
from digest.site.group import group, patched
from digest.site.model import RelatedRecord, Site
from digest.write.output import Written
from digest.write.record import RECORD, output_stat


@dataclass(slots=True)
class Grouping:
    """The last site grouped, from which published stories, so one save's edit can be swapped in."""

    settings: tuple[tzinfo, bool, bool]
    published: list[Article]
    site: Site
    collisions: list[DigestError]


@dataclass(slots=True)
class PlannedPage:
    """A page made from a spec's inputs, with its fingerprint: equal inputs next time, same page."""

    inputs: tuple[Any, ...]
    page: Page
    fingerprint: str


@dataclass(slots=True)
class BuildState:
    """What survives between builds of one site (see the module's docstring)."""

    root: Path
    clean: bool = False  # read nothing from disk until the first save
    articles: ArticleStore = field(init=False)
    related: RelatedRecord | None = None  # the last related-stories choices
    related_unsaved: bool = False
    related_stat: Stat | None = None  # of related.pickle when last read or written here
    grouping: Grouping | None = None
    planned: dict[str, PlannedPage] = field(default_factory=dict)  # by page URL
    planned_with: SiteConfig | None = None
    manifests: dict[str, Manifest] = field(default_factory=dict)  # per output folder, read when asked for
    manifest_stats: dict[str, Stat | None] = field(default_factory=dict)  # each one's file when read
    unsaved_manifests: set[str] = field(default_factory=set)
    damaged: set[Path] = field(default_factory=set)  # cache files this build found damaged
    settings: str = ""  # fingerprint of the settings stories are parsed with (base_url aside)
    output_settings: str = ""  # fingerprint of all the settings: part of every feed's
    theme: str = ""  # fingerprint of all the settings, the code and the theme: part of every page's
    publishing: tuple[bool, bool] = (False, False)  # drafts, future: what this build publishes
    inputs: str = ""  # fingerprint of the settings, theme, options and every input file's stat

    def __post_init__(self) -> None:
        self.articles = ArticleStore(self.folder)

    @classmethod
    def load(cls, root: Path) -> BuildState:
        """The state the last build of the site at `root` left on disk (read as the build needs it)."""
        return cls(root)

    @classmethod
    def empty(cls, root: Path) -> BuildState:
        """A clean build's state: nothing known, nothing read; saving it replaces what is on disk."""
        return cls(root, clean=True)

    @property
    def folder(self) -> Path:
        return self.root / CACHE_FOLDER

    def begin(self, config: SiteConfig, themes: list[Path], *, drafts: bool, future: bool) -> None:
        """Start a build with these settings: fingerprints of settings and theme, and nothing damaged."""
        self.damaged = set()
        # parsing never reads base_url, so the preview (served at localhost) and `digest build` share
        # the parsed stories; pages and feeds, which do show it, have it in their own fingerprints
        self.settings = fingerprints.of_settings(replace(config, base_url=""))
        # every template and theme file, and the settings: an edit to any of them redoes every page
        self.output_settings = fingerprints.of_settings(config)
        self.theme = fingerprints.of_values(
            self.output_settings, fingerprints.of_tree([config.root / "templates", *themes])
        )
        self.publishing = (drafts, future)

    def compiled_templates(self) -> CheckedBytecodeCache:
        """Templates compiled by earlier builds, checked now: damaged ones are noted and dropped."""
        compiled = CheckedBytecodeCache(self.root, read=not self.clean)
        if not self.clean:
            compiled.drop_damaged(self.damaged)
        return compiled

    def last_report(
        self, destination: Path, inputs: Inputs, now: datetime, *, trust_output: bool
    ) -> Report | None:
        """The last build's report when no input changed, no story fell due and no output was touched."""
        stats = (
            inputs.articles
            | inputs.editions
            | {str(copy.source): inputs.copy_stats[copy.path] for copy in inputs.copies}
        )
        self.inputs = fingerprints.of_inputs(self.theme, "{} {}".format(*self.publishing), stats)
        if self.clean:
            return None
        snapshot = Snapshot.load(self.root, destination, self.inputs, self.damaged)
        if snapshot is None or (snapshot.due is not None and datetime.fromisoformat(snapshot.due) <= now):
            return None
        if not trust_output:
            present = present_in(destination)
            if not all(present(path, stat) for path, stat in snapshot.outputs):
                return None
        return replace(snapshot.report, written=0, notes=self.notes())

    def known_articles(self, files: dict[str, Stat]) -> tuple[dict[str, Parsed], list[str]]:
        """The story files parsed before and unchanged since, and the paths still to parse."""
        self.articles.refresh(self.settings, self.damaged, clean=self.clean)
        return self.articles.unchanged(files)

    def remember_articles(self, files: dict[str, Stat], results: dict[str, Result]) -> None:
        """Keep what this build parsed; the shards start being written while the build goes on."""
        self.articles.remember(files, results)
        self.articles.save_soon()

    def grouped(
        self, published: list[Article], left_out: list[Article], tz: tzinfo
    ) -> tuple[Site, list[DigestError]]:
        """The site grouped: the last grouping with edits swapped in when no edit moved a story."""
        settings = (tz, *self.publishing)
        last = self.grouping if self.grouping and self.grouping.settings == settings else None
        if last and (site := patched(last.site, last.published, published, left_out, tz)):
            collisions = last.collisions  # no URL changed
        else:
            site = group(published, left_out, tz, self._related())
            collisions = url_collisions(published)
        if site.related_record is not self.related:  # the same object when nothing was chosen again
            self.related, self.related_unsaved = site.related_record, True
        self.grouping = Grouping(settings, published, site, collisions)
        return site, collisions

    def pages(self, config: SiteConfig, plan: list[PageSpec]) -> list[Page]:
        """Each planned page, made or taken from the last build's where its inputs are equal.

        In the preview a save changes one story, and every other one is the very same object from
        build to build, so comparing inputs is mostly identity checks: far cheaper than making and
        hashing 15,000 pages again. Other settings start afresh.
        """
        last = self.planned if self.planned_with == config else {}
        planned: dict[str, PlannedPage] = {}
        for spec in plan:
            found = last.get(spec.name)
            if found is None or found.inputs != spec.inputs:
                fingerprint = fingerprints.of_values(spec.make.__name__, *spec.inputs)
                found = PlannedPage(spec.inputs, spec.page(config), fingerprint)
            planned[spec.name] = found
        self.planned, self.planned_with = planned, config
        return [p.page for p in planned.values()]

    def outdated(
        self, destination: Path, pages: list[Page], feeds: list[Feed], inputs: Inputs, *, trust_output: bool
    ) -> Work:
        """What the output needs: the planned files whose fingerprint or file changed since the last build.

        `pages` are those `pages` returned; each one's fingerprint is the theme's and its own.
        """
        prints = {p.page.path: self.theme + p.fingerprint for p in self.planned.values()}
        prints |= {feed.path: fingerprints.of_values(self.output_settings, feed) for feed in feeds}
        prints |= {copy.path: f"{copy.source}\0{inputs.copy_stats[copy.path]}" for copy in inputs.copies}
        present = (lambda path, stat: True) if trust_output else present_in(destination)
        return outdated(pages, feeds, prints, self._manifest(destination), present)

    def remember_output(self, destination: Path, work: Work, written: Written) -> None:
        """Record what this build left in `destination`, to be saved with the state."""
        last = self.manifests.get(str(destination), Manifest())  # what `outdated` compared with
        stats = {}
        for path in (*written.paths, RECORD):
            kept = path in work.unchanged and path not in written.changed and path in last.stats
            stat = last.stats[path] if kept else output_stat(f"{destination}/{path}")
            if stat:
                stats[path] = stat
        manifest = Manifest(str(destination), work.fingerprints, stats)
        if manifest != last:
            self.manifests[str(destination)] = manifest
            self.unsaved_manifests.add(str(destination))

    def remember_report(self, destination: Path, report: Report, due: datetime | None) -> None:
        """Keep the report for a no-op rebuild: the same inputs give it again, until `due`."""
        stats = tuple(sorted(self.manifests[str(destination)].stats.items()))
        Snapshot(self.inputs, due and due.isoformat(), report, stats).save(self.root, destination)

    def notes(self) -> tuple[BuildWarning, ...]:
        """What the user should know about the state itself: damaged cache files, rebuilt."""
        return damage_note(self.root, self.damaged)

    def save(self) -> None:
        """Write what changed, each file atomically: an interrupted save leaves old files or none."""
        self.articles.save()
        if self.unsaved_manifests or self.related_unsaved:
            cache_folder(self.root)
        for name in sorted(self.unsaved_manifests):
            file = self._manifest_file(name)
            write_pickle(file, self.settings, {"manifest": self.manifests[name]})
            self.manifest_stats[name] = stat_if_present(file)
        self.unsaved_manifests.clear()
        if self.related_unsaved:
            write_pickle(self._related_file, self.settings, {"related": self.related})
            self.related_stat, self.related_unsaved = stat_if_present(self._related_file), False
        self.clean = False

    def _related(self) -> RelatedRecord | None:
        """The last related-stories choices: from memory while nobody else has written them since."""
        if self.clean:
            return None
        stat = stat_if_present(self._related_file)
        if stat != self.related_stat or self.related is None:
            stored = read_pickle(self._related_file, self.settings, self.damaged)
            self.related, self.related_stat = (stored or {}).get("related"), stat
        return self.related

    def _manifest(self, destination: Path) -> Manifest:
        """What the last build wrote into `destination`: from memory while its file is as last seen."""
        name = str(destination)
        file = self._manifest_file(name)
        if self.clean:
            return self.manifests.setdefault(name, Manifest())
        if name in self.manifests and stat_if_present(file) == self.manifest_stats.get(name):
            return self.manifests[name]
        self.manifest_stats[name] = stat_if_present(file)
        stored = read_pickle(file, self.settings, self.damaged)
        self.manifests[name] = stored["manifest"] if stored else Manifest()
        return self.manifests[name]

    def _manifest_file(self, destination: str) -> Path:
        return per_output(self.folder, "manifest", destination, ".pickle")

    @property
    def _related_file(self) -> Path:
        return self.folder / "related.pickle"
