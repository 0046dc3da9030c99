"""Headless Debian Chromium through Selenium and the system chromedriver: nothing is downloaded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import IN_CI

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def missing(what: str) -> None:
    """Skip on a developer's machine without the tool; in CI a missing tool is a failure."""
    if IN_CI:
        pytest.fail(f"this test needs {what} (see README: running the tests)")
    pytest.skip(f"{what} not installed")


@contextmanager
def chromium(profile: Path) -> Iterator[object]:
    """A fresh headless Chromium with an empty profile in `profile`."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing("the selenium Python package")
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        missing("Debian chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1024",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")  # Selenium Manager must not fetch a browser or driver
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.set_page_load_timeout(20)
        driver.set_script_timeout(30)
        yield driver
    finally:
        driver.quit()
