"""Terms that only slugify alike are merged with a warning; site.yml's `slugs` keeps them apart."""

from __future__ import annotations

import subprocess
import sys

import pytest

from digest.errors import BuildError
from tests.conftest import SITE_YML, article, build_site, page, text_of

FILES = {
    "content/2022-01-01-a.md": article("A", "2022-01-01", source="AT&T", tags="[C++, Energy, Café]"),
    "content/2022-01-02-b.md": article("B", "2022-01-02", source="AT T", tags="[C#, energy]"),
    "content/2022-01-03-c.md": article("C", "2022-01-03", tags="[C, CAFE]", location="São Paulo"),
    "content/2022-01-04-d.md": article("D", "2022-01-04", tags="[C++]", location="Sao-Paulo!"),
}


def _warnings(root) -> list[str]:
    return sorted(str(warning) for warning in build_site(root).warnings)


def _merged(path: str, kind: str, name: str, first: str, where: str, url: str) -> str:
    return (
        f"{path}: {kind[:-1]} `{name}` is merged with `{first}` ({where}): both make the URL {url} — to keep "
        f'them apart, give one its own slug in site.yml: `slugs: {{{kind}: {{"{name}": …}}}}`'
    )


def test_spellings_that_only_slugify_alike_are_each_a_warning_naming_both(make_site):
    a, b, c, d = (f"content/2022-01-0{n}-{x}.md" for n, x in enumerate("abcd", 1))
    assert _warnings(make_site(FILES)) == [
        _merged(b, "sources", "AT T", "AT&T", a, "/sources/at-t/"),
        _merged(b, "tags", "C#", "C++", a, "/tags/c/"),
        _merged(c, "tags", "C", "C++", a, "/tags/c/"),
        _merged(d, "locations", "Sao-Paulo!", "São Paulo", c, "/locations/sao-paulo/"),
    ]


def test_case_and_accents_still_make_one_term_without_a_warning(make_site):
    files = {name: text for name, text in FILES.items() if name.endswith(("a.md", "b.md"))}
    files["content/2022-01-02-b.md"] = article("B", "2022-01-02", source="AT&T", tags="[ENERGY, cafe]")
    root = make_site(files)
    assert _warnings(root) == []
    assert text_of(page(root, "tags/cafe/").xpath("//h1")[0]) == "Stories tagged Café"


def test_slugs_in_site_yml_keep_terms_apart_or_merge_them_on_purpose(make_site):
    site_yml = SITE_YML + 'slugs:\n  tags: {"C++": cpp, "c#": csharp}\n  sources: {"AT&T": att, AT T: att}\n'
    root = make_site(FILES, site_yml)
    assert [w for w in _warnings(root) if "tag `" in w or "source `" in w] == []
    for url, heading in [
        ("tags/cpp/", "C++"),
        ("tags/csharp/", "C#"),
        ("tags/c/", "C"),
        ("sources/att/", "AT&T"),
    ]:
        assert text_of(page(root, url).xpath("//h1")[0]).endswith(heading)
    assert len(page(root, "tags/cpp/").xpath("//article[contains(@class, 'card')]")) == 2


def test_a_changed_slugs_setting_moves_the_pages_on_the_next_build(make_site):
    root = make_site(FILES)
    build = [sys.executable, "-m", "digest.cli", "build", "-q"]
    assert subprocess.run(build, cwd=root, capture_output=True).returncode == 0
    (root / "site.yml").write_text(SITE_YML + 'slugs:\n  tags: {"C++": cpp}\n')
    assert subprocess.run(build, cwd=root, capture_output=True).returncode == 0
    assert (root / "public/tags/cpp/index.html").is_file()
    assert "tags/cpp/" in (root / "public/2022/01/a/index.html").read_text()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("slugs:\n  tag: {C++: cpp}\n", "site.yml:3: `slugs`: unknown key `tag` — did you mean `tags`?"),
        (
            'slugs:\n  tags: {"C++": C Plus}\n',
            "site.yml:3: `slugs`: the slug `C Plus` for `C++` may hold only lowercase letters, digits and "
            "single hyphens — write it like `c-plus`",
        ),
        (
            "slugs:\n  tags: [cpp]\n",
            "site.yml:3: `slugs`: expected a mapping of `name: value` lines, found a list",
        ),
        ("slugs: cpp\n", "site.yml:3: `slugs`: expected a mapping of `name: value` lines, found `cpp`"),
    ],
)
def test_a_wrong_slugs_setting_is_an_error_naming_its_line(make_site, setting, message):
    root = make_site(FILES, SITE_YML + setting)
    with pytest.raises(BuildError) as failure:  # site.yml reports every mistake at once
        build_site(root)
    assert [str(e).replace(str(root) + "/", "") for e in failure.value.errors] == [message]
