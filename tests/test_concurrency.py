"""Builds of one site never overlap, and a killed build leaves no process behind: real processes only."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

import pytest
from conftest import SITE_YML, article, clean_build, write_files

from digest.config.load import load_config
from digest.write.lock import Busy

HALT = Path(__file__).with_name("halt_digest.py")
WORKERS_FORKED = 150  # stories enough for a cold build to fork 2 parse workers, the shard writer, 2 renderers
T = TypeVar("T")
Popen = subprocess.Popen[bytes]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, Linux ties")


def _story(n: int, body: str = "Some text.") -> str:
    return article(
        f"Story {n}",
        f"2022-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00Z",
        tags=f"[Topic {n % 7}, Region {n % 5}]",
        body=body,
    )


def _site(root: Path, count: int) -> Path:
    write_files(root, {"site.yml": SITE_YML, **{f"content/s{n:03d}.md": _story(n) for n in range(count)}})
    return root


def _tree(folder: Path) -> dict[str, bytes]:
    files = sorted(folder.rglob("*"))
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files if p.is_file()}


def _clean_build(root: Path, scratch: Path) -> dict[str, bytes]:
    """What a build from scratch of the site's current files gives, built in a copy of its own."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(root / "content", scratch / "content")
    shutil.copy(root / "site.yml", scratch / "site.yml")
    clean_build(load_config(scratch / "site.yml"))
    return _tree(scratch / "public")


def _start(root: Path, log: Path, *args: str, halted: tuple[str, ...] = ()) -> Popen:
    """`digest ARGS` in `root`, in a process group of its own, its stderr (and stdout) going to `log`."""
    command = [sys.executable, str(HALT), *halted, "--"] if halted else [sys.executable, "-m", "digest.cli"]
    with log.open("wb") as out:
        return subprocess.Popen([*command, *args], cwd=root, stdout=out, stderr=out, start_new_session=True)


def _wait(check: Callable[[], T], what: str, seconds: float = 20) -> T:
    deadline = time.monotonic() + seconds
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
    return result


def _living(group: int) -> list[int]:
    """The processes of a process group that still run (zombies waiting to be reaped do not)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except (FileNotFoundError, NotADirectoryError, ProcessLookupError):
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            alive.append(int(entry.name))
    return alive


@contextmanager
def _reaped(process: Popen) -> Iterator[Popen]:
    """The process and anything left in its group are killed at the end, whatever the test found."""
    try:
        yield process
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _waiting_for(pid: int) -> str:
    return Busy(pid).message()


HOLDING = ("--at", "os.scandir:content", "--then", "stall")  # stops once it holds the site's lock


@contextmanager
def _stalled(root: Path, log: Path, *args: str, halted: tuple[str, ...] = HOLDING) -> Iterator[Popen]:
    """A `digest build` stopped for good at a moment it holds the site's lock; killed at the end."""
    with _reaped(_start(root, log, "build", *args, halted=halted)) as holder:
        _wait(lambda: "stalled" in log.read_text(), f"{log.stem} to stall")
        yield holder


@contextmanager
def _waiting(root: Path, log: Path, holder: Popen, *args: str) -> Iterator[Popen]:
    """A `digest build` that said it waits for `holder` and is blocked on the lock; killed at the end."""
    with _reaped(_start(root, log, "build", *args)) as waiter:
        _wait(lambda: _waiting_for(holder.pid) in log.read_text(), f"{log.stem} to wait")
        _wait(lambda: _blocked(waiter.pid), f"{log.stem} to block on the lock")
        yield waiter


def _blocked(pid: int) -> bool:
    """Whether the kernel lists `pid` as waiting for a lock (`->` in /proc/locks)."""
    lines = Path("/proc/locks").read_text().splitlines()
    return any(line.split()[1:2] == ["->"] and line.split()[5] == str(pid) for line in lines)


EDITS: list[Callable[[Path], object]] = [
    lambda root: None,
    lambda root: (root / "content/s003.md").write_text(_story(3, "A changed body.")),
    lambda root: write_files(root, {f"content/n{n}.md": _story(100 + n) for n in range(5)}),
    lambda root: (root / "content/s007.md").unlink(),
    lambda root: (root / "content/s011.md").write_text(_story(11).replace("Topic 4", "Brand new")),
    lambda root: (root / "content/n2.md").unlink(),
]


def test_two_builds_at_once_take_turns_and_give_a_clean_build(tmp_path):
    """Six rounds of two `digest build` started together, an edit between rounds (one in two --clean)."""
    root = _site(tmp_path / "site", 30)
    waited = 0
    for number, edit in enumerate(EDITS):
        edit(root)
        second = ("build", "--clean") if number % 2 else ("build",)
        logs = [tmp_path / f"round{number}-{side}.log" for side in "ab"]
        processes = [_start(root, logs[0], "build"), _start(root, logs[1], *second)]
        codes = [process.wait(timeout=60) for process in processes]
        texts = [log.read_text() for log in logs]
        assert codes == [0, 0], texts
        for text, other in zip(texts, reversed(processes), strict=True):
            assert "Traceback" not in text and "Error" not in text, text
            waited += _waiting_for(other.pid) in text
        assert sum("waiting for another" in text for text in texts) <= 1, texts
        assert _tree(root / "public") == _clean_build(root, tmp_path / f"clean{number}"), f"round {number}"
        assert sorted(p.name for p in root.iterdir()) == [".digest-cache", "content", "public", "site.yml"]
    assert waited, "the builds never overlapped, so nothing was tested: the site is too small"
    assert (root / ".digest-cache/build.lock").read_text() == ""  # no pid of a build that has ended


def test_a_killed_holder_frees_the_lock_even_with_workers_left(tmp_path):
    """The holder is stopped while starting its render workers, then SIGKILLed alone (not its group)."""
    root = _site(tmp_path / "site", WORKERS_FORKED)
    halted = ("--at", "os.fork", "--nth", "5", "--then", "stall")  # one render worker is up
    with _stalled(root, tmp_path / "holder.log", halted=halted) as holder:
        lock = root / ".digest-cache/build.lock"
        _wait(lambda: lock.read_text().split() == [str(holder.pid)], "the holder's pid in the lock file")
        with _waiting(root, tmp_path / "second.log", holder) as second:
            time.sleep(0.3)
            assert second.poll() is None
            holder.kill()
            assert second.wait(timeout=30) == 0, (tmp_path / "second.log").read_text()
    assert (tmp_path / "second.log").read_text().count("waiting for another") == 1
    assert _tree(root / "public") == _clean_build(root, tmp_path / "clean")


@pytest.mark.parametrize(
    ("fork", "children_at"),
    [
        pytest.param(2, "open:.md", id="parse-pool"),
        pytest.param(3, "open:articles-", id="cache-shard-writer"),
        pytest.param(5, "open:.public.new-", id="render-pool"),
    ],
)
def test_kill_9_of_a_build_leaves_no_worker_running(tmp_path, fork, children_at):
    """SIGKILL once the Nth fork is made, its children held busy: the whole process group is gone."""
    root = _site(tmp_path / "site", WORKERS_FORKED)
    log = tmp_path / "build.log"
    halted = ("--at", "os.fork", "--nth", str(fork), "--then", "kill:0.2", "--children-at", children_at)
    with _reaped(_start(root, log, "build", halted=halted)) as process:
        assert process.wait(timeout=60) == -signal.SIGKILL, log.read_text()
        forked = [int(pid) for pid in log.read_text().split("children:")[1].split()]
        assert forked, "the build had no workers when it was killed"
        _wait(lambda: not _living(process.pid), f"the workers {_living(process.pid)} to die", seconds=3)


def test_a_worker_whose_build_died_before_it_was_tethered_ends_itself(tmp_path):
    """The race: the build dies while a parse worker is still starting, before it asked to die with it."""
    root = _site(tmp_path / "site", WORKERS_FORKED)
    halted = ("--at", "os.fork", "--nth", "2", "--then", "kill:0.1")
    halted += ("--children-at", "open:ctypes", "--children-for", "1")  # ctypes is loaded for prctl
    with _reaped(_start(root, tmp_path / "build.log", "build", halted=halted)) as process:
        assert process.wait(timeout=60) == -signal.SIGKILL
        assert (tmp_path / "build.log").read_text().split("children:")[1].split()
        _wait(lambda: not _living(process.pid), "the late worker to end itself", seconds=4)


def test_a_lock_file_deleted_under_a_waiting_build_is_taken_again_where_it_now_is(tmp_path):
    """.digest-cache/ deleted while A holds and B waits; C takes the new lock: B waits for C too."""
    root = _site(tmp_path / "site", 3)
    logs = {name: tmp_path / f"{name}.log" for name in "abc"}
    with _stalled(root, logs["a"]) as a, _waiting(root, logs["b"], a) as b:
        shutil.rmtree(root / ".digest-cache")
        with _stalled(root, logs["c"]) as c:  # it took the new lock
            a.kill()
            time.sleep(1.5)  # time enough for B to build, were it let in
            assert b.poll() is None, logs["b"].read_text()  # B did not run beside C
            c.kill()
            assert b.wait(timeout=30) == 0, logs["b"].read_text()
    assert _tree(root / "public") == _clean_build(root, tmp_path / "clean")


def test_the_wait_names_the_holder_when_it_could_be_read():
    assert Busy(4321).message() == "waiting for another digest build of this site (pid 4321) to finish…"
    assert Busy(None).message() == "waiting for another digest build of this site to finish…"


def test_builds_of_one_site_into_two_output_folders_share_one_lock(tmp_path):
    """They share the cache: `--output b` waits for `--output a`, though each writes its own folder."""
    root = _site(tmp_path / "site", 3)
    with (
        _stalled(root, tmp_path / "a.log", "--output", "a") as a,
        _waiting(root, tmp_path / "b.log", a, "--output", "b") as b,
    ):
        a.kill()
        assert b.wait(timeout=30) == 0
    assert _tree(root / "b") == _clean_build(root, tmp_path / "clean")


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def test_the_preview_and_digest_build_take_turns_and_the_preview_never_freezes(tmp_path):
    """`digest serve` runs while `digest build` runs, with saves; then a build stalls holding the lock."""
    root = _site(tmp_path / "site", 12)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url, log = f"http://127.0.0.1:{port}/", tmp_path / "serve.log"
    page = url + "2022/04/s003/"
    with _reaped(_start(root, log, "serve", "--port", str(port))) as server:
        _wait(lambda: _get(url)[0] == 200, "the preview server")
        for number in range(3):
            (root / "content/s003.md").write_text(_story(3, f"Saved in round {number}."))
            built = subprocess.run(
                [sys.executable, "-m", "digest.cli", "build"], cwd=root, capture_output=True, text=True
            )
            assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
            _wait(lambda n=number: f"Saved in round {n}." in _get(page)[1], f"round {number} in the preview")
        with _stalled(root, tmp_path / "holder.log") as holder:
            (root / "content/s003.md").write_text(_story(3, "Saved while a build holds the site."))
            _wait(lambda: _waiting_for(holder.pid) in log.read_text(), "the preview to say it waits")
            assert _get(url)[0] == 200 and "Saved in round 2." in _get(page)[1]  # still serving
            holder.kill()
            _wait(lambda: "holds the site" in _get(page)[1], "the preview to build once the lock is free")
        assert server.poll() is None
        assert log.read_text().count("waiting for another") == 1
        assert "Traceback" not in log.read_text()
    subprocess.run([sys.executable, "-m", "digest.cli", "build", "-q"], cwd=root, check=True)
    assert _tree(root / "public") == _clean_build(root, tmp_path / "clean")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_waiting_build_can_be_stopped_and_touches_nothing(tmp_path, stop):
    root = _site(tmp_path / "site", 3)
    with _stalled(root, tmp_path / "a.log") as a, _waiting(root, tmp_path / "b.log", a, "--output", "b") as b:
        b.send_signal(stop)
        code = b.wait(timeout=10)
    said = (tmp_path / "b.log").read_text()
    assert "Traceback" not in said and not (root / "b").exists()
    if stop == signal.SIGINT:
        assert code == 130 and said.endswith("interrupted; the previous output is unchanged\n")
    else:
        assert code in (-signal.SIGTERM, 128 + signal.SIGTERM)  # killed by it, or handled as a failure
