"""Untrusted text is safe: markup in the data is escaped, markup in the prose is sanitised, in every page and file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from site_builder.build import BuildResult, build
from site_builder.config import load_config
from site_builder.writer import MemoryWriter

NAME_ATTACK = "Evil <script>alert('name')</script><img src=x onerror=alert('img')> \" onmouseover=\"alert('attr') Ambulance Service"
SHORT_ATTACK = "Evil<svg onload=alert('svg')>"
PROSE_ATTACK = """
A [harmless-looking link](javascript:alert('link')) and a [second](JaVaScRiPt:alert('case')).

<script>alert('prose')</script>

<img src="x" onerror="alert('prose-img')">

<a href="javascript:alert('raw')" onclick="alert('click')">raw link</a>

<p style="background:url(javascript:alert('css'))" onmouseover="alert('over')">styled</p>

<iframe src="https://evil.example.org/"></iframe>
"""


def script_problems(name: str, html: str) -> list[str]:
    """Return every way a document could run code it was not built to run."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for script in soup.find_all("script"):
        # The site's own scripts are files in assets/, never inline code.
        if script.get_text().strip() or "assets/" not in str(script.get("src", "")):
            problems.append(f"{name}: script element {str(script)[:80]}")
    for element in soup.find_all(True):
        assert isinstance(element, Tag)
        for attribute, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.lower().startswith("on"):
                problems.append(f"{name}: {element.name} has an event handler {attribute}={text[:40]!r}")
            if "javascript:" in text.lower().replace(" ", "") and attribute.lower() in ("href", "src", "xlink:href", "action", "formaction", "style", "data"):
                problems.append(f"{name}: {element.name} {attribute} runs javascript: {text[:40]!r}")
    for frame in soup.find_all(["iframe", "object", "embed"]):
        problems.append(f"{name}: {frame.name} element {str(frame)[:80]}")
    return problems


def documents(files: dict[str, bytes]) -> dict[str, str]:
    """Return every HTML and SVG file of a site, and the HTML inside each oEmbed document."""
    found = {name: data.decode("utf-8") for name, data in files.items() if name.endswith((".html", ".svg"))}
    for name, data in files.items():
        if name.endswith("oembed.json"):
            found[name] = json.loads(data)["html"].replace("<iframe", "<x-frame")  # the embed snippet is an iframe by design
    return found


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory, chart_cache: Path) -> BuildResult:
    """Build a copy of the project whose data and prose carry markup and scripts."""
    from conftest import copy_project

    project = copy_project(tmp_path_factory.mktemp("attacked") / "project")
    path = project / "data" / "mutual_aid.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header = rows[0]
    rows[2][header.index("name")] = NAME_ATTACK
    rows[2][header.index("short_name")] = SHORT_ATTACK
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    page = project / "content" / "methodology.md"
    page.write_text(page.read_text(encoding="utf-8") + PROSE_ATTACK, encoding="utf-8")
    return build(load_config(project), MemoryWriter(), cache_dir=chart_cache)


def test_the_real_site_runs_only_its_own_scripts(built: BuildResult) -> None:
    problems = [problem for name, text in documents(built.files).items() for problem in script_problems(name, text)]
    assert not problems, "\n".join(problems)


def test_the_detector_finds_what_it_looks_for() -> None:
    html = "<script>x()</script><a href=' javascript:x()'>a</a><img src=x onerror=y()><iframe src=z></iframe>"
    assert len(script_problems("sample", html)) == 4


def test_markup_in_the_data_and_the_prose_runs_nowhere(attacked: BuildResult) -> None:
    problems = [problem for name, text in documents(attacked.files).items() for problem in script_problems(name, text)]
    assert not problems, "\n".join(problems)


def test_a_service_name_with_markup_is_shown_as_text(attacked: BuildResult) -> None:
    page = next(
        name
        for name, data in attacked.files.items()
        if name.startswith("services/") and NAME_ATTACK.encode() in BeautifulSoup(data, "html.parser").h1.get_text().encode()
    )
    soup = BeautifulSoup(attacked.files[page].decode("utf-8"), "html.parser")
    assert soup.h1.get_text() == NAME_ATTACK
    assert NAME_ATTACK in soup.title.get_text()
    chart_text = " ".join(text.get_text() for text in soup.select("figure.chart svg text"))
    home = BeautifulSoup(attacked.files["index.html"].decode("utf-8"), "html.parser")
    home_text = " ".join(text.get_text() for text in home.select("figure.chart svg text"))
    # Axis labels may be cut short with an ellipsis, but what is drawn is the markup as literal text.
    assert SHORT_ATTACK[:9] in chart_text or SHORT_ATTACK[:9] in home_text
    table_text = " ".join(cell.get_text() for cell in home.select("figure.chart details.chart-data td, figure.chart details.chart-data th"))
    assert SHORT_ATTACK in table_text, "the chart's table shows the whole name, as text"


def test_markup_in_the_prose_is_sanitised_but_its_words_stay(attacked: BuildResult) -> None:
    soup = BeautifulSoup(attacked.files["methodology/index.html"].decode("utf-8"), "html.parser")
    story = soup.select_one("article.story")
    assert story is not None
    links = {a.get_text(): a.get("href") for a in story.find_all("a")}
    assert "harmless-looking link" in links and links["harmless-looking link"] is None
    assert "raw link" in links and links["raw link"] is None
    assert story.find(string=lambda text: "styled" in text) is not None
    assert not story.find_all(["script", "img", "iframe"])
