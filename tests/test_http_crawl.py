"""The sample digest served over real HTTP, at a domain's root and under /digest/, crawled link by link.

A crawler that only knows URLs (no file system) follows every internal link from the front page: `href`,
`src`, `srcset`, `<link href>`, `url(...)` in stylesheets and in `style`, `#fragment` targets, and the
links inside XML (feeds, sitemaps) and JSON Feed files it reaches. Every
URL must answer 200 — a redirect counts as broken, since the site should link to the final URL — and
every fragment must name an id on the target page.

The 404 page is the one page whose links cannot be relative (it is served at any depth), so it links from
`base_url`. Under /digest/ the sample's own base_url (https://example.org/digest/) gives `/digest/…`
links. For the root mount the site is built with base_url set to the server's own address
(http://127.0.0.1:PORT/), the way a staging deploy uses `--base-url`; the server starts before the build
to know its port. Absolute links to that address count as internal and are fetched too.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest
from conftest import ROOT, write_files
from http_server import Served, serve
from lxml import etree
from lxml import html as lxml_html

from digest.build import Options, build
from digest.config.load import load_config

MAX_REQUESTS = 2000
TIMEOUT = 5  # seconds, for every request
CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')"""
)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 3xx comes back as an HTTPError with its own status


_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes


def fetch(url: str) -> Response:
    try:
        with _OPENER.open(url, timeout=TIMEOUT) as reply:
            return Response(reply.status, reply.headers.get_content_type(), reply.read())
    except HTTPError as error:
        return Response(error.code, error.headers.get_content_type(), error.read())
    except (URLError, TimeoutError, ConnectionError) as error:
        return Response(0, "", str(error).encode())


@dataclass
class Crawl:
    fetched: dict[str, int] = field(default_factory=dict)  # URL -> status
    broken: list[str] = field(default_factory=list)  # "page: link -> what went wrong"
    external: set[str] = field(default_factory=set)  # links to other hosts, recorded, never fetched
    other: set[str] = field(default_factory=set)  # mailto:, data:, ...
    ids: dict[str, set[str]] = field(default_factory=dict)  # HTML URL -> ids (and a[name]) on it

    @property
    def ok(self) -> set[str]:
        return {url for url, status in self.fetched.items() if status == 200}


def _html_links(doc: lxml_html.HtmlElement) -> Iterator[str]:
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        for attribute in ("href", "src", "poster", "data"):
            value = element.get(attribute)
            if value is not None:
                yield value.strip()
        for attribute in ("srcset", "imagesrcset"):
            for candidate in (element.get(attribute) or "").split(","):
                if candidate.strip():
                    yield candidate.split()[0]
        if element.get("style"):
            yield from _css_links(element.get("style"))
        if element.tag == "style" and element.text:
            yield from _css_links(element.text)


def _xml_links(body: bytes) -> Iterator[str]:
    """Links in a feed or sitemap: `href`/`src`/`url` attributes and the text of <link>, <loc>, <uri>."""
    for element in etree.fromstring(body).iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("href", "src", "url"):
            if element.get(attribute):
                yield element.get(attribute).strip()
        if etree.QName(element).localname in ("link", "loc", "uri") and (element.text or "").strip():
            yield element.text.strip()


def _json_links(value: object) -> Iterator[str]:
    """Links in a JSON Feed: the values of its URL keys, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("url", "home_page_url", "feed_url", "image", "banner_image", "icon", "favicon"):
                if isinstance(item, str):
                    yield item
            else:
                yield from _json_links(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_links(item)


def _is_xml(content_type: str) -> bool:
    """Feeds and sitemaps; SVG images are XML too but are only checked to load."""
    xml = content_type in ("application/xml", "text/xml") or content_type.endswith("+xml")
    return xml and content_type != "image/svg+xml"


def _css_links(css: str) -> Iterator[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for match in CSS_URL.finditer(css):
        yield next(group for group in match.groups() if group is not None).strip()


def crawl(site: Served, starts: dict[str, int]) -> Crawl:
    """Fetch `starts` (URL -> expected status) and everything they link to on this server."""
    result = Crawl()
    queue: list[tuple[str, str, str]] = [(url, "(start)", url) for url in starts]
    fragments: list[tuple[str, str, str, str]] = []  # (page, link, target URL, fragment)
    while queue:
        page_url, link, url = queue.pop(0)
        if url in result.fetched:
            continue
        assert len(result.fetched) < MAX_REQUESTS, f"crawl not bounded: over {MAX_REQUESTS} URLs"
        response = fetch(url)
        result.fetched[url] = response.status
        if response.status != starts.get(url, 200):
            result.broken.append(f"{page_url}: {link} -> status {response.status or response.body!r}")
            if response.status != 404:
                continue  # a 404 still has a body worth checking: the site's 404.html
        if response.content_type == "text/html":
            doc = lxml_html.fromstring(response.body)
            result.ids[url] = set(doc.xpath("//@id")) | set(doc.xpath("//a/@name"))
            base = urljoin(url, (doc.xpath("//base/@href") or [""])[0])
            links = list(_html_links(doc))
        elif response.content_type == "text/css":
            base, links = url, list(_css_links(response.body.decode("utf-8", "replace")))
        elif _is_xml(response.content_type):
            try:
                base, links = url, list(_xml_links(response.body))
            except etree.XMLSyntaxError as error:
                result.broken.append(f"{page_url}: {link} -> not well-formed XML: {error}")
                continue
        elif response.content_type in ("application/json", "application/feed+json"):
            try:
                base, links = url, list(_json_links(json.loads(response.body)))
            except ValueError as error:
                result.broken.append(f"{page_url}: {link} -> not valid JSON: {error}")
                continue
        else:
            continue
        for found in links:
            absolute, fragment = urldefrag(urljoin(base, found))
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https"):
                result.other.add(found)
            elif parts.netloc != f"{site.host}:{site.port}":
                result.external.add(absolute)
            else:
                queue.append((url, found, absolute))
                if fragment and response.content_type == "text/html":
                    fragments.append((url, found, absolute, unquote(fragment)))
    for page_url, link, target, fragment in fragments:
        ids = result.ids.get(target)
        if ids is not None and fragment not in ids and fragment != "top":  # "#top" is the top by spec
            result.broken.append(f"{page_url}: {link} -> no element with id {fragment!r}")
    return result


def _frozen_build(output: Path, overrides: dict[str, str] | None = None) -> None:
    with pytest.MonkeyPatch.context() as patch:  # as in conftest: future articles stay in the future
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        build(load_config(ROOT / "site.yml", overrides), options=Options(output=output))


@pytest.fixture(scope="module", params=["root", "sub-path"])
def served(request, tmp_path_factory) -> Iterator[tuple[Served, Path]]:
    output = tmp_path_factory.mktemp(request.param) / "public"
    if request.param == "root":
        with serve(output, "/") as site:
            _frozen_build(output, {"base_url": site.url})
            yield site, output
    else:
        _frozen_build(output)
        assert load_config(ROOT / "site.yml").base_url.rstrip("/").endswith("/digest")
        with serve(output, "/digest/") as site:
            yield site, output


@pytest.fixture(scope="module")
def crawled(served) -> tuple[Served, Path, Crawl]:
    site, output = served
    missing = site.url + "no/such/deep/page/"
    return site, output, crawl(site, {site.url: 200, missing: 404})


def _url(site: Served, output: Path, page: Path) -> str:
    relative = page.relative_to(output).as_posix()
    return site.url + (relative.removesuffix("index.html") if page.name == "index.html" else relative)


def test_no_link_is_broken(crawled):
    _, _, result = crawled
    assert not result.broken, f"{len(result.broken)} broken link(s):\n" + "\n".join(result.broken)
    assert len(result.fetched) > 50
    assert result.external, "the sample links to the original stories on other sites"
    assert not any(urlsplit(u).hostname in ("127.0.0.1", "localhost") for u in result.external)


def test_every_article_and_every_page_is_reached(crawled):
    site, output, result = crawled
    articles = {_url(site, output, p) for p in output.glob("20*/*/*/index.html")}
    assert len(articles) >= 15
    assert articles <= result.ok, sorted(articles - result.ok)
    pages = {_url(site, output, p) for p in output.rglob("*.html") if p.name != "404.html"}
    assert pages <= result.ok, sorted(pages - result.ok)
    editions = {_url(site, output, p) for p in output.glob("editions/*/index.html")}
    assert len(editions) >= 4 and editions <= result.ok  # the sample's editions, each reached by a link
    assert {_url(site, output, p) for p in output.rglob("*") if p.suffix in (".css", ".svg", ".png")} <= (
        result.ok
    )


def test_missing_page_gets_the_sites_404_page_with_working_links(crawled):
    site, output, _ = crawled
    for missing in ("nothing-here", "no/such/deep/page/", "2022/09/no-such-story/", "static/none.css"):
        response = fetch(site.url + missing)
        assert response.status == 404, missing
        assert response.body == (output / "404.html").read_bytes()
        doc = lxml_html.fromstring(response.body)
        sheets = doc.xpath("//link[@rel='stylesheet']/@href")
        assert sheets, "404.html has no stylesheet"
        for sheet in sheets:
            assert sheet.startswith(site.prefix), sheet
            css = fetch(urljoin(site.url + missing, sheet))
            assert (css.status, css.content_type) == (200, "text/css"), sheet
        assert not doc.xpath("//*[starts-with(@href, '.') or starts-with(@src, '.')]"), (
            "relative links break on a 404 page served at any depth"
        )


def test_server_answers_only_under_its_mount(crawled):
    site, _, _ = crawled
    assert fetch(site.url + "tags").status == 301  # a folder without its slash, as static hosts do
    assert fetch(site.url + "%2e%2e/%2e%2e/etc/passwd").status == 404
    if site.prefix != "/":
        assert fetch(site.url.removesuffix("/")).status == 301
        assert fetch(site.origin + "/").status == 404
        assert fetch(site.origin + "/index.html").status == 404


def test_crawler_catches_what_it_should(tmp_path):
    """The crawler itself: a redirect, a missing page, id, CSS url() or feed entry are all noticed."""
    with serve(tmp_path, "/x/") as site:
        write_files(tmp_path, {
            "index.html": '<!DOCTYPE html><title>t</title><link rel="stylesheet" href="s.css">'
            '<link rel="alternate" href="feed.xml"><link rel="alternate" href="feed.json">'
            '<a href="a">redirect</a> <a href="b/">missing</a> <a href="#nope">id</a>'
            '<img srcset="i.png 1x, j.png 2x" alt=""> <a href="https://example.com/x">out</a>',
            "s.css": "body { background: url('bg.png') } /* url(ignored.png) */",
            "feed.xml": '<feed xmlns="http://www.w3.org/2005/Atom">'
            f'<entry><link href="{site.url}gone/"/></entry></feed>',
            "feed.json": json.dumps({"items": [{"url": f"{site.url}lost/", "external_url": "https://e.org/"}]}),
            "a/index.html": "<!DOCTYPE html><title>a</title>",
            "i.png": "",
            "j.png": "",
            "404.html": "<!DOCTYPE html><title>404</title>",
        })  # fmt: skip
        result = crawl(site, {site.url: 200})
    broken = "\n".join(result.broken)
    assert "a -> status 301" in broken
    assert "b/ -> status 404" in broken
    assert "'nope'" in broken
    assert "bg.png -> status 404" in broken
    assert "ignored.png" not in broken
    assert "feed.xml: http://127.0.0.1" in broken and "/x/gone/ -> status 404" in broken
    assert "/x/lost/ -> status 404" in broken
    assert len(result.broken) == 6, broken
    assert {site.url + "i.png", site.url + "j.png"} <= result.ok
    assert result.external == {"https://example.com/x"}
