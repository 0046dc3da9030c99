"""The preview's state between saves: its build, its errors, and what the watcher has told it.

The preview builds with the same incremental build as `digest build`, into .digest-cache/preview/.
It also knows what a one-off build must look up: which content files changed (the watcher says)
and that its own output folder holds what it last wrote, so a save costs no walk of 10,000 files.
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from digest.build import Options, build
from digest.config.folders import CACHE_FOLDER
from digest.config.load import load_config
from digest.config.site_config import SiteConfig
from digest.content.inputs import Listing, content_files, relisted
from digest.errors import BuildError, DigestError
from digest.incremental.state import BuildState
from digest.report import Report
from digest.workers import die_with_parent
from digest.write.lock import Busy, try_lock, unlock


@dataclass(slots=True)
class Preview:
    """The preview's state: the last build's errors stay on screen until a good save clears them."""

    config_path: Path
    overrides: dict[str, str]
    drafts: bool
    future: bool
    say: Callable[[str], None]
    errors: list[str] = field(default_factory=list)
    watched: bool = False  # a watcher reports every change: without one, each build walks the folder
    heard: set[str] = field(default_factory=set)  # paths the watcher reported since the last listing
    listing: Listing | None = None  # the content folder as the last build saw it; None: walk it
    listed_with: SiteConfig | None = None
    intact: bool = False  # the output folder holds what the last build wrote, as this process knows
    state: BuildState | None = None  # kept from save to save: what the last build read, grouped and planned
    waiting: bool = False  # the last rebuild found another build of the site running, and did not start
    behind: bool = False  # the search index misses what the last saves changed (see catch_up)
    catching_up: subprocess.Popen[bytes] | None = None  # the `digest build` that indexes it, while idle

    @property
    def output(self) -> Path:
        """Where the preview is built: never the site itself, even before site.yml can be read."""
        return self.config_path.resolve().parent / CACHE_FOLDER / "preview"

    def rebuild(self) -> Report | None:
        """Build the preview; never raises, so the server survives any broken save.

        While another build of the site runs, this one does not wait (the server would freeze): it
        says so once and sets `waiting`, and the caller asks again a moment later.
        """
        try:
            held = try_lock(self.config_path.resolve().parent)
        except DigestError as error:
            self._failed([str(error)])
            return None
        if isinstance(held, Busy):
            if not self.waiting:
                self.say(held.message())
            self.waiting = True
            return None
        self.waiting = False
        try:
            return self._build()
        finally:
            unlock(held)

    def _build(self) -> Report | None:
        """The rebuild proper, run with the site's lock held."""
        try:
            config = load_config(self.config_path, self.overrides)
            if self.state is None:
                self.state = BuildState.load(config.root)
            options = Options(
                self.drafts,
                self.future,
                self.output,
                listing=self._content(config),
                trust_output=self.intact and (self.output / "index.html").is_file(),
                search_later=True,  # a save shows first; the index catches up while idle
            )
            report = build(config, self.state, options)
        except BuildError as failed:
            self._failed([str(e) for e in failed.errors])
            return None
        except DigestError as error:
            self._failed([str(error)])
            return None
        except Exception as exc:  # the preview must outlive anything a save can do
            self.intact, self.state = False, None  # start afresh from what is on disk
            self._failed([f"{self.config_path}: unexpected {type(exc).__name__}: {exc}"])
            return None
        for note in report.notes:
            self.say(f"note: {note}")
        if self.errors:
            self.say("fixed: the preview is up to date again")
        self.errors = []
        self.intact = True
        self.behind = self.behind or report.search_behind
        return report

    def catch_up(self) -> None:
        """While idle, index what the saves put off: a `digest build` of the preview in a process of
        its own, which a save stops (see `interrupt`), so a save never waits for Pagefind."""
        if not self.behind or self.catching_up is not None or self.errors:
            return
        command = [sys.executable, "-m", "digest.cli", "build", "-q", "--config", str(self.config_path)]
        command += ["--output", str(self.output), "--base-url", self.overrides["base_url"]]
        command += [flag for flag, on in (("--drafts", self.drafts), ("--future", self.future)) if on]
        self.catching_up = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=partial(die_with_parent, os.getpid()),  # nor does it outlive the preview
        )

    def caught_up(self) -> None:
        """Note the catch-up build's end: the index is up to date, or the reason it is not is said."""
        if self.catching_up is None or (status := self.catching_up.poll()) is None:
            return
        self.catching_up = None  # it wrote only the index: the pages are as this process left them
        self.behind = False  # caught up, or said why not once: the next save tries again
        if status != 0:
            self.say(
                f"the search index could not be brought up to date (exit status {status}): "
                "run `digest build` to see why"
            )

    def interrupt(self) -> None:
        """Stop a catch-up build, so a save is shown at once; the next idle moment starts it again.
        A build killed at any moment leaves the output folder as it was (see the README)."""
        if self.catching_up is not None:
            self.catching_up.kill()
            self.catching_up.wait()
            self.catching_up = None

    def _content(self, config: SiteConfig) -> Listing:
        """The content folder: the last listing with the reported paths looked at again, else a walk."""
        heard, self.heard = self.heard, set()
        known = self.listing if self.watched and self.listed_with == config else None
        self.listing = (known and relisted(config, known, heard)) or content_files(config)
        self.listed_with = config
        return self.listing

    def missed(self) -> bool:
        """While idle, walk the content folder: True when it differs from what the last build saw.

        A watcher can drop events (a full kernel queue, a folder moved in whole); this puts the
        preview right within a second of any save, at the cost of one walk while nothing happens.
        """
        if self.listing is None or self.listed_with is None:
            return False
        walked = content_files(self.listed_with)
        if walked == self.listing:
            return False
        self.listing = walked  # what the watcher reports from now on is looked at again on top
        return True

    def watch_restarted(self) -> None:
        """Changes between the old watch and the new one went unheard: the next build walks the folder."""
        self.watched = True
        self.listing = None

    def _failed(self, errors: list[str]) -> None:
        if errors != self.errors:  # each error is printed once, not at every poll or save
            for line in errors:
                self.say(line)
            self.say("the preview shows these errors until the next good save")
        self.errors = errors

    def folders(self, config: SiteConfig) -> tuple[Path, ...]:
        """The folders a save can change the site through: content, templates, static files, theme."""
        return (
            config.content_path,
            config.root / "templates",
            config.root / config.static_dir,
            config.root / "themes" / config.theme,
        )

    def overlay(self) -> bytes:
        """The error panel shown over every page while the last save is broken."""
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.errors)
        return (
            '<div id="digest-error" role="alert" style="position:fixed;inset:0;z-index:2147483647;'
            "overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:16px/1.5 ui-monospace,monospace;"
            'padding:2rem"><h2 style="color:#ff8a80;font:bold 1.4rem system-ui,sans-serif;margin:0 0 1rem">'
            "The last save did not build</h2>"
            f'<ul style="padding-left:1.2rem">{items}</ul><p style="color:#ccc">Fix the file and save: this '
            "page reloads by itself. The pages behind this panel are from the last good build.</p></div>"
        ).encode()
