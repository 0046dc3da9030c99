"""`digest serve`: the live preview in a real browser, and the pieces it is made of."""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser import chromium
from conftest import SITE_YML, article, small_newsroom

from digest.build import build
from digest.config.load import load_config
from digest.preview.serve import free_port
from digest.preview.session import Preview
from digest.preview.watch import QUIET_MS, Watch

QUIET_S = 10 * QUIET_MS / 1000  # after a rebuild, long enough for a second one to show, were there one


def test_saves_folders_and_settings_each_make_one_rebuild(tmp_path):
    """The OS reports saves (no polling of 10,000 files); a burst of them is one rebuild."""
    root = _site(tmp_path, 2)
    preview = Preview(root / "site.yml", {"base_url": "http://127.0.0.1:1/"}, False, False, lambda _: None)
    rebuilds: list[str] = []

    async def settled(what: str, count: int = 1) -> list[str]:
        """The rebuilds since the change: once `count` have come, and a while later (a second would show)."""
        mark = len(rebuilds)  # nothing has run yet: the watcher's reports wait for this coroutine to yield
        await _until(lambda: len(rebuilds) - mark >= count, what)
        await asyncio.sleep(QUIET_S)
        return rebuilds[mark:]

    async def scenario() -> None:
        watch = Watch(preview, lambda: rebuilds.append("rebuild"))
        watch.check()
        assert await settled("idle", 0) == []
        for n in range(5):  # write, rename, touch: what editors do in one save
            (root / "content/s1.md").write_text(article("Story 1", "2022-09-01T10:00:00Z", body=f"v{n}"))
        assert await settled("burst") == ["rebuild"]
        (root / "templates").mkdir()
        watch.check()  # the timer: a watched folder appeared
        assert await settled("folder") == ["rebuild"]
        (root / "templates/article.html").write_text("{% extends 'base.html' %}")
        assert await settled("file in the new folder") == ["rebuild"]
        (root / "site.yml").write_text(SITE_YML + "per_page: 3\n")
        watch.check()
        assert await settled("settings") == ["rebuild"]
        shutil.rmtree(root / "templates")
        watch.check()
        assert "rebuild" in await settled("folder gone")
        (root / "content/s2.md").unlink()
        assert await settled("still watching content") == ["rebuild"]
        assert watch.stop is not None
        watch.stop.set()

    asyncio.run(scenario())


def test_a_watched_preview_looks_only_at_the_saved_files_and_catches_what_the_watcher_missed(
    tmp_path, monkeypatch
):
    """Each save relists just the paths the OS reported; an idle walk puts right any it dropped."""
    import digest.preview.session

    root = _site(tmp_path, 2)
    preview = Preview(root / "site.yml", {"base_url": "http://127.0.0.1:1/"}, False, False, lambda _: None)
    walks: list[Path] = []
    real_walk = digest.preview.session.content_files
    monkeypatch.setattr(
        digest.preview.session, "content_files", lambda config: walks.append(1) or real_walk(config)
    )
    page = lambda slug: preview.output / f"2022/09/{slug}/index.html"  # noqa: E731

    async def saved(change: Callable[[], object], shown: Callable[[], bool], what: str) -> None:
        change()
        await _until(shown, what)  # the rebuild runs on this loop: once `shown` holds, it has finished

    async def scenario() -> None:
        before = set(threading.enumerate())
        watch = Watch(preview, preview.rebuild)
        watch.check()
        (watcher,) = [t for t in set(threading.enumerate()) - before if t.name == "digest-watch"]
        assert preview.rebuild() is not None and walks == [1]  # the first build walks the folder
        await saved(
            lambda: (root / "content/s1.md").write_text(
                article("Story 1", "2022-09-01T10:00:00Z", body="Edited.")
            ),
            lambda: "Edited." in page("s1").read_text(),
            "the edit",
        )
        await saved(
            lambda: (root / "content/s3.md").write_text(article("Story 3", "2022-09-03T10:00:00Z")),
            page("s3").is_file,
            "the new story",
        )
        await saved((root / "content/s2.md").unlink, lambda: not page("s2").exists(), "the deletion")
        assert walks == [1] and not preview.missed()  # three saves, no walk; the idle check agrees
        assert watch.stop is not None
        watch.stop.set()  # from here on, saves go unheard
        watcher.join(timeout=15)  # its last report is in; nothing reports what comes next
        assert not watcher.is_alive()
        (root / "content/s4.md").write_text(article("Story 4", "2022-09-04T10:00:00Z"))
        assert preview.rebuild() is not None and not page("s4").exists()
        assert preview.missed()  # the idle walk sees the file the watcher dropped
        assert preview.rebuild() is not None and page("s4").is_file()

    asyncio.run(scenario())


def test_the_preview_trusts_its_own_folder_only_while_it_is_there(tmp_path, monkeypatch):
    """Kept pages are not stat'ed one by one; a preview folder deleted whole is rebuilt whole."""
    import digest.incremental.state

    root = _site(tmp_path, 2)
    preview = Preview(root / "site.yml", {"base_url": "http://127.0.0.1:1/"}, False, False, lambda _: None)
    assert preview.rebuild() is not None
    checked: list[str] = []
    real = digest.incremental.state.present_in
    monkeypatch.setattr(
        digest.incremental.state, "present_in", lambda folder: checked.append(folder) or real(folder)
    )
    assert preview.rebuild().written == 0 and checked == []
    shutil.rmtree(preview.output)
    assert preview.rebuild().written > 0 and checked
    assert (preview.output / "2022/09/s1/index.html").is_file()


def test_a_busy_port_moves_to_the_next_free_one():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert free_port("127.0.0.1", port) != port


_site = small_newsroom


def test_the_preview_keeps_its_livereload_settings_on_its_own_handler_class(tmp_path):
    """livereload's own class is left as it was; the preview's subclass serves /livereload and reloads."""
    from livereload.handlers import LiveReloadHandler
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from digest.preview.hosts import Hosts
    from digest.preview.serve import _application

    before = dict(vars(LiveReloadHandler))
    url = "http://127.0.0.1:1/"
    preview = Preview(_site(tmp_path, 1) / "site.yml", {"base_url": url}, False, False, lambda _: None)
    app, tabs = _application(preview, 1, Hosts.for_address("127.0.0.1", ()), url)
    tabs.reload_waiters()  # with no tab open: reads its settings, sends nothing
    assert dict(vars(LiveReloadHandler)) == before
    assert issubclass(tabs, LiveReloadHandler) and tabs.watcher is not None
    start = RequestStartLine("GET", "/livereload", "HTTP/1.1")
    request = HTTPServerRequest(start_line=start, headers=HTTPHeaders({"Host": "127.0.0.1:1"}))
    assert app.find_handler(request).handler_class is tabs


def test_a_broken_save_never_raises_and_prints_its_error_once(tmp_path):
    root = _site(tmp_path, 2)
    said: list[str] = []
    preview = Preview(root / "site.yml", {"base_url": "http://127.0.0.1:1/"}, True, True, said.append)
    assert preview.rebuild() is not None and preview.errors == []
    (root / "content/s1.md").write_text("---\ntitle: [unclosed\n---\n")
    assert preview.rebuild() is None
    assert preview.rebuild() is None
    assert len([line for line in said if "content/s1.md:2" in line]) == 1
    assert b"content/s1.md:2" in preview.overlay()
    (root / "site.yml").write_text("title: T\nbase_ulr: x\n")
    assert preview.rebuild() is None and "did you mean `base_url`" in preview.errors[0]
    (root / "site.yml").write_text(SITE_YML)
    (root / "content/s1.md").write_text(article("Story 1", "2022-09-01T10:00:00Z"))
    assert preview.rebuild() is not None and preview.errors == []
    assert said[-1] == "fixed: the preview is up to date again"


def test_build_output_never_contains_the_reload_script(tmp_path):
    root = _site(tmp_path, 2)
    build(load_config(root / "site.yml"))
    for page in (root / "public").rglob("*.html"):
        assert b"livereload" not in page.read_bytes()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _wait(condition, timeout: float = 15.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def _until(condition: Callable[[], object], what: str, timeout: float = 15.0) -> None:
    """Let the event loop run until `condition()` holds: as soon as it does, however slow the machine."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


@contextmanager
def _serving(root: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`digest serve [options]` on a free port in `root`, stopped (if still running) at the end."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "digest.cli", "serve", "--port", str(port), *options],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield f"http://127.0.0.1:{port}/", process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


@pytest.fixture
def server(tmp_path):
    root = _site(tmp_path / "site", 3)
    with _serving(root) as (url, process):
        _wait(lambda: _probe(url), what="the preview server")
        yield root, url, process


def _probe(url: str) -> bool:
    try:
        return _get(url)[0] == 200
    except OSError:
        return False


CONNECTED = "return !!(window.LiveReload && LiveReload.connector && LiveReload.connector._connectionDesired)"


def _text(driver, script: str) -> str:
    """Text read in one JavaScript call; a page reloading under our feet just means "not yet"."""
    from selenium.common.exceptions import WebDriverException

    try:
        return driver.execute_script(script) or ""
    except WebDriverException:
        return ""


def _shows(driver, text: str) -> bool:
    return text in _text(driver, "const m = document.querySelector('main'); return m && m.innerText;")


def _panel(driver) -> str:
    """The error panel's text, or "" when there is none."""
    return _text(driver, "const p = document.getElementById('digest-error'); return p && p.innerText;")


def test_edits_show_up_in_the_open_tab_and_errors_come_and_go(server, tmp_path):
    root, url, _ = server
    with chromium(tmp_path / "profile") as driver:
        driver.get(url + "2022/09/s2/")
        assert _shows(driver, "Story 2")
        _wait(lambda: driver.execute_script(CONNECTED), what="the live-reload connection")
        (root / "content/s2.md").write_text(
            article("Story 2", "2022-09-02T10:00:00Z", body="Fresh words here.\n")
        )
        _wait(lambda: _shows(driver, "Fresh words here."), what="the edit")
        assert driver.current_url == url + "2022/09/s2/"
        (root / "content/s2.md").write_text("---\ntitle: Story 2\ndate: not a date\nsource: X\n---\n")
        panel = _wait(lambda: _panel(driver), what="the error panel")
        assert "content/s2.md:3" in panel and "not a date" in panel
        (root / "content/s2.md").write_text(article("Story 2", "2022-09-02T10:00:00Z", body="Back again.\n"))
        _wait(lambda: _shows(driver, "Back again.") and not _panel(driver), what="the fixed page")


def test_deleted_articles_leave_the_preview_and_ctrl_c_stops_cleanly(server):
    root, url, process = server
    assert _get(url + "2022/09/s3/")[0] == 200
    (root / "content/s3.md").unlink()
    _wait(lambda: _get(url + "2022/09/s3/")[0] == 404, what="the deleted page to go")
    assert "Page not found" in _get(url + "2022/09/s3/")[1]
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Traceback" not in output
    assert output.rstrip().endswith("stopped")


def test_drafts_are_shown_and_marked_while_previewing(tmp_path):
    root = _site(tmp_path, 1)
    (root / "content/d.md").write_text(article("Work in progress", "2022-09-03T10:00:00Z", draft="true"))
    preview = Preview(root / "site.yml", {"base_url": "http://127.0.0.1:1/"}, True, True, lambda _: None)
    assert preview.rebuild() is not None
    page = (root / ".digest-cache/preview/2022/09/d/index.html").read_text()
    assert "Draft" in page
    assert (root / ".digest-cache/preview/index.html").is_file()


def test_a_broken_site_yml_at_start_serves_the_error_never_the_site_folder(tmp_path):
    root = _site(tmp_path / "site", 1)
    (root / "site.yml").write_text("title: [broken\n")
    with _serving(root) as (url, _):
        status, body = _wait(lambda: _answer(url), what="the preview server")
        assert status == 404 and "digest-error" in body and "site.yml:1" in body
        assert _get(url + "site.yml")[0] == 404 and _get(url + "content/s1.md")[0] == 404


def _answer(url: str) -> tuple[int, str] | None:
    try:
        return _get(url)
    except OSError:
        return None
