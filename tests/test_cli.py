"""The `digest` command as a user runs it: help, summary line, exit codes, no tracebacks."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import STYLE, article, page

from digest import __version__
from digest.cli import main


def run(*args: str, cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "digest.cli", *args], cwd=cwd, capture_output=True, text=True
    )


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"digest {__version__}"
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = capsys.readouterr().out
    for option in ("--output", "--config", "--drafts", "--future", "--base-url", "--quiet", "--verbose"):
        assert option in text


def test_build_prints_one_summary_line_and_exits_zero(make_site):
    root = make_site({"content/a.md": article("A", "2022-09-01T10:00:00Z")})
    result = run("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (line,) = result.stdout.splitlines()
    assert re.fullmatch(r"built 1 articles, \d+ files \(\d+ changed\) into public/ in \d+\.\d\d s", line), (
        line
    )
    again = run("build", cwd=root).stdout
    assert re.search(r"files \(0 changed\)", again), again
    assert run("build", "-q", cwd=root).stdout == ""


def test_errors_exit_one_without_traceback(make_site):
    root = make_site({"content/a.md": "---\ntitle: [unclosed\n---\n"})
    result = run("build", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].startswith("content/a.md:")
    assert result.stderr.splitlines()[-1] == "build failed: 1 error(s); the previous output is unchanged"


def test_config_error_names_site_yml_line_and_suggestion(make_site):
    root = make_site({}, "title: T\nbase_ulr: https://example.org/\n")
    result = run("build", cwd=root)
    assert result.returncode == 1
    assert result.stderr.startswith("site.yml:2: unknown key `base_ulr` — did you mean `base_url`?")


def test_options_override_output_base_url_and_config(make_site, tmp_path):
    root = make_site(
        {
            "content/a.md": article("A", "2022-09-01T10:00:00Z"),
            "other.yml": "title: Other\nbase_url: https://x.org/\n",
        }
    )
    out = tmp_path / "elsewhere"
    result = run(
        "build",
        "--config",
        "other.yml",
        "--output",
        str(out),
        "--base-url",
        "https://example.com/sub/",
        cwd=root,
    )
    assert result.returncode == 0, result.stderr
    assert "Other" in (out / "index.html").read_text()
    assert f'href="/sub/{STYLE}"' in (out / "404.html").read_text()


def test_warnings_are_grouped_and_future_articles_mentioned(make_site):
    files = {f"content/a{n}.md": article(f"A{n}", "2022-09-01T10:00:00Z", colour="blue") for n in range(5)}
    files["content/later.md"] = article("Later", "2099-09-01T10:00:00Z")
    root = make_site(files)
    result = run("build", cwd=root)
    assert result.returncode == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 4  # three examples and a count
    assert "unknown front matter key `colour`" in warnings[0] and "content/a0.md:5" in warnings[0]
    assert "2 more with the same warning" in warnings[-1]
    assert "1 future-dated article(s) left out" in result.stderr and "content/later.md" in result.stderr
    assert len(run("build", "-v", cwd=root).stderr.splitlines()) > len(result.stderr.splitlines())


def test_no_site_yml_is_a_clear_error(tmp_path):
    result = run("build", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("site.yml: no site.yml here")


def test_reads_a_unicode_dateline_page(make_site):
    root = make_site({"content/a.md": article("A", "2022-09-01T10:00:00Z", location="'São Paulo, Brazil'")})
    run("build", cwd=root)
    assert page(root, "locations/sao-paulo-brazil/").xpath("//h1")


def test_the_console_script_exits_with_the_build_status(tmp_path):
    """`digest` runs `main` and exits with its status, skipping only the last garbage collection."""
    import subprocess
    import sys

    (tmp_path / "site.yml").write_text("title: [broken\n")
    command = [sys.executable, "-m", "digest.cli", "build"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "site.yml:1" in done.stderr
