"""Browser tests: a real headless Chromium (Debian's ``chromium``) driven by Playwright against
the app served from a thread on 127.0.0.1. Screenshots go to ``test-artifacts/``.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium`` with the flags this
closed network needs (no background traffic to Google's hosts). The tests are skipped, saying
so, when that binary is absent; ``.ci/browser-setup.sh`` installs it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from tests.conftest import DEFINITIONS, REPO
from web.app import create_app
from workflow.services import accounts
from workflow.services.cases import Service
from workflow.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"
PASSWORD = "correct horse battery staple"
PEOPLE = {
    "rita": ("reviewer", ()),
    "carl": ("chair", ()),
    "ada": ("admin", ()),
    "Lena Lead": ("lead_reviewer", ()),
    "pat": ("agency", ("Northshire Police",)),
}
NO_CHROMIUM = "Debian's chromium is not installed at /usr/bin/chromium (run .ci/browser-setup.sh)"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=FLAGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def live_server(tmp_path: Path, db_url: str, service: Service) -> Iterator[str]:
    """The app, signed-in users and all, served on a free port of 127.0.0.1 from a thread."""
    fast = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    with service.store.write() as u:
        for name, (role, agencies) in PEOPLE.items():
            new = accounts.NewUser(name=name, role=role, agencies=agencies)
            user = accounts.add_user(u, new, service.now())
            user.password_hash = fast
    settings = Settings(
        root=tmp_path,
        database_url=db_url,
        secret_key="browser-test-secret-key-0123456789abcdef",
        definitions_dir=DEFINITIONS,
        instance_dir=tmp_path,
    )
    app = create_app(settings, service=service)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


class PageWatch:
    """What a page did that a test should know about: console errors and requests that left
    the app (a CDN, say)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.errors: list[str] = []
        self.outside: list[str] = []

    def console(self, message: Any) -> None:
        # A form answered 400 with its errors logs "Failed to load resource"; failed assets are
        # caught by ``response`` below instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def response(self, response: Any) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            self.errors.append(f"{response.status} {response.url}")

    def request(self, request: Any) -> None:
        url = request.url
        if not (url.startswith(self.base) or url.startswith("data:")):
            self.outside.append(url)


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server)
    tab = context.new_page()
    watch = PageWatch(live_server)
    tab.on("console", watch.console)
    tab.on("pageerror", lambda error: watch.errors.append(str(error)))
    tab.on("request", watch.request)
    tab.on("response", watch.response)
    tab.watch = watch
    tab.set_default_timeout(15_000)
    # Assertions wait as long as actions: a loaded CI machine draws a diagram in seconds, not ms.
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    yield tab
    context.close()


def shoot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
