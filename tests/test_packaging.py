"""The installed package carries the default theme, so a site with only site.yml and content/ builds.

The default theme lives in the repository's top-level themes/ folder: a wheel maps it into the
package, and a checkout (on the path or installed editable) finds it beside the package.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SITE_YML, STYLE, article, write_files

THEME = ROOT / "themes/default"
NEEDED = [
    *("templates/" + name for name in ("base.html", "article.html", "list.html", "404.html")),
    *("static/" + name for name in ("style.css", "favicon.svg", "favicon.png")),
]


def _run(cmd: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    """Run a command outside the checkout and return its output; a failure shows what it said."""
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _outside_env() -> dict[str, str]:
    """The environment without PYTHONPATH, so a venv's python imports the digest installed in it."""
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def _venv_with(folder: Path, *install: str | Path) -> Path:
    """A venv holding `install`, its dependencies taken from this environment (no network); its python."""
    venv = [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", folder]
    _run(venv, folder.parent, _outside_env())
    python = folder / "bin/python"
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", *install]
    _run(pip, folder.parent, _outside_env())  # this environment's pip: the venv needs none of its own
    return python


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """The files a build of the package reads, copied, so no earlier build/ folder leaks into a wheel."""
    copy = tmp_path_factory.mktemp("checkout")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, copy / name)
    for folder in ("digest", "themes"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture(scope="module")
def wheel(checkout, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, checkout],
        checkout,
        _outside_env(),
    )
    (built,) = out.glob("digest-*.whl")
    return built


@pytest.fixture
def tiny_site(tmp_path) -> Path:
    """A site with only site.yml and one story: everything else comes from the built-in theme."""
    site = tmp_path / "site"
    story = article("Floods reach the delta", "2022-09-01T08:00:00Z", body="The water kept rising.")
    write_files(site, {"site.yml": SITE_YML, "content/floods.md": story})
    return site


def test_the_default_theme_is_one_real_folder_outside_the_package():
    assert THEME.is_dir() and not THEME.is_symlink()
    assert not (ROOT / "digest/themes").exists()  # one copy only: the wheel maps it in at build time
    for needed in NEEDED:
        assert (THEME / needed).is_file(), needed


def test_wheel_ships_the_default_theme_and_every_module(wheel, checkout):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in NEEDED:
        assert f"digest/themes/default/{needed}" in names
    themes = checkout / "themes"
    shipped = {n for n in names if n.startswith("digest/themes/")}
    assert shipped == {f"digest/themes/{p.relative_to(themes).as_posix()}" for p in _files(themes)}
    modules = {p.relative_to(checkout).as_posix() for p in (checkout / "digest").rglob("*.py")}
    assert modules - names == set(), "pyproject.toml lists every package: add the new one"
    assert not any(n.startswith("themes/") for n in names)  # no top-level `themes` in site-packages
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "digest = digest.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_an_installed_wheel_builds_a_site_with_the_default_theme(wheel, tiny_site, tmp_path):
    python = _venv_with(tmp_path / "venv", wheel)
    assert _builtin_themes(python, tiny_site).is_relative_to((tmp_path / "venv").resolve())
    _assert_builds_with_the_default_theme(python, tiny_site)


def test_an_editable_install_finds_the_theme_in_the_checkout(checkout, tiny_site, tmp_path):
    python = _venv_with(tmp_path / "venv", "-e", checkout)
    assert _builtin_themes(python, tiny_site) == checkout.resolve() / "themes"
    _assert_builds_with_the_default_theme(python, tiny_site)


def test_the_checkout_on_the_path_finds_the_theme_beside_the_package(tiny_site):
    assert _builtin_themes(Path(sys.executable), tiny_site, PYTHONPATH=str(ROOT)) == ROOT / "themes"


def test_default_theme_is_light():
    static = THEME / "static"
    weight = sum(p.stat().st_size for p in static.rglob("*") if p.suffix in (".css", ".js"))
    assert weight < 50_000
    remote = re.compile(r"""(?:url\(|@import|src=|href=)\s*["']?(?:https?:)?//""")
    for path in [*static.rglob("*.css"), *(THEME / "templates").rglob("*.html")]:
        assert not remote.search(path.read_text()), f"{path} loads something from another site"


def _builtin_themes(python: Path, cwd: Path, **env: str) -> Path:
    """Where the digest that `python` imports (with `env` added) looks for its built-in themes."""
    code = "from digest.config.themes import BUILTIN_THEMES; print(BUILTIN_THEMES)"
    return Path(_run([python, "-c", code], cwd, {**_outside_env(), **env}).strip())


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _assert_builds_with_the_default_theme(python: Path, site: Path) -> None:
    """`digest build` run by `python` links the theme's stylesheet and publishes the theme's own."""
    _run([python, "-m", "digest.cli", "build", "-q"], site, _outside_env())
    index = (site / "public/index.html").read_text()
    assert f'href="{STYLE}"' in index, index[:500]
    for name, published in (("static/style.css", STYLE), ("static/favicon.svg", "static/favicon.svg")):
        assert (site / "public" / published).read_bytes() == (THEME / name).read_bytes()
