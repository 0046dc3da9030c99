"""A feed's bytes from a file or an http(s) URL, bounded in size, time and redirects, never by feedparser."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException, HTTPResponse
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from digest import __version__

MAX_BYTES = 10 * 1024 * 1024  # no real feed comes near this; a bigger answer is a mistake or an attack
TIMEOUT = 20.0  # seconds for connecting and for each read
DEADLINE = 60.0  # seconds for the whole download, so a server dripping bytes cannot hold the import
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
_MB = 1024 * 1024


class FetchError(Exception):
    """A feed that could not be read: the message says what happened and what to do."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """A feed's bytes, and the URL they came from after redirects (None for a file)."""

    data: bytes
    url: str | None


def is_url(feed: str) -> bool:
    """Whether the argument names a URL (any scheme) rather than a file."""
    scheme = urlsplit(feed).scheme
    return len(scheme) > 1 and "://" in feed  # `C:\feed.xml` is a file


def fetch(feed: str) -> Fetched:
    """The feed named on the command line, read from disk or downloaded."""
    if is_url(feed):
        return _download(feed)
    return Fetched(_read_file(Path(feed)), None)


def _read_file(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise FetchError("no such file — check the path, or give the feed's http(s) URL") from None
    except IsADirectoryError:
        raise FetchError("is a folder — name the feed file inside it") from None
    except OSError as error:
        raise FetchError(f"cannot be read: {error.strerror or error} — check its permissions") from None
    if len(data) > MAX_BYTES:
        raise FetchError(f"is over {MAX_BYTES // _MB} MB — no feed is this large; is it the right file?")
    return data


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by `_download`, which limits them and names a loop."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects())


def _download(url: str) -> Fetched:
    """GET `url`, following at most MAX_REDIRECTS redirects to http(s) URLs, reading at most MAX_BYTES."""
    seen = [url]
    while True:
        _check_scheme(url)
        request = urllib.request.Request(url, headers={"User-Agent": f"digest/{__version__} (feed import)"})
        try:
            with _OPENER.open(request, timeout=TIMEOUT) as response:
                return Fetched(_body(response), url)
        except urllib.error.HTTPError as error:
            error.close()
            location = error.headers.get("Location") if 300 <= error.code < 400 else None
            if location is None:
                raise FetchError(_status(error.code, error.reason)) from None
            url = urljoin(url, location)
            if url in seen:
                raise FetchError(
                    f"redirects in a loop ({' → '.join([*seen, url])}) — fix the feed's URL"
                ) from None
            seen.append(url)
            if len(seen) > MAX_REDIRECTS + 1:
                raise FetchError(f"more than {MAX_REDIRECTS} redirects — give the feed's final URL") from None
        except urllib.error.URLError as error:
            raise FetchError(
                f"cannot connect: {_reason(error.reason)} — check the URL and your network"
            ) from None
        except (TimeoutError, OSError, HTTPException) as error:
            raise FetchError(f"the download failed: {_reason(error)} — try again later") from None


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(f"`{url}` is not an http(s) URL — feeds are read from files or http(s) URLs")


def _body(response: HTTPResponse) -> bytes:
    """The response's bytes, refused as soon as they pass MAX_BYTES or take longer than DEADLINE."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise FetchError(_too_big(f"{int(declared) / _MB:.0f} MB"))
    started, parts, size = time.monotonic(), [], 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchError(_too_big(f"more than {MAX_BYTES // _MB} MB"))
        if time.monotonic() - started > DEADLINE:
            raise FetchError(f"the download took over {DEADLINE:g} s — try again later")
        parts.append(chunk)
    return b"".join(parts)


def _too_big(size: str) -> str:
    return f"the answer is {size}, over the {MAX_BYTES // _MB} MB limit for a feed — is this the feed's URL?"


def _status(code: int, reason: str) -> str:
    fix = "check the URL" if code in (404, 410) else "try again later, or check the URL"
    return f"the server answered {code} {reason} — {fix}"


def _reason(error: object) -> str:
    if isinstance(error, TimeoutError):
        return "no answer in time"
    return str(getattr(error, "strerror", None) or error)
