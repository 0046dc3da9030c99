"""An S3-compatible server for the deploy tests: moto in server mode on 127.0.0.1, and a cuttable link.

`Link` forwards TCP to the server and cuts every connection for good after the Nth PUT request it
sees: a real network failure halfway through a deploy, while the server keeps what it received.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def moto_server(**env: str) -> Iterator[str]:
    """A moto S3 server in its own process; yields its endpoint URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.kill()
        server.wait()


REQUESTS = (b"GET ", b"HEAD ", b"PUT ", b"POST ", b"DELETE ")


class Link:
    """A TCP forwarder to `port`; after `cut_after(n)` no request passes past the Nth PUT."""

    def __init__(self, port: int) -> None:
        self.target, self.left, self.cut = port, -1, threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def cut_after(self, puts: int) -> None:
        self.left = puts

    def mend(self) -> None:
        self.left = -1
        self.cut.clear()

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            if self.cut.is_set():
                client.close()  # the network is down: connections fail at once
                continue
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, upstream: bool) -> None:
        try:
            while data := source.recv(65536):
                if upstream and data.startswith(REQUESTS):  # bodies and answers in flight still pass
                    with self.lock:
                        if data.startswith(b"PUT ") and self.left >= 0:
                            self.left -= 1
                            if self.left < 0:
                                self.cut.set()
                        if self.cut.is_set():
                            break
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            end.close()
