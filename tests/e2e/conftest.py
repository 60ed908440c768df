"""Browser tests: a real Streamlit server on a free local port, driven by Debian's headless chromium.

They skip, saying why, only where no Chromium is installed; under CI (``CI=true``) a missing
Chromium is an error, since .ci/run installs it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dashboard.style import BOUNDARY
from queries.access import CLIENT_ATTEMPTS_ENV
from tests.postgres_cluster import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the browser tests but no chromium is installed (.ci/run installs it)")
        pytest.skip("no Chromium installed: install Debian's chromium to run the browser tests")
    return CHROMIUM


@contextmanager
def start_app(db: Path, log_path: Path | None = None, root: Path = ROOT) -> Iterator[str]:
    """Run the app of the checkout ``root`` on ``db`` on a free local port; yield its URL once it answers,
    stop it after. The server's output goes to ``log_path`` where given."""
    port = free_port()
    # the browser tests sign in many times a minute from one address: the per-address limit is tested on its own
    env = {**os.environ, "CORDON_DB": str(db), CLIENT_ATTEMPTS_ENV: "1000"}
    log = open(log_path, "w+b") if log_path else tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    for _ in range(120):
        try:
            if direct.open(f"{url}/_stcore/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        log.seek(0)
        raise RuntimeError(f"the app did not start: {log.read().decode(errors='replace')[-2000:]}")
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def boundary_drawn(png: bytes) -> bool:
    """Whether a screenshot of the map shows the land boundary (at least 200 pixels of its red)."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    return int((np.abs(pixels - np.array(BOUNDARY)).sum(axis=2) < 40).sum()) >= 200


def send_sign_in(page, url: str, username: str = "admin", password: str | None = None) -> None:
    """Open ``url`` (a new session) and send the sign-in form, not waiting for the page asked for (so that
    several pages' servers draw them at once)."""
    from tests.conftest import PASSWORD

    page.goto(url)
    page.get_by_label("User name", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password or PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page, url: str, username: str = "admin", password: str | None = None) -> None:
    """Open ``url`` (a new session) and sign in there; the page asked for then renders."""
    send_sign_in(page, url, username, password)
    page.get_by_role("button", name="Sign out").wait_for(timeout=90_000)


def open_signed_in(page, url: str) -> None:
    """Open ``url`` in a page whose browser already holds a session cookie (``admin_page``); it then renders."""
    page.goto(url)
    page.get_by_role("button", name="Sign out").wait_for(timeout=90_000)


@pytest.fixture(scope="session")
def app_url(chromium_path, seeded_db) -> Iterator[str]:
    """The URL of the app running on the session's seeded database."""
    with start_app(seeded_db) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


VIEWPORT = {"width": 1600, "height": 1000}


@pytest.fixture
def page(browser):
    """A page in a browser of its own: no cookie."""
    context = browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="module")
def admin_browser(browser, app_url):
    """A browser signed in as the admin on the seeded app once for the module's tests: a sign-in is two page loads
    and a password hash (3-19 s under load against 1-4 s for a page opened with the cookie). Its tests share only
    the session cookie: none signs out or changes the account, and each view lives in its page's URL."""
    context = browser.new_context(viewport=VIEWPORT)
    signing_in = context.new_page()
    sign_in(signing_in, app_url)
    signing_in.close()
    yield context
    context.close()


@pytest.fixture
def admin_page(admin_browser):
    """A new page of ``admin_browser`` (a new Streamlit session under the admin's cookie), closed after the test."""
    opened = admin_browser.new_page()
    yield opened
    opened.close()
