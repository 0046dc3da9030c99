"""`digest serve`: a live-reload preview, a thin adapter around the `livereload` package.

The preview (preview.py) is rebuilt on every save the watcher (watch.py) reports; livereload serves
the files, injects its script and tells the open tabs to reload.
"""

from __future__ import annotations

import errno
import gc
import logging
import socket
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado import ioloop, web

from .preview import Preview
from .watch import POLL_MS, Watch

SETTLE_S = 1.0  # after a rebuild, once the browser has reloaded, the idle work is done
RETRY_S = 0.25  # while another build of the site holds its lock, the preview asks again this often
HEAD_END, BODY_END = b"</head>", b"</body>"
PORTS_TRIED = 20
NOTHING_YET = b"<!DOCTYPE html><html lang=en><head><title>digest preview</title></head><body></body></html>"


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
        elif preview.waiting:  # another build of the site runs: try again once it may be done
            ioloop.IOLoop.current().call_later(RETRY_S, watcher.changed)
        say(f"previewing at {url} — edits show up by themselves; Ctrl-C stops")
        if open_browser:
            webbrowser.open(url)
        settle_memory()

    idle: list[object] = []  # the pending idle step; each rebuild puts it off again

    def rebuild() -> None:
        started = time.perf_counter()
        report = preview.rebuild()
        if report:
            say(f"rebuilt: {report.written} files changed in {time.perf_counter() - started:.2f} s")
        elif preview.waiting:  # the tabs have nothing new to reload yet
            ioloop.IOLoop.current().call_later(RETRY_S, watcher.changed)
            return
        LiveReloadHandler.reload_waiters()
        loop = ioloop.IOLoop.current()
        if idle:
            loop.remove_timeout(idle.pop())
        idle.append(loop.call_later(SETTLE_S, tidy))

    def tidy() -> None:
        """While idle: make sure the watcher missed nothing, then tidy memory."""
        idle.clear()
        if preview.missed():
            watcher.changed()
        settle_memory()

    watcher = Watch(preview, rebuild)
    watcher.check()  # watching starts before the first build, so a save made during it is not missed
    ioloop.PeriodicCallback(watcher.check, POLL_MS).start()
    ioloop.IOLoop.current().add_callback(start)
    ioloop.IOLoop.current().start()
