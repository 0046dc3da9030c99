"""Feeds downloaded from a real local server: size, redirects and errors, each with a clear message."""

from __future__ import annotations

import re
import time

import pytest

from digest.curator.fetch import MAX_BYTES, MAX_REDIRECTS, FetchError, fetch
from tests.feed_server import Reply, feed_server

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour news</title></channel></rss>'
FIFTY_MB = 50 * 1024 * 1024


def test_a_feed_is_downloaded_after_a_redirect_and_keeps_its_final_url():
    routes = {"/old": Reply(301, headers={"Location": "/feed.xml"}), "/feed.xml": Reply(body=FEED)}
    with feed_server(routes) as server:
        fetched = fetch(server.url + "/old")
    assert fetched.data == FEED
    assert fetched.url == server.url + "/feed.xml"


@pytest.mark.parametrize("declared", [True, False])
def test_a_fifty_megabyte_answer_is_refused_without_reading_it_all(declared):
    with feed_server({"/big": Reply(body=FEED, flood=FIFTY_MB, declare_length=declared)}) as server:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"over the 10 MB limit for a feed"):
            fetch(server.url + "/big")
        took = time.monotonic() - started
        deadline = time.monotonic() + 5
        while "/big" not in server.sent and time.monotonic() < deadline:
            time.sleep(0.01)  # the server notices the hang-up on its next write
    assert took < 5
    assert server.sent["/big"] < FIFTY_MB / 2  # the client stopped early, the rest was never sent
    if declared:  # a declared size is refused before the body is read at all
        assert server.sent["/big"] < MAX_BYTES


def test_a_redirect_loop_is_named():
    routes = {"/a": Reply(302, headers={"Location": "/b"}), "/b": Reply(302, headers={"Location": "/a"})}
    with feed_server(routes) as server, pytest.raises(FetchError) as failed:
        fetch(server.url + "/a")
    assert str(failed.value) == (
        f"redirects in a loop ({server.url}/a → {server.url}/b → {server.url}/a) — fix the feed's URL"
    )


def test_too_many_redirects_are_refused():
    routes = {f"/{n}": Reply(302, headers={"Location": f"/{n + 1}"}) for n in range(20)}
    with feed_server(routes) as server:
        with pytest.raises(
            FetchError, match=f"more than {MAX_REDIRECTS} redirects — give the feed's final URL"
        ):
            fetch(server.url + "/0")
        assert len(server.asked) == MAX_REDIRECTS + 1


def test_a_redirect_to_another_scheme_is_refused():
    routes = {"/f": Reply(302, headers={"Location": "file:///etc/passwd"})}
    refused = pytest.raises(FetchError, match=r"`file:///etc/passwd` is not an http\(s\) URL")
    with feed_server(routes) as server, refused:
        fetch(server.url + "/f")


def test_a_missing_feed_says_the_status():
    with feed_server({}) as server, pytest.raises(FetchError) as failed:
        fetch(server.url + "/gone.xml")
    assert str(failed.value) == "the server answered 404 Not Found — check the URL"


def test_a_server_error_says_try_later():
    refused = pytest.raises(FetchError, match="503 Service Unavailable — try again later, or check the URL")
    with feed_server({"/f": Reply(503)}) as server, refused:
        fetch(server.url + "/f")


def test_nothing_listening_is_a_connection_error():
    with feed_server({}) as server:
        url = server.url
    with pytest.raises(FetchError, match=r"^cannot connect: .* — check the URL and your network$"):
        fetch(url + "/feed.xml")


def test_other_schemes_are_refused():
    with pytest.raises(FetchError, match=r"`ftp://example.org/feed.xml` is not an http\(s\) URL"):
        fetch("ftp://example.org/feed.xml")


def test_a_file_is_read(tmp_path):
    (tmp_path / "feed.xml").write_bytes(FEED)
    assert fetch(str(tmp_path / "feed.xml")).data == FEED
    assert fetch(str(tmp_path / "feed.xml")).url is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.xml", "no such file — check the path, or give the feed's http(s) URL"),
        (".", "is a folder — name the feed file inside it"),
    ],
)
def test_a_file_that_cannot_be_read(tmp_path, name, message):
    with pytest.raises(FetchError) as failed:
        fetch(str(tmp_path / name))
    assert str(failed.value) == message


def test_a_file_over_the_limit_is_refused(tmp_path):
    big = tmp_path / "big.xml"
    with big.open("wb") as file:
        file.truncate(MAX_BYTES + 1)
    with pytest.raises(
        FetchError, match=re.escape("is over 10 MB — no feed is this large; is it the right file?")
    ):
        fetch(str(big))


def test_a_server_that_does_not_answer_in_time(monkeypatch):
    monkeypatch.setattr("digest.curator.fetch.TIMEOUT", 0.3)
    with feed_server({"/slow": Reply(body=FEED, wait=2)}) as server:
        started = time.monotonic()
        with pytest.raises(FetchError) as failed:
            fetch(server.url + "/slow")
    assert time.monotonic() - started < 1.5
    assert str(failed.value) == "the download failed: no answer in time — try again later"


def test_a_download_that_drips_past_the_deadline_is_stopped(monkeypatch):
    monkeypatch.setattr("digest.curator.fetch.DEADLINE", 0.5)
    with feed_server({"/drip": Reply(body=FEED, flood=100 * 64 * 1024, drip=0.1)}) as server:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"^the download took over 0.5 s — try again later$"):
            fetch(server.url + "/drip")
    assert time.monotonic() - started < 2
