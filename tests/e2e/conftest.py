"""Browser tests: Debian's Chromium driven by Playwright against the live app on 127.0.0.1.

Chromium comes from the distribution (``.ci/run`` installs it), never from a browser
download. Without it the tests are skipped locally; CI always has it.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
FONTS = Path(__file__).resolve().parents[2] / "static" / "fonts"


def fonts_as_installed(directory: Path) -> dict[str, str]:
    """The environment under which Chromium finds the PDFs' Japanese font as an installed
    one: a test machine has none, and the site's pages use the device's own (static/css/app.css),
    so without it the screenshots showed tofu and the phone test measured no Japanese text."""
    config = directory / "fonts.conf"
    config.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{FONTS}</dir>
  <cachedir>{directory / "cache"}</cachedir>
</fontconfig>
""")
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make around it are ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, env=fonts_as_installed(tmp_path_factory.mktemp("fontconfig")),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo(live_server):
    """The demo seeded and served live; its address."""
    call_command("seed_demo", verbosity=0)
    return live_server.url
