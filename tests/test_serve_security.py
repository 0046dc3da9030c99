"""`digest serve` under hostile requests: forged Host headers.

Every request here is written by hand on a raw socket to a real `digest serve` process, so the test
sees exactly the bytes a DNS-rebinding page or a misbehaving client would send and receive.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_serve import _probe, _serving, _site, _wait

from digest.hosts import Hosts, allowed_host, name_of


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
