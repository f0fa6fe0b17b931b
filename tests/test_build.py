"""The whole build: pages, numbers on them, links, downloads, and a golden structural summary."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from site_builder.build import BuildResult
from site_builder.checks import check_site
from site_builder.cli import main
from site_builder.formatting import format_number
from site_builder.writer import DirectoryWriter

SNAPSHOT = Path(__file__).parent / "snapshots" / "site-summary.json"


def page(built: BuildResult, output: str) -> BeautifulSoup:
    return BeautifulSoup(built.files[output].decode("utf-8"), "html.parser")


def marked_values(soup: BeautifulSoup) -> set[str]:
    return {element["value"] for element in soup.select("data[value]")}


def test_home_page_shows_the_totals_computed_from_the_data(built: BuildResult, mutual_aid: pd.DataFrame) -> None:
    values = marked_values(page(built, "index.html"))
    for column in ("calls_answered", "category_1_calls", "cardiac_arrest_calls"):
        assert str(mutual_aid[column].sum()) in values, column


def test_every_number_on_the_home_page_links_to_a_definition_that_names_its_source(built: BuildResult) -> None:
    home, definitions = page(built, "index.html"), page(built, "data/index.html")
    numbers = home.select("article data[value]")
    assert numbers
    for number in numbers:
        link = number.find_parent("a")
        assert link is not None, number
        target_page, anchor = link["href"].split("#")
        assert target_page == "data/index.html"
        definition = definitions.find(id=anchor)
        assert definition is not None, anchor
        assert definition.select_one(".sources a"), anchor


def test_a_page_for_each_service_and_for_london(built: BuildResult, mutual_aid: pd.DataFrame) -> None:
    codes = [*mutual_aid["code"], "LAS"]
    for code in codes:
        soup = page(built, f"services/{code.lower()}/index.html")
        assert soup.select_one("figure.chart svg[role=img]"), code
    titles = [page(built, p.output).title.string for p in built.pages]
    assert len(titles) == len(set(titles))


def test_service_page_compares_its_numbers(built: BuildResult, mutual_aid: pd.DataFrame) -> None:
    row = mutual_aid.iloc[0]
    soup = page(built, f"services/{row['code'].lower()}/index.html")
    assert soup.h1.string == row["name"]
    assert str(row["calls_answered"]) in marked_values(soup)


def test_downloads_are_published(built: BuildResult, project_root: Path) -> None:
    for name in ("datapackage.json", "mutual_aid.csv", "populations.csv", "context.csv", "geo/SOURCES.md"):
        assert built.files[f"data/{name}"] == (project_root / "data" / name).read_bytes()
    for chart_id in ("calls-by-service",):
        for suffix in (".svg", ".png", ".vl.json", ".vg.json", ".csv"):
            assert f"charts/{chart_id}{suffix}" in built.files


def test_built_site_passes_its_own_checks(built: BuildResult, tmp_path: Path) -> None:
    DirectoryWriter(tmp_path / "site").write_site(built.files)
    assert check_site(tmp_path / "site") == []


def test_no_page_loads_anything_from_another_host(built: BuildResult) -> None:
    for name, content in built.files.items():
        if not name.endswith(".html"):
            continue
        soup = BeautifulSoup(content.decode("utf-8"), "html.parser")
        for element in soup.select("[src], link[href], [srcset]"):
            for attribute in ("src", "href", "srcset"):
                value = element.get(attribute, "")
                assert not value.startswith(("http:", "https:", "//")), (name, value)


def test_changing_a_number_in_the_data_changes_every_place_it_appears(project_copy: Path, mutual_aid: pd.DataFrame) -> None:
    # Pick the smallest non-zero helper so no claim depends on its exact value.
    answered = mutual_aid[mutual_aid["calls_answered"] > 0]
    row = answered.loc[answered["calls_answered"].idxmin()]
    old_total = int(mutual_aid["calls_answered"].sum())
    new_total = old_total + 1
    path = project_copy / "data" / "mutual_aid.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    for index, line in enumerate(lines):
        cells = line.split(",")
        if cells[0] == row["code"]:
            cells[header.index("calls_answered")] = str(int(row["calls_answered"]) + 1)
            lines[index] = ",".join(cells)
    before = project_copy / "before"
    assert main(["build", "--root", str(project_copy), "--out", str(before), "-q"]) == 0
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["build", "--root", str(project_copy), "--out", str(project_copy / "after"), "-q"]) == 0

    def count(folder: Path, text: str) -> int:
        return sum(p.read_text(encoding="utf-8").count(text) for p in folder.rglob("*.html"))

    old_text, new_text = format_number(old_total), format_number(new_total)
    assert count(before, old_text) > 0
    assert count(project_copy / "after", old_text) == 0
    assert count(project_copy / "after", new_text) == count(before, old_text)


def summarise(built: BuildResult) -> dict[str, object]:
    """Return the site's structure without its numbers: pages, headings, charts, links."""
    pages = {}
    for item in sorted(built.pages, key=lambda p: p.output):
        soup = page(built, item.output)
        pages[item.output] = {
            "title": soup.title.string,
            "headings": [h.get_text(" ", strip=True) for h in soup.select("main h1, main h2")],
            "charts": [f["id"] for f in soup.select("figure.chart")],
            "links": sorted({a["href"] for a in soup.select("main a[href]") if not a["href"].startswith("http") and "#fig-" not in a["href"]}),
        }
    return {"pages": pages, "files": sorted(name for name in built.files if not name.endswith(".html"))}


def test_site_matches_the_golden_summary(built: BuildResult) -> None:
    """Compare with tests/snapshots/site-summary.json; regenerate with `make snapshots` after a deliberate change."""
    summary = summarise(built)
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        pytest.skip("snapshot written")
    assert SNAPSHOT.is_file(), "no snapshot yet: run `make snapshots`"
    assert summary == json.loads(SNAPSHOT.read_text(encoding="utf-8"))
