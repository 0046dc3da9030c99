"""A real HTTP server for a built site, at the root of the host or under a sub-path like `/digest/`.

It behaves like a plain static host: a folder serves its index.html, a folder asked for without its
trailing slash is redirected (301) to it, and anything else that is not a file gets status 404 with the
site's own 404.html as the body.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".json": "application/json",
}


@dataclass(frozen=True)
class Served:
    """A running server: `url` is where the site lives, e.g. http://127.0.0.1:41234/digest/."""

    host: str
    port: int
    prefix: str

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return self.origin + self.prefix


def _handler(folder: Path, prefix: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._respond(body=True)

        def do_HEAD(self) -> None:
            self._respond(body=False)

        def _respond(self, *, body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            if path + "/" == prefix:  # /digest -> /digest/
                return self._redirect(prefix)
            if not path.startswith(prefix):
                return self._not_found(body)
            parts = [p for p in path[len(prefix) :].split("/") if p not in ("", ".")]
            if ".." in parts or any("\\" in p or "\0" in p for p in parts):
                return self._not_found(body)
            target = folder.joinpath(*parts)
            if target.is_dir():
                if not path.endswith("/"):
                    return self._redirect(quote(path + "/"))
                target = target / "index.html"
            if not target.is_file():
                return self._not_found(body)
            self._send(200, target.read_bytes(), target.suffix, body)

        def _not_found(self, body: bool) -> None:
            page = folder / "404.html"
            content = page.read_bytes() if page.is_file() else b"<!DOCTYPE html><title>404</title>"
            self._send(404, content, ".html", body)

        def _redirect(self, location: str) -> None:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, content: bytes, suffix: str, body: bool) -> None:
            kind = _TYPES.get(suffix) or mimetypes.guess_type("x" + suffix)[0] or "application/octet-stream"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if body:
                self.wfile.write(content)

        def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
            pass

    return Handler


@contextmanager
def serve(folder: Path, prefix: str = "/", host: str = "127.0.0.1") -> Iterator[Served]:
    """Serve `folder` at `prefix` on a free port of `host`; the folder may be filled after it starts."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    server = ThreadingHTTPServer((host, 0), _handler(folder, prefix))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {folder}", daemon=True)
    thread.start()
    try:
        yield Served(host, server.server_address[1], prefix)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
