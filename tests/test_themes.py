"""Theme folders: the site's own theme first, the built-in default under it, and no folder twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from digest.config.load import load_config
from digest.config.themes import BUILTIN_THEMES, theme_dirs
from digest.errors import DigestError
from digest.render.templates import make_environment


def _real(folders: list[Path]) -> list[Path]:
    return [folder.resolve() for folder in folders]


def test_the_built_in_themes_are_the_repository_s_top_level_folder():
    assert BUILTIN_THEMES == ROOT / "themes"


def test_the_repository_as_a_site_searches_its_theme_folder_once():
    config = load_config(ROOT / "site.yml")
    assert theme_dirs(config) == [ROOT / "themes/default"]  # its own theme is the built-in one
    loaders = make_environment(config).loader.loaders  # type: ignore[union-attr]
    searched = _real([Path(folder) for loader in loaders for folder in loader.searchpath])
    assert searched == [ROOT / "templates", ROOT / "themes/default/templates"]


def test_a_theme_linked_to_the_built_in_one_is_searched_once(make_site):
    root = make_site({})
    (root / "themes").mkdir()
    (root / "themes/default").symlink_to(BUILTIN_THEMES / "default")
    assert theme_dirs(load_config(root / "site.yml")) == [root / "themes/default"]


def test_a_partial_theme_falls_back_to_the_built_in_default(make_site):
    root = make_site(
        {"themes/paper/templates/base.html": "{% block main %}{% endblock %}"}, _site_yml("paper")
    )
    assert theme_dirs(load_config(root / "site.yml")) == [root / "themes/paper", BUILTIN_THEMES / "default"]


def test_a_copy_of_the_default_theme_overrides_the_built_in_one(make_site):
    root = make_site({"themes/default/static/style.css": "body { color: teal }"})
    found = theme_dirs(load_config(root / "site.yml"))
    assert found == [root / "themes/default", BUILTIN_THEMES / "default"]
    assert len(set(_real(found))) == 2


def test_a_missing_theme_names_site_yml_and_how_to_fix_it(make_site):
    root = make_site({}, _site_yml("paper"))
    with pytest.raises(DigestError) as failed:
        theme_dirs(load_config(root / "site.yml"))
    assert failed.value.path == root / "site.yml"
    assert failed.value.line == 3
    assert failed.value.message == (
        "theme `paper` not found — create themes/paper/templates/ or remove `theme` to use the default"
    )


def _site_yml(theme: str) -> str:
    return f"title: Test Digest\nbase_url: https://example.org/digest/\ntheme: {theme}\n"
