"""Embeds and exports: embed pages, oEmbed, downloads, auto-height in Chromium, and the single file."""

from __future__ import annotations

import json
import posixpath
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from csv import reader as csv_reader
from pathlib import Path

import pytest
import vl_convert as vlc
from bs4 import BeautifulSoup
from conftest import serve
from playwright.sync_api import Browser

from site_builder.build import BuildResult
from site_builder.embed import png_size
from site_builder.export import export_single_file
from site_builder.writer import DirectoryWriter

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def shown_charts(built: BuildResult) -> list[str]:
    return sorted({chart_id for page in built.pages for chart_id in page.charts})


def test_every_shown_chart_has_an_embed_page_and_oembed(built: BuildResult) -> None:
    for chart_id in shown_charts(built):
        page = BeautifulSoup(built.files[f"embed/{chart_id}/index.html"].decode("utf-8"), "html.parser")
        assert page.select_one("figure.chart svg[role=img]")
        assert page.select_one("details.chart-data table")
        assert not page.select("header nav"), "an embed has no site chrome"
        assert page.select_one("a[target=_top]")["href"].endswith(".html")
        discovery = page.select_one('link[rel=alternate][type="application/json+oembed"]')
        assert discovery["href"] == "oembed.json"
        document = json.loads(built.files[f"embed/{chart_id}/oembed.json"])
        assert document["version"] == "1.0" and document["type"] == "rich"
        assert document["width"] > 0 and document["height"] > 0 and document["title"] and document["provider_name"]
        iframe = BeautifulSoup(document["html"], "html.parser").iframe
        assert iframe["title"] and iframe["loading"] == "lazy"
        thumbnail = posixpath.normpath(posixpath.join(f"embed/{chart_id}", document["thumbnail_url"]))
        assert built.files[thumbnail].startswith(PNG_SIGNATURE)
        assert (document["thumbnail_width"], document["thumbnail_height"]) == png_size(built.files[thumbnail])


def test_share_panel_downloads_resolve_and_open(built: BuildResult) -> None:
    home = BeautifulSoup(built.files["index.html"].decode("utf-8"), "html.parser")
    panels = home.select("figure.chart details.chart-share")
    assert panels
    for panel in panels:
        figure = panel.find_parent("figure")
        snippet = BeautifulSoup(panel.select_one("textarea").get_text(), "html.parser").iframe
        assert snippet["title"] and snippet["loading"] == "lazy" and snippet["src"].endswith("index.html")
        links = {a.get_text(): a["href"] for a in panel.select(".chart-downloads a")}
        files = {label: built.files[href] for label, href in links.items()}
        png = next(v for k, v in files.items() if "PNG" in k)
        svg = next(v for k, v in files.items() if "SVG" in k)
        spec = next(v for k, v in files.items() if "Vega-Lite" in k)
        csv = next(v for k, v in files.items() if "CSV" in k)
        assert png.startswith(PNG_SIGNATURE)
        assert ElementTree.fromstring(svg).tag.endswith("svg")
        assert vlc.vegalite_to_svg(json.loads(spec)).startswith("<svg")
        table = figure.select_one("details.chart-data table")
        shown = [[cell.get_text() for cell in row.select("th, td")] for row in table.select("tbody tr")]
        rows = list(csv_reader(csv.decode("utf-8").strip().splitlines()))[1:]  # labels may hold commas ("1,000–1,999")
        assert len(rows) == len(shown)
        for raw, pretty in zip(rows, shown, strict=True):
            for value, text in zip(raw, pretty, strict=True):
                assert same_value(value, text), (value, text)


def same_value(raw: str, shown: str) -> bool:
    """Say whether a CSV cell and the table's formatted cell hold the same value."""
    try:
        return abs(float(raw) - float(shown.replace(",", ""))) <= 0.05
    except ValueError:
        words = {"": "no data", "True": "yes", "False": "no"}
        return shown == words.get(raw, raw)


@pytest.fixture(scope="module")
def site_server(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Serve the built site on 127.0.0.1, in its own folder, beside host pages that embed three charts."""
    folder = tmp_path_factory.mktemp("served") / "site"
    DirectoryWriter(folder).write_site(built.files)
    with serve(folder) as base:
        yield base, folder


def host_page(built: BuildResult, folder: Path, with_script: bool) -> str:
    charts = shown_charts(built)[:3]
    frames = []
    for chart_id, width in zip(charts, (320, 768, 1200), strict=False):
        snippet = BeautifulSoup(json.loads(built.files[f"embed/{chart_id}/oembed.json"])["html"], "html.parser").iframe
        snippet["src"] = f"embed/{chart_id}/index.html"
        frames.append(f'<div style="width:{width}px">{snippet}</div>')
    script = '<script src="assets/embed.js"></script>' if with_script else ""
    name = f"host-{'script' if with_script else 'plain'}.html"
    (folder / name).write_text(f"<!DOCTYPE html><html><head><title>Host</title>{script}</head><body>{''.join(frames)}</body></html>", encoding="utf-8")
    return name


@pytest.mark.browser
@pytest.mark.parametrize("with_script", [True, False], ids=["embed.js", "fallback"])
def test_embeds_fit_their_content_at_three_widths(built: BuildResult, site_server: tuple[str, Path], browser: Browser, with_script: bool) -> None:
    base, folder = site_server
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(base + host_page(built, folder, with_script))
    page.wait_for_load_state("load")
    frames = page.locator("iframe")
    assert frames.count() == 3
    for index in range(3):
        frame_element = frames.nth(index)
        frame_element.scroll_into_view_if_needed()
        frame = frame_element.element_handle().content_frame()
        assert frame is not None
        frame.wait_for_selector("figure.chart svg >> visible=true")  # a wide and a narrow drawing: one shows
        if with_script:
            page.wait_for_function(
                "([i]) => { const f = document.querySelectorAll('iframe')[i]; const d = f.contentDocument; "
                "return d && Math.abs(f.getBoundingClientRect().height - d.getElementById('main').getBoundingClientRect().height) < 40; }",
                arg=[index],
            )
        sizes = frame.evaluate(
            "() => ({scroll: document.documentElement.scrollHeight, client: document.documentElement.clientHeight, "
            "content: document.getElementById('main').getBoundingClientRect().height})"
        )
        assert sizes["scroll"] <= sizes["client"], f"inner scrollbar in frame {index}: {sizes}"
        if with_script:
            assert sizes["client"] - sizes["content"] < 40, f"frame {index} is not fitted to its content: {sizes}"
    page.close()


@pytest.mark.browser
def test_single_file_opens_offline_and_shows_every_chart(built: BuildResult, browser: Browser, tmp_path: Path) -> None:
    html = export_single_file(built.files)
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select("[href], [src], [srcset], [data]"):
        for attribute in ("href", "src", "srcset", "data"):
            value = str(element.get(attribute, ""))
            assert value == "" or value.startswith(("#", "data:")), (element.name, value[:80])
    assert "http://" not in html and "https://" not in html
    path = tmp_path / "story.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(offline=True)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(path.as_uri())
    charts = page.locator("figure.chart svg >> visible=true")  # a wide and a narrow drawing: one shows
    expected = len(BeautifulSoup(built.files["index.html"].decode("utf-8"), "html.parser").select("figure.chart"))
    assert charts.count() == expected > 0
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50
    assert [url for url in requests if url != path.as_uri()] == []
    context.close()
