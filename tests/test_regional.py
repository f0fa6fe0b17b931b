"""The regional comparison, recomputed here from the raw CSV files with pandas, independently of the story's code."""

from __future__ import annotations

import calendar
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from site_builder.build import BuildResult

HELP_START, HELP_DAYS = pd.Timestamp("2020-12-30"), 14  # checked against dates.csv and context.csv below
NATIONS = ("WAST", "SAS", "NIAS")


@pytest.fixture(scope="module")
def raw(project_root: Path) -> dict[str, pd.DataFrame]:
    data = project_root / "data"
    return {name: pd.read_csv(data / f"{name}.csv") for name in ("ambsys", "lad_populations", "mutual_aid", "dates", "context")}


def page(built: BuildResult, output: str) -> BeautifulSoup:
    return BeautifulSoup(built.files[output], "html.parser")


def test_the_help_period_is_the_one_the_data_states(raw: dict[str, pd.DataFrame]) -> None:
    assert raw["dates"].set_index("key").loc["period_start", "date"] == HELP_START.date().isoformat()
    assert int(raw["context"].set_index("key").loc["hsj_period_days", "value"]) == HELP_DAYS


def test_every_service_has_its_district_sum_as_population_and_a_rate(built: BuildResult, raw: dict[str, pd.DataFrame]) -> None:
    sums = raw["lad_populations"].groupby("service_code")["population"].sum()
    figures = built.figures
    for row in raw["mutual_aid"].itertuples():
        assert figures[f"population.{row.code}"].value == sums[row.code], row.code
        assert figures[f"calls_per_100k.{row.code}"].value == pytest.approx(row.calls_answered / sums[row.code] * 100_000), row.code
    assert figures["services_with_population"].value == len(raw["mutual_aid"])


def test_an_approximation_gives_the_other_reading(built: BuildResult, raw: dict[str, pd.DataFrame]) -> None:
    districts = raw["lad_populations"]
    moved = districts[districts["approximation"].notna()]
    assert not moved.empty
    other = districts.assign(service_code=districts["service_code"].where(districts["approximation"].isna(), districts["other_reading_service_code"]))
    sums = other.groupby("service_code")["population"].sum()
    touched = set(moved["service_code"]) | set(moved["other_reading_service_code"])
    for code in touched:
        assert built.figures[f"population_other_reading.{code}"].value == sums[code], code
        html = page(built, f"services/{code.lower()}/index.html")
        note = html.select_one("p.approximation")
        assert note is not None and f"{sums[code]:,}" in note.get_text(), code
    untouched = set(raw["mutual_aid"]["code"]) - touched
    assert all(f"population_other_reading.{code}" not in built.figures for code in untouched)


def _own_calls_in_period(ambsys: pd.DataFrame, code: str) -> float:
    total = 0.0
    for day in pd.date_range(HELP_START, periods=HELP_DAYS):
        month = day.strftime("%Y-%m")
        row = ambsys[(ambsys["code"] == code) & (ambsys["month"] == month)].iloc[0]
        total += row["calls_answered"] / calendar.monthrange(day.year, day.month)[1]
    return total


def test_each_english_helpers_share_of_its_own_calls_both_ways(built: BuildResult, raw: dict[str, pd.DataFrame]) -> None:
    ambsys = raw["ambsys"]
    english = set(ambsys["code"])
    for row in raw["mutual_aid"].itertuples():
        panel = built.figures.panels[row.code]
        if row.code not in english:
            assert row.code in NATIONS and not panel.has_nhs_figures and panel.help_share is None
            continue
        own = round(_own_calls_in_period(ambsys, row.code))
        assert panel.own_calls_in_period.value == own, row.code
        assert panel.help_share.value == pytest.approx(row.calls_answered / own), row.code
        assert panel.help_share_on_top.value == pytest.approx(row.calls_answered / (own + row.calls_answered)), row.code


def test_londons_own_calls_a_day_and_the_share_against_them(built: BuildResult, raw: dict[str, pd.DataFrame]) -> None:
    las = raw["ambsys"][raw["ambsys"]["code"] == "LAS"].set_index("month")
    for month, row in las.iterrows():
        year, number = (int(part) for part in str(month).split("-"))
        assert built.figures[f"las_calls_per_day.{month}"].value == pytest.approx(row["calls_answered"] / calendar.monthrange(year, number)[1])
        assert built.figures[f"las_answer_time_mean.{month}"].value == row["answer_time_mean_seconds"]
    redirected, own = raw["mutual_aid"]["calls_answered"].sum(), round(_own_calls_in_period(raw["ambsys"], "LAS"))
    assert built.figures["redirected_share_nhs_on_top"].value == pytest.approx(redirected / (own + redirected))
    assert built.figures["redirected_share_nhs_within"].value == pytest.approx(redirected / own)
    assert built.figures["las_category_1_incidents_december"].value == las.loc["2020-12", "category_1_incidents"]


@pytest.mark.parametrize(("category", "standard_minutes"), [(1, 7), (2, 18)])
def test_services_slower_than_each_standard(built: BuildResult, raw: dict[str, pd.DataFrame], category: int, standard_minutes: int) -> None:
    standard = raw["context"].set_index("key").loc[f"category_{category}_mean_standard", "value"]
    assert float(standard) == standard_minutes  # the national standard (facts.md), as the context table gives it
    services = raw["ambsys"][raw["ambsys"]["code"] != "ENG"]
    for month in ("2020-12", "2021-01"):
        in_month = services[services["month"] == month]
        slower = int((in_month[f"category_{category}_response_mean_seconds"] > standard_minutes * 60).sum())
        assert built.figures[f"services_over_category_{category}_standard.{month}"].value == slower


def test_a_helpers_page_shows_its_own_figures_linked_to_their_definitions(built: BuildResult) -> None:
    html = page(built, "services/swasft/index.html")
    table = html.select_one("section.panel table.panel-table")
    assert table is not None
    links = table.select("a.figure")
    assert len(links) == 10, "the two standards, then calls, incidents and both means for December and January"
    data_page = page(built, "data/index.html")
    for link in links:
        anchor = link["href"].split("#", 1)[1]
        assert data_page.find(id=anchor) is not None, anchor
    assert "cannot show whether" in html.select_one("section.panel").get_text()


@pytest.mark.parametrize("code", NATIONS)
def test_a_nations_page_shows_the_gap_and_why(built: BuildResult, code: str) -> None:
    html = page(built, f"services/{code.lower()}/index.html")
    gap = html.select_one("section.panel p.gap")
    assert gap is not None and "England's services only" in gap.get_text()
    assert html.select_one("section.panel table") is None


def test_the_services_table_has_no_missing_rate(built: BuildResult) -> None:
    rows = page(built, "services/index.html").select("table.services-table tbody tr")
    assert len(rows) == len(built.figures.services)
    for row in rows:
        cells = [cell.get_text(strip=True) for cell in row.select("td")]
        assert cells[3] != "no data", cells  # per 100,000 residents
        assert cells[4] != "no data"


def test_the_build_reports_hsjs_december_count_as_checked_against_nhs_englands_file(project_root: Path, chart_cache: Path) -> None:
    from site_builder.build import build
    from site_builder.config import load_config
    from site_builder.writer import MemoryWriter

    lines: list[str] = []
    build(load_config(project_root), MemoryWriter(), cache_dir=chart_cache, progress=lines.append)
    text = (project_root / "content" / "index.md").read_text(encoding="utf-8")
    line = text[: text.index('claim("las_category_1_incidents_december"')].count("\n") + 1
    checked = [entry for entry in lines if entry.startswith(f"  checked: index.md, line {line}:")]
    assert len(checked) == 1, lines
    assert '"8,349" (HSJ' in checked[0] and "against NHS England, Ambulance Quality Indicators" in checked[0] and checked[0].endswith(": holds")
