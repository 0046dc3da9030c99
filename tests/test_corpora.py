"""Real-world content folders (../shared/corpora) build; only the genuinely broken files are reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import IN_CI, ROOT

from digest.cli import main

CORPORA = ROOT.parent / "shared" / "corpora"
EXPECTED_ERRORS = {
    "18f-blog": [],  # libyaml accepts the trailing TABs that PyYAML's pure-Python parser rejects
    "digitalgov-events": [],
    "digitalgov-news": [
        ("content/news/2018/09/2018-09-24-example.md", r":2: missing `title`"),
        (
            "content/news/2023/11/2023-11-20-infrastructure-as-a-public-service.md",
            r": URL `/2023/09/06/infrastructure-as-a-public-service/` is also claimed by "
            r"\S+/content/news/2023/09/2023-09-15-infrastructure-as-a-public-service\.md",
        ),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_corpus_builds_and_reports_only_its_bad_files(name, tmp_path, capsys, monkeypatch):
    corpus = CORPORA / name / "content"
    if not corpus.is_dir():
        if IN_CI:
            pytest.fail(f"{corpus} is missing")
        pytest.skip(f"{corpus} is not here")
    site_yml = (ROOT / "tests/corpora" / f"{name}.yml").read_text()
    (tmp_path / "site.yml").write_text(site_yml + f"content_dir: {corpus}\n")
    _stand_in_images(corpus, tmp_path / "static")
    monkeypatch.chdir(tmp_path)
    status = main(["build"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    errors = [
        line for line in err.splitlines() if not line.startswith(("warning:", "build failed", "note:", "  "))
    ]
    expected = EXPECTED_ERRORS[name]
    assert len(errors) == len(expected), err
    for line, (path, pattern) in zip(sorted(errors), expected, strict=True):
        assert re.match(re.escape(str(CORPORA / name / path)) + pattern, line), line
    if expected:
        assert status == 1
        assert f"build failed: {len(expected)} error(s)" in err
    else:
        assert status == 0
        built = int(re.search(r"built (\d+) articles", out).group(1))
        assert built > 300
        assert (tmp_path / "public/index.html").is_file()


def _stand_in_images(corpus: Path, static: Path) -> None:
    """The corpora were captured without the sites' image folders: an empty file stands in for each
    local `image:`, so the build reports the genuinely broken files, not every missing picture."""
    for path in corpus.rglob("*.md"):
        for found in re.finditer(r"^image:\s*['\"]?/?([^'\"\s]+)", path.read_text(errors="replace"), re.M):
            if "://" not in found.group(1):
                (static / found.group(1)).parent.mkdir(parents=True, exist_ok=True)
                (static / found.group(1)).touch()
