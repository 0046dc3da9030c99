"""Every command fails through one wrapper: an unexpected error is one line, Ctrl-C is its own line.

The errors are made for real: a subprocess whose function raises as a bug would (raise_inside.py),
or one stalled at a file operation (halt_digest.py) and sent a real SIGINT.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import article

from digest.commands.common import Ending

TESTS = Path(__file__).parent
FEED = TESTS / "import_feeds" / "rss.xml"

# each command, one function its run goes through (made to raise), and the command's arguments
BROKEN = {
    "build": ("digest.build:build", ["build"]),
    "serve": ("digest.preview.serve:serve", ["serve", "--port", "0"]),
    "init": ("digest.curator.init:init_site", ["init", "fresh"]),
    "new": ("digest.curator.new:create_story", ["new", "Tides turn", "--url", "https://example.org/tides"]),
    "import": ("digest.curator.feed_import:import_feeds", ["import", str(FEED)]),
    "check": ("digest.curator.check:run_check", ["check"]),
    "email": ("digest.newsletter.command:mail_edition", ["email"]),
    "deploy": ("digest.deploy.run:deploy", ["deploy", "./mirror"]),
}


@pytest.mark.parametrize("command", BROKEN)
@pytest.mark.parametrize("flag", [None, "--debug"])
def test_an_unexpected_error_in_any_command_is_one_line_and_a_traceback_only_when_asked(
    make_site, command, flag
):
    root = make_site({"content/a.md": article("Tide tables", "2022-09-01T10:00:00Z")})
    target, args = BROKEN[command]
    run = [sys.executable, str(TESTS / "raise_inside.py"), target, "--", *args, *([flag] if flag else [])]

    result = subprocess.run(run, cwd=root, capture_output=True, text=True, timeout=60)

    name = target.partition(":")[2]
    line = f"internal error: RuntimeError: {name} broke; run with --debug for the traceback"
    assert (result.returncode, result.stderr.splitlines()[-1]) == (1, line)
    if flag:
        assert result.stderr.startswith("Traceback (most recent call last):")
    else:
        assert result.stderr == line + "\n"
    assert not (root / "fresh").exists()


def _interrupted(root: Path, at: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run digest until it stalls at the event `at`, then press Ctrl-C for real (SIGINT)."""
    halt = [sys.executable, str(TESTS / "halt_digest.py"), "--at", at, "--", *args]
    with subprocess.Popen(halt, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as held:
        assert held.stderr is not None and held.stdout is not None
        assert held.stderr.readline() == b"stalled\n"
        held.send_signal(signal.SIGINT)
        code = held.wait(timeout=20)
        return subprocess.CompletedProcess(halt, code, held.stdout.read(), held.stderr.read())


def test_init_stopped_by_ctrl_c_says_so_and_leaves_nothing(tmp_path):
    result = _interrupted(tmp_path, "open:init-", "init", "fresh")

    assert (result.returncode, result.stderr) == (130, b"interrupted; nothing was written\n")
    assert list(tmp_path.iterdir()) == []


def test_new_stopped_by_ctrl_c_says_so_and_writes_no_story(make_site):
    root = make_site({"content/a.md": article("Tide tables", "2022-09-01T10:00:00Z")})
    result = _interrupted(root, "os.link", "new", "Tides turn", "--url", "https://example.org/tides")

    assert (result.returncode, result.stderr) == (130, b"interrupted\n")
    assert sorted(path.name for path in (root / "content").iterdir()) == ["a.md"]


def test_email_stopped_by_ctrl_c_says_so_in_one_line(make_site):
    root = make_site({"content/a.md": article("Tide tables", "2022-09-01T10:00:00Z")})
    result = _interrupted(root, "open:site.yml", "email")

    assert (result.returncode, result.stderr) == (130, b"interrupted\n")


def test_a_command_ends_with_its_counted_line_after_several_errors_and_its_own_line_otherwise():
    ending = Ending("x failed; kept", "interrupted", counted="x failed: {count} error(s); kept")

    assert (ending.closing(3), ending.closing()) == ("x failed: 3 error(s); kept", "x failed; kept")
    assert Ending("y failed", "interrupted").closing(2) == "y failed"
