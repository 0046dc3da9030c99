"""`digest serve` under hostile requests: forged Host headers, foreign websockets, floods, slow clients.

Every request here is written by hand on a raw socket to a real `digest serve` process, so the test
sees exactly the bytes a DNS-rebinding page or a misbehaving client would send and receive.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from test_serve import _probe, _serving, _site, _wait

from digest.preview.hosts import Hosts, allowed_host, name_of, same_origin
from digest.preview.serve import IDLE_S, MAX_SOCKETS, PING_S

KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # any 16 bytes in base64 will do for a handshake
HELLO = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
TEXT, CLOSE, PING, PONG = 1, 8, 9, 10  # websocket frame opcodes


@pytest.fixture(scope="module")
def port(tmp_path_factory) -> Iterator[int]:
    """One preview on 127.0.0.1 (the default) for the tests that do not change its state."""
    with _preview(tmp_path_factory.mktemp("loopback")) as port:
        yield port


@contextmanager
def _preview(folder: Path, *options: str) -> Iterator[int]:
    """A preview of a two-story site, started with `options`: its port."""
    with _serving(_site(folder, 2), *options) as (url, process):
        _wait(lambda: _probe(url), what="the preview server")
        yield int(url.rsplit(":", 1)[1].strip("/"))
    assert process.stdout is not None
    output = process.stdout.read()
    assert "Traceback" not in output and "Uncaught" not in output, output  # whatever was sent to it


def _request(port: int, head: str) -> tuple[int, str]:
    """Send `head` (request line and headers) as is; the status and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"Connection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status, _, body = answer.partition(b"\r\n\r\n")
    return int(status.split()[1]), body.decode()


def _get(port: int, host: str | None, path: str = "/") -> tuple[int, str]:
    return _request(port, f"GET {path} HTTP/1.1\n" + (f"Host: {host}\n" if host is not None else ""))


@pytest.mark.parametrize("path", ["/", "/2022/09/s1/", "/livereload.js", "/no/such/page/"])
@pytest.mark.parametrize(
    "host",
    [
        "evil.example",  # a page that pointed its own name at 127.0.0.1 (DNS rebinding)
        "evil.example:{port}",
        "127.0.0.1.evil.example:{port}",
        "localhost.evil.example:{port}",
        "[2001:db8::1]:{port}",  # an address that is not this loopback server's
        "10.0.0.1:{port}",
    ],
)
def test_a_name_the_preview_does_not_answer_to_reads_nothing(port, host, path):
    status, body = _get(port, host.format(port=port), path)
    name = host.removesuffix(":{port}").strip("[]")
    assert status == 421
    assert body == (
        f"digest serve: this preview does not answer to the name `{name}` — open http://127.0.0.1:{port}/, "
        f"or start `digest serve` with --allow-host {name} if you trust that name\n"
    )


@pytest.mark.parametrize(
    ("head", "explained"),
    [
        ("GET / HTTP/1.1\nHost: \n", True),  # empty
        ("GET / HTTP/1.0\n", True),  # none
        ("GET / HTTP/1.1\nHost: 127.0.0.1:{port}.\n", True),
        ("GET / HTTP/1.1\nHost: ::1\n", True),  # an IPv6 address without its brackets
        ("GET / HTTP/1.1\n", False),  # none, refused by tornado itself, as are the next ones
        ("GET / HTTP/1.1\nHost: 127.0.0.1:{port}\nHost: evil.example\n", False),
        ("GET / HTTP/1.1\nHost: 127.0.0.1:{port}@evil.example\n", False),
    ],
)
def test_a_missing_or_malformed_host_is_a_bad_request(port, head, explained):
    status, body = _request(port, head.format(port=port))
    assert status == 400
    explanation = f"digest serve: this request has no valid Host header — open http://127.0.0.1:{port}/\n"
    assert body == (explanation if explained else "")


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:{port}",
        "localhost:{port}",
        "[::1]:{port}",
        "LocalHost.:{port}",  # names are case-insensitive, and a final dot is the same name
        "localhost:9000",  # a port forward (ssh -L 9000:localhost:PORT) changes the port, not the name
        "127.0.0.1",
    ],
)
def test_the_loopback_names_are_answered_on_any_port(port, host):
    status, body = _get(port, host.format(port=port), "/2022/09/s1/")
    assert status == 200 and "Story 1" in body and "/livereload.js" in body


def _handshake(port: int, host: str, origin: str | None, *extra: str) -> tuple[int, str, socket.socket]:
    """A websocket opening request for /livereload; the answer's status, body and the open socket."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    lines = [
        "GET /livereload HTTP/1.1",
        f"Host: {host}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {KEY}",
        "Sec-WebSocket-Version: 13",
        *([f"Origin: {origin}"] if origin is not None else []),
        *extra,
    ]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, f"connection closed after {head!r}"
        head += chunk
    status = int(head.split()[1])
    fields = dict(line.split(b": ", 1) for line in head.rstrip().split(b"\r\n")[1:])
    body = _exactly(sock, int(fields.get(b"Content-Length", 0))).decode()
    if status != 101:
        sock.close()
    return status, body, sock


def _exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, "connection closed"
        data += chunk
    return data


def _send(sock: socket.socket, payload: bytes, opcode: int = TEXT) -> None:
    """One masked frame, as every websocket client must send (here under 126 bytes or over 64 KiB)."""
    mask = os.urandom(4)
    size = len(payload)
    length = bytes([0x80 | size]) if size < 126 else bytes([0x80 | 127]) + size.to_bytes(8, "big")
    masked = bytes(byte ^ mask[n % 4] for n, byte in enumerate(payload))
    sock.sendall(bytes([0x80 | opcode]) + length + mask + masked)


def _receive(sock: socket.socket) -> tuple[int, bytes]:
    """The next frame from the server other than a ping, which is answered as browsers do."""
    opcode, payload = _frame(sock)
    while opcode == PING:
        _send(sock, payload, PONG)
        opcode, payload = _frame(sock)
    return opcode, payload


def _frame(sock: socket.socket) -> tuple[int, bytes]:
    """The next frame from the server (unmasked): its opcode and payload."""
    first, second = _exactly(sock, 2)
    size = second & 0x7F
    if size >= 126:
        size = int.from_bytes(_exactly(sock, 2 if size == 126 else 8), "big")
    return first & 0x0F, _exactly(sock, size)


def _speaks_livereload(sock: socket.socket) -> bool:
    _send(sock, json.dumps(HELLO).encode())
    opcode, payload = _receive(sock)
    return opcode == TEXT and json.loads(payload)["command"] == "hello"


@pytest.mark.parametrize(
    ("host", "origin", "status"),
    [
        ("127.0.0.1:{port}", "http://127.0.0.1:{port}", 101),  # the preview's own page
        ("localhost:{port}", "http://localhost:{port}", 101),
        ("[::1]:{port}", "http://[::1]:{port}", 101),
        ("127.0.0.1:{port}", None, 101),  # not a browser: browsers always send Origin
        ("127.0.0.1:{port}", "http://evil.example", 403),  # another site's page
        ("127.0.0.1:{port}", "http://evil.example:{port}", 403),
        ("127.0.0.1:{port}", "http://127.0.0.1:1", 403),  # another local server's page
        ("127.0.0.1:{port}", "http://localhost:{port}", 403),  # another origin, even if the same machine
        ("127.0.0.1:{port}", "null", 403),  # a sandboxed frame or a file:// page
        ("evil.example:{port}", "http://evil.example:{port}", 421),  # rebound: same-origin, wrong name
    ],
)
def test_the_live_reload_socket_opens_only_for_the_preview_s_own_pages(port, host, origin, status):
    answer, body, sock = _handshake(port, host.format(port=port), origin and origin.format(port=port))
    assert answer == status
    if status == 101:
        with sock:
            assert _speaks_livereload(sock)
    elif status == 403:
        assert "Cross origin websockets not allowed" in body


def test_a_rebinding_page_s_own_socket_is_refused_even_when_the_browser_calls_it_same_origin(port):
    answer, body, _ = _handshake(
        port, f"evil.example:{port}", f"http://evil.example:{port}", "Sec-Fetch-Site: same-origin"
    )
    assert answer == 421 and "does not answer to the name `evil.example`" in body


def test_live_reload_connections_are_capped_and_a_closed_one_frees_its_place(tmp_path):
    with _preview(tmp_path) as port:
        opened = [_handshake(port, f"127.0.0.1:{port}", None) for _ in range(MAX_SOCKETS)]
        assert [status for status, _, _ in opened] == [101] * MAX_SOCKETS
        status, body, _ = _handshake(port, f"127.0.0.1:{port}", None)
        assert status == 503
        assert (
            body == f"digest serve: too many live-reload connections (at most {MAX_SOCKETS}): close a tab\n"
        )
        assert _get(port, f"127.0.0.1:{port}")[0] == 200  # the pages are still served
        opened.pop()[2].close()
        reopened = _wait(lambda: _opened(port), what="the freed place")
        with reopened:
            assert _speaks_livereload(reopened)
        for _, _, sock in opened:
            sock.close()


def _opened(port: int) -> socket.socket | None:
    status, _, sock = _handshake(port, f"127.0.0.1:{port}", None)
    return sock if status == 101 else None


def test_a_slow_client_is_dropped_but_an_open_tab_stays_connected(port):
    """A request whose headers trickle in holds its connection for IDLE_S at most; websockets stay."""
    status, _, tab = _handshake(port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}")
    assert status == 101
    with tab, socket.create_connection(("127.0.0.1", port), timeout=IDLE_S * 4) as slow:
        slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
        started = time.monotonic()
        assert slow.recv(1024) == b""  # the server hung up
        assert IDLE_S - 1 < time.monotonic() - started < IDLE_S * 3
        assert _speaks_livereload(tab)


def test_oversized_requests_and_messages_are_refused(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {'x' * 20_000}\r\n\r\n".encode())
        with suppress(ConnectionResetError):  # a hang-up with unread bytes is a reset
            assert sock.recv(65536) == b""  # no answer: tornado hangs up at 16 KiB of headers
    status, _ = _request(port, "POST / HTTP/1.1\nHost: 127.0.0.1\nContent-Length: 5\n")
    assert status == 400
    status, _, sock = _handshake(port, f"127.0.0.1:{port}", None)
    with sock:
        _send(sock, b"x" * 100_000)
        opcode, payload = _receive(sock)
        assert opcode == CLOSE and int.from_bytes(payload[:2], "big") == 1009  # close: message too big


def test_a_tab_that_stops_answering_pings_is_let_go(port):
    """A client gone without a word (a phone off the network) does not keep its place for ever."""
    status, _, gone = _handshake(port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}")
    assert status == 101
    with gone:
        gone.settimeout(PING_S * 4)
        started = time.monotonic()
        assert _frame(gone)[0] == PING  # never answered
        assert _frame(gone)[0] == CLOSE  # nor this
        assert 2 * PING_S - 1 < time.monotonic() - started < 2 * PING_S + 3
        assert gone.recv(1) == b""  # the server hangs up by itself, and the tab's place is free
        assert time.monotonic() - started < 15 + 3


@pytest.mark.parametrize("message", [b"not json", b"[1]", b'"hello"'])
def test_a_message_livereload_js_would_never_send_closes_the_socket_quietly(port, message):
    status, _, sock = _handshake(port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}")
    assert status == 101
    with sock:
        _send(sock, message)
        opcode, payload = _receive(sock)
        assert opcode == CLOSE and int.from_bytes(payload[:2], "big") == 1003  # close: unsupported data
    with _handshake(port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}")[2] as sock:
        assert _speaks_livereload(sock)  # and the next one works


@pytest.fixture(scope="module")
def lan_port(tmp_path_factory) -> Iterator[int]:
    """A preview the user opened to the network, trusting one LAN name and every name under .lan."""
    options = ("--host", "0.0.0.0", "--allow-host", "Box.Example", "--allow-host", ".lan")
    with _preview(tmp_path_factory.mktemp("lan"), *options) as port:
        yield port


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("10.1.2.3:{port}", 200),  # an IP literal: it cannot be rebound
        ("[fe80::1]:{port}", 200),
        ("127.0.0.1:{port}", 200),
        (f"{socket.gethostname()}:{{port}}", 200),  # this machine's name
        ("box.example:{port}", 200),  # --allow-host Box.Example
        ("printer.office.lan:{port}", 200),  # --allow-host .lan
        ("lan", 200),
        ("evil.example:{port}", 421),
        ("box.example.evil.example:{port}", 421),
        ("evil-lan:{port}", 421),
        ("lan.evil.example:{port}", 421),
    ],
)
def test_a_preview_open_to_the_network_answers_to_addresses_and_trusted_names(lan_port, host, status):
    assert _get(lan_port, host.format(port=lan_port))[0] == status


def test_a_preview_open_to_the_network_checks_origins_the_same_way(lan_port):
    host = f"10.1.2.3:{lan_port}"
    status, _, sock = _handshake(lan_port, host, f"http://{host}")
    sock.close()
    assert status == 101
    assert _handshake(lan_port, host, "http://box.example")[0] == 403


def test_host_names_unit():
    loopback = Hosts.for_address("127.0.0.1")
    assert loopback == Hosts(frozenset({"127.0.0.1", "localhost", "::1"}), (), any_ip=False)
    assert Hosts.for_address("0:0::1").names == loopback.names  # IPv6 in the form browsers send
    assert Hosts.for_address("localhost", ["x.test"]).names == {*loopback.names, "x.test"}
    network = Hosts.for_address("::", [".lan"])
    assert network.any_ip and network.domains == (".lan",) and "::" not in network.names
    assert name_of("[0:0:0:0:0:0:0:1]:80") == "::1"
    assert name_of("[127.0.0.1]:80") is None  # brackets are for IPv6 only
    assert name_of("a..b") is None and name_of("-a.b") is None and name_of("a" * 64) is None
    assert name_of("my_app:8000") == "my_app"  # Docker service names
    assert same_origin("HTTP://LOCALHOST:8000", "localhost:8000")
    assert not same_origin("https://localhost:8000", "localhost:8000")


@pytest.mark.parametrize(
    ("value", "name"),
    [("Box.LAN", "box.lan"), (".lan", ".lan"), ("::1", "::1"), ("[::1]", "::1"), ("10.0.0.7", "10.0.0.7")],
)
def test_allow_host_takes_a_name_an_address_or_a_domain(value, name):
    assert allowed_host(value) == name


@pytest.mark.parametrize("value", ["box.lan:8000", "http://box.lan", "[::1]:80", ".", "", "a b"])
def test_allow_host_refuses_anything_but_a_name(value):
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        allowed_host(value)
    assert str(refused.value) == (
        f"`{value}` is not a host name — give the name alone, without http:// or a port, "
        "e.g. --allow-host mybox.lan (or --allow-host .lan for every name under lan)"
    )


def test_allow_host_errors_name_the_option_and_stop_before_serving(tmp_path):
    root = _site(tmp_path, 1)
    done = subprocess.run(
        [sys.executable, "-m", "digest.cli", "serve", "--allow-host", "http://box.lan:8000"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "argument --allow-host: `http://box.lan:8000` is not a host name" in done.stderr
