"""Each message `digest check` gives, word for word, and what it must leave alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import article

from digest.cli import main
from digest.curator import addresses
from digest.curator.pages import unrendered
from digest.urls import link_key

FIX = "write it as https://host/path"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://example.com/a?b=c#d", None),
        ("https://xn--bcher-kva.example/", None),
        ("https://bücher.example/", None),
        ("http://[2001:db8::1]:8080/", None),
        ("mailto:press@example.com", None),
        ("tel:+441234567", None),
        ("htps://example.com/", f"`htps://example.com/`: unknown scheme `htps:` — {FIX} (or mailto:…)"),
        ("https:///path", f"`https:///path` has no host — {FIX}"),
        ("https://exa_mple.com/", f"`https://exa_mple.com/` has an invalid host name `exa_mple.com` — {FIX}"),
        ("https://-example.com/", f"`https://-example.com/` has an invalid host name `-example.com` — {FIX}"),
        ("https://example..com/", f"`https://example..com/` has an invalid host name `example..com` — {FIX}"),
        (
            "https://example.com:99999/",
            f"`https://example.com:99999/` is not a valid URL (Port out of range 0-65535) — {FIX}",
        ),
        ("http://[::1/", f"`http://[::1/` is not a valid URL (Invalid IPv6 URL) — {FIX}"),
        (
            "https://example.com/a b",
            "`https://example.com/a b` has a space or an invisible character — write spaces as %20, delete "
            "the others",
        ),
        ("mailto:press", "`mailto:press` names no address — write mailto:name@example.org"),
    ],
)
def test_url_problems(url, problem):
    assert addresses.problem(url) == problem


def test_an_impossible_ipv6_address():
    """Python's urlsplit rejects it itself since 3.11.4; before, digest does."""
    problem = addresses.problem("http://[2001:db8::zz]/")
    assert problem.startswith("`http://[2001:db8::zz]/` ")
    assert problem.endswith(f" — {FIX}")


def test_one_source_page_whatever_its_scheme_slash_or_fragment():
    assert link_key("https://Example.com/a/#top") == link_key("http://example.com/a") == "//example.com/a"
    assert link_key("https://example.com/a?id=1") != link_key("https://example.com/a?id=2")


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ("<p>{{&lt; img src=&quot;a&quot; &gt;}}</p>", ('{{< img src="a" >}}',)),
        ('<p>{{<img-right src="a">}}</p>', ('{{<img-right src="a">}}',)),
        ("<p>{{% notice %}} and {% if x %}</p>", ("{{% notice %}}", "{% if x %}")),
        ("<p>{{ page.title }}</p><p>{{ page.title }}</p>", ("{{ page.title }}",)),
        ("<pre><code>{{< img >}}</code></pre><p><code>{% raw %}</code></p>", ()),
        ('<meta name="description" content="{{ x }}"><script>{"a": "{{ y }}"}</script>', ()),
        ("<p>{ not } {{ unclosed</p>", ()),
    ],
)
def test_what_counts_as_unrendered_syntax(html, found):
    assert unrendered(html) == found


LINKS = """\
A <a href="/elsewhere/">page outside the site</a> and [one above it](../../../../../x/).

A [bare host](www.example.com/news) and a [missing colon](https//example.com/).

[Another story's anchor](/2023/01/b/#nope), [a real one](/2023/01/b/#background), [top](#top).

![none](/images/none.png) and [a folder without its slash](/tags).

[Mail](mailto:desk) and [a feed](/feed.xml) and [a query](/tags/?page=2).
"""


def test_every_link_message(make_site, capsys):
    site = make_site(
        {
            "content/a.md": article("A", "2023-01-05", body=LINKS),
            "content/b.md": article("B", "2023-01-04", body="## Background\n\nText.\n"),
        }
    )
    cwd = Path.cwd()
    os.chdir(site)
    try:
        status = main(["check"])
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out.splitlines()
    anchor = "link a heading's id (shown in the page's HTML), or remove the #fragment"
    assert out == [
        "content/a.md:6: link to /elsewhere/ is outside the site's path /digest/ — link /digest/… instead",
        "content/a.md:6: link to `../../../../../x/` climbs above the site's root — link a page of the site",
        f"content/a.md:8: link `https//example.com/` looks like a mistyped web address — {FIX}",
        f"content/a.md:8: link `www.example.com/news` looks like a mistyped web address — {FIX}",
        f"content/a.md:10: link to /2023/01/b/#nope — no element with id `nope` there; {anchor}",
        "content/a.md:12: image /images/none.png — no such file in the content or static folder; add it, or "
        "fix the path",
        "content/a.md:14: link `mailto:desk` names no address — write mailto:name@example.org",
        "check failed: 7 error(s), 0 warning(s) in 2 stories and 12 pages",
    ]
    assert status == 1
