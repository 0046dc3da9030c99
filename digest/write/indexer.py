"""Pagefind run as a service: pages are given one by one, in the site's order, and the index comes back.

Pagefind numbers pages in the order it meets them. Pointed at a folder, it meets them in the order
the filesystem lists them, which differs from one filesystem to the next, so the same site would
get another index on another disk. Through its service (the protocol Pagefind's own Python and
Node wrappers speak: base64 JSON messages ending in commas, answered in order) the order is ours.
The wrapper's client waits 0.1 s between answers; this one streams the pages from a thread and
reads the answers as they come. The index comes back in the last answer rather than on disk: the
service answers a request to write files before its writes are finished.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import threading
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import IO, Any, NamedTuple

from digest.workers import die_with_parent


class Indexed(NamedTuple):
    """One page for the index: its URL (from the site's root, starting with `/`) and its HTML."""

    url: str
    html: str


class IndexerError(Exception):
    """Pagefind could not be started, or refused what it was given: the reason, in its words."""


def index_files(program: Path, pages: Iterable[Indexed], scratch: Path) -> dict[str, bytes]:
    """Index `pages` in their order with the Pagefind at `program`: its files, by path in the bundle.

    Pagefind runs in the empty folder `scratch`, so a pagefind.yml of the user's does not change it.
    """
    try:
        service = subprocess.Popen(
            [str(program), "--service"],
            cwd=scratch,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=partial(die_with_parent, os.getpid()),  # a killed build leaves no indexer running
        )
    except OSError as error:
        raise IndexerError(f"{program} could not be started ({error.strerror})") from None
    assert service.stdin is not None and service.stdout is not None
    failed: list[BaseException] = []  # what stopped the thread giving the pages, if anything
    try:
        answers = _answers(service.stdout)
        _send(service.stdin, 0, {"type": "NewIndex", "config": None})
        index = _expect(answers, "NewIndex")["index_id"]
        requests = _requests(index, pages)
        writer = threading.Thread(target=_send_all, args=(service.stdin, requests, failed), daemon=True)
        writer.start()
        while (answer := _expect(answers, "IndexedFile", "GetFiles"))["type"] != "GetFiles":
            pass
        writer.join()
        return {file["path"]: base64.b64decode(file["content"]) for file in answer["files"]}
    except IndexerError as error:
        if failed:  # a page could not be read: that, not Pagefind's end, is the reason
            raise failed[0] from None
        said = _stderr(service)
        raise IndexerError(f"{error}: {said}" if said else str(error)) from None
    finally:
        if service.poll() is None:
            service.kill()
        service.wait()


def _requests(index: int, pages: Iterable[Indexed]) -> Iterator[dict[str, Any]]:
    for page in pages:
        yield {"type": "AddFile", "index_id": index, "url": page.url, "file_contents": page.html}
    yield {"type": "GetFiles", "index_id": index}


def _send(stream: IO[bytes], number: int, payload: dict[str, Any]) -> None:
    message = json.dumps({"message_id": number, "payload": payload}, ensure_ascii=False).encode()
    stream.write(base64.b64encode(message) + b",")
    stream.flush()


def _send_all(stream: IO[bytes], requests: Iterator[dict[str, Any]], failed: list[BaseException]) -> None:
    """Write every request; on a failure, stop the service (its end wakes the reader) and keep why."""
    try:
        for number, request in enumerate(requests, 1):
            _send(stream, number, request)
    except (BrokenPipeError, ValueError):
        pass  # the service stopped reading: its answer says why
    except BaseException as error:
        failed.append(error)
        stream.close()  # end of input: the service stops


def _answers(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The service's answers, as they come; ends when it stops. The last one holds the whole index."""
    pending: list[bytes] = []  # the start of an answer still coming, in pieces (joined once: no copies)
    while chunk := stream.read1(1 << 20):  # type: ignore[attr-defined]
        if b"," not in chunk:
            pending.append(chunk)
            continue
        first, *complete, rest = chunk.split(b",")
        for message in (b"".join([*pending, first]), *complete):
            yield json.loads(base64.b64decode(message))["payload"]
        pending = [rest]


def _expect(answers: Iterator[dict[str, Any]], *kinds: str) -> dict[str, Any]:
    """The next answer, which must be of one of `kinds`; an error, or none at all, stops the indexing."""
    answer = next(answers, None)
    if answer is None:
        raise IndexerError("it stopped before it finished")
    if answer.get("type") not in kinds:
        raise IndexerError(f"Pagefind said: {answer.get('message') or answer}")
    return answer


def _stderr(service: subprocess.Popen[bytes]) -> str:
    """The last line Pagefind wrote to its error stream, once it has stopped."""
    if service.poll() is None:
        service.kill()
    assert service.stderr is not None
    lines = service.stderr.read().decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else ""
