"""Saves → rebuilds: the operating system reports changes, a timer checks what it cannot see.

Watching is ours, not livereload's (it notices one file per poll and drops reloads for 3 s).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tornado import ioloop
from watchfiles import DefaultFilter, watch

from digest.config.folders import CACHE_FOLDER
from digest.config.load import load_config
from digest.config.sources import registry_file
from digest.content.inputs import Stat, stat_if_present
from digest.errors import BuildError, DigestError
from digest.preview.session import Preview

POLL_MS = 150  # how often site.yml and the watched folders' existence are checked
QUIET_MS = 30  # a burst of saves (write temp file, rename) has settled after this long without events


@dataclass(slots=True)
class Watch:
    """Turns saves into rebuilds: one rebuild per burst of changes, and one more for any made meanwhile.

    The operating system reports changes inside the watched folders (inotify on Linux, through
    watchfiles), so an idle preview costs nothing even at 10,000 files. A timer checks by stat the
    few things a folder watch cannot see: site.yml itself (and the sources file it names), and watched
    folders appearing or going.
    """

    preview: Preview
    rebuild: Callable[[], None]
    config_stat: tuple[Stat | None, Stat | None] | None = None  # of site.yml and of its sources file
    registry: Path | None = None  # the sources file site.yml names, if it names one
    candidates: tuple[Path, ...] = ()  # the folders site.yml names, whether they exist or not
    ignored: tuple[str, ...] = ()  # folders digest writes into, in case a watched folder holds them
    folders: tuple[Path, ...] | None = None  # those watched now: the candidates that exist
    stop: threading.Event | None = None
    wanted: bool = False

    def check(self) -> None:
        """The timer: a new site.yml, or a folder come or gone, asks for a rebuild."""
        starting = self.folders is None
        config_stat = stat_if_present(self.preview.config_path)
        settings = (config_stat, self._registry_stat()) != self.config_stat
        if settings:
            self._read_settings()
            self.config_stat = (config_stat, self._registry_stat())
        folders = tuple(folder for folder in self.candidates if folder.is_dir())
        if settings or folders != self.folders:
            self.folders = folders
            self._restart(folders)
            if not starting:
                self.changed()

    def changed(self, paths: Iterable[str] = ()) -> None:
        """Ask for a rebuild, telling the preview which paths changed; asks made before it starts are one."""
        self.preview.heard.update(paths)
        if not self.wanted:
            self.wanted = True
            ioloop.IOLoop.current().add_callback(self._run)

    def _run(self) -> None:
        self.wanted = False  # a change from now on asks for another rebuild
        self.rebuild()

    def _registry_stat(self) -> Stat | None:
        return stat_if_present(self.registry) if self.registry else None

    def _read_settings(self) -> None:
        self.registry = registry_file(self.preview.config_path)
        try:
            config = load_config(self.preview.config_path)
        except (BuildError, DigestError):
            return  # the rebuild shows the error; the folders stay the last good ones
        self.candidates = self.preview.folders(config)
        self.ignored = (str(config.root / CACHE_FOLDER), str(config.output_path))

    def _restart(self, folders: tuple[Path, ...]) -> None:
        self.preview.watch_restarted()
        if self.stop is not None:
            self.stop.set()
        self.stop = threading.Event()
        if folders:
            loop = ioloop.IOLoop.current()
            args = (folders, self.ignored, self.stop, lambda paths: loop.add_callback(self.changed, paths))
            threading.Thread(target=_watch, args=args, name="digest-watch", daemon=True).start()


def _watch(
    folders: tuple[Path, ...],
    ignored: tuple[str, ...],
    stop: threading.Event,
    changed: Callable[[list[str]], None],
) -> None:
    """In its own thread: call `changed` with every batch of changed paths, once QUIET_MS pass quietly.

    A daemon thread, so Ctrl-C never waits for it.
    """
    try:
        for batch in watch(
            *folders, watch_filter=DefaultFilter(ignore_paths=ignored), step=QUIET_MS, stop_event=stop
        ):
            changed([path for _change, path in batch])
    except OSError:
        pass  # a watched folder went away; the timer sees it and watches what is left
