"""`digest serve`: a live-reload preview, a thin adapter around the `livereload` package.

The preview (preview.py) is rebuilt on every save the watcher (watch.py) reports; livereload serves
the files, injects its script and tells the open tabs to reload.
"""

from __future__ import annotations

import errno
import gc
import json
import logging
import socket
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado import httputil, ioloop, web
from tornado.routing import Matcher, Rule

from digest.preview.hosts import Hosts, name_of, same_origin
from digest.preview.session import Preview
from digest.preview.watch import POLL_MS, Watch

SETTLE_S = 1.0  # after a rebuild, once the browser has reloaded, the idle work is done
RETRY_S = 0.25  # while another build of the site holds its lock, the preview asks again this often
HEAD_END, BODY_END = b"</head>", b"</body>"
PORTS_TRIED = 20
NOTHING_YET = b"<!DOCTYPE html><html lang=en><head><title>digest preview</title></head><body></body></html>"
MAX_SOCKETS = 32  # live-reload connections, one per open tab: plenty for a writer, not for a flood
MAX_HEADER_BYTES = 16 * 1024  # a preview request is a GET with ordinary headers and no body
IDLE_S = 5.0  # how long a connection may take to send its next request's headers (as Apache's keep-alive)
MAX_MESSAGE_BYTES = 64 * 1024  # livereload.js sends a few hundred bytes
PING_S = 5.0  # a tab that stops answering pings (a phone gone off the network) frees its place


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


def _application(
    preview: Preview, port: int, hosts: Hosts, url: str
) -> tuple[web.Application, type[LiveReloadHandler]]:
    """livereload's handlers, with its script injected before </head> and our error panel before </body>.

    They answer only requests for a name in `hosts`; any other gets a short refusal (see hosts.py).
    Returned with the live-reload handler class, whose `reload_waiters()` reloads the open tabs.
    """
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

    sockets: set[LiveReloadHandler] = set()

    class Reload(LiveReloadHandler):
        """livereload's websocket, for the preview's own pages only, and at most MAX_SOCKETS at once.

        Its settings live here, not on livereload's class: `reload_waiters()` reads the changed path
        from `watcher` (none: each tab reloads whole). livereload's own polling, which would use the
        watcher and drop reloads within DEFAULT_RELOAD_TIME, never starts: watch.py watches instead.
        """

        watcher = Watcher()

        def prepare(self) -> None:
            if len(sockets) >= MAX_SOCKETS:
                _refuse(self, 503, f"too many live-reload connections (at most {MAX_SOCKETS}): close a tab")

        def check_origin(self, origin: str) -> bool:
            return same_origin(origin, self.request.headers.get("Host", ""))

        def open(self, *args: str, **kwargs: str) -> None:
            sockets.add(self)

        def on_close(self) -> None:
            sockets.discard(self)
            super().on_close()

        def on_message(self, message: str | bytes) -> None:
            """livereload's handshake, for the JSON objects livereload.js sends; anything else closes."""
            try:
                command = json.loads(message)
            except ValueError:
                command = None
            if isinstance(command, dict):
                super().on_message(message)
            else:  # livereload would print a traceback for it, at any client's whim
                self.close(1003, "livereload.js sends JSON objects")

    class UnknownHost(Matcher):
        def match(self, request: httputil.HTTPServerRequest) -> dict[str, object] | None:
            return None if hosts.accepts(request.headers.get("Host")) else {}

    class Misdirected(web.RequestHandler):
        """A name the preview does not answer to: a page that rebound its own name reads only this."""

        def prepare(self) -> None:
            name = name_of(self.request.headers.get("Host", ""))
            if name is None:
                _refuse(self, 400, f"this request has no valid Host header — open {url}")
            else:
                _refuse(
                    self,
                    421,
                    f"this preview does not answer to the name `{name}` — open {url}, or start "
                    f"`digest serve` with --allow-host {name} if you trust that name",
                )

    app = web.Application(
        [
            Rule(UnknownHost(), Misdirected),
            (r"/livereload", Reload),
            (r"/livereload.js", LiveReloadJSHandler),
            (r"/(.*)", Files, {"path": str(preview.output), "default_filename": "index.html"}),
        ],
        transforms=[Inject],
        websocket_max_message_size=MAX_MESSAGE_BYTES,
        websocket_ping_interval=PING_S,  # and as long to answer each: tornado's default timeout
    )
    return app, Reload


def _refuse(handler: web.RequestHandler, status: int, message: str) -> None:
    """End a request with a one-line plain-text answer (never HTML: nothing in it is rendered)."""
    handler.set_status(status)
    handler.set_header("Content-Type", "text/plain; charset=UTF-8")
    handler.set_header("X-Content-Type-Options", "nosniff")
    handler.finish(f"digest serve: {message}\n")


def serve(
    config_path: Path,
    *,
    host: str,
    port: int,
    drafts: bool,
    future: bool,
    open_browser: bool,
    say: Callable[[str], None],
    allowed_hosts: tuple[str, ...] = (),
) -> None:
    """Build, serve and rebuild on every save until Ctrl-C."""
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # one line per request drowns the errors
    actual = free_port(host, port)
    if actual != port:
        say(f"port {port} is busy; using {actual} instead")
    url = f"http://{f'[{host}]' if ':' in host else host}:{actual}/"
    preview = Preview(config_path, {"base_url": url}, drafts, future, say)
    preview.output.mkdir(parents=True, exist_ok=True)  # served even when the first build failed
    hosts = Hosts.for_address(host, allowed_hosts)
    app, tabs = _application(preview, actual, hosts, url)
    app.listen(
        actual,
        address=host,
        max_header_size=MAX_HEADER_BYTES,
        max_body_size=0,
        idle_connection_timeout=IDLE_S,
    )

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
        idle.append(ioloop.IOLoop.current().call_later(SETTLE_S, tidy))  # then the search index

    idle: list[object] = []  # the pending idle step; each rebuild puts it off again

    def rebuild() -> None:
        started = time.perf_counter()
        preview.interrupt()  # a save is shown first: the search index catches up at the next idle moment
        report = preview.rebuild()
        if report:
            say(f"rebuilt: {report.written} files changed in {time.perf_counter() - started:.2f} s")
        elif preview.waiting:  # the tabs have nothing new to reload yet
            ioloop.IOLoop.current().call_later(RETRY_S, watcher.changed)
            return
        tabs.reload_waiters()
        loop = ioloop.IOLoop.current()
        if idle:
            loop.remove_timeout(idle.pop())
        idle.append(loop.call_later(SETTLE_S, tidy))

    def tidy() -> None:
        """While idle: see that the watcher missed nothing, bring the search index up, tidy memory."""
        idle.clear()
        if preview.missed():
            watcher.changed()
        else:
            preview.catch_up()
        settle_memory()

    watcher = Watch(preview, rebuild)
    watcher.check()  # watching starts before the first build, so a save made during it is not missed
    ioloop.PeriodicCallback(watcher.check, POLL_MS).start()
    ioloop.PeriodicCallback(preview.caught_up, POLL_MS).start()
    ioloop.IOLoop.current().add_callback(start)
    ioloop.IOLoop.current().start()
