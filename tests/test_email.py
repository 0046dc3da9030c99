"""Each edition's email as a build publishes it, and `digest email` writing and sending it.

The email is read where the site is not: every link must be absolute and lead to a published file,
its CSS must be in the tags, and Gmail must not clip it. `digest email` must mail exactly the
files a build publishes, and refuse clearly what it cannot do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

from browser import chromium, missing
from conftest import article, build_site, write_files
from lxml import html as lxml_html
from smtp_relay import PASSWORD, USER, relay
from test_accessibility import AXE, RULESETS, RUN_AXE
from test_config import digest
from test_sample_site import VNU
from test_serve import CONNECTED, _get, _probe, _serving, _wait

from digest.config.load import load_config
from digest.render.email import CLIP_BYTES
from digest.render.plan import Page, PageInfo
from digest.render.templates import make_environment, render_page
from digest.site.model import Edition

BASE = "https://news.example.org/brief/"
SITE_YML = f"""\
title: The Weekly Brief
base_url: {BASE}
timezone: Europe/London
editions:
  cadence: weekly
  first: 2022-09-05
  sections:
    - title: Europe
      tags: [Ukraine, Norway]
email:
  from: "The Weekly Brief <brief@example.org>"
  to: [reader@example.org]
  reply_to: editor@example.org
  list_unsubscribe: [mailto:leave@example.org, https://news.example.org/leave]
"""
NOTE = """\
---
title: Harvest week
---
A quieter week than the last. Start with [the grain corridor](/2022/09/grain/), then the rest.
"""


def _site(root: Path, stories: int = 2, *, site_yml: str = SITE_YML, note: str = NOTE) -> Path:
    files = {
        "site.yml": site_yml,
        "content/editions/2.md": note,
        "content/2022/grain.md": article(
            "Grain corridor reopens",
            "2022-09-14 09:30",
            source='{name: Reuters, url: "https://reuters.example/grain"}',
            location="Odesa, Ukraine",
            tags="[Ukraine]",
            image="/images/port.jpg",
            image_alt="Cargo ships at the port of Odesa",
            body="Ships left the port on Wednesday, the first in a month.",
        ),
        "content/2022/strike.md": article(
            "Rail strike called off",
            "2022-09-15",
            source="BBC",
            image="/images/route.svg",
            image_alt="Map of the rail network",
            body="Unions and operators agreed terms.",
        ),
        "content/2022/older.md": article("Ferry link restored", "2022-09-06", source="NRK", tags="[Norway]"),
        "static/images/port.jpg": b"\xff\xd8\xff\xe0 a picture",
        "static/images/route.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>',
    }
    for n in range(stories - 2):  # padding stories for a long edition, each with a long summary
        words = " ".join(f"word{n}x{i}" for i in range(120))
        files[f"content/2022/extra{n}.md"] = article(
            f"Extra story {n}", "2022-09-16", source="AP", summary=f"'{words}.'"
        )
    write_files(root, files)
    return root


def _email(root: Path, number: int = 2) -> tuple[str, str]:
    folder = root / "public" / "editions" / str(number)
    return (folder / "email.html").read_text(), (folder / "email.txt").read_text()


def test_each_edition_gets_an_email_that_mail_clients_accept(tmp_path):
    _site(tmp_path)
    build_site(tmp_path)
    html, _text = _email(tmp_path)
    tree = lxml_html.fromstring(html.encode())
    assert len(html.encode()) < CLIP_BYTES
    assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert tree.xpath("//script") == [] and tree.xpath("//link[@rel='stylesheet']") == []
    [kept] = tree.xpath("//style")  # only the media queries and dark mode; the rest is inlined
    assert kept.get("data-css-inline") == "ignore" and "@media" in kept.text
    assert "prefers-color-scheme: dark" in kept.text
    [sheet] = tree.xpath("//table[contains(@class, 'sheet')]")
    assert "width: 600px" in sheet.get("style") and sheet.get("role") == "presentation"
    assert "font-size: 21px" in tree.xpath("//h3[contains(@class, 'headline')]")[0].get("style")
    preheader = tree.xpath("//div[@class='preheader']")[0]
    assert "display: none" in preheader.get("style")
    assert preheader.text_content().startswith("A quieter week than the last.")
    # the rail map is an SVG, which Gmail, Outlook and Yahoo do not show: it stays on the web edition
    assert [img.get("alt") for img in tree.xpath("//img")] == ["Cargo ships at the port of Odesa"]
    headlines = [" ".join(h.text_content().split()) for h in tree.xpath("//*[contains(@class, 'headline')]")]
    assert headlines == ["Grain corridor reopens", "Rail strike called off"]  # the ferry is in No. 1
    assert "The Weekly Brief" in tree.xpath("//title")[0].text


def test_every_link_and_image_is_absolute_and_resolves_in_the_site(tmp_path):
    _site(tmp_path)
    build_site(tmp_path)
    html, text = _email(tmp_path)
    tree = lxml_html.fromstring(html.encode())
    targets = tree.xpath("//a/@href") + tree.xpath("//img/@src")
    text_links = re.findall(r"^\[\d+\] (\S+)$", text, re.MULTILINE)
    assert len(targets) > 8 and len(text_links) == 4  # one number per address
    external = {"https://reuters.example/grain", "https://news.example.org/leave"}
    assert tree.xpath("//a[text()='Unsubscribe']/@href") == ["https://news.example.org/leave"]  # one click
    for target in targets + text_links:
        assert urlsplit(target).scheme == "https", target
        if target in external:
            continue
        assert target.startswith(BASE), target
        path = tmp_path / "public" / target.removeprefix(BASE)
        if target.endswith("/"):
            path = path / "index.html"
        assert path.exists(), target
    assert f"{BASE}2022/09/grain/" in targets  # the note's relative link, made absolute


def test_the_text_part_reads_on_its_own_with_numbered_references(tmp_path):
    _site(tmp_path)
    build_site(tmp_path)
    _html, text = _email(tmp_path)
    assert text.startswith(
        "The Weekly Brief — No. 2, Sunday 18 September 2022\n\nHarvest week\n============\n"
    )
    unwrapped = " ".join(text.split())
    assert "A quieter week than the last. Start with the grain corridor [1], then the rest." in unwrapped
    assert max(len(line) for line in text.splitlines()) <= 72
    assert (
        "EUROPE\n------\n\n* Grain corridor reopens\n"
        "  ODESA, Ukraine · 14 September 2022, 09:30 BST · Reuters\n"
        "  Ships left the port on Wednesday, the first in a month.\n  Original story [2] · Our summary [1]\n"
    ) in text
    links = dict(re.findall(r"^\[(\d+)\] (\S+)$", text, re.MULTILINE))
    assert links["1"] == f"{BASE}2022/09/grain/" and links["2"] == "https://reuters.example/grain"
    assert links["3"] == f"{BASE}2022/09/strike/" and links["4"] == f"{BASE}editions/2/"
    assert "&amp;" not in text and "<" not in text  # plain text, never escaped HTML


def test_emails_are_left_out_of_the_sitemap(tmp_path):
    _site(tmp_path)
    build_site(tmp_path)
    sitemap = (tmp_path / "public" / "sitemap.xml").read_text()
    assert "email" not in sitemap and f"{BASE}2022/09/grain/" in sitemap


def test_an_edition_too_long_for_gmail_is_mailed_as_headlines_with_a_link_to_the_web(tmp_path):
    _site(tmp_path, stories=160)
    build_site(tmp_path)
    html, text = _email(tmp_path)
    size = len(html.encode())
    assert size <= CLIP_BYTES, size
    tree = lxml_html.fromstring(html.encode())
    assert len(tree.xpath("//*[contains(@class, 'headline')]")) == 160  # every story, as a headline
    assert tree.xpath("//p[contains(@class, 'summary')]") == []
    [notice] = tree.xpath("//p[contains(@class, 'trimmed')]")
    assert "Read the full edition on the web" in notice.text_content()
    assert notice.xpath(".//a/@href") == [f"{BASE}editions/2/"]
    assert "word5x100" in text  # the text part is not clipped: it keeps every summary


def test_editing_a_story_remakes_its_editions_email_and_no_other(tmp_path):
    _site(tmp_path)
    build_site(tmp_path)
    first = {n: (tmp_path / f"public/editions/{n}/email.html").stat().st_mtime_ns for n in (1, 2)}
    story = tmp_path / "content/2022/grain.md"
    story.write_text(story.read_text().replace("the first in a month", "the first since July"))
    build_site(tmp_path)
    after = {n: (tmp_path / f"public/editions/{n}/email.html").stat().st_mtime_ns for n in (1, 2)}
    assert after[1] == first[1] and after[2] != first[2]
    assert "the first since July" in _email(tmp_path)[0] and "the first since July" in _email(tmp_path)[1]


# --- digest email ------------------------------------------------------------------------------------


def _eml(path: Path):
    return message_from_bytes(path.read_bytes(), policy=policy.default)


def test_digest_email_writes_the_latest_edition_with_the_built_files_as_its_parts(tmp_path):
    _site(tmp_path)
    assert digest("build", cwd=tmp_path).returncode == 0
    done = digest("email", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "wrote edition 2, “Harvest week”, to edition-2.eml\n"
    message = _eml(tmp_path / "edition-2.eml")
    assert message.get_content_type() == "multipart/alternative"
    assert (message["Subject"], message["From"], message["To"]) == (
        "Harvest week",
        "The Weekly Brief <brief@example.org>",
        "reader@example.org",
    )
    assert message["Message-ID"].endswith("@news.example.org>") and message["Date"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = message.iter_parts()
    built_html, built_text = _email(tmp_path)
    assert (text.get_content(), html.get_content()) == (built_text, built_html)
    older = digest("email", "1", "--output", "out/first.eml", cwd=tmp_path / "content")
    assert older.returncode == 1 and "no site.yml here" in older.stderr  # run in the site's folder
    (tmp_path / "out").mkdir()
    older = digest("email", "1", "--output", "out/first.eml", cwd=tmp_path)
    assert older.returncode == 0, older.stderr
    assert _eml(tmp_path / "out/first.eml")["Subject"].startswith("No. 1")


def test_digest_email_warns_when_even_the_headlines_pass_gmails_limit(tmp_path):
    _site(tmp_path, stories=500)
    done = digest("email", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    size = len(_eml(tmp_path / "edition-2.eml").get_body(("html",)).get_content().encode())
    assert size > CLIP_BYTES
    assert done.stderr == (
        f"warning: edition 2's email is {size // 1024} KB of HTML even with headlines only, and Gmail "
        "shows only the first 102 KB of a message — split the edition, or list fewer stories in it\n"
    )
    assert done.stdout == "wrote edition 2, “Harvest week”, to edition-2.eml\n"


def test_digest_email_never_writes_the_output_folder(tmp_path):
    _site(tmp_path)
    done = digest("email", "--output", "two.eml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "public").exists()
    assert "Harvest week" in _eml(tmp_path / "two.eml")["Subject"]


def test_a_draft_edition_is_mailed_only_when_asked(tmp_path):
    _site(tmp_path, note=NOTE.replace("title: Harvest week", "title: Harvest week\ndraft: true"))
    refused = digest("email", "2", cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr == (
        "site.yml: edition 2 is a draft — pass --draft to mail it anyway (e.g. to test it)\n"
        "email failed; nothing was sent\n"
    )
    latest = digest("email", cwd=tmp_path)  # the latest published one is No. 1
    assert latest.returncode == 0 and "wrote edition 1" in latest.stdout
    drafted = digest("email", "2", "--draft", "--output", "draft.eml", cwd=tmp_path)
    assert drafted.returncode == 0, drafted.stderr
    assert _eml(tmp_path / "draft.eml")["Subject"] == "Harvest week"


def test_unknown_editions_and_missing_settings_are_one_clear_line(tmp_path):
    _site(tmp_path)
    unknown = digest("email", "9", cwd=tmp_path)
    assert (
        unknown.stderr.splitlines()[0] == "site.yml: there is no edition 9 — the published editions are: 1, 2"
    )
    without_email = SITE_YML[: SITE_YML.index("email:")]
    (tmp_path / "site.yml").write_text(without_email)
    no_email = digest("email", cwd=tmp_path)
    assert no_email.stderr.splitlines()[0] == (
        "site.yml: no `email:` section — add `email:` with at least `from: The Brief <brief@example.org>`"
    )
    no_editions = without_email[: without_email.index("editions:")] + "email:\n  from: brief@example.org\n"
    (tmp_path / "site.yml").write_text(no_editions)
    none = digest("email", cwd=tmp_path)
    assert none.returncode == 1
    assert none.stderr.splitlines()[0] == (
        "site.yml: this site has no editions — add an `editions:` section to site.yml (see README)"
    )
    (tmp_path / "site.yml").write_text(SITE_YML)
    no_relay = digest("email", "--send", cwd=tmp_path)
    assert no_relay.stderr.splitlines()[0] == (
        "site.yml: no relay to send through — add `smtp:` with a `host:` under `email:`"
    )
    bad_to = digest("email", "--to", "not an address", cwd=tmp_path)
    assert bad_to.stderr.splitlines()[0] == (
        "site.yml: --to `not an address` is not one email address — write it as `reader@example.org`"
    )
    assert not list(tmp_path.glob("*.eml"))


def test_digest_email_send_delivers_through_the_relay_with_a_login(tmp_path):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Session.login_data is deprecated")
        with relay(auth=True) as (port, inbox):
            smtp = f"  smtp: {{host: 127.0.0.1, port: {port}, security: none, user: {USER}}}\n"
            _site(tmp_path, site_yml=SITE_YML + smtp)
            env = {**os.environ, "DIGEST_SMTP_PASSWORD": PASSWORD}
            sent = digest_env(
                env, "email", "--send", "--to", "me@example.org", "--to", "nobody@example.org", cwd=tmp_path
            )
            wrong = digest_env({**env, "DIGEST_SMTP_PASSWORD": "guess"}, "email", "--send", cwd=tmp_path)
    assert sent.returncode == 1  # one address was refused: said, and the exit code tells a script
    assert sent.stdout == "sent edition 2, “Harvest week”, to 1 reader(s)\n"
    assert (
        sent.stderr
        == "the relay refused nobody@example.org: 550 5.1.1 No such mailbox here — check the address\n"
    )
    assert not list(tmp_path.glob("*.eml"))  # sending writes no file unless --output says where
    [(sender, recipients, message)] = inbox.messages
    assert (sender, recipients) == ("brief@example.org", ["me@example.org"])
    assert message["To"] == "me@example.org, nobody@example.org" and message["Subject"] == "Harvest week"
    text, html = message.iter_parts()
    assert not (tmp_path / "public").exists()  # nothing was built into the output folder
    assert "Grain corridor reopens" in text.get_content() and "<table" in html.get_content()
    assert wrong.returncode == 1
    assert wrong.stderr.splitlines() == [
        f"site.yml: 127.0.0.1:{port} refused the login of `{USER}` (535 5.7.8 Authentication credentials "
        "invalid) — check `user` under email.smtp and the password in $DIGEST_SMTP_PASSWORD",
        "email failed; nothing was sent",
    ]


def digest_env(env: dict[str, str], *args: str, cwd: Path):
    """`digest` in a subprocess with this environment (the relay's password)."""
    return subprocess.run(
        [sys.executable, "-m", "digest.cli", *args], cwd=cwd, capture_output=True, text=True, env=env
    )


# --- the preview and the edition page -------------------------------------------------------------


def test_the_preview_serves_the_email_with_live_reload_and_reloads_it_on_save(tmp_path):
    _site(tmp_path)
    with _serving(tmp_path) as (url, _process):
        _wait(lambda: _probe(url + "editions/2/email.html"), what="the preview's email")
        status, body = _get(url + "editions/2/email.txt")
        assert status == 200 and body.startswith("The Weekly Brief — No. 2")
        with chromium(tmp_path / "profile") as driver:
            driver.get(url + "editions/2/email.html")
            assert "Ships left the port" in driver.find_element("tag name", "body").text
            _wait(lambda: driver.execute_script(CONNECTED), what="the live-reload connection")
            # the preview's base_url is its own address, so the email's absolute links stay in the preview
            assert driver.find_element("link text", "Read this edition on the web").get_attribute("href") == (
                url + "editions/2/"
            )
            story = tmp_path / "content/2022/grain.md"
            story.write_text(story.read_text().replace("the first in a month", "the first since July"))
            body = lambda: driver.execute_script("return document.body && document.body.innerText") or ""  # noqa: E731
            _wait(lambda: "the first since July" in body(), what="the edit in the open email")


def test_an_edition_page_links_its_email_and_text_versions(tmp_path):
    _site(tmp_path)
    config = load_config(tmp_path / "site.yml")
    edition = Edition(
        2, date(2022, 9, 18), date(2022, 9, 12), date(2022, 9, 18), "Harvest week", "", (), False, None
    )
    info = PageInfo("Harvest week", "", "edition", edition.url)
    made = render_page(config, make_environment(config), Page("base.html", info, None, {"edition": edition}))
    tree = lxml_html.fromstring(made.content)
    [paragraph] = tree.xpath("//p[contains(@class, 'email-version')]")
    hrefs = paragraph.xpath(".//a/@href")  # relative, so the site works under a sub-path
    assert hrefs == ["../../editions/2/email.html", "../../editions/2/email.txt"]
    other = render_page(
        config, make_environment(config), Page("base.html", PageInfo("x", "", "article", "a/"))
    )
    assert b"email-version" not in other.content


def test_the_email_is_valid_html_and_accessible_in_light_and_dark(tmp_path):
    java = shutil.which("java")
    if not (java and VNU.is_file() and AXE.is_file()):
        missing("java, the Nu HTML Checker and axe-core in tests/tools/node_modules")
    _site(tmp_path)
    build_site(tmp_path)
    email = tmp_path / "public/editions/2/email.html"
    checked = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--also-check-css", str(email)],
        capture_output=True,
        text=True,
    )
    errors = [m for m in json.loads(checked.stderr or '{"messages": []}')["messages"] if m["type"] == "error"]
    assert errors == []
    with chromium(tmp_path / "profile") as driver:
        for scheme in ("light", "dark"):
            driver.execute_cdp_cmd(
                "Emulation.setEmulatedMedia",
                {"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]},
            )
            driver.get(email.as_uri())
            driver.execute_script(AXE.read_text(encoding="utf-8"))
            result = driver.execute_async_script(RUN_AXE, RULESETS)
            assert result.get("scheme") == scheme and result["passes"] > 10, result
            assert result["violations"] == [], result["violations"]
