"""The installed package carries the default theme, so a site with only site.yml and content/ builds."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

from conftest import ROOT


def test_wheel_ships_the_default_theme(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("digest-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = ["templates/" + name for name in ("base.html", "article.html", "list.html", "404.html")]
    for needed in [*templates, "static/style.css", "static/favicon.svg", "static/favicon.png"]:
        assert f"digest/themes/default/{needed}" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "digest = digest.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_default_theme_is_light():
    static = ROOT / "digest/themes/default/static"
    weight = sum(p.stat().st_size for p in static.rglob("*") if p.suffix in (".css", ".js"))
    assert weight < 50_000
    remote = re.compile(r"""(?:url\(|@import|src=|href=)\s*["']?(?:https?:)?//""")
    for path in [*static.rglob("*.css"), *(ROOT / "digest/themes/default/templates").rglob("*.html")]:
        assert not remote.search(path.read_text()), f"{path} loads something from another site"
