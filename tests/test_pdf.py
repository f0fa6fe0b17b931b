"""The story printed to PDF by Chromium: every chart's title in its text, a sensible page count, no chart cut by a page break."""

from __future__ import annotations

import io
import math
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser
from pypdf import PdfReader

from site_builder.build import BuildResult
from site_builder.errors import ConfigError
from site_builder.export import STORY, export_pdf, print_pdf

pytestmark = pytest.mark.browser

MM = 96 / 25.4  # CSS pixels in a millimetre
A4_WIDTH, A4_HEIGHT = 210 * MM, 297 * MM


def squeezed(text: str) -> str:
    """Return `text` without whitespace and ligatures: a PDF's text breaks lines where the page did, and its font joins 'ffi'."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def charts_on_page(html: bytes) -> list[tuple[str, str, str]]:
    """Return each chart of a built page as (id, title, the last words of its figure as printed: its source line)."""
    soup = BeautifulSoup(html.decode("utf-8"), "html.parser")
    return [
        (str(figure["id"]), figure.select_one(".chart-title").get_text(" ", strip=True), figure.select_one(".chart-source").get_text(" ", strip=True))
        for figure in soup.select("figure.chart")
    ]


def pages_text(pdf: bytes) -> list[str]:
    """Return the text of each page of a PDF, squeezed."""
    return [squeezed(page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]


def charts_cut_by_page_breaks(pages: list[str], charts: list[tuple[str, str, str]]) -> list[str]:
    """Return a problem for each chart whose title is missing, or whose source line (its figure's end) is on another page than its title."""
    joined = "".join(pages)
    starts = [sum(len(page) for page in pages[:number]) for number in range(len(pages))]

    def page_at(offset: int) -> int:
        return max(number for number, start in enumerate(starts) if start <= offset) + 1

    problems = []
    for chart_id, title, source in charts:
        at = joined.find(squeezed(title))
        if at < 0:
            problems.append(f"chart {chart_id}: its title {title!r} is not in the PDF's text")
            continue
        end = joined.find(squeezed(source), at)
        if end < 0:
            problems.append(f"chart {chart_id}: its source line is not in the PDF's text after its title")
        elif page_at(at) != page_at(end + len(squeezed(source)) - 1):
            problems.append(
                f"chart {chart_id}: cut by a page break (title on page {page_at(at)}, source line ends on page {page_at(end + len(squeezed(source)) - 1)})"
            )
    return problems


def printed_height(browser: Browser, folder: Path) -> float:
    """Return the story's height, in CSS pixels, laid out for print at the width of an A4 page's text (15 mm margins)."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": round(A4_WIDTH - 30 * MM), "height": 800})
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto((folder / STORY).as_uri(), wait_until="load")
    height: float = page.evaluate("() => document.documentElement.scrollHeight")
    context.close()
    return height


@pytest.fixture(scope="module")
def story_pages(built: BuildResult, browser: Browser) -> list[str]:
    """Return the text of each page of the story printed to PDF (reading it takes seconds: once per module)."""
    return pages_text(print_pdf(browser, built.files))


def test_the_pdf_holds_every_chart_whole_and_a_sensible_number_of_pages(
    story_pages: list[str], built: BuildResult, browser: Browser, site_folder: Path
) -> None:
    charts = charts_on_page(built.files[STORY])
    pages = story_pages
    assert len(charts) > 5
    assert charts_cut_by_page_breaks(pages, charts) == []
    # The story's printed height over a page's (less the 15 mm top and 18 mm bottom margins), plus at most one page
    # left part empty for each chart that moves whole to the next page.
    least = math.ceil(printed_height(browser, site_folder) / (A4_HEIGHT - 33 * MM))
    assert least <= len(pages) <= least + len(charts), (len(pages), least)


def test_the_pdf_has_no_navigation_sharing_data_tables_or_pointers_to_them(story_pages: list[str], built: BuildResult) -> None:
    soup = BeautifulSoup(built.files[STORY].decode("utf-8"), "html.parser")
    text = "".join(story_pages)
    for selector in ("details.chart-share summary", "details.chart-data summary", ".skip-link", ".chart-hint"):
        words = soup.select_one(selector)
        assert words is not None and squeezed(words.get_text()) not in text, selector
    assert squeezed(soup.select_one("h1").get_text()) in text  # type: ignore[union-attr]


def test_a_chart_cut_by_a_page_break_is_found(built: BuildResult, browser: Browser) -> None:
    """Without `break-inside: avoid` on the charts, Chromium cuts some of them between pages, and the check says which."""
    files = dict(built.files)
    soup = BeautifulSoup(files[STORY].decode("utf-8"), "html.parser")
    stylesheet = str(soup.select_one("link[rel=stylesheet]")["href"])  # type: ignore[index]
    files[stylesheet] = (
        files[stylesheet] + b"\n@media print { figure.chart { break-inside: auto !important; } .chart-graphic svg { max-height: none !important; } }\n"
    )
    problems = charts_cut_by_page_breaks(pages_text(print_pdf(browser, files)), charts_on_page(files[STORY]))
    assert problems and all("cut by a page break" in problem for problem in problems), problems


def test_a_missing_chromium_stops_with_a_message(built: BuildResult, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        export_pdf(built.files, chromium=tmp_path / "no-chromium")
    assert "needs Chromium" in str(raised.value)


def test_export_pdf_writes_the_file(tmp_path: Path) -> None:
    """The command, in a process of its own (Playwright's sync API runs one per thread, and the tests' browser holds this one)."""
    root = Path(__file__).resolve().parent.parent
    target = tmp_path / "out" / "story.pdf"
    command = [sys.executable, "-m", "site_builder.cli", "export", "--root", str(root), "--pdf", str(target), "-q"]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root)}, check=False)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(b"%PDF-") and len(PdfReader(target).pages) > 1
    assert list(target.parent.glob(".*.partial")) == []


def test_print_is_black_on_white_for_a_dark_mode_reader(browser: Browser, site_folder: Path) -> None:
    """A reader whose screen prefers dark prints black on white, charts in their light colours; other sites' addresses print."""
    context = browser.new_context(java_script_enabled=False, color_scheme="dark")
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto((site_folder / STORY).as_uri(), wait_until="load")
    colours = page.evaluate(
        """() => {
            const style = element => getComputedStyle(element);
            const label = document.querySelector('figure.chart .chart-wide svg text');
            return {text: style(document.body).color, background: style(document.body).backgroundColor,
                    label: style(label).fill, attribute: label.getAttribute('fill') || '',
                    nav: style(document.querySelector('.site-header')).display};
        }"""
    )
    assert colours["text"] == "rgb(0, 0, 0)" and colours["background"] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), colours
    assert colours["label"] != "rgb(236, 236, 236)", colours  # not the dark scheme's light text
    assert colours["nav"] == "none", colours
    page.goto((site_folder / "data" / "index.html").as_uri(), wait_until="load")
    addresses = page.evaluate("""() => [...document.querySelectorAll('main a[href^="http"]')].map(a => [a.href, getComputedStyle(a, '::after').content])""")
    context.close()
    assert addresses and all(href.rstrip("/") in content for href, content in addresses), addresses[:3]
