"""`digest check --external` against a real HTTP server on 127.0.0.1: statuses, timeouts, redirects, pace."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import SITE_YML, write_files

from digest.cli import main
from digest.curator.link_cache import KEPT_FOR, Answer, load_answers, save_answers

DELAY = 0.2  # --host-delay in these tests
ROUTES = {
    "/ok": (200, None),
    "/missing": (404, None),
    "/broken": (500, None),
    "/moved": (301, "/ok"),
    "/loop-a": (302, "/loop-b"),
    "/loop-b": (302, "/loop-a"),
    **{f"/hop/{n}": (302, f"/hop/{n + 1}") for n in range(1, 9)},
}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    requests: list[tuple[float, str, str, str]]  # when it came (monotonic), host, method, path


class Handler(BaseHTTPRequestHandler):
    """Answers from ROUTES; /slow answers late; /no-head refuses HEAD as some real servers do."""

    server: Server

    def do_HEAD(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        self.server.requests.append((time.monotonic(), self.headers["Host"], self.command, self.path))
        if self.path == "/slow":
            time.sleep(2)
            status, location = 200, None
        elif self.path == "/no-head":
            status, location = (405, None) if self.command == "HEAD" else (200, None)
        else:
            status, location = ROUTES.get(self.path, (404, None))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _site(root: Path, port: int) -> Path:
    """One story per host, each link on a line of its own."""
    for name, host, paths in (
        ("a", "127.0.0.1", ["/ok", "/missing", "/broken", "/slow", "/moved"]),
        ("b", "localhost", ["/no-head", "/loop-a", "/hop/1", "/ok"]),
    ):
        links = "\n\n".join(f"[link {n}](http://{host}:{port}{path})" for n, path in enumerate(paths))
        story = f"---\ntitle: Story {name}\ndate: 2023-01-05\nsource: Wire\n---\n{links}\n"
        write_files(root, {f"content/{name}.md": story})
    write_files(root, {"site.yml": SITE_YML})
    return root


def _run(site: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    cwd = Path.cwd()
    os.chdir(site)
    try:
        status = main(["check", "--external", "--timeout", "0.5", "--host-delay", str(DELAY), *args])
    finally:
        os.chdir(cwd)
    return status, capsys.readouterr().out.splitlines()


def test_outside_links_are_asked_at_a_pace_and_failures_named_at_their_lines(tmp_path, server, capsys):
    port = server.server_address[1]
    site = _site(tmp_path, port)
    status, lines = _run(site, capsys=capsys)
    a, b = f"http://127.0.0.1:{port}", f"http://localhost:{port}"
    gone = "find where the story moved (or an archived copy), or remove the link"
    browser = "check the address in a browser; if it works there, the site may refuse checkers"
    assert lines == [
        f"content/a.md:8: warning: link to {a}/missing — 404 Not Found; {gone}",
        f"content/a.md:10: warning: link to {a}/broken — 500 Internal Server Error; {browser}",
        f"content/a.md:12: warning: link to {a}/slow — no answer within 0.5 s; {browser}",
        f"content/b.md:8: warning: link to {b}/loop-a — a redirect loop (back to {b}/loop-a); {browser}",
        f"content/b.md:10: warning: link to {b}/hop/1 — more than 5 redirects; {browser}",
        "check ok: 0 error(s), 5 warning(s) in 2 stories and 12 pages",
    ]
    assert status == 0
    asked = [(method, path) for _, _, method, path in server.requests]
    assert ("HEAD", "/no-head") in asked and ("GET", "/no-head") in asked  # GET when HEAD is refused
    assert ("GET", "/slow") not in asked  # a timeout is not asked twice
    assert ("HEAD", "/hop/6") in asked and ("HEAD", "/hop/7") not in asked  # 5 redirects followed
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        times = sorted(when for when, to, _, _ in server.requests if to == host)
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert len(times) >= 6
        assert min(gaps) >= DELAY, gaps  # one host is asked at the pace set, one request at a time
    one = [w for w, to, _, _ in server.requests if to.startswith("127.")]
    other = [w for w, to, _, _ in server.requests if to.startswith("localhost")]
    assert min(other) < max(one) and min(one) < max(other)  # two hosts are asked at once
    assert _run(site, "--strict", capsys=capsys)[0] == 1


def test_answers_are_kept_a_day_and_a_damaged_cache_is_ignored(tmp_path, server, capsys):
    port = server.server_address[1]
    site = _site(tmp_path, port)
    _run(site, capsys=capsys)
    server.requests.clear()
    status, lines = _run(site, capsys=capsys)
    asked = {path for _, _, _, path in server.requests}
    # a success, a 404 and a loop are kept; a 5xx, a timeout and too many hops are asked again
    assert asked == {"/broken", "/slow", *(f"/hop/{n}" for n in range(1, 7))}
    assert (status, len(lines)) == (0, 6)
    cache = site / ".digest-cache/links.json"
    cache.write_bytes(cache.read_bytes()[:-7] + b"garbage")
    server.requests.clear()
    status, again = _run(site, capsys=capsys)
    assert (status, again) == (0, lines)
    assert {"/ok", "/missing", "/loop-a"} <= {path for _, _, _, path in server.requests}


def test_an_answer_older_than_a_day_is_not_trusted(tmp_path):
    (tmp_path / ".digest-cache").mkdir()
    found = {
        "https://example.com/a": Answer(True, 200, "200 OK"),
        "https://example.com/b": Answer(False, 503, ""),
    }
    save_answers(tmp_path, found, now=1_000_000.0)
    assert load_answers(tmp_path, 1_000_000.0 + 60) == {"https://example.com/a": Answer(True, 200, "200 OK")}
    assert load_answers(tmp_path, 1_000_000.0 + KEPT_FOR + 1) == {}
