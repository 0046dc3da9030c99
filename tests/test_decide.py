"""What a rebuild redoes: exactly the files whose fingerprint changed, or whose file is not as written."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from conftest import article, grouped, small_newsroom

from digest.config.load import load_config
from digest.incremental.decide import Manifest, outdated
from digest.incremental.fingerprints import of_values
from digest.render.plan import plan_site

NOW = datetime(2023, 1, 1, tzinfo=timezone.utc)


def _redone(root: Path, last: Manifest, present: bool = True) -> tuple[set[str], Manifest]:
    """The pages a build would render after `last`, from a cold state, and what it would record."""
    config = load_config(root / "site.yml")
    plan = plan_site(config, grouped(config, NOW))
    pages = [spec.page(config) for spec in plan]
    prints = {
        page.path: of_values(spec.make.__name__, *spec.inputs) for spec, page in zip(plan, pages, strict=True)
    }
    work = outdated(pages, [], prints, last, lambda path, stat: present)
    return {page.path for page in work.pages}, Manifest("", work.fingerprints, {})


def test_an_edited_article_re_renders_exactly_the_pages_that_show_it(tmp_path):
    root = small_newsroom(tmp_path)
    everything, first = _redone(root, Manifest())
    assert len(everything) == len(first.fingerprints) > 20
    assert _redone(root, first)[0] == set()  # nothing changed: nothing rendered
    (root / "content/s5.md").write_text(
        article("Story 5", "2022-09-05T10:00:00Z", tags="[Markets]", location="Oslo, Norway", body="New.")
    )
    redone = _redone(root, first)[0]  # newest first, two a page: s6 s5 | s4 s3 | s2 s1
    assert redone == {
        "2022/09/s5/index.html",  # the story
        "2022/09/s4/index.html", "2022/09/s6/index.html",  # its neighbours
        "2022/09/s3/index.html",  # related through the tag Markets
        "index.html", "tags/markets/index.html", "sources/reuters/index.html",  # the list pages showing it
        "locations/oslo-norway/index.html", "archive/2022/index.html", "archive/2022/09/index.html",
        "tags/index.html", "sources/index.html", "locations/index.html", "archive/index.html",  # indexes
    }  # fmt: skip


def test_a_page_whose_file_is_not_as_written_is_rendered_again(tmp_path):
    root = small_newsroom(tmp_path)
    everything, first = _redone(root, Manifest())
    assert _redone(root, first, present=False)[0] == everything
