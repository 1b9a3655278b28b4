"""Browser tests: the app served on a local port, driven by Debian's Chromium (Playwright),
with axe-core (vendored from npm) run on every page a test visits.

Chromium missing: the tests are skipped locally, and fail under CI (`.ci/run` installs it).
"""

import os
import shutil
from pathlib import Path

import pytest

from refurb.db_types import utcnow

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        message = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            env=_real_clock(os.environ),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _real_clock(environment) -> dict:
    """Chromium hangs under libfaketime (`faketime -f "-365d" pytest`, docs/TESTING.md): it
    runs on the real clock, and each page's clock is set to the suite's (`visit`)."""
    return {
        name: value
        for name, value in environment.items()
        if name != "LD_PRELOAD" and not name.startswith("FAKETIME")
    }


class Visit:
    """A browser tab that checks every page it lands on (accessibility, CSP, server errors)."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.csp_violations = []
        self.checked = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and self.csp_violations.append(message.text)
            ),
        )

    def go(self, path):
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def check(self):
        """Run axe-core on the current page; fail on serious or critical violations."""
        self.page.wait_for_load_state()
        self.page.evaluate(AXE)
        result = self.page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
        )
        blocking = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in BLOCKING_IMPACTS
        ]
        assert blocking == [], f"axe on {self.page.url}: {blocking}"
        assert self.csp_violations == [], self.csp_violations
        self.checked.append(self.page.url)

    def sign_in(self, email, password):
        self.go("/connexion")
        self.page.get_by_label("Adresse e-mail").fill(email)
        self.page.get_by_label("Mot de passe").fill(password)
        self.page.get_by_role("button", name="Se connecter").click()
        self.check()


@pytest.fixture
def visit(browser, live_server):
    contexts = []

    def open_tab(viewport=None):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        context.clock.set_system_time(utcnow())  # the server's clock, faked or not
        contexts.append(context)
        return Visit(context.new_page(), live_server)

    yield open_tab
    for context in contexts:
        context.close()
