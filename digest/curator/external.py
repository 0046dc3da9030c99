"""`digest check --external`: outside links asked over HTTP, hosts at once, each gently, kept a day.

The standard library's http.client, not urllib: a checker must see each redirect itself (to stop
loops and count hops) and must not download pages, only their status line and headers.
"""

from __future__ import annotations

import http.client
import ssl
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


class Pace:
    """One host's requests one at a time, with `delay` seconds from each answer to the next request.

    Counted from the answer, not from the request, so a slow host is given more room, never less.
    """

    def __init__(self, delay: float) -> None:
        self._delay = delay
        self._free_at = 0.0

    def wait(self) -> None:
        """Sleep until the host may be asked again."""
        if (pause := self._free_at - time.monotonic()) > 0:
            time.sleep(pause)

    def done(self) -> None:
        """An answer (or a failure) came: the next request waits `delay` from now."""
        self._free_at = time.monotonic() + self._delay


def check_external(
    outside: dict[str, list[tuple[Path, int | None]]], settings: Settings, root: Path
) -> list[Finding]:
    """A warning at each place that links an outside URL that does not answer with a page."""
    started = time.time()
    answers = load_answers(root, started)
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in outside:
        if url not in answers:
            by_host[urlsplit(url).netloc.lower()].append(url)
    fresh: dict[str, Answer] = {}
    with ThreadPoolExecutor(max(1, settings.concurrency)) as pool:  # hosts at once, each at its pace
        for asked in pool.map(lambda urls: _one_host(urls, settings), by_host.values()):
            fresh.update(asked)
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
    """What to do about a link that failed: a page gone is found elsewhere; anything else, looked at."""
    if answer.status in (404, 410):
        return "find where the story moved (or an archived copy), or remove the link"
    return "check the address in a browser; if it works there, the site may refuse checkers"


def _one_host(urls: list[str], settings: Settings) -> dict[str, Answer]:
    """One host's links, one after the other at the host's pace."""
    pace = Pace(settings.host_delay)
    return {url: probe(url, settings, pace) for url in urls}


def probe(url: str, settings: Settings, pace: Pace) -> Answer:
    """HEAD the URL (GET when HEAD is refused), following redirects up to the limit."""
    seen = {url}
    for _ in range(settings.redirects + 1):
        got = _asked("HEAD", url, settings, pace)
        if not isinstance(got, Answer) and got[0] >= 400:  # many servers refuse HEAD (405) or mishandle it
            got = _asked("GET", url, settings, pace)
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


def _asked(method: str, url: str, settings: Settings, pace: Pace) -> Reply | Answer:
    """One request's status, reason and Location; or, when none came, the failure as an Answer."""
    pace.wait()
    try:
        return _ask(method, url, settings.timeout)
    except TimeoutError:
        return Answer(False, None, f"no answer within {settings.timeout:g} s")
    except ssl.SSLError as error:
        return Answer(False, None, f"a TLS error ({error.reason or error})")
    except (OSError, http.client.HTTPException, UnicodeError) as error:
        return Answer(False, None, f"cannot connect ({error})")
    finally:
        pace.done()


def _ask(method: str, url: str, timeout: float) -> Reply:
    """One request: the status, its reason and any Location, without reading the body."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise http.client.InvalidURL(f"not an http(s) URL: {url}")
    host = parts.hostname.encode("idna").decode("ascii") if not parts.hostname.isascii() else parts.hostname
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(host, parts.port, timeout=timeout)
    target = quote(parts.path or "/", safe=_PATH_SAFE) + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(method, target, headers={"User-Agent": AGENT, "Accept": "*/*"})
        response = connection.getresponse()
        return response.status, response.reason, response.getheader("Location")
    finally:
        connection.close()
