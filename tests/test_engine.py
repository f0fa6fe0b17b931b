"""The engine alone: a tiny site shaped unlike the ambulance story (tests/fixtures/rainfall) builds with no change to it.

The fixture has its own data package (monthly rainfall and its source: no services, dates, context or boundaries),
its own templates and its own story package, `rainfall_story`, with one figure, one claim and one chart, and no
social cards or generated pages. If the engine assumed anything of the real story, this build would break.
"""

from __future__ import annotations

import ast
import csv
import io
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.build import BuildResult, build
from site_builder.checks import check_site
from site_builder.cli import main
from site_builder.config import load_config
from site_builder.writer import DirectoryWriter, MemoryWriter

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "rainfall"
ENGINE = ROOT / "site_builder"
CHART = "rainfall-by-month"
# Every story package this project holds: the engine may import none of them.
STORY_PACKAGES = {"story", "rainfall_story"}


@pytest.fixture(scope="module")
def rainfall(chart_cache: Path) -> BuildResult:
    """Build the fixture site into memory once."""
    return build(load_config(FIXTURE), MemoryWriter(), cache_dir=chart_cache)


@pytest.fixture(scope="module")
def rainfall_folder(rainfall: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the fixture site to a folder, as `site-builder build` would."""
    folder = tmp_path_factory.mktemp("rainfall") / "site"
    DirectoryWriter(folder).write_site(rainfall.files)
    return folder


def page(built: BuildResult, output: str) -> BeautifulSoup:
    return BeautifulSoup(built.files[output].decode("utf-8"), "html.parser")


def rainfall_rows() -> list[dict[str, str]]:
    """Return the fixture's rainfall table as the csv module reads it, independently of the builder."""
    with (FIXTURE / "data" / "rainfall.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_the_site_has_the_fixtures_pages_and_no_other(rainfall: BuildResult) -> None:
    assert sorted(p.output for p in rainfall.pages) == ["data/index.html", "index.html", "methodology/index.html"]
    assert list(rainfall.figures) == ["rainfall_total"]


def test_the_figure_is_printed_in_house_style_marked_up_and_linked_to_its_definition(rainfall: BuildResult) -> None:
    total = sum(float(row["millimetres"]) for row in rainfall_rows())
    link = page(rainfall, "index.html").select_one("article a.figure")
    assert link is not None
    number = link.select_one("data[value]")
    assert number is not None
    assert float(number["value"]) == pytest.approx(total)
    assert number.get_text() == f"{round(total):,}"  # a "number" figure prints whole, with separators
    target, anchor = link["href"].split("#")
    assert target == "data/index.html"
    definition = page(rainfall, "data/index.html").find(id=anchor)
    assert definition is not None
    assert "sum of rainfall.csv" in definition.get_text()


def test_the_claim_is_printed_and_linked_to_its_passing_check(rainfall: BuildResult) -> None:
    claim = page(rainfall, "index.html").select_one("article a.claim")
    assert claim is not None
    assert claim.get_text() == "more than 750"
    target, anchor = claim["href"].split("#")
    assert target == "methodology/index.html"
    check = page(rainfall, target).find(id=anchor)
    assert check is not None and "claim-check" in check["class"]
    assert "holds" in check.get_text() and "does not hold" not in check.get_text()


def test_a_claim_the_data_contradicts_stops_the_build_naming_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "rainfall"
    for part in ("data", "content", "templates"):
        shutil.copytree(FIXTURE / part, project / part)
    settings = project / "site.yml"
    shutil.copy2(FIXTURE / "site.yml", settings)
    # The copy names the fixture's story where it is, so this process imports it once.
    settings.write_text(settings.read_text(encoding="utf-8").replace("story: rainfall_story", f"story: {FIXTURE / 'rainfall_story'}"), encoding="utf-8")
    index = project / "content" / "index.md"
    text = index.read_text(encoding="utf-8")
    assert '"more than", 750' in text
    line = text[: text.index('"more than", 750')].count("\n") + 1
    index.write_text(text.replace('"more than", 750', '"more than", 800'), encoding="utf-8")  # the year had 771.6 mm
    out = tmp_path / "out"
    assert main(["build", "--root", str(project), "--out", str(out), "-q"]) == 1
    message = capsys.readouterr().err
    assert message.startswith(f"claim error: content/index.md, line {line}:"), message
    assert "«more than 800»" in message and "does not hold" in message
    assert "Traceback" not in message
    assert not out.exists()


def test_the_chart_is_inline_svg_with_its_downloads(rainfall: BuildResult) -> None:
    figure = page(rainfall, "index.html").select_one(f"article figure.chart#{CHART}")
    assert figure is not None
    assert figure.select_one(".chart-drawing > svg") is not None
    downloads = {link["href"] for link in figure.select(".chart-downloads a[download]")}
    assert downloads == {f"charts/{CHART}.{kind}" for kind in ("png", "svg", "vl.json", "csv")}
    for href in downloads | {f"charts/{CHART}.vg.json"}:
        assert rainfall.files.get(href), href
    assert rainfall.files[f"charts/{CHART}.png"].startswith(b"\x89PNG")
    plotted = list(csv.DictReader(io.StringIO(rainfall.files[f"charts/{CHART}.csv"].decode("utf-8"))))
    assert [(row["Month"], float(row["Rain (mm)"])) for row in plotted] == [(row["month"], float(row["millimetres"])) for row in rainfall_rows()]
    embed = page(rainfall, f"embed/{CHART}/index.html")
    assert embed.select_one(f"figure.chart#{CHART} svg") is not None


def test_the_data_page_offers_the_packages_own_files(rainfall: BuildResult) -> None:
    offered = {name for name in rainfall.files if name.startswith("data/") and not name.endswith(".html")}
    published = {"data/figures.json", "data/figures.schema.json"}  # what the site said, which the engine records for any story
    assert offered == {"data/datapackage.json", "data/rainfall.csv", "data/sources.csv", *published}
    links = {link["href"] for link in page(rainfall, "data/index.html").select(".downloads a")}
    assert links == {"datapackage.json", "rainfall.csv", "sources.csv"}


def test_the_pages_link_up(rainfall: BuildResult, rainfall_folder: Path) -> None:
    assert check_site(rainfall_folder) == []
    nav = [link["href"] for link in page(rainfall, "methodology/index.html").select("nav li a")]
    assert nav == ["../index.html", "../methodology/index.html", "../data/index.html"]  # by nav_order


def engine_imports(path: Path) -> list[tuple[str, int]]:
    """Return each absolute import's top-level package in an engine module, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name.split(".")[0], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module.split(".")[0], node.lineno))
    return found


def test_no_engine_module_imports_a_story() -> None:
    modules = sorted(ENGINE.glob("*.py"))
    assert len(modules) > 20
    for path in modules:
        for package, line in engine_imports(path):
            assert package not in STORY_PACKAGES, f"{path.relative_to(ROOT)}, line {line} imports the story package '{package}'"


def test_the_import_check_sees_a_story_import(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("from . import story\nfrom .story import Story\nimport os\nfrom story.figures import Figures\n", encoding="utf-8")
    assert engine_imports(module) == [("os", 3), ("story", 4)]  # the engine's own site_builder.story is not the story
