"""axe-core in headless Chromium finds no WCAG 2.1 A/AA or best-practice violation on the sample digest.

The sample is served over HTTP under /digest/ (its base_url's path), so the 404 page is checked as a
reader gets it: status 404 at a missing URL, with its stylesheet. Every page type is checked in the light
and in the dark colour scheme (emulated `prefers-color-scheme`), since contrast depends on both.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from browser import chromium, missing
from conftest import ROOT
from http_server import Served, serve
from selenium.webdriver.support.ui import WebDriverWait

from digest.build import Options, build
from digest.config.load import load_config

AXE = ROOT / "tests/tools/node_modules/axe-core/axe.min.js"
RULESETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PAGES = {
    "front page": "",
    "article": "2022/09/putin-xi-samarkand/",
    "tag": "tags/russia/",
    "source": "sources/nytimes/",
    "sources": "sources/",
    "location": "locations/samarkand-uzbekistan/",
    "archive": "archive/2022/09/",
    "edition": "editions/3/",
    "editions": "editions/",
    "404": "no-such-page/",
    "search, with a query typed": "search/?q=Samarkand",
}
SCHEMES = ["light", "dark"]

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: arguments[0], resultTypes: ['violations']})
  .then(results => done({
    violations: results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary, html: n.html})),
    })),
    passes: results.passes.length,
    scheme: matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
    axe: axe.version,
  }))
  .catch(error => done({error: String(error)}));
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Served]:
    output = tmp_path_factory.mktemp("a11y") / "public"
    with pytest.MonkeyPatch.context() as patch:  # as in conftest: future articles stay in the future
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        config = load_config(ROOT / "site.yml")
        build(config, options=Options(output=output))
    assert config.base_url.rstrip("/").endswith("/digest")
    with serve(output, "/digest/") as served:
        yield served


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for every page."""
    if not AXE.is_file():
        missing("axe-core in tests/tools/node_modules")
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def _report(url: str, scheme: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s) on {url} ({scheme} scheme):"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}]: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {json.dumps(node['target'])}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_accessibility_violations(browser, site, name, scheme):
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )
    url = site.url + PAGES[name]
    browser.get(url)
    if "?q=" in url:  # axe checks the results too, once they are shown
        found = "return document.querySelector('#search-results li') !== null"
        WebDriverWait(browser, 15).until(lambda b: b.execute_script(found))
    rules = "return [...document.styleSheets].reduce((n, sheet) => n + sheet.cssRules.length, 0)"
    assert browser.execute_script(rules) > 0, f"{url}: the stylesheet did not load"
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(RUN_AXE, RULESETS)
    assert "error" not in result, result.get("error")
    assert result["scheme"] == scheme, "the colour scheme emulation did not take effect"
    assert result["passes"] > 10
    violations = result["violations"]
    assert not violations, _report(url, scheme, violations)


def test_axe_catches_violations_and_dark_scheme_changes_the_colours(browser, site):
    """The check itself: the dark run sees other colours, and axe reports a page made inaccessible."""
    background = {}
    for scheme in SCHEMES:
        browser.execute_cdp_cmd(
            "Emulation.setEmulatedMedia",
            {"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]},
        )
        browser.get(site.url)
        background[scheme] = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background["light"] != background["dark"], background
    browser.execute_script(
        "document.querySelector('main').insertAdjacentHTML('afterbegin',"
        ' \'<img src="static/favicon.png"><p style="color:#777;background:#888">faint</p>\')'
    )
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(RUN_AXE, RULESETS)
    assert {"image-alt", "color-contrast"} <= {v["id"] for v in result["violations"]}, result
