"""The charts: words, tables that match the data, the map's classes, and the charts in a real browser."""

from __future__ import annotations

import gzip
import importlib.util
import json
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jsonschema
import pandas as pd
import pytest
import vl_convert as vlc
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import core
from bs4 import BeautifulSoup
from conftest import published_asset
from playwright.sync_api import Browser

from site_builder.build import BuildResult
from site_builder.charting import MOST_BARS, Chart
from site_builder.config import load_config
from site_builder.data import load_dataset
from site_builder.geo import map_shapes
from site_builder.model import Dataset
from site_builder.story import load_figures
from story.charts import CHARTS, MAP_NO_DATA, MAP_NONE, ServiceHighlights, chart_ids, service_highlight
from story.figures import Figures

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
HOME_CHARTS = (
    "calls-by-service",
    "map",
    "category-1-share",
    "concentration",
    "calls-per-100k",
    "london-share",
    "las-calls-by-month",
    "help-share",
    "response-times",
    "two-kinds",
)


def soup_of(built: BuildResult, output: str) -> BeautifulSoup:
    return BeautifulSoup(built.files[output].decode("utf-8"), "html.parser")


def figure(built: BuildResult, chart_id: str, output: str = "index.html") -> BeautifulSoup:
    found = soup_of(built, output).select_one(f"figure.chart#{chart_id}")
    assert found is not None, f"{chart_id} is not on {output}"
    return found


def table_rows(chart_figure: BeautifulSoup) -> list[dict[str, str]]:
    """Return the data table under a chart as rows keyed by column heading."""
    table = chart_figure.select_one("details.chart-data table")
    headings = [th.get_text() for th in table.select("thead th")]
    return [dict(zip(headings, (cell.get_text() for cell in row.select("th, td")), strict=True)) for row in table.select("tbody tr")]


def number(text: str) -> float | None:
    return None if text == "no data" else float(text.replace(",", ""))


@pytest.fixture(scope="module")
def aid() -> pd.DataFrame:
    return pd.read_csv(DATA / "mutual_aid.csv")


@pytest.fixture(scope="module")
def populations() -> pd.DataFrame:
    return pd.read_csv(DATA / "populations.csv").set_index("code")


@pytest.fixture(scope="module")
def context() -> pd.Series:
    return pd.read_csv(DATA / "context.csv").set_index("key")["value"]


def test_the_home_page_shows_every_chart_of_the_issue(built: BuildResult) -> None:
    shown = [f["id"] for f in soup_of(built, "index.html").select("figure.chart")]
    assert sorted(shown) == sorted(HOME_CHARTS)
    assert set(HOME_CHARTS) <= set(chart_ids(built.figures))


@pytest.mark.parametrize("chart_id", HOME_CHARTS)
def test_every_chart_has_its_words_a_labelled_drawing_and_a_table(built: BuildResult, chart_id: str) -> None:
    block = figure(built, chart_id)
    assert block.select_one(".chart-title").get_text(strip=True)
    assert block.select_one(".chart-subtitle").get_text(strip=True)
    assert block.select_one(".chart-source").get_text().startswith("Source: ")
    description = block.select_one(".chart-description").get_text(strip=True)
    assert len(description) > 80
    drawings = block.select(".chart-graphic svg")
    assert drawings
    for svg in drawings:
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.select_one(f"title#{title_id}").get_text() == block.select_one(".chart-title").get_text()
        assert svg.select_one(f"desc#{desc_id}").get_text() == description
    assert table_rows(block)
    assert block.select_one("details.chart-data summary")  # the table is one keyboard press away


def test_calls_by_service_table_matches_the_data(built: BuildResult, aid: pd.DataFrame) -> None:
    rows = table_rows(figure(built, "calls-by-service"))
    expected = aid.set_index("short_name")
    ranked = aid.sort_values(["calls_answered", "code"], ascending=[False, True])  # ties in code order
    assert [r["Service"] for r in rows] == list(ranked["short_name"])
    for row in rows:
        source = expected.loc[row["Service"]]
        assert number(row["All calls answered"]) == source["calls_answered"]
        assert number(row["Category 1 calls"]) == source["category_1_calls"]
        assert number(row["Other calls"]) == source["calls_answered"] - source["category_1_calls"]


def test_category_1_share_table_matches_the_data(built: BuildResult, aid: pd.DataFrame) -> None:
    rows = {r["Service"]: r for r in table_rows(figure(built, "category-1-share"))}
    answered = aid[aid["calls_answered"] > 0]
    assert set(rows) == {*answered["short_name"], "All services"}, "services that answered nothing have no share to plot"
    for _, service in answered.iterrows():
        shown = number(rows[service["short_name"]]["Category 1 share (%)"])
        assert shown == pytest.approx(service["category_1_calls"] / service["calls_answered"] * 100, abs=0.05)
    overall = aid["category_1_calls"].sum() / aid["calls_answered"].sum() * 100
    assert number(rows["All services"]["Category 1 share (%)"]) == pytest.approx(overall, abs=0.05)


def test_calls_per_100k_gives_every_service_its_district_populations_rate(built: BuildResult, aid: pd.DataFrame) -> None:
    districts = pd.read_csv(DATA / "lad_populations.csv").groupby("service_code")["population"].sum()
    block = figure(built, "calls-per-100k")
    rows = {r["Service"]: r for r in table_rows(block)}
    assert len(rows) == len(aid)
    for _, service in aid.iterrows():
        row = rows[service["short_name"]]
        assert number(row["Residents"]) == districts[service["code"]]
        rate = number(row["Calls per 100,000 residents"])
        assert rate == pytest.approx(service["calls_answered"] / districts[service["code"]] * 100_000, abs=0.05)
    for svg in block.select(".chart-graphic svg"):  # no gap left to draw
        assert "no data" not in [text.get_text() for text in svg.select("text")]
    assert "no sourced population" not in built.rendered["calls-per-100k"].chart.description


def test_concentration_table_matches_the_data(built: BuildResult, aid: pd.DataFrame) -> None:
    rows = table_rows(figure(built, "concentration"))
    ranked = aid.sort_values(["calls_answered", "code"], ascending=[False, True], kind="stable")
    running = ranked["calls_answered"].cumsum() / ranked["calls_answered"].sum() * 100
    assert [r["Service"] for r in rows] == list(ranked["short_name"])
    for row, expected in zip(rows, running, strict=True):
        assert number(row["Running share (%)"]) == pytest.approx(expected, abs=0.05)
    half = next(int(r["Rank"]) for r in rows if number(r["Running share (%)"]) >= 50)  # type: ignore[operator]
    assert figure(built, "concentration").select_one(".chart-title").get_text().lower().startswith(built.figures["services_for_half"].text.lower())
    assert half == built.figures["services_for_half"].value


def test_london_share_draws_las_calls_from_the_stated_range(built: BuildResult, aid: pd.DataFrame, context: pd.Series) -> None:
    block = figure(built, "london-share")
    rows = table_rows(block)
    days = context["hsj_period_days"]
    las = rows[0]
    assert (number(las["Low end"]), number(las["High end"])) == (context["las_calls_per_day_low"] * days, context["las_calls_per_day_high"] * days)
    assert number(rows[1]["Low end"]) == number(rows[1]["High end"]) == aid["calls_answered"].sum()
    low, high = (f"{int(context[k]):,}" for k in ("las_calls_per_day_low", "las_calls_per_day_high"))
    for svg in block.select(".chart-graphic svg"):  # the assumption is on the chart itself
        drawn = " ".join(text.get_text(" ") for text in svg.select("text"))
        assert f"{low}–{high} calls a day" in drawn and f"for {int(days)} days" in drawn


def test_two_kinds_of_support_keep_their_own_units(built: BuildResult, aid: pd.DataFrame, context: pd.Series) -> None:
    rows = table_rows(figure(built, "two-kinds"))
    assert [number(r["Number"]) for r in rows] == [aid["calls_answered"].sum(), context["police_emergencies"]]
    units = [r["Unit"] for r in rows]
    assert "calls" in units[0] and "emergencies" in units[1]


def map_frame(built: BuildResult) -> tuple[BeautifulSoup, dict[str, dict[str, str]]]:
    block = figure(built, "map")
    return block, {r["Service area"]: r for r in table_rows(block)}


def test_map_table_gives_each_area_its_class_from_the_data(built: BuildResult, aid: pd.DataFrame) -> None:
    topology = json.loads((DATA / "geo" / "uk_ambulance_services_approx.topojson").read_text(encoding="utf-8"))
    codes = {g["properties"]["code"] for g in topology["objects"]["ambulance_services"]["geometries"]}
    _, rows = map_frame(built)
    assert len(rows) == len(codes)
    by_name = aid.set_index("short_name")
    for name, row in rows.items():
        if name in by_name.index:
            calls = by_name.loc[name, "calls_answered"]
            assert number(row["Calls answered"]) == calls
            assert (row["Shown as"] == "None answered") == (calls == 0)
    missing = codes - set(aid["code"]) - {built.figures.recipient.code}
    assert missing, "the boundaries have an area with no row in the table"
    assert sum(r["Shown as"] == "No data" for r in rows.values()) == len(missing)
    assert sum(r["Shown as"].startswith("London") for r in rows.values()) == 1


def test_map_draws_zero_and_no_data_differently(built: BuildResult, aid: pd.DataFrame) -> None:
    block, rows = map_frame(built)
    svg = block.select_one(".chart-graphic svg")
    areas = svg.select(".mark-shape path")
    fills = [path.get("fill") for path in areas]
    zero = int((aid["calls_answered"] == 0).sum())
    no_data = sum(r["Shown as"] == "No data" for r in rows.values())
    assert MAP_NONE != MAP_NO_DATA
    assert fills.count(MAP_NONE) == zero
    assert fills.count(MAP_NO_DATA) == no_data
    dashed = [path for path in areas if path.get("stroke-dasharray") not in (None, "1,0")]
    assert [path.get("fill") for path in dashed] == [MAP_NO_DATA] * no_data, "only no-data areas have a dashed edge"
    legend = [text.get_text() for text in svg.select(".role-legend text")]
    assert "None answered" in legend and "No data" in legend
    assert any(label.startswith("London") for label in legend)
    spec = json.loads(built.files["charts/map.vl.json"])
    assert "Crown copyright" in block.select_one(".chart-source").get_text()
    assert spec["layer"][0]["mark"]["type"] == "geoshape"


def test_map_keeps_every_area_after_simplifying(built: BuildResult) -> None:
    topology = json.loads((DATA / "geo" / "uk_ambulance_services_approx.topojson").read_text(encoding="utf-8"))
    shapes, height = map_shapes(topology, "ambulance_services", 328)
    assert {s.code for s in shapes} == {g["properties"]["code"] for g in topology["objects"]["ambulance_services"]["geometries"]}
    source_points = sum(len(arc) for arc in topology["arcs"])
    assert sum(s.points for s in shapes) < source_points / 3
    for area in shapes:
        assert area.points >= 4 and 0 <= area.label_x <= 328 and 0 <= area.label_y <= height
        rings = [area.geometry["coordinates"]] if area.geometry["type"] == "Polygon" else area.geometry["coordinates"]
        assert all(isinstance(v, int) for polygon in rings for ring in polygon for point in ring for v in point), "quantised to whole pixels"


def test_service_pages_highlight_their_own_bar(built: BuildResult, aid: pd.DataFrame) -> None:
    for _, service in aid.iterrows():
        block = figure(built, f"service-{service['code'].lower()}", f"services/{service['code'].lower()}/index.html")
        highlighted = [r["Service"] for r in table_rows(block) if r["Highlighted"] == "yes"]
        assert highlighted == [service["short_name"]]


def figures_of(root: Path) -> tuple[Figures, Dataset]:
    _, dataset, figures = load_figures(load_config(root))
    assert isinstance(figures, Figures)
    return figures, dataset


@pytest.fixture(scope="module")
def forty_services(tmp_path_factory: pytest.TempPathFactory) -> tuple[Figures, Dataset]:
    """Return the figures of a generated project of 40 services: more than MOST_BARS, so service charts show a window."""
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    return figures_of(synthetic.generate_project(tmp_path_factory.mktemp("forty") / "project", 40))


def assert_same_chart(fast: Chart, slow: Chart) -> None:
    assert fast == slow
    for fast_spec, slow_spec in ((fast.spec, slow.spec), (fast.narrow_spec, slow.narrow_spec)):
        assert json.dumps(fast_spec) == json.dumps(slow_spec), "the same keys in the same order"


@pytest.mark.parametrize("scale", ["real", "forty"])
def test_service_charts_made_from_the_first_are_the_charts_altair_makes(scale: str, forty_services: tuple[Figures, Dataset]) -> None:
    figures, dataset = figures_of(ROOT) if scale == "real" else forty_services
    codes = [s.code for s in figures.services] + [figures.recipient.code]
    if scale == "forty":
        assert len(figures.services) > MOST_BARS
        codes = [*codes[:3], *codes[17:20], *codes[-4:]]  # the top, the middle and the bottom of the ranks, and the recipient
    fast = ServiceHighlights(figures, dataset)
    charts = {code: fast(code) for code in codes}
    for code in codes:
        assert_same_chart(charts[code], service_highlight(figures, dataset, code))
    assert len({json.dumps(chart.spec) for chart in charts.values()}) == len(codes), "each service's chart is its own"


def test_every_drawing_is_a_valid_vega_lite_spec(built: BuildResult) -> None:
    """The build skips Altair's validation for speed, so check every spec against the Vega-Lite schema here."""
    schema = core.load_schema()
    for rendered in built.rendered.values():
        for spec in (rendered.chart.spec, rendered.chart.narrow_spec):
            if spec is not None:
                validate_jsonschema({key: value for key, value in spec.items() if key != "config"}, schema)  # raises, naming the fault
    broken = {**built.rendered["map"].chart.spec, "encodingg": {}}
    with pytest.raises(jsonschema.ValidationError):
        validate_jsonschema({key: value for key, value in broken.items() if key != "config"}, schema)


# Vega-Lite 6 says this of every `fit-x` spec whose height is a step, though it only ever fits the width.
HARMLESS_WARNING = 'Dropping "fit-y" because spec has discrete height.'


def test_vega_lite_drops_nothing_from_any_spec(built: BuildResult, caplog: pytest.LogCaptureFixture) -> None:
    """Vega-Lite drops what it can't draw with only a logged warning (a social card's bold once went that way): none may."""
    specs: list[dict[str, Any]] = []
    for rendered in built.rendered.values():
        specs += [spec for spec in (rendered.chart.spec, rendered.chart.narrow_spec) if spec is not None]
    with caplog.at_level(logging.WARNING, logger="vl_convert"):
        for spec in specs:
            vlc.vegalite_to_vega(spec)
        warnings = [record.getMessage() for record in caplog.records if record.getMessage() != HARMLESS_WARNING]
        assert warnings == []
        vlc.vegalite_to_vega({**specs[0], "encoding": {"fontWeight": {"field": "weight"}}, "mark": "text"})  # what the check would catch
        assert any("fontWeight" in record.getMessage() for record in caplog.records)


def test_each_chart_has_a_narrow_drawing_for_phones(built: BuildResult) -> None:
    for chart_id in HOME_CHARTS:
        block = figure(built, chart_id)
        graphic = block.select_one(".chart-graphic")
        wide, narrow = graphic.select_one(".chart-wide svg"), graphic.select_one(".chart-narrow svg")
        assert int(narrow["width"]) < int(wide["width"])
        assert json.loads(built.files[graphic["data-spec-narrow"]])["$schema"].startswith("https://vega.github.io/schema/vega/")


MAP_BUDGET_KB = 25  # gzip, each of the map's drawings (the README's budget; bench/bench.py measures it too)


def test_the_map_fills_the_column_on_desktops_within_its_budget(built: BuildResult) -> None:
    """The desktop map is drawn larger than the phone's, as wide as the other charts, and each drawing stays within budget."""
    rendered = built.rendered["map"]
    assert rendered.inline_narrow_svg
    wide, narrow = (BeautifulSoup(svg, "html.parser").svg for svg in (rendered.inline_svg, rendered.inline_narrow_svg))
    assert int(narrow["width"]) < 360 and int(wide["width"]) >= int(figure_svg_width(built, "calls-by-service"))  # type: ignore[index]
    for svg in (rendered.inline_svg, rendered.inline_narrow_svg):
        assert len(gzip.compress(svg.encode("utf-8"), compresslevel=9, mtime=0)) < MAP_BUDGET_KB * 1024


def figure_svg_width(built: BuildResult, chart_id: str) -> str:
    return str(figure(built, chart_id).select_one(".chart-wide svg")["width"])  # type: ignore[index]


def test_the_vega_runtime_is_built_not_committed(built: BuildResult) -> None:
    assert not (ROOT / "templates" / "assets" / "vega-runtime.js").exists()
    runtime = built.files[published_asset(built.files, "vega-runtime.js")]
    assert len(runtime) > 100_000 and b"window.vega = " in runtime.replace(b"window.vega=", b"window.vega = ")
    assert b"vegaEmbed" not in runtime, "Vega alone: the specs are compiled at build, so no Vega Embed or Vega-Lite"
    assert not re.search(rb"https?://(?!vega\.github\.io|www\.w3\.org)[a-z0-9.-]+/[^\s\"']*\.js", built.files[published_asset(built.files, "charts.js")])


# In the browser


@pytest.fixture(scope="module")
def served(site_url: str) -> str:
    """Return the address of the built site, served on 127.0.0.1 for the session."""
    return site_url


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1280])
def test_without_javascript_every_chart_is_visible_on_every_page(built: BuildResult, served: str, browser: Browser, width: int) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 800})
    page = context.new_page()
    pages = [p.output for p in built.pages if p.charts]
    assert len(pages) > 10
    for output in pages:
        page.goto(served + output)
        figures = page.locator("figure.chart")
        assert figures.count() == len(soup_of(built, output).select("figure.chart")) > 0
        for index in range(figures.count()):
            drawings = figures.nth(index).locator(".chart-graphic svg[role=img]")
            visible = [drawings.nth(i).bounding_box() for i in range(drawings.count()) if drawings.nth(i).is_visible()]
            assert len(visible) == 1, f"{output}: chart {index} shows {len(visible)} drawings at {width} px"
            box = visible[0]
            assert box is not None and 150 < box["width"] <= width and box["height"] > 100, (output, index, box)
    context.close()


@pytest.mark.browser
def test_with_javascript_a_chart_in_view_gets_tooltips_from_a_runtime_loaded_once_from_this_site(served: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(served + "index.html")
    page.wait_for_load_state("load")
    assert not any("vega-runtime" in url for url in requests), "the runtime waits until a chart comes near"
    chart = page.locator("figure.chart#calls-by-service .chart-graphic")
    chart.scroll_into_view_if_needed()
    page.wait_for_selector("figure.chart#calls-by-service .chart-graphic[data-state=live]", timeout=30_000)
    live = chart.locator(".chart-live svg")
    assert live.get_attribute("role") == "img"
    names = page.evaluate(
        "(svg) => svg.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id) && document.getElementById(id).textContent)",
        live.element_handle(),
    )
    assert all(names) and len(names) == 2, "the live drawing keeps the accessible name and description"
    bar = live.locator(".mark-rect path").first
    box = bar.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator(".chart-tooltip")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert "Service" in tooltip.inner_text()
    page.mouse.wheel(0, 20_000)  # every other chart comes into view: still one runtime
    page.wait_for_timeout(1_500)
    assert sum("/vega-runtime." in url for url in requests) == 1
    hosts = {urlparse(url).hostname for url in requests}
    assert hosts == {"127.0.0.1"}, hosts
    context.close()


@pytest.mark.parametrize("chart_id", ["calls-by-service", "category-1-share", "calls-per-100k", "concentration"])
def test_a_chart_of_every_service_shows_the_top_of_the_ranking_past_most_bars(chart_id: str, forty_services: tuple[Figures, Dataset]) -> None:
    figures, dataset = forty_services
    chart = CHARTS[chart_id](figures, dataset)
    ranked = [s for s in figures.services if chart_id != "category-1-share" or s.category_1_share.value is not None]  # a share needs calls
    services = len(ranked)
    assert services > MOST_BARS
    for spec in (chart.spec, chart.narrow_spec):
        assert spec is not None
        shown = spec["layer"][0]["encoding"]["y"]["sort"]
        assert len(shown) == MOST_BARS, "one bar per service, for the first MOST_BARS in its ranking"
        assert len({row["service"] for rows in spec["datasets"].values() for row in rows if "service" in row} - set(shown)) == 0, "no data drawn off the chart"
    said = f"showing the {MOST_BARS} "
    assert said in chart.subtitle and f"of {services}" in chart.subtitle
    assert said.replace("showing", "shows") in chart.description
    assert len(chart.table.rows) >= services, "the table under the chart keeps every service"


@pytest.mark.parametrize("chart_id", ["calls-by-service", "category-1-share", "calls-per-100k", "concentration"])
def test_the_real_charts_of_every_service_show_every_service(chart_id: str, built: BuildResult) -> None:
    chart = built.rendered[chart_id].chart
    ranked = [s for s in built.figures.services if chart_id != "category-1-share" or s.category_1_share.value is not None]
    assert len(chart.spec["layer"][0]["encoding"]["y"]["sort"]) == len(ranked) <= MOST_BARS
    assert "showing" not in chart.subtitle


def test_the_hover_selection_is_the_one_altair_would_write() -> None:
    """charts._spec adds the rows' hover selection itself (Altair's layering copies and validates it per layer):
    the spec must be the one Altair makes from the selection, keys' order included."""
    import altair as alt

    from site_builder.charting import BARS_VIEW, _spec
    from site_builder.charting import hover_rows as _hover_rows

    frame = pd.DataFrame({"service": ["A", "B"], "calls": [3, 5]})
    bars = alt.Chart(frame).mark_bar().encode(y=alt.Y("service:N"), x=alt.X("calls:Q"))
    labels = alt.Chart(frame).mark_text().encode(y=alt.Y("service:N"), x=alt.X("calls:Q"), text=alt.Text("calls:Q"))
    ours = _spec(alt.layer(_hover_rows(bars), labels).properties(width=300), "Title", "Subtitle", 300)
    hover = alt.selection_point(name="hover", on="pointerover", clear="pointerout", fields=["service"], empty=True)
    dimmed = alt.condition(hover, alt.value(1.0), alt.value(0.5))
    altairs = alt.layer(bars.add_params(hover).encode(opacity=dimmed).properties(name=BARS_VIEW), labels).properties(
        width=300, title=alt.Title(["Title"], subtitle=["Subtitle"])
    )
    expected = altairs.to_dict()
    assert json.dumps({k: v for k, v in ours.items() if k not in ("config", "autosize", "$schema")}) == json.dumps(
        {k: v for k, v in expected.items() if k not in ("config", "autosize", "$schema")}
    )


def test_ranked_bars_draw_a_rule_a_highlight_and_hover_on_their_own_rows() -> None:
    """The kit's ranked bars know nothing of services: the rows dim by the column that names them."""
    from site_builder.charting import COLOURS, NARROW, WIDE, RankedBars, Rule, make_chart

    months = pd.DataFrame({"month": ["Jan", "Feb", "Mar"], "minutes": [9.5, 7.25, 6.0], "latest": [False, False, True]})
    bars = RankedBars(months, name="month", value="minutes", axis_title="Minutes", label_format=".1f", highlight="latest", rules=[Rule(7, "Standard: 7")])
    chart = make_chart(
        "months", bars.draw(WIDE), narrow=bars.draw(NARROW), title="T", subtitle="S", description="D", source="S", table=months, labels={"month": "Month"}
    )
    for spec in (chart.spec, chart.narrow_spec):
        assert spec is not None
        assert spec["params"][0]["select"]["fields"] == ["month"]
        bar_layer, numbers, rule, rule_label = spec["layer"]
        assert bar_layer["encoding"]["y"]["sort"] == ["Jan", "Feb", "Mar"]
        assert bar_layer["encoding"]["color"]["condition"] == {"test": "datum.latest", "value": COLOURS["highlight"]}
        assert bar_layer["encoding"]["y"]["axis"]["labelFontWeight"]["expr"] == 'indexof(["Mar"], datum.value) >= 0 ? 700 : 400'
        assert numbers["encoding"]["text"]["format"] == ".1f"
        assert rule["mark"]["type"] == "rule" and rule_label["encoding"]["text"]["field"] == "label"
        assert [row["share"] for row in spec["datasets"][rule["data"]["name"]]] == [7]
    assert chart.spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 9.5 * 1.1], "room past the longest bar"


@pytest.mark.parametrize("delta", [1, 0.25])
def test_map_arcs_are_decoded_as_topojson_says(delta: float) -> None:
    """geo decodes every arc at once with numpy: the same points as TopoJSON's rule, point by point (the real
    boundaries, and with deltas that are not whole numbers)."""
    from site_builder.geo import _decode_arcs

    topology = load_dataset(load_config(ROOT).datapackage).boundaries
    topology = {**topology, "arcs": [[[dx * delta, dy * delta] for dx, dy, *_ in arc] for arc in topology["arcs"]]}
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    expected = []
    for arc in topology["arcs"]:
        x = y = 0
        for dx, dy in arc:
            x, y = x + dx, y + dy
            expected.append((x * sx + tx, y * sy + ty))
    points, lengths = _decode_arcs(topology)
    assert lengths == [len(arc) for arc in topology["arcs"]]
    assert [tuple(point) for point in points.tolist()] == expected
