"""The site as it is published: built with its address, served by Debian's nginx under /story/ with deploy/nginx.conf.

What is tested is the committed configuration itself (its @WORDS@ filled in), run as its own nginx process; Chromium
loads every page and embed through it, a page on a second origin embeds three charts, and the 404 page is served for
missing paths at any depth.
"""

from __future__ import annotations

import gzip
import http.client
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, serve
from playwright.sync_api import Browser
from test_browser import Traffic, chart_problems

from deploy.nginx import SUB_PATH, NginxError, free_port, readable_folder, running_nginx
from site_builder.build import build
from site_builder.config import load_config
from site_builder.publish import page_url
from site_builder.writer import DirectoryWriter

# What a reader's browser must be told each kind of file is (independently of the configuration under test).
CONTENT_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".json": "application/json",  # Vega and Vega-Lite specs, oEmbed, the data package
    ".topojson": "application/json",
    ".csv": "text/csv",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".xml": "text/xml",
    ".txt": "text/plain",
    ".md": "text/markdown",
}
COMPRESSED = {".html", ".css", ".js", ".json", ".topojson", ".csv", ".svg", ".xml", ".md"}
YEAR = "public, max-age=31536000, immutable"
HIDDEN = {".site-builder", "_headers"}  # for the builder and for other hosts: nginx answers 404


@dataclass(frozen=True)
class Deployed:
    """The built site, where it is on disk and the address nginx serves it at."""

    base_url: str  # http://127.0.0.1:PORT/story/
    folder: Path

    @property
    def netloc(self) -> str:
        """Return host:port."""
        return urlsplit(self.base_url).netloc


@pytest.fixture(scope="module")
def deployed(chart_cache: Path) -> Iterator[Deployed]:
    """Build the real project with the address nginx serves it at, and serve it under /story/ for this module."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}{SUB_PATH}"
    www = readable_folder("site-builder-www-")  # nginx's workers run as an unprivileged user: they must read the site
    folder = www / SUB_PATH.strip("/")
    build(load_config(ROOT, folder, base_url), DirectoryWriter(folder), cache_dir=chart_cache)
    try:
        with running_nginx(root=www, port=port):
            yield Deployed(base_url, folder)
    except NginxError as error:
        pytest.fail(str(error))
    finally:
        shutil.rmtree(www, ignore_errors=True)


def get(deployed: Deployed, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET a site path as a browser does (asking for gzip); return the status, headers and the body, decompressed."""
    connection = http.client.HTTPConnection(deployed.netloc, timeout=30)
    try:
        connection.request("GET", urlsplit(deployed.base_url).path + path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        body = response.read()
        headers = {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return response.status, headers, body


def site_files(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def reader_pages(folder: Path) -> list[str]:
    """Return every page a reader may open: the pages and the embeds, not the 404 page."""
    return [name for name in site_files(folder) if name.endswith(".html") and name != "404.html"]


def test_every_file_is_served_with_its_type_compressed_and_cached_as_it_should(deployed: Deployed) -> None:
    problems = []
    names = site_files(deployed.folder)
    assert {Path(name).suffix for name in names if name not in HIDDEN} <= CONTENT_TYPES.keys(), "a kind of file this test does not know"
    for name in names:
        status, headers, body = get(deployed, name)
        suffix = Path(name).suffix
        if name in HIDDEN:
            problems += [f"{name}: served ({status})"] if status != 404 else []
            continue
        expected = CONTENT_TYPES[suffix]
        if status != 200 or body != (deployed.folder / name).read_bytes():
            problems.append(f"{name}: HTTP {status}, or not the file")
        if headers.get("content-type", "").split(";")[0] != expected:
            problems.append(f"{name}: served as {headers.get('content-type')!r}, not {expected}")
        if suffix in COMPRESSED and len(body) > 1024 and headers.get("content-encoding") != "gzip":
            problems.append(f"{name}: not compressed")
        hashed = name.startswith("assets/") and name.count(".") == 2
        if (headers.get("cache-control") == YEAR) != hashed:
            problems.append(f"{name}: Cache-Control {headers.get('cache-control')!r}")
    assert not problems, "\n".join(problems)


def test_the_sitemap_lists_every_page_for_readers_and_robots_txt_points_at_it(deployed: Deployed) -> None:
    status, headers, robots = get(deployed, "robots.txt")
    assert status == 200
    assert f"Sitemap: {deployed.base_url}sitemap.xml" in robots.decode().splitlines()
    status, headers, body = get(deployed, "sitemap.xml")
    assert (status, headers["content-type"].split(";")[0]) == (200, "text/xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = [loc.text or "" for loc in ElementTree.fromstring(body).findall("s:url/s:loc", namespace)]
    pages = [name for name in reader_pages(deployed.folder) if not name.startswith("embed/")]
    assert sorted(listed) == sorted(page_url(deployed.base_url, name) for name in pages)
    for url in listed:
        assert not urlsplit(url).path.startswith(f"{SUB_PATH}embed/")
        status, headers, _ = get(deployed, url.removeprefix(deployed.base_url))
        assert (status, headers["content-type"].split(";")[0]) == (200, "text/html"), url


def test_canonical_social_and_oembed_addresses_are_absolute_and_served(deployed: Deployed) -> None:
    problems = []
    for name in reader_pages(deployed.folder):
        soup = BeautifulSoup((deployed.folder / name).read_text(encoding="utf-8"), "html.parser")
        canonical = soup.select_one("link[rel=canonical]")
        own = page_url(deployed.base_url, name)
        if canonical is None or canonical["href"] != own or soup.select_one("meta[property='og:url']")["content"] != own:
            problems.append(f"{name}: canonical and og:url are not {own}")
        addresses = [str(meta["content"]) for meta in soup.select("meta[property='og:image'], meta[name='twitter:image']")]
        if name.startswith("embed/"):
            oembed = json.loads((deployed.folder / name).with_name("oembed.json").read_text(encoding="utf-8"))
            addresses += [oembed["thumbnail_url"], str(BeautifulSoup(oembed["html"], "html.parser").iframe["src"])]
        for address in addresses:
            if not address.startswith(deployed.base_url) or get(deployed, address.removeprefix(deployed.base_url))[0] != 200:
                problems.append(f"{name}: {address} is not an address of the site that it serves")
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_every_page_and_embed_loads_through_nginx_and_draws_its_charts(browser: Browser, deployed: Deployed) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    live = 0
    for name in reader_pages(deployed.folder):
        page, traffic = Traffic.open(context, deployed.netloc)
        page.goto(deployed.base_url + name, wait_until="load")
        # Draw every chart now rather than as each scrolls into view: the runtime and the specs come through nginx.
        count = page.evaluate(
            "() => { const g = document.querySelectorAll('.chart-graphic[data-spec]'); "
            "g.forEach(x => x.dispatchEvent(new Event('pointerenter'))); return g.length; }"
        )
        if count and not name.startswith("embed/"):  # embeds stay static: they load no script but the resizer
            page.wait_for_function(
                "() => [...document.querySelectorAll('.chart-graphic[data-spec]')].every(g => ['live', 'static'].includes(g.getAttribute('data-state')))"
            )
            drawn = page.locator(".chart-graphic[data-state=live]").count()
            problems += [f"{name}: {count - drawn} charts not drawn by Vega"] if drawn != count else []
            live += drawn
        # No wait for the network to idle: past the load event, a page fetches only its charts' runtime and specs, awaited above.
        problems += chart_problems(page, name) + traffic.problems(name)
        page.close()
    context.close()
    assert live > 0
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_charts_show_through_nginx_without_javascript(browser: Browser, deployed: Deployed) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems, shown = [], 0
    for name in ("index.html", "services/index.html", "services/wmas/index.html", "embed/calls-by-service/index.html"):
        assert page.goto(deployed.base_url + name).status == 200
        shown += page.locator("figure.chart").count()
        problems += chart_problems(page, name)
    context.close()
    assert shown > 0 and not problems, problems


@pytest.mark.browser
@pytest.mark.parametrize("missing", ["no-such-page.html", "services/no/such/deep/page/"])
def test_a_missing_path_at_any_depth_gets_the_404_page_with_its_styles(browser: Browser, deployed: Deployed, missing: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page, traffic = Traffic.open(context, deployed.netloc)
    response = page.goto(deployed.base_url + missing, wait_until="networkidle")
    assert response is not None and response.status == 404
    assert page.locator("main h1").inner_text() == "Page not found"
    rules = page.evaluate("() => [...document.styleSheets].reduce((n, sheet) => n + sheet.cssRules.length, 0)")
    assert rules > 20, "the 404 page is not styled"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"
    # The page itself is a 404, as it should be (Chromium logs that too); anything else it loads must succeed.
    problems = [item for item in traffic.problems(missing) if f"{missing} (HTTP 404)" not in item and "status of 404" not in item]
    assert not problems, problems
    page.get_by_role("link", name="Read the story from the start").click()
    page.wait_for_load_state("load")
    assert page.url == deployed.base_url + "index.html" and page.locator("main h1").count() == 1
    context.close()


@pytest.fixture
def share_box_snippets(browser: Browser, deployed: Deployed) -> tuple[list[str], str]:
    """Return the embed snippets of the home page's first three charts, and the script tag, as its share box shows them."""
    page = browser.new_page()
    page.goto(deployed.base_url + "index.html", wait_until="load")
    snippets = page.eval_on_selector_all("textarea.embed-code", "boxes => boxes.slice(0, 3).map(box => box.value)")
    script = page.locator(".embed-help code").first.text_content() or ""
    page.close()
    assert len(snippets) == 3
    return snippets, script


@pytest.mark.browser
def test_three_charts_pasted_on_another_origin_load_and_fit_their_content(
    browser: Browser, deployed: Deployed, share_box_snippets: tuple[list[str], str], tmp_path: Path
) -> None:
    snippets, script = share_box_snippets
    assert script.startswith(f'<script src="{deployed.base_url}assets/embed.js"')
    (tmp_path / "host.html").write_text(
        f"<!DOCTYPE html><html><head><title>A newspaper</title>{script}</head><body>"
        + "".join(f'<div style="width:{width}px">{snippet}</div>' for width, snippet in zip((360, 700, 1000), snippets, strict=True))
        + "</body></html>",
        encoding="utf-8",
    )
    with serve(tmp_path) as host:
        assert urlsplit(host).netloc != deployed.netloc  # another port: another origin
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(host + "host.html", wait_until="load")
        for index in range(3):
            frame_element = page.locator("iframe").nth(index)
            frame_element.scroll_into_view_if_needed()
            frame = frame_element.element_handle().content_frame()
            assert frame is not None and frame.url.startswith(deployed.base_url + "embed/")
            frame.wait_for_selector("figure.chart svg >> visible=true")
            content = frame.evaluate("() => Math.ceil(document.getElementById('main').getBoundingClientRect().height)")
            # Across origins the host page can't read the frame: only the frame's message can size it.
            page.wait_for_function(
                "([i, content]) => Math.abs(document.querySelectorAll('iframe')[i].getBoundingClientRect().height - content) < 40",
                arg=[index, content],
                timeout=10_000,
            )
        page.close()
    assert not failed, failed


# The publishing workflow: it can't run here, so it is linted against GitHub Actions' schema -----------------

WORKFLOWS = ROOT / ".github" / "workflows"
LINTER = Path(sys.executable).with_name("check-jsonschema")


def lint_workflows(*paths: Path) -> subprocess.CompletedProcess[str]:
    """Check workflow files against the GitHub Actions workflow schema that check-jsonschema bundles (no network)."""
    command = [str(LINTER), "--builtin-schema", "vendor.github-workflows", *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_the_publishing_workflow_is_a_valid_github_actions_workflow() -> None:
    workflows = sorted(WORKFLOWS.glob("*.yml"))
    assert workflows, "no workflow committed"
    result = lint_workflows(*workflows)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_linter_fails_on_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "publish.yml"
    broken.write_text((WORKFLOWS / "publish.yml").read_text(encoding="utf-8").replace("runs-on:", "runs_on:"), encoding="utf-8")
    result = lint_workflows(broken)
    assert result.returncode == 1 and "'runs-on' is a required property" in result.stdout, result.stdout + result.stderr


def test_the_workflow_builds_with_the_published_address_and_publishes_the_site() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "publish.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert 'make site BASE_URL="$PAGES_URL/" STRICT=1 CHANGES=1 PREVIOUS="$PREVIOUS"' in runs and "SOURCE_DATE_EPOCH" in runs
    assert '"$PAGES_URL/data/figures.json"' in runs, "strict against what the published site said"
    assert any(step.get("uses", "").startswith("actions/upload-pages-artifact@") and step["with"]["path"] == "_site" for step in steps)


def test_make_site_passes_the_address_and_strictness_to_the_builder() -> None:
    dry_run = subprocess.run(
        ["make", "-n", "site", "BASE_URL=https://example.org/story/", "STRICT=1", "PREVIOUS=published-figures.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    command = " ".join(next(line for line in dry_run.splitlines() if "site-builder build" in line).split())
    assert command.endswith("site-builder build --base-url https://example.org/story/ --strict --previous published-figures.json"), command
