"""Renders in forked workers: same results, same order, same error messages as rendering in one process."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from conftest import article, build_site

import digest.workers
from digest.errors import DigestError
from digest.render.plan import Output
from digest.workers import run_tasks


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work in worker processes even for a handful of tasks (normally only from 100 per worker)."""
    monkeypatch.setattr(digest.workers, "PARALLEL_FROM", 1)
    monkeypatch.setattr(digest.workers, "CHUNK", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def _task(n: int):
    return lambda: Output(f"{n}.html", str(n).encode())


def test_workers_return_outputs_in_task_order_after_their_own_finishing_step(forked):
    """`then` runs in the worker that made the output: that is how workers stage their own pages."""
    main = os.getpid()
    done = list(run_tasks([_task(n) for n in range(9)], lambda o: Output(o.path, str(os.getpid()).encode())))

    assert [o.path for o in done] == [f"{n}.html" for n in range(9)]
    assert all(o.content and int(o.content) != main for o in done)


def test_an_error_in_a_worker_reaches_the_build_as_it_was_raised(forked):
    def broken() -> Output:
        raise DigestError(Path("templates/list.html"), 7, "template error: boom")

    with pytest.raises(DigestError) as failed:
        list(run_tasks([_task(1), broken, _task(2)]))

    assert str(failed.value) == "templates/list.html:7: template error: boom"


def test_a_worker_collects_its_own_garbage_but_never_scans_what_it_inherited(forked):
    """The command line runs with the collector off; its workers, rendering thousands of pages, must not."""
    seen = lambda: Output("gc", f"{gc.isenabled()} {gc.get_freeze_count() > 0}".encode())  # noqa: E731
    gc.disable()
    try:
        done = list(run_tasks([seen, seen, seen]))
    finally:
        gc.enable()

    assert {o.content for o in done} == {b"True True"}


def _site(make_site) -> Path:
    files = {
        f"content/s{n}.md": article(f"Story {n}", f"2022-09-{n:02d}T10:00:00Z", tags="[Energy, Markets]")
        for n in range(1, 13)
    }
    return make_site(files, "title: Test Digest\nbase_url: https://example.org/\nper_page: 2\n")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_site_rendered_by_workers_is_the_site_rendered_in_one_process(make_site, forked, monkeypatch):
    root = _site(make_site)
    build_site(root)
    forked_tree = _tree(root / "public")
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    build_site(root, clean=True)

    assert forked_tree == _tree(root / "public")


def test_a_template_mistake_met_in_a_worker_names_the_template_and_line(make_site, forked):
    root = _site(make_site)
    (root / "templates").mkdir()
    (root / "templates/article.html").write_text("<!DOCTYPE html>\n<title>x</title>\n{{ article.titel }}\n")

    with pytest.raises(DigestError) as failed:
        build_site(root)

    assert str(failed.value).startswith(f"{root / 'templates/article.html'}:3: ")
    assert not (root / "public").exists()
