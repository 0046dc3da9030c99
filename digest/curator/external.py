"""`digest check --external`: outside links asked over HTTP, a few at once, gently per host, kept a day.

The standard library's http.client, not urllib: a checker must see each redirect itself (to stop
loops and count hops) and must not download pages, only their status line and headers.
"""

from __future__ import annotations

import http.client
import itertools
import ssl
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from digest import __version__
from digest.curator.findings import Finding
from digest.curator.link_cache import Answer, load_answers, save_answers

REDIRECTS = (301, 302, 303, 307, 308)
AGENT = f"digest-link-check/{__version__} (+https://pypi.org/project/digest/)"
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


@dataclass(frozen=True, slots=True)
class Settings:
    """How hard to ask: requests at once, seconds to wait for an answer, seconds between two to one host."""

    timeout: float = 10.0
    host_delay: float = 1.0
    concurrency: int = 8
    redirects: int = 5


class HostPacer:
    """At most one request to a host every `delay` seconds, whichever thread asks."""

    def __init__(self, delay: float) -> None:
        self._delay = delay
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        """Sleep until this host may be asked again, and book the next slot."""
        with self._lock:
            now = time.monotonic()
            at = max(now, self._next.get(host, now))
            self._next[host] = at + self._delay
        if at > now:
            time.sleep(at - now)


def check_external(
    outside: dict[str, list[tuple[Path, int | None]]], settings: Settings, root: Path
) -> list[Finding]:
    """A warning at each place that links an outside URL that does not answer with a page."""
    started = time.time()
    answers = load_answers(root, started)
    todo = _interleaved([url for url in outside if url not in answers])
    pacer = HostPacer(settings.host_delay)
    with ThreadPoolExecutor(max(1, settings.concurrency)) as pool:
        fresh = dict(zip(todo, pool.map(lambda url: probe(url, settings, pacer), todo), strict=True))
    if fresh:
        save_answers(root, fresh, time.time())
    answers.update(fresh)
    return [
        Finding(path, line, f"link to {url} — {answer.detail}; {_fix(answer)}", "external", "warning")
        for url, places in outside.items()
        if not (answer := answers[url]).ok
        for path, line in places
    ]


def _fix(answer: Answer) -> str:
    if answer.status in (404, 410):
        return "find where the story moved (or an archived copy), or remove the link"
    return "check the address in a browser; if it works there, the site may refuse checkers"


def _interleaved(urls: list[str]) -> list[str]:
    """One URL per host in turn, so the workers are not all held up by one host's pace."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[urlsplit(url).netloc.lower()].append(url)
    rounds = itertools.zip_longest(*by_host.values())
    return [url for row in rounds for url in row if url is not None]


def probe(url: str, settings: Settings, pacer: HostPacer) -> Answer:
    """HEAD the URL (GET when HEAD is refused), following redirects up to the limit."""
    seen = {url}
    for _ in range(settings.redirects + 1):
        got = _asked("HEAD", url, settings, pacer)
        if not isinstance(got, Answer) and got[0] >= 400:  # many servers refuse HEAD (405) or mishandle it
            got = _asked("GET", url, settings, pacer)
        if isinstance(got, Answer):
            return got
        status, reason, location = got
        if status in REDIRECTS and location:
            url = urljoin(url, location)
            if url in seen:
                return Answer(False, status, f"a redirect loop (back to {url})")
            seen.add(url)
            continue
        return Answer(200 <= status < 300, status, f"{status} {reason}".strip())
    return Answer(False, None, f"more than {settings.redirects} redirects")


Reply = tuple[int, str, str | None]  # a status, its reason and any Location header


def _asked(method: str, url: str, settings: Settings, pacer: HostPacer) -> Reply | Answer:
    """One request's status, reason and Location; or, when none came, the failure as an Answer."""
    try:
        return _ask(method, url, settings.timeout, pacer)
    except TimeoutError:
        return Answer(False, None, f"no answer within {settings.timeout:g} s")
    except ssl.SSLError as error:
        return Answer(False, None, f"a TLS error ({error.reason or error})")
    except (OSError, http.client.HTTPException, UnicodeError) as error:
        return Answer(False, None, f"cannot connect ({error})")


def _ask(method: str, url: str, timeout: float, pacer: HostPacer) -> Reply:
    """One request: the status, its reason and any Location, without reading the body."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise http.client.InvalidURL(f"not an http(s) URL: {url}")
    host = parts.hostname.encode("idna").decode("ascii") if not parts.hostname.isascii() else parts.hostname
    pacer.wait(parts.netloc.lower())
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(host, parts.port, timeout=timeout)
    target = quote(parts.path or "/", safe=_PATH_SAFE) + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(method, target, headers={"User-Agent": AGENT, "Accept": "*/*"})
        response = connection.getresponse()
        return response.status, response.reason, response.getheader("Location")
    finally:
        connection.close()
