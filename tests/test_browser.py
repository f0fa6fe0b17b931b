"""Every page and embed in a real Chromium: clean loads, local requests only, visible charts, axe, the Nu Html Checker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup
from contact_sheet import add_to_contact_sheet
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response, Route

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
SCREEN_WIDTHS = (360, 1280)
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_BATCH = 8


def site_pages(folder: Path) -> list[str]:
    """Return every HTML page of the built site, embeds included, as paths relative to its root."""
    pages = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.html"))
    assert "index.html" in pages and any(page.startswith("embed/") for page in pages), pages
    return pages


@dataclass
class Traffic:
    """What one page asked for, and what went wrong on the way."""

    allowed_host: str  # host:port of the local server, or "" for file:// pages
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, context: BrowserContext, allowed_host: str) -> tuple[Page, Traffic]:
        """Open a page in `context` whose every request, failure and console error is recorded."""
        page = context.new_page()
        traffic = cls(allowed_host)
        page.route("**/*", traffic._route)
        page.on("request", lambda request: traffic.requests.append(request.url))
        page.on("requestfailed", lambda request: traffic.failed.append(f"{request.url} ({request.failure})"))
        page.on("response", traffic._response)
        page.on("console", traffic._console)
        page.on("pageerror", lambda error: traffic.errors.append(f"uncaught exception: {error}"))
        return page, traffic

    def _route(self, route: Route) -> None:
        if self._is_local(route.request.url):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text}")

    def _is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "data":  # inline content, fetched from no host
            return True
        if self.allowed_host:
            return parts.scheme in ("http", "https") and parts.netloc == self.allowed_host
        return parts.scheme == "file"

    def problems(self, name: str) -> list[str]:
        """Return everything that went wrong for the page `name`."""
        found = [f"{name}: request to another host: {url}" for url in self.foreign]
        # A refused foreign request also fails; report it once, as foreign.
        found += [f"{name}: failed request: {item}" for item in self.failed if not any(item.startswith(url) for url in self.foreign)]
        return found + [f"{name}: {item}" for item in self.errors]


@pytest.fixture(scope="module")
def pages(site_folder: Path) -> list[str]:
    """Return every page of the built site."""
    return site_pages(site_folder)


def chart_problems(page: Page, name: str) -> list[str]:
    """Return a problem for each chart on the page whose SVG is not drawn at a readable size."""
    # One round trip per page; Playwright evaluates in its own world, so this works with JavaScript off too.
    charts = page.evaluate(
        """() => [...document.querySelectorAll('figure.chart')].map(figure => {
            const svg = figure.querySelector('svg');
            const box = svg ? svg.getBoundingClientRect() : null;
            const visible = !!svg && svg.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
            return {id: figure.id, width: box ? box.width : 0, height: box ? box.height : 0, visible};
        })"""
    )
    return [
        f"{name}: chart {chart['id']} is not visible ({chart['width']:.0f}×{chart['height']:.0f} px, visible: {chart['visible']})"
        for chart in charts
        if chart["width"] < 100 or chart["height"] < 50 or not chart["visible"]
    ]


def test_every_page_loads_cleanly_from_the_local_server_only(browser: Browser, site_url: str, pages: list[str]) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    host = urlsplit(site_url).netloc
    opened = []
    for name in pages:
        page, traffic = Traffic.open(context, host)
        page.goto(site_url + name, wait_until="load")
        opened.append((name, page, traffic))
    problems: list[str] = []
    # Pages stay open until the network is quiet, so late requests (lazy scripts, data) are caught too.
    for name, page, traffic in opened:
        page.wait_for_load_state("networkidle")
        assert traffic.requests[0] == site_url + name
        problems += chart_problems(page, name) + traffic.problems(name)
    context.close()
    assert not problems, "\n".join(problems)


def test_the_request_recorder_catches_another_host_and_a_console_error(browser: Browser, site_url: str) -> None:
    """The recorder must be able to fail: a page that fetches from elsewhere, or logs an error, is caught."""
    context = browser.new_context()
    page, traffic = Traffic.open(context, urlsplit(site_url).netloc)
    page.goto(site_url + "index.html", wait_until="load")
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = 'https://example.org/x.png'; document.body.append(img); console.error('boom'); }"
    )
    page.wait_for_load_state("networkidle")
    problems = traffic.problems("index.html")
    context.close()
    assert any("another host: https://example.org/x.png" in problem for problem in problems), problems
    assert any("console error: boom" in problem for problem in problems), problems


def test_charts_are_visible_without_javascript(browser: Browser, site_url: str, pages: list[str]) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    shown = 0
    page = context.new_page()
    for name in pages:
        page.goto(site_url + name)
        shown += page.locator("figure.chart").count()
        problems += chart_problems(page, name)
    context.close()
    assert shown > 0
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["index.html", "services/wmas/index.html"])
def test_pages_work_from_file_urls(browser: Browser, site_folder: Path, name: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page, traffic = Traffic.open(context, "")
    page.goto((site_folder / name).as_uri(), wait_until="load")
    assert page.locator("figure.chart").count() > 0
    problems = chart_problems(page, name)
    stylesheets = [url for url in traffic.requests if url.endswith(".css")]
    # The stylesheet applied: main is held to a measure, which no browser default does.
    max_width = page.evaluate("() => getComputedStyle(document.querySelector('main')).maxWidth")
    problems += traffic.problems(name)
    context.close()
    assert stylesheets and all(url.startswith("file://") for url in stylesheets), stylesheets
    assert max_width != "none"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_21_aa_violations(browser: Browser, site_url: str, pages: list[str], scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})  # type: ignore[arg-type]
    context.add_init_script(Axe().axe_script)
    options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]})
    report: list[str] = []
    # Pages are checked a batch at a time, each batch's axe runs side by side in their own renderers.
    for batch in range(0, len(pages), AXE_BATCH):
        running = []
        for name in pages[batch : batch + AXE_BATCH]:
            page = context.new_page()
            page.goto(site_url + name, wait_until="load")
            # Open every <details> so axe checks the data tables and share panels too.
            page.evaluate(
                f"() => {{ document.querySelectorAll('details').forEach(d => {{ d.open = true; }}); window.axeResults = axe.run(document, {options}); }}"
            )
            running.append((name, page))
        for name, page in running:
            for violation in page.evaluate("() => window.axeResults.then(results => results.violations)"):
                targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                report.append(
                    f"{name} ({scheme}): {violation['id']} ({violation['impact']}): {violation['help']} — {len(violation['nodes'])} element(s): {targets}"
                )
            page.close()
    context.close()
    assert not report, "axe found WCAG 2.1 A/AA violations:\n" + "\n".join(report)


def test_axe_reports_a_violation_it_is_shown(browser: Browser, site_url: str) -> None:
    """The axe check must be able to fail: an image without alt text on a real page is reported."""
    context = browser.new_context()
    context.add_init_script(Axe().axe_script)
    page = context.new_page()
    page.goto(site_url + "index.html", wait_until="load")
    page.evaluate("() => document.querySelector('main').append(Object.assign(document.createElement('img'), {src: 'data:,'}))")
    options = json.dumps({"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]})
    violations = page.evaluate(f"() => axe.run(document, {options}).then(results => results.violations.map(v => v.id))")
    context.close()
    assert "image-alt" in violations


def html_errors(folder: Path, names: list[str]) -> list[str]:
    """Check the pages with the Nu Html Checker in one Java process; return 'file, line N: message' for each error."""
    jar = os.environ.get("VNU_JAR")
    if not jar or not Path(jar).is_file():
        pytest.fail(f"the Nu Html Checker is missing (VNU_JAR={jar!r}): run `make test`, which installs vnu-jar from npm into .tools/")
    if shutil.which("java") is None:
        pytest.fail("the Nu Html Checker needs Java: run `make test`, which installs it (apt-get install default-jre-headless) when run as root")
    files = [str(folder / name) for name in names]
    result = subprocess.run(["java", "-jar", jar, "--errors-only", "--format", "json", *files], capture_output=True, text=True, check=False)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f"{urlsplit(m.get('url', '')).path.removeprefix(str(folder) + '/')}, line {m.get('lastLine', '?')}: {m['message']}" for m in messages]
    assert errors or result.returncode == 0, result.stderr
    return errors


def test_nu_html_checker_finds_no_errors(site_folder: Path, pages: list[str]) -> None:
    errors = html_errors(site_folder, pages)
    assert not errors, "the Nu Html Checker found errors:\n" + "\n".join(errors)


def test_nu_html_checker_reports_file_line_and_message(tmp_path: Path) -> None:
    """The HTML check must be able to fail, and say where."""
    (tmp_path / "broken.html").write_text('<!DOCTYPE html>\n<html lang="en">\n<title>Broken</title>\n<p><div>block in a paragraph</span>\n', encoding="utf-8")
    errors = html_errors(tmp_path, ["broken.html"])
    assert errors and all(error.startswith("broken.html, line 4: ") for error in errors), errors


# Dark at the phone's width only: a full-page screenshot costs its pixels (the data page at 1280 px, 40 megapixels,
# takes most of the test), and the dark colours are the same stylesheet at every width.
@pytest.mark.parametrize(("width", "scheme"), [*((width, "light") for width in SCREEN_WIDTHS), (min(SCREEN_WIDTHS), "dark")])
def test_screenshots_of_every_page(browser: Browser, site_url: str, pages: list[str], width: int, scheme: str) -> None:
    """Screenshot every page at each width and colour scheme, and add them to the contact sheet, for a person to look at."""
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)  # type: ignore[arg-type]
    folder = SCREENSHOTS / f"{width}-{scheme}"
    shutil.rmtree(folder, ignore_errors=True)  # no stale screenshot of a page that is gone
    folder.mkdir(parents=True)
    # Embeds are one chart each, already drawn in their pages; their fit is tested in test_embeds.
    for name in [name for name in pages if not name.startswith("embed/")]:
        page = context.new_page()
        page.goto(site_url + name, wait_until="load")
        target = folder / (name.removesuffix("/index.html").replace("/", "-").removesuffix(".html") + ".png")
        page.screenshot(path=str(target), full_page=True)
        # Nothing may be wider than a narrow screen: the page never scrolls sideways.
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.close()
        assert target.stat().st_size > 1000
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    context.close()
    sheet = add_to_contact_sheet(SCREENSHOTS, folder.name)
    tiles = BeautifulSoup(sheet.read_text(encoding="utf-8"), "html.parser").select(f"a[href^='{folder.name}/'] img")
    assert len(tiles) == len(list(folder.glob("*.png"))), f"{sheet} has {len(tiles)} tiles for {folder.name}"
