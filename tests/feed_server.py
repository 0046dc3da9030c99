"""A real HTTP server on 127.0.0.1 answering each path as told: a feed, an error, a redirect, a flood."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Reply:
    """One path's answer: `flood` bytes are streamed after `body` (declared in Content-Length or not)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    flood: int = 0
    declare_length: bool = True
    wait: float = 0.0  # seconds before the answer starts
    drip: float = 0.0  # seconds between the flood's chunks


@dataclass
class Served:
    """The running server: its base URL, and how many bytes each path managed to send."""

    url: str
    sent: dict[str, int] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)


def _handler(routes: dict[str, Reply], served: Served) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.asked.append(self.path)
            reply = routes.get(self.path, Reply(404, b"not here"))
            time.sleep(reply.wait)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.declare_length:
                self.send_header("Content-Length", str(len(reply.body) + reply.flood))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            sent = 0
            try:
                self.wfile.write(reply.body)
                sent += len(reply.body)
                while sent < len(reply.body) + reply.flood:
                    self.wfile.write(b" " * CHUNK)
                    self.wfile.flush()
                    time.sleep(reply.drip)
                    sent += CHUNK
            except OSError:  # the client hung up, as it should on a flood
                pass
            served.sent[self.path] = sent

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def feed_server(routes: dict[str, Reply]) -> Iterator[Served]:
    """Serve `routes` on a free port of 127.0.0.1 while the block runs."""
    served = Served("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(routes, served))
    server.daemon_threads = True
    served.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
