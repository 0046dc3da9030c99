"""Template rendering: the `{% cache %}` fragment store and the links it relies on."""

from __future__ import annotations

import pytest
from conftest import article, build_site, page
from lxml import html

from digest.config.load import load_config
from digest.errors import DigestError
from digest.render.templates import make_environment


def test_a_cached_fragment_is_rendered_once_per_key(make_site):
    """The body runs for a new key only; an equal key gets the stored text back."""
    env = make_environment(load_config(make_site({}) / "site.yml"))
    calls: list[str] = []
    env.globals["count"] = lambda name: calls.append(name) or name
    template = env.from_string('{% cache "x", name %}<b>{{ count(name) }}</b>{% endcache %}')

    assert template.render(name="a") == "<b>a</b>"
    assert template.render(name="a") == "<b>a</b>"
    assert template.render(name="b") == "<b>b</b>"
    assert calls == ["a", "b"]


def test_a_cached_fragment_is_escaped_once(make_site):
    """What comes back from the store is markup already: it is not escaped a second time."""
    env = make_environment(load_config(make_site({}) / "site.yml"))
    template = env.from_string('{% cache "x" %}{{ text }}{% endcache %}')

    assert template.render(text="<i>") == "&lt;i&gt;"
    assert template.render(text="ignored: the key is the same") == "&lt;i&gt;"


def test_each_build_starts_with_an_empty_store(make_site):
    """A store kept across builds would show yesterday's card after an edit."""
    root = make_site({})
    first = make_environment(load_config(root / "site.yml"))
    second = make_environment(load_config(root / "site.yml"))
    first.from_string('{% cache "x" %}old{% endcache %}').render()

    assert second.from_string('{% cache "x" %}new{% endcache %}').render() == "new"


def _card_of(root, url: str, title: str) -> bytes:
    doc = page(root, url)
    (card,) = [c for c in doc.xpath("//article[contains(@class, 'card')]") if title in c.text_content()]
    return html.tostring(card)


def test_a_story_card_reads_the_same_on_every_list_page_at_the_same_depth(make_site):
    """Cards are shared between list pages, so their links must work from each of them."""
    files = {
        f"content/s{n}.md": article(
            f"Story {n}", f"2022-09-0{n}T10:00:00Z", tags="[Energy]", location="Oslo, Norway"
        )
        for n in range(1, 4)
    }
    root = make_site(files)
    build_site(root)

    tag_card = _card_of(root, "tags/energy/", "Story 2")
    assert tag_card == _card_of(root, "sources/reuters/", "Story 2")
    assert tag_card == _card_of(root, "locations/oslo-norway/", "Story 2")
    assert b'href="../../2022/09/s2/"' in tag_card
    assert b'href="2022/09/s2/"' in _card_of(root, "", "Story 2")  # the front page is at the root


def test_an_unusable_cache_key_names_the_template_and_line(make_site):
    files = {"content/s1.md": article("Story 1", "2022-09-01T10:00:00Z")}
    files["templates/404.html"] = "<!DOCTYPE html>\n<title>x</title>\n{% cache {} %}x{% endcache %}\n"
    root = make_site(files)

    with pytest.raises(DigestError) as failed:
        build_site(root)

    assert str(failed.value).startswith(f"{root / 'templates/404.html'}:3: ")
    assert "unhashable type: 'dict'" in str(failed.value)
