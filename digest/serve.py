"""`digest serve`: a live-reload preview, a thin adapter around the `livereload` package.

The preview is built with the same incremental build as `digest build`, into .digest-cache/preview/.
Watching is ours (livereload notices one file per poll and drops reloads for 3 s): the operating
system reports saves through `watchfiles`; livereload serves the files, injects its script and
tells the open tabs to reload.
"""

from __future__ import annotations

import errno
import gc
import html
import logging
import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado import ioloop, web
from watchfiles import DefaultFilter, watch

from .build import Report, build
from .cache import FOLDER
from .config import SiteConfig, load_config
from .errors import BuildError, DigestError
from .keys import Stat, stat_if_present

POLL_MS = 150  # how often site.yml and the watched folders' existence are checked
QUIET_MS = 30  # a burst of saves (write temp file, rename) has settled after this long without events
SETTLE_S = 1.0  # after a rebuild, memory is tidied once the browser has reloaded
HEAD_END, BODY_END = b"</head>", b"</body>"
PORTS_TRIED = 20
NOTHING_YET = b"<!DOCTYPE html><html lang=en><head><title>digest preview</title></head><body></body></html>"


@dataclass(slots=True)
class Preview:
    """The preview's state: the last build's errors stay on screen until a good save clears them."""

    config_path: Path
    overrides: dict[str, str]
    drafts: bool
    future: bool
    say: Callable[[str], None]
    errors: list[str] = field(default_factory=list)

    @property
    def output(self) -> Path:
        """Where the preview is built: never the site itself, even before site.yml can be read."""
        return self.config_path.resolve().parent / FOLDER / "preview"

    def rebuild(self) -> Report | None:
        """Build the preview; never raises, so the server survives any broken save."""
        try:
            config = load_config(self.config_path, self.overrides)
            report = build(config, drafts=self.drafts, future=self.future, output=self.output)
        except BuildError as failed:
            self._failed([str(e) for e in failed.errors])
            return None
        except DigestError as error:
            self._failed([str(error)])
            return None
        except Exception as exc:  # the preview must outlive anything a save can do
            self._failed([f"{self.config_path}: unexpected {type(exc).__name__}: {exc}"])
            return None
        if self.errors:
            self.say("fixed: the preview is up to date again")
        self.errors = []
        return report

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


@dataclass(slots=True)
class Watch:
    """Turns saves into rebuilds: one rebuild per burst of changes, and one more for any made meanwhile.

    The operating system reports changes inside the watched folders (inotify on Linux, through
    watchfiles), so an idle preview costs nothing even at 10,000 files. A timer checks by stat the
    few things a folder watch cannot see: site.yml itself, and watched folders appearing or going.
    """

    preview: Preview
    rebuild: Callable[[], None]
    config_stat: Stat | None = None
    candidates: tuple[Path, ...] = ()  # the folders site.yml names, whether they exist or not
    ignored: tuple[str, ...] = ()  # folders digest writes into, in case a watched folder holds them
    folders: tuple[Path, ...] | None = None  # those watched now: the candidates that exist
    stop: threading.Event | None = None
    wanted: bool = False

    def check(self) -> None:
        """The timer: a new site.yml, or a folder come or gone, asks for a rebuild."""
        starting = self.folders is None
        config_stat = stat_if_present(self.preview.config_path)
        settings = config_stat != self.config_stat
        if settings:
            self.config_stat = config_stat
            self._read_settings()
        folders = tuple(folder for folder in self.candidates if folder.is_dir())
        if settings or folders != self.folders:
            self.folders = folders
            self._restart(folders)
            if not starting:
                self.changed()

    def changed(self) -> None:
        """Ask for a rebuild; asks made before it starts are one rebuild."""
        if not self.wanted:
            self.wanted = True
            ioloop.IOLoop.current().add_callback(self._run)

    def _run(self) -> None:
        self.wanted = False  # a change from now on asks for another rebuild
        self.rebuild()

    def _read_settings(self) -> None:
        try:
            config = load_config(self.preview.config_path)
        except DigestError:
            return  # the rebuild shows the error; the folders stay the last good ones
        self.candidates = self.preview.folders(config)
        self.ignored = (str(config.root / FOLDER), str(config.output_path))

    def _restart(self, folders: tuple[Path, ...]) -> None:
        if self.stop is not None:
            self.stop.set()
        self.stop = threading.Event()
        if folders:
            loop = ioloop.IOLoop.current()
            args = (folders, self.ignored, self.stop, lambda: loop.add_callback(self.changed))
            threading.Thread(target=_watch, args=args, name="digest-watch", daemon=True).start()


def _watch(
    folders: tuple[Path, ...], ignored: tuple[str, ...], stop: threading.Event, changed: Callable[[], None]
) -> None:
    """In its own thread: call `changed` for every batch of changes, once QUIET_MS pass without another.

    A daemon thread, so Ctrl-C never waits for it.
    """
    try:
        for _batch in watch(
            *folders, watch_filter=DefaultFilter(ignore_paths=ignored), step=QUIET_MS, stop_event=stop
        ):
            changed()
    except OSError:
        pass  # a watched folder went away; the timer sees it and watches what is left


def settle_memory() -> None:
    """Collect garbage once, while idle, then hide the survivors (the site model) from the collector.

    A full collection scans every live object: at 10,000 articles that is a tenth of a second that
    would otherwise land, unasked, in the middle of the next save's rebuild.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def free_port(host: str, port: int) -> int:
    """`port`, or the next free one when it is busy (the caller announces the change)."""
    for candidate in range(port, port + PORTS_TRIED):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, candidate))
                return candidate
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
    raise OSError(errno.EADDRINUSE, f"ports {port} to {port + PORTS_TRIED - 1} are all busy")


class _NoWatcher(Watcher):
    """livereload's own polling is replaced by ours; this keeps it from watching the whole folder."""

    def examine(self) -> tuple[None, None]:
        return None, None


def _application(preview: Preview, port: int) -> web.Application:
    """livereload's handlers, with its script injected before </head> and our error panel before </body>."""
    script = f'<script src="/livereload.js?port={port}" defer></script>'.encode()

    class Inject(web.OutputTransform):
        def transform_first_chunk(self, status_code, headers, chunk, finishing):  # type: ignore[no-untyped-def]
            if "html" in headers.get("Content-Type", "") and HEAD_END in chunk:
                chunk = chunk.replace(HEAD_END, script + HEAD_END, 1)
                if preview.errors and BODY_END in chunk:
                    chunk = chunk.replace(BODY_END, preview.overlay() + BODY_END, 1)
                if "Content-Length" in headers:
                    headers["Content-Length"] = str(len(chunk))
            return status_code, headers, chunk

    class Files(StaticFileHandler):
        """The preview's files; missing ones get the site's 404 page (or the error page, before any build)."""

        def write_error(self, status_code: int, **kwargs: object) -> None:
            page = preview.output / "404.html"
            body = page.read_bytes() if page.is_file() else NOTHING_YET
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(body)

    LiveReloadHandler.watcher = _NoWatcher()
    return web.Application(
        [
            (r"/livereload", LiveReloadHandler),
            (r"/livereload.js", LiveReloadJSHandler),
            (r"/(.*)", Files, {"path": str(preview.output), "default_filename": "index.html"}),
        ],
        transforms=[Inject],
    )


def serve(
    config_path: Path,
    *,
    host: str,
    port: int,
    drafts: bool,
    future: bool,
    open_browser: bool,
    say: Callable[[str], None],
) -> None:
    """Build, serve and rebuild on every save until Ctrl-C."""
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # one line per request drowns the errors
    actual = free_port(host, port)
    if actual != port:
        say(f"port {port} is busy; using {actual} instead")
    url = f"http://{f'[{host}]' if ':' in host else host}:{actual}/"
    preview = Preview(config_path, {"base_url": url}, drafts, future, say)
    preview.output.mkdir(parents=True, exist_ok=True)  # served even when the first build failed
    _application(preview, actual).listen(actual, address=host)

    def start() -> None:
        report = preview.rebuild()
        if report:
            say(f"built {report.articles} articles in {report.seconds:.2f} s")
        say(f"previewing at {url} — edits show up by themselves; Ctrl-C stops")
        if open_browser:
            webbrowser.open(url)
        settle_memory()

    def rebuild() -> None:
        started = time.perf_counter()
        report = preview.rebuild()
        if report:
            say(f"rebuilt: {report.written} files changed in {time.perf_counter() - started:.2f} s")
        LiveReloadHandler.reload_waiters()
        ioloop.IOLoop.current().call_later(SETTLE_S, settle_memory)

    watcher = Watch(preview, rebuild)
    watcher.check()  # watching starts before the first build, so a save made during it is not missed
    ioloop.PeriodicCallback(watcher.check, POLL_MS).start()
    ioloop.IOLoop.current().add_callback(start)
    ioloop.IOLoop.current().start()
