"""Every chart the site shows: one function each, registered by id, rendered at build time.

To add a chart, write one function decorated with `@chart("chart-id")` that takes the
figures and the dataset and returns a `Chart`; reference it from content with
`{{ chart("chart-id") }}`. Per-service charts use `@service_chart("prefix")` and get the
service code as a third argument; their ids are `prefix-<code>`. A `@service_chart_builder("prefix")`
may make the same charts faster, sharing work between services (see `ServiceHighlights`).

Encoding channels are written as objects (`alt.X("share:Q")`, `alt.XValue(0)`, `alt.ColorValue(**alt.condition(...))`),
never as shorthand strings or dicts: Altair turns those into objects by searching its whole schema, about 10 ms each.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

from .errors import ChartError
from .figures import Figures
from .formatting import format_number
from .geo import map_shapes
from .model import Dataset
from .titles import TITLE_THEME

# Okabe–Ito colours: distinguishable with every common colour-vision deficiency,
# and mid-tones that hold their contrast on light and dark backgrounds.
COLOURS = {
    "category_1": "#D55E00",
    "other": "#0072B2",
    "highlight": "#D55E00",
    "muted": "#8C8C8C",
    "recipient": "#CC79A7",
}
# Arial's metrics (Liberation Sans shares them): the build measures labels with the font the reader sees.
FONT = "Arial, 'Liberation Sans', 'Helvetica Neue', Helvetica, sans-serif"
# Each chart is drawn twice: wide for tablets and desktops, and narrow for phones, where a shrunk
# wide drawing would leave 7 px text. Widths are of the whole drawing, axes and labels included;
# NARROW fits a 360 px screen less the page's margins, so it is shown at its natural size.
WIDE = 600
NARROW = 328
TEXT = "#333333"
MUTED_TEXT = "#595959"
MOST_BARS = 25  # a per-service chart with more services than this shows the service among its neighbours in rank
NEAREST = 13  # how many services such a chart shows: the service and those ranked just above and below it


def theme() -> dict[str, Any]:
    """Return the one Vega-Lite config every chart shares."""
    return {
        "background": None,
        "font": FONT,
        "aria": False,  # the page gives each chart a text description and a data table instead
        "mark": {"aria": False},  # config.aria alone leaves marks as unlabelled graphics-symbol (axe: svg-img-alt)
        "view": {"stroke": None},
        "padding": {"left": 0, "right": 4, "top": 4, "bottom": 4},
        "title": {**TITLE_THEME, "subtitleColor": MUTED_TEXT},  # the style the downloads' titles are set in (workers.with_title)
        "axis": {
            "labelFontSize": 13,
            "titleFontSize": 13,
            "titleFontWeight": 400,
            "labelColor": TEXT,
            "titleColor": MUTED_TEXT,
            "gridColor": "#e0e0e0",
            "domainColor": "#767676",
            "tickColor": "#767676",
            "labelLimit": 140,
        },
        "axisY": {"domain": False, "ticks": False, "labelPadding": 6},
        "legend": {
            "labelFontSize": 13,
            "titleFontSize": 13,
            "orient": "top",
            "labelColor": TEXT,
            "titleColor": TEXT,
            "symbolStrokeColor": "#595959",
            "symbolStrokeWidth": 0.5,
            "direction": "horizontal",
        },
        "text": {"fontSize": 13, "fill": TEXT},
        "bar": {"discreteBandSize": 18},
        "concat": {"spacing": 28},
    }


@dataclass(frozen=True)
class DataTable:
    """Exactly the values a chart plots, as the page's table shows them."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    raw: tuple[tuple[Any, ...], ...] = field(repr=False)

    def to_csv(self) -> str:
        """Return the plotted values as CSV, unformatted."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.raw)
        return buffer.getvalue()


@dataclass(frozen=True)
class Chart:
    """A chart before rendering: its words, its data and its Vega-Lite spec."""

    id: str
    title: str
    subtitle: str
    description: str
    source: str
    spec: dict[str, Any] = field(repr=False)
    table: DataTable = field(repr=False)
    narrow_spec: dict[str, Any] | None = field(default=None, repr=False)  # the phone drawing; None when one drawing fits both


ChartFunction = Callable[[Figures, Dataset], Chart]
ServiceChartFunction = Callable[[Figures, Dataset, str], Chart]
ServiceChartBuilder = Callable[[Figures, Dataset], Callable[[str], Chart]]
CHARTS: dict[str, ChartFunction] = {}
SERVICE_CHARTS: dict[str, ServiceChartFunction] = {}
SERVICE_CHART_BUILDERS: dict[str, ServiceChartBuilder] = {}  # optional: makes the same charts, sharing work between services


def chart(chart_id: str) -> Callable[[ChartFunction], ChartFunction]:
    """Register a chart function under `chart_id`."""

    def register(function: ChartFunction) -> ChartFunction:
        CHARTS[chart_id] = function
        return function

    return register


def service_chart(prefix: str) -> Callable[[ServiceChartFunction], ServiceChartFunction]:
    """Register a chart drawn once per helping service, as `prefix-<code>`."""

    def register(function: ServiceChartFunction) -> ServiceChartFunction:
        SERVICE_CHARTS[prefix] = function
        return function

    return register


def service_chart_builder(prefix: str) -> Callable[[ServiceChartBuilder], ServiceChartBuilder]:
    """Register a faster way to make the charts of `prefix`: given the figures and dataset, it returns a function of the code."""

    def register(builder: ServiceChartBuilder) -> ServiceChartBuilder:
        SERVICE_CHART_BUILDERS[prefix] = builder
        return builder

    return register


def service_chart_id(prefix: str, code: str) -> str:
    """Return the id of one service's chart."""
    return f"{prefix}-{code.lower()}"


def chart_ids(figures: Figures) -> list[str]:
    """Return the id of every chart the site will build."""
    ids = list(CHARTS)
    for prefix in SERVICE_CHARTS:
        ids += [service_chart_id(prefix, s.code) for s in figures.services]
        ids.append(service_chart_id(prefix, figures.recipient.code))
    return ids


def build_charts(figures: Figures, dataset: Dataset) -> dict[str, Chart]:
    """Build every registered chart (not yet rendered)."""
    return {chart.id: chart for chart in iter_charts(figures, dataset)}


def iter_charts(figures: Figures, dataset: Dataset) -> Iterator[Chart]:
    """Build the registered charts one by one, so that each can go to be rendered while the next is built.

    The services' charts come first: made from one template, each takes milliseconds, so the render processes
    have work at once while the costlier overview charts (tens of milliseconds each) are built.
    """
    # Altair checks every object it makes against the schema as it makes it (a fifth of the time here); the specs
    # are the same without, and tests/test_charts.py validates every one against the Vega-Lite schema.
    with debug_mode(False):
        for prefix, service_function in SERVICE_CHARTS.items():
            builder = SERVICE_CHART_BUILDERS.get(prefix)
            make = builder(figures, dataset) if builder else functools.partial(service_function, figures, dataset)
            for code in [s.code for s in figures.services] + [figures.recipient.code]:
                yield _call(service_chart_id(prefix, code), functools.partial(make, code))
        for chart_id, function in CHARTS.items():
            yield _call(chart_id, lambda f=function: f(figures, dataset))  # type: ignore[misc]


def _call(chart_id: str, make: Callable[[], Chart]) -> Chart:
    try:
        result = make()
    except ChartError:
        raise
    except Exception as error:  # a chart function is user code: report which one failed
        raise ChartError(f"chart '{chart_id}' could not be built: {type(error).__name__}: {error}", "site_builder/charts.py") from error
    if result.id != chart_id:
        raise ChartError(f"chart function for '{chart_id}' returned a chart with id '{result.id}'", "site_builder/charts.py")
    return result


def make_chart(
    chart_id: str,
    altair_chart: alt.TopLevelMixin,
    *,
    title: str,
    subtitle: str,
    description: str,
    source: str,
    table: pd.DataFrame,
    labels: dict[str, str],
    narrow: alt.TopLevelMixin | None = None,
) -> Chart:
    """Assemble a Chart: apply the theme and title to each drawing, and keep the plotted table."""
    narrow_spec = None if narrow is None else _spec(narrow, title, subtitle, NARROW)
    return Chart(chart_id, title, subtitle, description, source, _spec(altair_chart, title, subtitle, WIDE), data_table(table, labels), narrow_spec)


def data_table(table: pd.DataFrame, labels: dict[str, str]) -> DataTable:
    """Return the columns `labels` names of a chart's table, headed by their labels."""
    raw = tuple(tuple(_plain(v) for v in row) for row in table[list(labels)].itertuples(index=False))
    rows = tuple(tuple(_cell(v) for v in row) for row in raw)
    return DataTable(tuple(labels.values()), rows, raw)


def _title(title: str, subtitle: str, width: int) -> alt.Title:
    """Return a drawing's title and subtitle, wrapped to its width (the PNG and SVG downloads carry them; the page prints them as text)."""
    return alt.Title(textwrap.wrap(title, width // 10), subtitle=textwrap.wrap(subtitle, width // 7))


# The keys Altair writes after top-level params, and after a top-level title: each goes in before them, where Altair puts it.
_AFTER_PARAMS = ("projection", "resolve", "title", "transform", "usermeta", "view", "width", "$schema", "datasets")
_AFTER_TITLE = ("transform", "usermeta", "view", "width", "$schema", "datasets")


def _put(spec: dict[str, Any], key: str, value: Any, before: tuple[str, ...]) -> dict[str, Any]:
    """Return the spec with `key` added before the first of the keys `before` it has, as Altair orders them."""
    items = list(spec.items())
    at = next((i for i, (name, _) in enumerate(items) if name in before), len(items))
    return dict([*items[:at], (key, value), *items[at:]])


def _spec(altair_chart: alt.TopLevelMixin, title: str, subtitle: str, width: int) -> dict[str, Any]:
    # The title goes into the dict, not through `.properties`, which would copy the whole chart (data included) first.
    spec: dict[str, Any] = altair_chart.to_dict(validate=False)  # validating takes most of a cold build; tests validate every spec
    if any(layer.get("name") == BARS_VIEW for layer in spec.get("layer", [])):
        spec = _put(spec, "params", [{**HOVER, "views": [BARS_VIEW]}], _AFTER_PARAMS)
    spec = _put(spec, "title", _title(title, subtitle, width).to_dict(validate=False), _AFTER_TITLE)
    spec["config"] = theme()
    if "autosize" not in spec and not any(key in spec for key in ("vconcat", "hconcat", "concat")):
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}  # `width` is the whole drawing's
    spec.pop("$schema", None)
    spec["$schema"] = "https://vega.github.io/schema/vega-lite/v5.json"
    return spec


def _plain(value: Any) -> Any:
    if pd.isna(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, float):
        return format_number(value, 1)
    return str(value) if value != "" else "no data"


def source_line(dataset: Dataset, *source_ids: str) -> str:
    """Return 'Source: ...' naming each source's publisher."""
    names = [dataset.sources[s].publisher for s in source_ids]
    return "Source: " + "; ".join(dict.fromkeys(names))


def _calls_frame(figures: Figures) -> pd.DataFrame:
    rows = []
    for service in figures.services:
        rows.append(
            {
                "code": service.code,
                "service": service.short_name,
                "category_1": service.category_1_calls.value,
                "other": service.other_calls.value,
                "calls": service.calls_answered.value,
            }
        )
    return pd.DataFrame(rows)


def _most(frame: pd.DataFrame, ranked_by: str) -> tuple[pd.DataFrame, str]:
    """Return the first MOST_BARS rows of a ranked frame and the words that say so, or the whole frame and no words.

    A chart of every service stays readable up to MOST_BARS bars; past that it would be thousands of pixels tall (and
    its PNG tens of megapixels), so it shows the top of the ranking and says how many it leaves out.
    """
    if len(frame) <= MOST_BARS:
        return frame, ""
    return frame.head(MOST_BARS), f"the {format_number(MOST_BARS)} {ranked_by}, of {format_number(len(frame))}"


def _showing(subtitle: str, description: str, shown: str) -> tuple[str, str]:
    """Add the words of `_most` to a chart's subtitle and description (none when it shows every row)."""
    if not shown:
        return subtitle, description
    return f"{subtitle}; showing {shown}", f"{description} The chart shows {shown}; the table below it has every one."


def _period(figures: Figures) -> str:
    return f"from {figures['date_period_start'].text}"


def _axis(width: int, title: str | None, value_format: str = ",.0f") -> alt.Axis:
    """Return a value axis: fewer ticks on the narrow drawing, so the numbers never collide."""
    return alt.Axis(title=title, format=value_format, tickCount=3 if width <= NARROW else 6, labelFlush=True)


def _room(values: pd.Series, width: int) -> alt.Scale:
    """Return a value scale from zero with room past the longest bar for its printed number."""
    return alt.Scale(domain=_room_domain(values, width), nice=False)


def _room_domain(values: pd.Series, width: int) -> list[float]:
    """Return the domain of `_room`'s scale."""
    return [0, float(values.max()) * (1.22 if width <= NARROW else 1.1)]


BARS_VIEW = "bars"  # the name of a chart's bars, the view its hover selection lives in


# The selection that dims the other rows, as Altair writes `alt.selection_point(name="hover", on="pointerover",
# clear="pointerout", fields=["service"], empty=True)` added to the view named BARS_VIEW and lifted to the top of
# the layered chart. `_spec` puts it there itself: layering a view that has a selection makes Altair copy and
# validate it for every layer (a tenth of the time a chart takes to build). tests/test_charts.py compares.
HOVER = {"name": "hover", "select": {"type": "point", "clear": "pointerout", "fields": ["service"], "on": "pointerover"}}


def _hover_rows(bars: alt.Chart) -> alt.Chart:
    """Dim the other rows while the pointer rests on one (live drawings only: the static SVG shows every row in full)."""
    # The channel object Altair would infer from alt.condition(hover, alt.value(1.0), alt.value(0.5)), made directly.
    dimmed = alt.OpacityValue(condition=alt.ConditionalParameterValueDefnumberExprRef(param=alt.ParameterName(HOVER["name"]), empty=True, value=1.0), value=0.5)
    # The view the selection lives in is named, so Altair need not name it by a hash of the view (data included).
    return bars.encode(opacity=dimmed).properties(name=BARS_VIEW)


def _end_labels(data: pd.DataFrame, y: alt.Y, field_name: str, value_format: str = ",.0f") -> alt.Chart:
    """Return the numbers printed at the end of each bar (readers should not have to read them off an axis)."""
    return (
        alt.Chart(data)
        .mark_text(align="left", baseline="middle", dx=4)
        .encode(y=y, x=alt.X(f"{field_name}:Q", axis=None), text=alt.Text(f"{field_name}:Q", format=value_format))
    )


@chart("calls-by-service")
def calls_by_service(figures: Figures, dataset: Dataset) -> Chart:
    """Calls answered for London by each service, split into category 1 and other calls."""
    every = _calls_frame(figures)
    frame, shown = _most(every, "that answered the most")
    order = list(frame["service"])
    long = frame.melt(id_vars=["service", "calls"], value_vars=["category_1", "other"], var_name="kind", value_name="count")
    long["kind"] = long["kind"].map({"category_1": "Category 1", "other": "Other calls"})

    def draw(width: int) -> alt.TopLevelMixin:
        y = alt.Y("service:N", sort=order, title=None)
        bars = (
            alt.Chart(long)
            .mark_bar()
            .encode(
                y=y,
                x=alt.X("count:Q", stack="zero", axis=_axis(width, "999 calls answered for LAS"), scale=_room(frame["calls"], width)),
                color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["Category 1", "Other calls"], range=[COLOURS["category_1"], COLOURS["other"]])),
                order=alt.Order("kind:N", sort="ascending"),
                tooltip=[alt.Tooltip("service:N", title="Service"), alt.Tooltip("kind:N", title="Kind"), alt.Tooltip("count:Q", title="Calls", format=",")],
            )
        )
        return alt.layer(_hover_rows(bars), _end_labels(frame, y, "calls")).properties(width=width, height=alt.Step(22))

    top = figures["top_service_short_name"].text
    description = (
        f"Bar chart of the {figures['calls_answered_total'].digits} 999 calls answered for London Ambulance Service by "
        f"{figures['helper_services'].digits} other services. {figures['top_service_name'].text} answered the most, "
        f"{figures['top_service_calls'].digits} ({figures['top_service_share'].text}), followed by {figures['second_service_name'].text} "
        f"with {figures['second_service_calls'].digits}. {figures['services_answering_none_names'].text} answered none. "
        f"{figures['category_1_total'].digits} of the calls ({figures['category_1_share'].text}) were category 1."
    )
    subtitle, description = _showing(f"999 calls answered for London Ambulance Service {_period(figures)}, by service", description, shown)
    return make_chart(
        "calls-by-service",
        draw(WIDE),
        narrow=draw(NARROW),
        title=f"{top} answered the most of London's calls",
        subtitle=subtitle,
        description=description,
        source=source_line(dataset, "hsj"),
        table=every,
        labels={"service": "Service", "category_1": "Category 1 calls", "other": "Other calls", "calls": "All calls answered"},
    )


@chart("category-1-share")
def category_1_share(figures: Figures, dataset: Dataset) -> Chart:
    """The category 1 share of each service's answered calls, against the share across all services."""
    answered = [s for s in figures.services if s.category_1_share.value is not None]
    frame = pd.DataFrame(
        [
            {"service": s.short_name, "category_1": s.category_1_calls.value, "calls": s.calls_answered.value, "share": float(s.category_1_share.value) * 100}  # type: ignore[arg-type]
            for s in answered
        ]
    ).sort_values(["share", "service"], ascending=[False, True], kind="stable")
    overall = float(figures["category_1_share"].value) * 100  # type: ignore[arg-type]
    frame["above"] = ["above" if share > overall else "below" for share in frame["share"]]
    plotted, shown = _most(frame, "highest shares")
    order = list(plotted["service"])
    overall_row = pd.DataFrame(
        [{"service": "All services", "category_1": figures["category_1_total"].value, "calls": figures["calls_answered_total"].value, "share": overall}]
    )
    leader = next(s for s in answered if s.name == figures["highest_category_1_share_name"].value)
    mean = pd.DataFrame([{"share": overall, "label": f"All services: {format_number(overall, 1)}%"}])

    def draw(width: int) -> alt.TopLevelMixin:
        y = alt.Y("service:N", sort=order, title=None)
        bars = (
            alt.Chart(plotted)
            .mark_bar()
            .encode(
                y=y,
                x=alt.X("share:Q", axis=_axis(width, "Category 1 share of calls answered (%)", ".0f"), scale=_room(plotted["share"], width)),
                color=alt.Color("above:N", scale=alt.Scale(domain=["above", "below"], range=[COLOURS["category_1"], COLOURS["muted"]]), legend=None),
                tooltip=[
                    alt.Tooltip("service:N", title="Service"),
                    alt.Tooltip("share:Q", title="Category 1 share (%)", format=".1f"),
                    alt.Tooltip("category_1:Q", title="Category 1 calls", format=","),
                    alt.Tooltip("calls:Q", title="Calls answered", format=","),
                ],
            )
        )
        rule = alt.Chart(mean).mark_rule(strokeDash=[4, 3], color=TEXT).encode(x=alt.X("share:Q"))
        rule_label = (
            alt.Chart(mean)
            .mark_text(align="left", baseline="bottom", dx=4, dy=-2, fontWeight=700)
            .encode(x=alt.X("share:Q"), y=alt.YValue(0), text=alt.Text("label:N"))
        )
        return alt.layer(_hover_rows(bars), _end_labels(plotted, y, "share", ".1f"), rule, rule_label).properties(width=width, height=alt.Step(24))

    description = (
        f"Bar chart of the share of category 1 calls among the calls each of {len(answered)} services answered for London. "
        f"{leader.name} had the highest share, {leader.category_1_share.text} ({leader.category_1_calls.digits} of {leader.calls_answered.digits}); "
        f"across all services the share was {figures['category_1_share'].text}. "
        f"{sum(v == 'above' for v in frame['above'])} services were above that share. "
        f"{figures['services_answering_none_names'].text} answered no calls and so have no share."
    )
    subtitle, description = _showing(
        f"Category 1 (immediately life-threatening) calls as a share of each service's calls answered for LAS {_period(figures)}", description, shown
    )
    return make_chart(
        "category-1-share",
        draw(WIDE),
        narrow=draw(NARROW),
        title=f"{leader.short_name}'s calls were the most often life-threatening",
        subtitle=subtitle,
        description=description,
        source=source_line(dataset, "hsj"),
        table=pd.concat([frame, overall_row], ignore_index=True),
        labels={"service": "Service", "category_1": "Category 1 calls", "calls": "Calls answered", "share": "Category 1 share (%)"},
    )


# The map's classes: a sequential blue scale for calls answered (one hue, so safe for colour-blind
# readers), hollow for "answered none", grey with a dashed edge for "no data", and the recipient apart.
MAP_BINS = ((1, 500, "1–499"), (500, 1000, "500–999"), (1000, 2000, "1,000–1,999"), (2000, None, "2,000 or more"))
MAP_BLUES = ("#4292c6", "#2171b5", "#08519c", "#08306b")  # each at least 3:1 against white
MAP_NONE, MAP_NO_DATA = "#ffffff", "#bdbdbd"
MAP_WIDTH = NARROW  # a map of the UK is tall: one drawing fits a phone and sits beside the text on a desktop
MAP_AREAS = "map-areas"  # the name the areas' data has until their shapes are put into the spec


def map_band(calls: int | None, is_recipient: bool, recipient_label: str) -> str:
    """Return the map class of one area: the recipient, no data, none, or a band of calls answered."""
    if is_recipient:
        return recipient_label
    if calls is None:
        return "No data"
    if calls == 0:
        return "None answered"
    for low, high, label in MAP_BINS:
        if calls >= low and (high is None or calls < high):
            return label
    raise ValueError(calls)


@chart("map")
def help_map(figures: Figures, dataset: Dataset) -> Chart:
    """A map of the UK's ambulance services shaded by calls answered, London marked as the service helped."""
    shapes, height = map_shapes(dataset.boundaries, dataset.boundary_object, MAP_WIDTH)
    recipient = figures.recipient
    recipient_label = "London: being helped"
    by_code = {s.code: s for s in figures.services}
    rows = []
    for area in shapes:
        service = by_code.get(area.code)
        calls = None if service is None else int(service.calls_answered.value)  # type: ignore[arg-type]
        band = map_band(calls, area.code == recipient.code, recipient_label)
        rows.append(
            {
                "code": area.code,
                "service": service.short_name if service else area.name.removesuffix(" Ambulance Service"),
                "calls": calls,
                "band": band,
                "geometry": area.geometry,
                "x": area.label_x,
                "y": area.label_y,
            }
        )
    frame = pd.DataFrame(rows)
    domain = [*(label for _, _, label in reversed(MAP_BINS)), "None answered", "No data", recipient_label]
    colours = [*reversed(MAP_BLUES), MAP_NONE, MAP_NO_DATA, COLOURS["recipient"]]
    features = [{"type": "Feature", "geometry": r["geometry"], "properties": {k: v for k, v in r.items() if k != "geometry"}} for r in rows]
    # The shapes are already projected to pixels, so Vega draws them as they are (no fitting, no rounding).
    projection: dict[str, Any] = {"type": "identity", "scale": 1, "translate": [0, 0]}
    # Altair deep-copies a chart's inline values at every step (half a second for these shapes): the areas are drawn
    # from a named placeholder, and the shapes put in its place once the spec is made.
    areas = (
        alt.Chart(alt.Data(name=MAP_AREAS))
        .mark_geoshape(strokeWidth=0.75)
        .encode(
            color=alt.Color(
                "properties.band:N",
                title=None,
                scale=alt.Scale(domain=domain, range=colours),
                legend=alt.Legend(orient="top", columns=2, direction="vertical", symbolType="square", symbolSize=150, labelLimit=200),
            ),
            stroke=alt.StrokeValue(
                **alt.condition("datum.properties.band === 'No data' || datum.properties.band === 'None answered'", alt.value("#595959"), alt.value("#ffffff"))
            ),
            strokeDash=alt.StrokeDashValue(**alt.condition("datum.properties.band === 'No data'", alt.value([2, 2]), alt.value([1, 0]))),
            tooltip=[
                alt.Tooltip("properties.service:N", title="Service"),
                alt.Tooltip("properties.calls:Q", title="Calls answered", format=","),
                alt.Tooltip("properties.band:N", title="Shown as"),
            ],
        )
        .project(**projection)
    )
    labelled = frame[frame["band"].isin([recipient_label, "None answered", "No data"]) | (frame["code"] == figures.services[0].code)].copy()
    labelled["text"] = [_map_label(r, recipient_label) for r in labelled.to_dict("records")]
    # Small areas have their label beside them: London's to the east, the Isle of Wight's in the Channel.
    labelled["place"] = [{recipient_label: "east", "No data": "south"}.get(band, "inside") for band in labelled["band"]]
    labels = []
    for place, group in labelled.groupby("place"):
        style: dict[str, Any] = {"east": {"align": "left", "dx": 9}, "south": {"align": "center", "dy": 16}}.get(str(place), {"align": "center"})
        for halo in (True, False):  # a halo of the background under each label keeps it readable over any shade
            extra: dict[str, Any] = {"stroke": "#ffffff", "strokeWidth": 3, "strokeJoin": "round"} if halo else {}
            labels.append(
                alt.Chart(group)
                .mark_text(fontSize=12, fontWeight=600, baseline="middle", lineBreak="\n", **style, **extra)
                .encode(longitude=alt.Longitude("x:Q"), latitude=alt.Latitude("y:Q"), text=alt.Text("text:N"))
                .project(**projection)
            )
    # Drawn at its own size (no fitting): the shapes are already in pixels.
    drawing = alt.layer(areas, *labels).properties(width=MAP_WIDTH, height=height, autosize=alt.AutoSizeParams(type="pad"))
    top = figures.services[0]
    none_names = figures["services_answering_none_names"].text
    no_data = [str(r["service"]) for r in rows if r["band"] == "No data"]
    description = (
        f"Map of the UK's ambulance services, shaded by how many of London's 999 calls each answered {_period(figures)}. "
        f"{recipient.name}, the service being helped, is marked apart. {top.name} answered the most, {top.calls_answered.digits}. "
        f"{none_names} answered none and are drawn hollow. "
        + (f"{' and '.join(no_data)} is not in the table and is drawn grey with a dashed edge, as no data." if no_data else "")
    )
    table = frame.assign(calls=frame["calls"].astype("Int64"))
    made = make_chart(
        "map",
        drawing,
        title=_map_title(figures),
        subtitle=f"999 calls answered for London Ambulance Service {_period(figures)}, by the helping service's area",
        description=description.strip(),
        source=f"{source_line(dataset, 'hsj', 'ons_os_boundaries')}. {dataset.boundaries_attribution.rstrip('.')}",
        table=table,
        labels={"service": "Service area", "calls": "Calls answered", "band": "Shown as"},
    )
    for layer in made.spec["layer"]:
        if layer.get("data") == {"name": MAP_AREAS}:
            layer["data"] = {"values": features}
    return made


def _map_title(figures: Figures) -> str:
    """Return the map's finding: whether every service in England helped, and which answered none."""
    english = [s for s in figures.services if s.nation == "England"]
    helping = [s for s in english if s.calls_answered.value]
    if len(helping) == len(english):
        return f"All {len(english)} of England's other services answered some of London's calls"
    return f"{len(helping)} of England's {len(english)} other services answered some of London's calls"


def _map_label(row: dict[str, Any], recipient_label: str) -> str:
    if row["band"] == recipient_label:
        return "London"
    if row["band"] == "No data":
        return f"{row['service']}\nno data"
    if row["band"] == "None answered":
        return f"{row['service']}\nnone"
    return f"{row['service']}\n{format_number(row['calls'])}"


@chart("calls-per-100k")
def calls_per_100k(figures: Figures, dataset: Dataset) -> Chart:
    """Calls answered per 100,000 residents of the helping service's area, only where the population is sourced."""
    frame = pd.DataFrame(
        [
            {
                "service": s.short_name,
                "calls": s.calls_answered.value,
                "population": s.population.value,
                "rate": s.calls_per_100k.value,
                "no_data": s.calls_per_100k.value is None,
            }
            for s in figures.services
        ]
    )
    frame["rate_sort"] = frame["rate"].fillna(-1.0)
    frame = frame.sort_values(["rate_sort", "calls"], ascending=[False, False], kind="stable").drop(columns="rate_sort")
    frame["population"] = frame["population"].astype("Int64")
    frame["label"] = [f"{format_number(r, 1)}" if not missing else "no data" for r, missing in zip(frame["rate"], frame["no_data"], strict=True)]
    plotted, shown = _most(frame, "highest rates")
    order = list(plotted["service"])
    rated = plotted[~plotted["no_data"]]
    gaps_shown = plotted[plotted["no_data"]]
    missing = frame[frame["no_data"]]

    def draw(width: int) -> alt.TopLevelMixin:
        y = alt.Y("service:N", sort=order, title=None)
        bars = (
            alt.Chart(rated)
            .mark_bar(color=COLOURS["other"])
            .encode(
                y=y,
                x=alt.X("rate:Q", axis=_axis(width, "Calls answered per 100,000 residents", ",.0f"), scale=_room(rated["rate"], width)),
                tooltip=[
                    alt.Tooltip("service:N", title="Service"),
                    alt.Tooltip("rate:Q", title="Calls per 100,000", format=",.1f"),
                    alt.Tooltip("population:Q", title="Residents", format=","),
                ],
            )
        )
        gaps = (
            alt.Chart(gaps_shown)
            .mark_text(align="left", baseline="middle", fontStyle="italic", color=MUTED_TEXT, dx=4)
            .encode(y=y, x=alt.XValue(0), text=alt.Text("label:N"))
        )
        return alt.layer(_hover_rows(bars), _end_labels(rated, y, "rate", ".1f"), gaps).properties(width=width, height=alt.Step(22))

    description = (
        f"Bar chart of calls answered for London per 100,000 residents, for the {figures['services_with_population'].digits} helping services "
        f"whose area matches an ONS region or nation. {figures['highest_rate_name'].text} had the highest rate, {figures['highest_rate'].text}. "
        f"The other {figures['services_without_population'].digits} services ({_join(list(missing['service']))}) have no sourced population "
        "and are shown as no data, not estimated."
    )
    subtitle, description = _showing(
        f"Calls answered for LAS {_period(figures)} per 100,000 residents of the helping service's area; no data where no population matches it",
        description,
        shown,
    )
    leader = next(s for s in figures.services if s.name == figures["highest_rate_name"].value)
    return make_chart(
        "calls-per-100k",
        draw(WIDE),
        narrow=draw(NARROW),
        title=f"For its size, {leader.short_name} gave the most help",
        subtitle=subtitle,
        description=description,
        source=source_line(dataset, "hsj", "ons_mye2019"),
        table=frame,
        labels={"service": "Service", "calls": "Calls answered", "population": "Residents", "rate": "Calls per 100,000 residents"},
    )


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@chart("concentration")
def concentration(figures: Figures, dataset: Dataset) -> Chart:
    """How concentrated the help was: the running share of calls, services ranked by calls answered."""
    total = float(figures["calls_answered_total"].value)  # type: ignore[arg-type]
    half, three_quarters = int(figures["services_for_half"].value), int(figures["services_for_three_quarters"].value)  # type: ignore[arg-type]
    rows, running = [], 0
    for rank, service in enumerate(figures.services, start=1):
        running += int(service.calls_answered.value)  # type: ignore[arg-type]
        group = "Half" if rank <= half else "Three quarters" if rank <= three_quarters else "The rest"
        rows.append({"rank": rank, "service": service.short_name, "calls": service.calls_answered.value, "cumulative": running / total * 100, "group": group})
    frame = pd.DataFrame(rows)
    plotted, shown = _most(frame, "that answered the most")
    order = list(plotted["service"])
    marks = pd.DataFrame([{"share": 50, "label": "50%"}, {"share": 75, "label": "75%"}])

    def draw(width: int) -> alt.TopLevelMixin:
        y = alt.Y("service:N", sort=order, title=None)
        bars = (
            alt.Chart(plotted)
            .mark_bar()
            .encode(
                y=y,
                x=alt.X(
                    "cumulative:Q",
                    scale=alt.Scale(domain=[0, 118 if width <= NARROW else 110], nice=False),
                    axis=_axis(width, "Running share of all calls answered (%)", ".0f"),
                ),
                color=alt.Color(
                    "group:N",
                    title=None,
                    scale=alt.Scale(domain=["Half", "Three quarters", "The rest"], range=[COLOURS["category_1"], COLOURS["other"], COLOURS["muted"]]),
                    legend=None if width <= NARROW else alt.Legend(),  # on a phone the 50% and 75% marks say it
                ),
                tooltip=[
                    alt.Tooltip("rank:Q", title="Rank"),
                    alt.Tooltip("service:N", title="Service"),
                    alt.Tooltip("calls:Q", title="Calls answered", format=","),
                    alt.Tooltip("cumulative:Q", title="Running share (%)", format=".1f"),
                ],
            )
        )
        rules = alt.Chart(marks).mark_rule(strokeDash=[4, 3], color=TEXT).encode(x=alt.X("share:Q"))
        rule_labels = (
            alt.Chart(marks)
            .mark_text(align="center", baseline="bottom", dy=-2, fontWeight=700)
            .encode(x=alt.X("share:Q"), y=alt.YValue(0), text=alt.Text("label:N"))
        )
        return alt.layer(_hover_rows(bars), _end_labels(plotted, y, "cumulative", ".0f"), rules, rule_labels).properties(width=width, height=alt.Step(22))

    description = (
        f"Bar chart of the running share of the {figures['calls_answered_total'].digits} calls answered for London, with services ranked by calls answered. "
        f"The first {half} services ({_join(list(frame['service'][:half]))}) answered half of the calls between them, and the first {three_quarters} answered three quarters. "
        f"The top three answered {figures['top_three_share'].text}."
    )
    subtitle, description = _showing("Running share of the calls answered for LAS, adding services from the busiest down", description, shown)
    return make_chart(
        "concentration",
        draw(WIDE),
        narrow=draw(NARROW),
        title=f"{figures['services_for_half'].text.capitalize()} services answered half the calls",
        subtitle=subtitle,
        description=description,
        source=source_line(dataset, "hsj"),
        table=frame,
        labels={"rank": "Rank", "service": "Service", "calls": "Calls answered", "cumulative": "Running share (%)"},
    )


@chart("london-share")
def london_share(figures: Figures, dataset: Dataset) -> Chart:
    """London's side: the calls answered elsewhere against LAS's own calls over the same period."""
    low, high = float(figures["las_calls_period_low"].value), float(figures["las_calls_period_high"].value)  # type: ignore[arg-type]
    total = float(figures["calls_answered_total"].value)  # type: ignore[arg-type]
    days = figures["hsj_period_days"].text
    per_day = f"{figures['las_calls_per_day_low'].digits}–{figures['las_calls_per_day_high'].digits}"
    las_label, elsewhere_label = "LAS's own calls (estimate)", "Answered by other services"
    frame = pd.DataFrame(
        [
            {
                "bar": las_label,
                "short": "LAS's own",
                "low": low,
                "high": high,
                "label": f"{format_number(low)}–{format_number(high)}",
                "label_lines": f"{format_number(low)}–\n{format_number(high)}",
            },
            {"bar": elsewhere_label, "short": "Elsewhere", "low": total, "high": total, "label": format_number(total), "label_lines": format_number(total)},
        ]
    )
    assumption = f"Assumes LAS took {per_day} calls a day (HSJ's range) for {days} days"

    def draw(width: int) -> alt.TopLevelMixin:
        narrow = width <= NARROW
        y = alt.Y("short:N" if narrow else "bar:N", sort=list(frame["short" if narrow else "bar"]), title=None, axis=alt.Axis(labelLimit=220))
        x_axis = _axis(width, None if narrow else assumption)
        base = alt.Chart(frame)
        solid = base.mark_bar().encode(
            y=y,
            x=alt.X("low:Q", axis=x_axis, scale=alt.Scale(domain=[0, high * (1.5 if narrow else 1.32)], nice=False)),
            color=alt.Color("bar:N", scale=alt.Scale(domain=[las_label, elsewhere_label], range=[COLOURS["other"], COLOURS["category_1"]]), legend=None),
            tooltip=[alt.Tooltip("bar:N", title="Bar"), alt.Tooltip("label:N", title="Calls")],
        )
        spread = base.mark_bar(opacity=0.45).encode(
            y=y,
            x=alt.X("low:Q"),
            x2=alt.X2("high:Q"),
            color=alt.Color("bar:N", legend=None),
            tooltip=[alt.Tooltip("bar:N", title="Bar"), alt.Tooltip("label:N", title="Calls")],
        )
        ends = base.mark_text(align="left", baseline="middle", dx=4, lineBreak="\n").encode(
            y=y, x=alt.X("high:Q"), text=alt.Text("label_lines:N" if narrow else "label:N")
        )
        layers = [solid, spread, ends]
        if narrow:  # the axis title would not fit: state the assumption under the bars
            note = pd.DataFrame([{"text": "\n".join(textwrap.wrap(assumption, 38))}])
            layers.append(
                alt.Chart(note)
                .mark_text(align="left", baseline="top", fontStyle="italic", color=MUTED_TEXT, lineBreak="\n", fontSize=12)
                .encode(x=alt.XValue(0), y=alt.YValue(2 * 34 + 30), text=alt.Text("text:N"))
            )
        return alt.layer(*layers).properties(width=width, height=alt.Step(34))

    description = (
        f"Bar chart comparing the {figures['calls_answered_total'].digits} calls other services answered for London with the calls LAS itself "
        f"would have received over {days} days at the {per_day} a day HSJ reported: {format_number(low)} to {format_number(high)}. "
        f"The calls answered elsewhere were {format_number(float(figures['redirected_share_low'].value) * 100, 1)}% to "  # type: ignore[arg-type]
        f"{format_number(float(figures['redirected_share_high'].value) * 100, 1)}% of that, {figures['redirected_share_high'].words}."  # type: ignore[arg-type]
    )
    return make_chart(
        "london-share",
        draw(WIDE),
        narrow=draw(NARROW).properties(height=alt.Step(34)),
        title=f"Other services answered {figures['redirected_share_high'].words} of London's calls",
        subtitle=f"Calls answered for LAS by other services against LAS's own calls over {days} days",
        description=description,
        source=source_line(dataset, "hsj"),
        table=frame,
        labels={"bar": "Calls", "low": "Low end", "high": "High end"},
    )


@chart("two-kinds")
def two_kinds(figures: Figures, dataset: Dataset) -> Chart:
    """The two kinds of support side by side, each labelled in its own unit: calls answered, and emergencies attended."""
    police_qualifier = dataset.context["police_emergencies"].qualifier
    rows = [
        {
            "kind": "On the phone: calls answered by other services' control rooms",
            "value": figures["calls_answered_total"].value,
            "label": f"{figures['calls_answered_total'].digits} calls",
            "unit": "999 calls answered",
            "period": f"From {figures['date_period_start'].text} (about {figures['hsj_period_days'].text} days)",
            "colour": COLOURS["other"],
        },
        {
            "kind": "On the road: emergencies reached with police officers driving",
            "value": figures["police_emergencies"].value,
            "label": f"{police_qualifier} {figures['police_emergencies'].digits} emergencies",
            "unit": f"emergencies attended ({police_qualifier})",
            "period": f"Nearly {figures['police_weeks'].text} weeks from {figures['date_major_incident'].value:%B %Y}, {figures['police_officers'].digits} officers",  # the Met gave no start date, only the month
            "colour": COLOURS["category_1"],
        },
    ]
    frame = pd.DataFrame(rows)
    largest = float(frame["value"].max())  # one scale for both panels, with room for the longer label

    def panel(row: dict[str, Any], width: int) -> Any:
        data = pd.DataFrame([row])
        bar = (
            alt.Chart(data)
            .mark_bar(color=row["colour"], size=26)
            .encode(
                x=alt.X("value:Q", axis=None, scale=alt.Scale(domain=[0, largest * (1.75 if width <= NARROW else 1.4)], nice=False)),
                tooltip=[
                    alt.Tooltip("kind:N", title="Support"),
                    alt.Tooltip("value:Q", title=row["unit"].capitalize(), format=",.0f"),
                    alt.Tooltip("period:N", title="Period"),
                ],
            )
        )
        label = alt.Chart(data).mark_text(align="left", baseline="middle", dx=4, fontWeight=700).encode(x=alt.X("value:Q"), text=alt.Text("label:N"))
        heading, _, rest = row["kind"].partition(": ")
        title = alt.Title(
            [f"{heading}: {rest}"] if width > NARROW else [f"{heading}:", *textwrap.wrap(rest, 38)],
            subtitle=textwrap.wrap(row["period"], width // 7),
            anchor="start",
            fontSize=14,
            fontWeight=700,
            subtitleFontSize=12,
            subtitleColor=MUTED_TEXT,
            offset=6,
            limit=width,
        )
        return alt.layer(bar, label).properties(width=width - 8, height=30, title=title)

    def draw(width: int) -> alt.VConcatChart:
        # One scale for both, so bar lengths compare counts; the labels say what each count is of.
        return alt.vconcat(*(panel(row, width) for row in rows)).resolve_scale(x="shared")

    description = (
        f"Two bars for two different kinds of help, which are not added together. Other ambulance services' control rooms answered "
        f"{figures['calls_answered_total'].digits} of London's 999 calls {_period(figures)}. Police officers driving ambulances helped crews reach "
        f"{police_qualifier} {figures['police_emergencies'].digits} emergencies in nearly {figures['police_weeks'].text} weeks, "
        f"{figures['police_officers'].digits} officers in all."
    )
    return make_chart(
        "two-kinds",
        draw(WIDE),
        narrow=draw(NARROW),
        title="Two kinds of help, counted in different units",
        subtitle="A call answered is a conversation with a call handler; an emergency reached is a crew at a patient's side",
        description=description,
        source=source_line(dataset, "hsj", "met"),
        table=frame,
        labels={"kind": "Support", "value": "Number", "unit": "Unit", "period": "Period"},
    )


@dataclass(frozen=True)
class ServiceView:
    """What one service's chart shows: its rows in rank order, the names set in bold, the bars' colour and its words."""

    frame: pd.DataFrame
    bold: str  # the Vega expression that sets the highlighted names' labels in bold
    others: str  # the colour of the bars not highlighted
    title: str
    subtitle: str
    description: str


def service_view(figures: Figures, code: str, calls: pd.DataFrame | None = None) -> ServiceView:
    """Return what the chart of the service `code` shows (`calls`: the services' calls frame, if already made)."""
    calls = _calls_frame(figures) if calls is None else calls  # in rank order, as figures.services
    is_recipient = code == figures.recipient.code
    every = len(calls) <= MOST_BARS
    frame = calls.iloc[shown_services(figures, code)].copy()
    frame["highlight"] = frame["code"] == code

    highlighted = [str(name) for name in frame.loc[frame["highlight"], "service"]]
    # The service's own name is bold too, so a service that answered none (no bar to colour) still stands out.
    bold = f"indexof({json.dumps(highlighted)}, datum.value) >= 0 ? 700 : 400"
    others = COLOURS["other"] if is_recipient else COLOURS["muted"]  # London's page: every bar is a helper

    if is_recipient:
        name = figures.recipient.name
        title = f"{figures['services_answering'].text.capitalize()} other services answered {name}'s calls"
        description = (
            f"Bar chart of the {figures['calls_answered_total'].digits} calls answered for {name} by each of the "
            f"{figures['helper_services'].digits} other services listed; {figures['top_service_name'].text} answered the most, "
            f"{figures['top_service_calls'].digits}, and {figures['services_answering_none_names'].text} answered none."
        )
    else:
        service = figures.service(code)
        name = service.name
        title = (
            f"{service.short_name} answered {service.most_text} calls for London"
            if service.calls_answered.value
            else f"{service.short_name} answered none of London's calls"
        )
        description = (
            f"Bar chart of calls answered for London Ambulance Service by each of {figures['helper_services'].digits} services, "
            f"with {name} highlighted: it answered {service.calls_answered.digits} calls, {service.share_of_calls.text} of all "
            f"{figures['calls_answered_total'].digits}, ranking {service.rank_text}."
        )
    subtitle = f"999 calls answered for London Ambulance Service {_period(figures)}, by service"
    if not every:
        shown = f"the {format_number(len(frame))} that answered the most" if is_recipient else "the services ranked nearest it"
        subtitle += f"; showing {shown} (of {figures['helper_services'].digits})"
        description += f" The chart shows {shown}, {format_number(len(frame))} services."
    return ServiceView(frame, bold, others, title, subtitle, description)


def _service_bars(view: ServiceView, width: int) -> alt.Chart:
    """Return the bars of a service's chart, the highlighted one in colour."""
    return _hover_rows(
        alt.Chart(view.frame)
        .mark_bar()
        .encode(
            y=_service_y(view),
            x=alt.X("calls:Q", axis=_axis(width, "999 calls answered for LAS"), scale=_room(view.frame["calls"], width)),
            color=alt.ColorValue(**alt.condition(alt.datum.highlight, alt.value(COLOURS["highlight"]), alt.value(view.others))),
            tooltip=[alt.Tooltip("service:N", title="Service"), alt.Tooltip("calls:Q", title="Calls answered", format=",")],
        )
    )


def _service_y(view: ServiceView) -> alt.Y:
    """Return the services' axis: in rank order, the highlighted names in bold."""
    return alt.Y("service:N", sort=list(view.frame["service"]), title=None, axis=alt.Axis(labelFontWeight=alt.expr(view.bold)))


def _draw_service(view: ServiceView, width: int) -> alt.TopLevelMixin:
    """Return one drawing of a service's chart: the bars and their numbers."""
    return alt.layer(_service_bars(view, width), _end_labels(view.frame, _service_y(view), "calls")).properties(width=width, height=alt.Step(22))


SERVICE_LABELS = {"service": "Service", "calls": "Calls answered", "highlight": "Highlighted"}


@service_chart("service")
def service_highlight(figures: Figures, dataset: Dataset, code: str) -> Chart:
    """Every service's calls answered for London, with one service highlighted."""
    view = service_view(figures, code)
    return make_chart(
        service_chart_id("service", code),
        _draw_service(view, WIDE),
        narrow=_draw_service(view, NARROW),
        title=view.title,
        subtitle=view.subtitle,
        description=view.description,
        source=source_line(dataset, "hsj"),
        table=view.frame,
        labels=SERVICE_LABELS,
    )


@service_chart_builder("service")
class ServiceHighlights:
    """Build every service's chart as `service_highlight` does, but from the first one's specs rather than through Altair.

    The charts differ only in their data and words, and Altair takes several times as long to make a pair of specs
    as filling them in does: the first is built by Altair, and each other copies its specs and puts in its own rows,
    order, bold names, value scale, bar colour, title, and the name Altair would give its dataset (a hash of its
    rows, computed by Altair). tests/test_charts.py checks that the charts come out exactly as
    `service_highlight` makes them, keys' order included; a change to the drawing must keep that test passing.
    """

    def __init__(self, figures: Figures, dataset: Dataset) -> None:
        self.figures = figures
        self.dataset = dataset
        self.calls: pd.DataFrame | None = None  # every service's calls, made with the first chart (so its errors name a chart)
        self.rows: list[dict[str, Any]] | None = None  # the same as Altair puts them in a spec, if a row's values never depend on the others
        self.first: dict[int, dict[str, Any]] = {}  # the first chart's specs, without their rows, by drawing width

    def __call__(self, code: str) -> Chart:
        """Return the chart of the service `code`."""
        if self.calls is None:
            chart = service_highlight(self.figures, self.dataset, code)
            self.calls = _calls_frame(self.figures)
            if not self.calls.isna().any(axis=None):  # (a gap in a column would turn its numbers into floats, slice by slice)
                self.rows = _values(self.calls)
            self.first = {width: {**_copy_json(spec), "datasets": {}} for width, spec in ((WIDE, chart.spec), (NARROW, chart.narrow_spec))}  # type: ignore[arg-type]
            return chart
        view = service_view(self.figures, code, self.calls)
        if self.rows is None:
            values = _values(view.frame)
        else:  # the view's rows are rows of the calls frame, by position
            rows = self.rows
            values = [{**rows[index], "highlight": bool(highlight)} for index, highlight in zip(view.frame.index, view.frame["highlight"], strict=True)]
        return Chart(
            service_chart_id("service", code),
            view.title,
            view.subtitle,
            view.description,
            source_line(self.dataset, "hsj"),
            self._spec(view, values, WIDE),
            data_table(view.frame, SERVICE_LABELS),
            self._spec(view, values, NARROW),
        )

    def _spec(self, view: ServiceView, values: Any, width: int) -> dict[str, Any]:
        spec = _copy_json(self.first[width])
        data_name = alt.api._dataset_name(values)  # the name Altair gives an inline dataset, from a hash of its values
        spec["data"]["name"] = data_name
        spec["datasets"] = {data_name: _copy_json(values)}
        bars, labels = spec["layer"]
        bars["encoding"]["color"]["value"] = view.others
        bars["encoding"]["x"]["scale"]["domain"] = _room_domain(view.frame["calls"], width)
        for layer in (bars, labels):
            layer["encoding"]["y"]["sort"] = list(view.frame["service"])
            layer["encoding"]["y"]["axis"]["labelFontWeight"]["expr"] = view.bold
        spec["title"] = _title(view.title, view.subtitle, width).to_dict(validate=False)
        return spec


def _values(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return a frame's rows as Altair puts them in a spec."""
    transform = alt.data_transformers.get()
    assert transform is not None, "Altair always has a data transformer enabled"
    values: list[dict[str, Any]] = transform(frame)["values"]
    return values


def _copy_json(value: Any) -> Any:
    """Return a copy of a value made of JSON's types (about three times as fast as copy.deepcopy, which keeps a memo)."""
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_json(item) for item in value]
    return value


def shown_services(figures: Figures, code: str) -> slice:
    """Return which services, in rank order, the page and chart of the service `code` show.

    One bar per service on every service's page would make n charts of n bars: past MOST_BARS, a helping
    service is shown among its neighbours in rank, and the recipient with the MOST_BARS that helped most.
    """
    count = len(figures.services)
    if count <= MOST_BARS:
        return slice(None)
    return slice(0, MOST_BARS) if code == figures.recipient.code else nearest(figures.rank_index(code), count)


def nearest(index: int, count: int) -> slice:
    """Return the NEAREST places in a ranking of `count` around place `index` (fewer only when the ranking is shorter)."""
    start = min(max(0, index - NEAREST // 2), max(0, count - NEAREST))
    return slice(start, start + NEAREST)


_ID_ATTRIBUTE = re.compile(r'\bid="([^"]+)"')


def namespace_svg_ids(svg: str, prefix: str) -> str:
    """Prefix every id in an SVG (and its references) so many charts can share a page."""
    ids = set(_ID_ATTRIBUTE.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{prefix}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"url(#{old})", f"url(#{new})").replace(f'href="#{old}"', f'href="#{new}"')
    return svg
