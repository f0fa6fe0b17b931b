"""The preview server: a real server on 127.0.0.1, real rebuilds, and a real Chromium watching the page."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import copy_project, published_asset
from playwright.sync_api import Browser, Page

from site_builder.build import BuildResult
from site_builder.serve import EVENTS_PATH, OVERLAY_ID, Preview, PreviewServer, running, site_path

WAIT_MS = 60_000  # generous: the machine is shared; nothing here measures time


@pytest.fixture
def preview(project_copy: Path, chart_cache: Path) -> Preview:
    """Return a preview of a fresh copy of the project, built once."""
    root = project_copy
    log: list[str] = []
    preview = Preview(root, cache_dir=chart_cache, describe=lambda error: error.describe(root), log=log.append)
    assert preview.rebuild().error is None
    return preview


@pytest.fixture
def server(preview: Preview) -> Iterator[PreviewServer]:
    """Serve and watch the preview on 127.0.0.1, on a free port."""
    with running(preview) as server:
        yield server


def get(server: PreviewServer, path: str) -> tuple[int, bytes]:
    """Send a GET with the path exactly as given (no client-side normalising)."""
    host, port = str(server.server_address[0]), int(server.server_address[1])
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def open_page(browser: Browser, server: PreviewServer, path: str = "") -> Page:
    page = browser.new_page()
    page.goto(server.url + path)
    return page


def append(path: Path, text: str) -> str:
    original = path.read_text(encoding="utf-8")
    path.write_text(original + text, encoding="utf-8")
    return original


def test_serve_has_help() -> None:
    result = subprocess.run([sys.executable, "-m", "site_builder.cli", "serve", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "--port" in result.stdout and "--host" in result.stdout and "--root" in result.stdout


def test_serve_refuses_to_listen_beyond_this_machine() -> None:
    result = subprocess.run([sys.executable, "-m", "site_builder.cli", "serve", "--host", "0.0.0.0"], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "0.0.0.0" in result.stderr
    with pytest.raises(ValueError, match="this machine only"):
        PreviewServer(Preview(Path("."), cache_dir=None, describe=str), "0.0.0.0", 0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "request_path",
    [
        "/../site.yml",
        "/%2e%2e/site.yml",
        "/%2E%2E%2Fsite.yml",
        "/..%2fsite.yml",
        "/assets/../../site.yml",
        "/%5c..%5csite.yml",
        "/./index.html",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "http://example.org/../site.yml",
        "/etc/passwd",
    ],
)
def test_paths_outside_the_site_are_refused(server: PreviewServer, preview: Preview, request_path: str) -> None:
    status, body = get(server, request_path)
    assert status in (403, 404)
    assert (preview.root / "site.yml").read_bytes() not in body


def test_pages_and_files_of_the_site_are_served(server: PreviewServer, preview: Preview) -> None:
    status, body = get(server, "/")
    assert status == 200
    assert BeautifulSoup(body, "html.parser").select_one("main h1")
    stylesheet = published_asset(preview.files, "style.css")
    status, body = get(server, f"/{stylesheet}")
    assert (status, body) == (200, preview.files[stylesheet])
    assert get(server, "/services")[0] == 301
    assert get(server, "/services/")[0] == 200


def test_site_path_keeps_names_inside_the_site() -> None:
    assert site_path("/services/nwas/index.html?x=1#top") == "services/nwas/index.html"
    assert site_path("/charts/a%20b.svg") == "charts/a b.svg"
    for unsafe in ("/../x", "/a/%2e%2e/x", "/a/..%2F..%2Fx", "/a\\..\\x", "http://host/x", "x", "/%00"):
        assert site_path(unsafe) is None, unsafe


def test_the_reload_script_is_in_served_pages_only(server: PreviewServer, built: BuildResult) -> None:
    served = BeautifulSoup(get(server, "/")[1], "html.parser")
    assert any(EVENTS_PATH in script.get_text() for script in served.select("script"))
    for name, content in built.files.items():
        if name.endswith(".html"):
            scripts = BeautifulSoup(content, "html.parser").select("script")
            assert not any(EVENTS_PATH in script.get_text() for script in scripts), name


@pytest.mark.browser
def test_a_paragraph_edit_shows_in_the_open_page_and_renders_no_chart(server: PreviewServer, preview: Preview, browser: Browser) -> None:
    page = open_page(browser, server)
    first_build = preview.status.build
    marker = "A sentence written while the preview was open."
    assert page.get_by_text(marker).count() == 0
    append(preview.root / "content" / "index.md", f"\n{marker}\n")
    page.locator("main p", has_text=marker).wait_for(timeout=WAIT_MS)
    assert preview.status.build > first_build and preview.status.error is None
    assert page.locator("script[data-site-builder-preview]").count() == 1, "the update kept one live-reload script"
    assert page.locator("figure.chart svg[role=img]").count() > 0
    result = preview.last_result
    assert result is not None and result.reused_data
    assert (result.cache_hits, result.cache_misses) == (0, 0), "no chart was rendered or even looked up"
    page.close()


@pytest.mark.browser
def test_a_broken_edit_shows_an_overlay_over_the_last_good_page_until_fixed(server: PreviewServer, preview: Preview, browser: Browser) -> None:
    page = open_page(browser, server, "methodology/index.html")
    heading = page.locator("main h1").inner_text()
    source = preview.root / "content" / "methodology.md"
    original = append(source, "\nA figure that does not exist: {{ fig.no_such_figure }}.\n")
    overlay = page.locator(f"#{OVERLAY_ID}")
    overlay.wait_for(timeout=WAIT_MS)
    assert "content/methodology.md" in overlay.inner_text() and "no_such_figure" in overlay.inner_text()
    assert page.locator("main h1").inner_text() == heading, "the last good page is still shown"
    status, body = get(server, "/methodology/index.html")
    assert status == 200 and BeautifulSoup(body, "html.parser").select_one("main h1").get_text(strip=True) == heading
    reopened = open_page(browser, server, "methodology/index.html")
    reopened.locator(f"#{OVERLAY_ID}").wait_for(timeout=WAIT_MS)  # a page opened while the error stands shows it too
    source.write_text(original, encoding="utf-8")
    overlay.wait_for(state="detached", timeout=WAIT_MS)
    reopened.locator(f"#{OVERLAY_ID}").wait_for(state="detached", timeout=WAIT_MS)
    assert page.locator("main h1").inner_text() == heading
    page.close()
    reopened.close()


def test_a_data_edit_rebuilds_the_data_stage(preview: Preview) -> None:
    data = preview.root / "data" / "sources.csv"
    append(data, "")  # same bytes: the stage is kept
    assert preview.rebuild([data]).error is None
    assert preview.last_result is not None and preview.last_result.reused_data
    lines = data.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("HSJ (Health Service Journal)", "HSJ (the Health Service Journal)", 1)
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert preview.rebuild([data]).error is None
    assert preview.last_result is not None and not preview.last_result.reused_data
    assert "HSJ (the Health Service Journal)" in preview.files["index.html"].decode("utf-8")


def test_a_broken_site_yml_is_not_forgotten_by_the_next_content_edit(preview: Preview) -> None:
    settings = preview.root / "site.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\nnot_a_setting: 1\n", encoding="utf-8")
    status = preview.rebuild([settings])
    assert status.error is not None and "not_a_setting" in status.error
    content = preview.root / "content" / "index.md"
    append(content, "\nAnother paragraph.\n")
    status = preview.rebuild([content])
    assert status.error is not None and "not_a_setting" in status.error


def test_a_template_edit_shows_in_the_next_build_from_the_same_memo(preview: Preview) -> None:
    template = preview.root / "templates" / "base.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("Figures are computed from the", "Every figure is computed from the"), encoding="utf-8")
    assert preview.rebuild([template]).error is None
    footer = BeautifulSoup(preview.files["index.html"], "html.parser").select_one("footer.site-footer")
    assert footer is not None and "Every figure is computed from the" in footer.get_text()


RELOAD_SCRIPT = """
import json, sys
from pathlib import Path
from site_builder import serve
root = Path(sys.argv[1])
preview = serve.Preview(root, cache_dir=Path(sys.argv[2]), describe=lambda error: error.describe(root), log=lambda _: None)
first = preview.rebuild()
old_memo = preview.memo
charts = root / "story" / "charts.py"
charts.write_text(charts.read_text().replace('"999 calls answered for LAS"', '"999 calls answered for LAS, edited"'))
second = preview.rebuild([charts])
print(json.dumps({"first": first.error, "second": second.error, "builds": second.build, "new_memo": preview.memo is not old_memo,
                  "reused_data": preview.last_result.reused_data, "pages": len(preview.last_result.pages),
                  "edited": "999 calls answered for LAS, edited" in preview.files["charts/calls-by-service.vl.json"].decode()}))
"""


@pytest.fixture
def project_with_story(tmp_path: Path) -> Path:
    """Return a copy of the project with its own copy of the story, to edit in a process of its own."""
    return copy_project(tmp_path / "project", with_story=True)


def test_a_chart_code_change_reloads_the_story_and_rebuilds_from_the_data(project_with_story: Path, chart_cache: Path) -> None:
    # In a separate process: reloading the story's modules here would swap classes under the other tests' feet.
    charts = (project_with_story / "story" / "charts.py").read_text(encoding="utf-8")
    assert '"999 calls answered for LAS"' in charts, "the edit below must change the chart"
    result = subprocess.run([sys.executable, "-c", RELOAD_SCRIPT, str(project_with_story), str(chart_cache)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["first"] is None and outcome["second"] is None
    assert outcome["builds"] == 2 and outcome["new_memo"] and not outcome["reused_data"] and outcome["pages"] > 3
    assert outcome["edited"], "the chart was rebuilt from the edited code"


BROKEN_CODE_SCRIPT = """
import json, sys
from pathlib import Path
from site_builder import serve
root = Path(sys.argv[1])
preview = serve.Preview(root, cache_dir=Path(sys.argv[2]), describe=lambda error: error.describe(root), log=lambda _: None)
preview.rebuild()
good = preview.files
charts = root / "story" / "charts.py"
lines = charts.read_text().splitlines() + ["def chart(:"]
charts.write_text("\\n".join(lines) + "\\n")
status = preview.rebuild([charts])
print(json.dumps({"error": status.error, "same_site": preview.files is good, "build": status.build, "line": len(lines)}))
"""


def test_chart_code_that_does_not_parse_is_reported_and_the_last_good_site_kept(project_with_story: Path, chart_cache: Path) -> None:
    result = subprocess.run([sys.executable, "-c", BROKEN_CODE_SCRIPT, str(project_with_story), str(chart_cache)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["error"].startswith("chart error: story/charts.py, line ") and "does not parse" in outcome["error"]
    assert f"charts.py, line {outcome['line']}:" in outcome["error"]
    assert outcome["same_site"] and outcome["build"] == 1


def wait_until(condition: Callable[[], bool]) -> bool:
    """Poll a condition for up to a minute (the watcher runs in its own thread); nothing here is timed."""
    for _ in range(600):
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_site_yml_saved_by_replacing_the_file_is_seen_every_time(server: PreviewServer, preview: Preview) -> None:
    settings = preview.root / "site.yml"
    text = settings.read_text(encoding="utf-8")
    for attempt in range(2):  # a watch on the file itself would end with the first replacement
        title = f"A title saved by replacing the file, take {attempt}"
        replacement = settings.with_name("site.yml.saving")
        replacement.write_text(text.replace("London's 999 calls, answered elsewhere", title), encoding="utf-8")
        os.replace(replacement, settings)
        assert wait_until(lambda title=title: title in BeautifulSoup(preview.files["index.html"], "html.parser").title.get_text())  # type: ignore[misc]


def test_a_failed_page_edit_keeps_the_data_stage_for_the_build_that_fixes_it(preview: Preview) -> None:
    source = preview.root / "content" / "methodology.md"
    original = append(source, "\nA figure that does not exist: {{ fig.no_such_figure }}.\n")
    assert preview.rebuild([source]).error is not None
    source.write_text(original, encoding="utf-8")
    assert preview.rebuild([source]).error is None
    assert preview.last_result is not None and preview.last_result.reused_data, "the failed build did not drop the data, figures and charts"
