"""The story's charts: one function each, registered by id, rendered at build time.

To add a chart, write one function decorated with `@chart("chart-id")` that takes the
figures and the dataset and returns a `Chart` (see site_builder.charting, the chart kit); reference it from
content with `{{ chart("chart-id") }}`. Per-service charts use `@service_chart("prefix")` and get the
service code as a third argument; their ids are `prefix-<code>`. A `@service_chart_builder("prefix")`
may make the same charts faster, sharing work between services (see `ServiceHighlights`).
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from site_builder.charting import (
    COLOURS,
    END_GAP,
    MOST_BARS,
    MUTED_TEXT,
    NARROW,
    WIDE,
    Chart,
    RankedBars,
    Rule,
    Stack,
    bold_labels,
    call_chart,
    chart_title,
    data_table,
    end_label_room,
    fit_lines,
    flush_distance,
    make_chart,
    most_rows,
    plot_width,
    showing,
    source_line,
    unvalidated,
    value_axis,
)
from site_builder.formatting import format_number, join_names
from site_builder.geo import MapShape, map_shapes
from site_builder.model import Dataset

from .figures import Figures
from .rules import BOUNDARY_OBJECT

CODE = "story/charts.py"  # where a failing chart's code is, for its error message
NEAREST = 13  # how many services a service's chart shows past MOST_BARS: the service and those ranked just above and below it

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
    with unvalidated():
        for prefix, service_function in SERVICE_CHARTS.items():
            builder = SERVICE_CHART_BUILDERS.get(prefix)
            make = builder(figures, dataset) if builder else functools.partial(service_function, figures, dataset)
            for code in [s.code for s in figures.services] + [figures.recipient.code]:
                yield call_chart(service_chart_id(prefix, code), functools.partial(make, code), CODE)
        for chart_id, function in CHARTS.items():
            yield call_chart(chart_id, lambda f=function: f(figures, dataset), CODE)  # type: ignore[misc]


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


def _period(figures: Figures) -> str:
    return f"from {figures['date_period_start'].text}"


@chart("calls-by-service")
def calls_by_service(figures: Figures, dataset: Dataset) -> Chart:
    """Calls answered for London by each service, split into category 1 and other calls."""
    every = _calls_frame(figures)
    frame, shown = most_rows(every, "that answered the most")
    parts = frame.melt(id_vars=["service", "calls"], value_vars=["category_1", "other"], var_name="kind", value_name="count")
    parts["kind"] = parts["kind"].map({"category_1": "Category 1", "other": "Other calls"})
    bars = RankedBars(
        frame,
        name="service",
        value="calls",
        axis_title="999 calls answered for LAS",
        stack=Stack(parts, value="count", order="kind"),
        colour=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["Category 1", "Other calls"], range=[COLOURS["category_1"], COLOURS["other"]])),
        tooltip=[alt.Tooltip("service:N", title="Service"), alt.Tooltip("kind:N", title="Kind"), alt.Tooltip("count:Q", title="Calls", format=",")],
    )
    top = figures["top_service_short_name"].text
    description = (
        f"Bar chart of the {figures['calls_answered_total'].digits} 999 calls answered for London Ambulance Service by "
        f"{figures['helper_services'].digits} other services. {figures['top_service_name'].text} answered the most, "
        f"{figures['top_service_calls'].digits} ({figures['top_service_share'].text}), followed by {figures['second_service_name'].text} "
        f"with {figures['second_service_calls'].digits}. {figures['services_answering_none_names'].text} answered none. "
        f"{figures['category_1_total'].digits} of the calls ({figures['category_1_share'].text}) were category 1."
    )
    subtitle, description = showing(f"999 calls answered for London Ambulance Service {_period(figures)}, by service", description, shown)
    return make_chart(
        "calls-by-service",
        bars.draw(WIDE),
        narrow=bars.draw(NARROW),
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
    overall = float(figures["category_1_share"].value) * 100  # type: ignore[arg-type]
    frame = _category_1_frame(figures, overall)
    plotted, shown = most_rows(frame, "highest shares")
    overall_row = pd.DataFrame(
        [{"service": "All services", "category_1": figures["category_1_total"].value, "calls": figures["calls_answered_total"].value, "share": overall}]
    )
    leader = next(s for s in figures.services if s.name == figures["highest_category_1_share_name"].value)
    bars = RankedBars(
        plotted,
        name="service",
        value="share",
        axis_title="Category 1 share of calls answered (%)",
        axis_format=".0f",
        label_format=".1f",
        colour=alt.Color("above:N", scale=alt.Scale(domain=["above", "below"], range=[COLOURS["category_1"], COLOURS["muted"]]), legend=None),
        tooltip=[
            alt.Tooltip("service:N", title="Service"),
            alt.Tooltip("share:Q", title="Category 1 share (%)", format=".1f"),
            alt.Tooltip("category_1:Q", title="Category 1 calls", format=","),
            alt.Tooltip("calls:Q", title="Calls answered", format=","),
        ],
        rules=[Rule(overall, f"All services: {format_number(overall, 1)}%")],
        rule_label_align="left",
        step=24,
    )
    description = (
        f"Bar chart of the share of category 1 calls among the calls each of {len(frame)} services answered for London. "
        f"{leader.name} had the highest share, {leader.category_1_share.text} ({leader.category_1_calls.digits} of {leader.calls_answered.digits}); "
        f"across all services the share was {figures['category_1_share'].text}. "
        f"{sum(v == 'above' for v in frame['above'])} services were above that share. "
        f"{figures['services_answering_none_names'].text} answered no calls and so have no share."
    )
    subtitle, description = showing(
        f"Category 1 (immediately life-threatening) calls as a share of each service's calls answered for LAS {_period(figures)}", description, shown
    )
    return make_chart(
        "category-1-share",
        bars.draw(WIDE),
        narrow=bars.draw(NARROW),
        title=f"{leader.short_name}'s calls were the most often life-threatening",
        subtitle=subtitle,
        description=description,
        source=source_line(dataset, "hsj"),
        table=pd.concat([frame, overall_row], ignore_index=True),
        labels={"service": "Service", "category_1": "Category 1 calls", "calls": "Calls answered", "share": "Category 1 share (%)"},
    )


def _category_1_frame(figures: Figures, overall: float) -> pd.DataFrame:
    """Return each service that answered calls with its category 1 share (%), highest first, and whether it is above `overall`."""
    frame = pd.DataFrame(
        [
            {"service": s.short_name, "category_1": s.category_1_calls.value, "calls": s.calls_answered.value, "share": float(s.category_1_share.value) * 100}  # type: ignore[arg-type]
            for s in figures.services
            if s.category_1_share.value is not None
        ]
    ).sort_values(["share", "service"], ascending=[False, True], kind="stable")
    frame["above"] = ["above" if share > overall else "below" for share in frame["share"]]
    return frame


# The map's classes: a sequential blue scale for calls answered (one hue, so safe for colour-blind
# readers), hollow for "answered none", grey with a dashed edge for "no data", and the recipient apart.
MAP_BINS = ((1, 500, "1–499"), (500, 1000, "500–999"), (1000, 2000, "1,000–1,999"), (2000, None, "2,000 or more"))
MAP_BLUES = ("#4292c6", "#2171b5", "#08519c", "#08306b")  # each at least 3:1 against white
MAP_NONE, MAP_NO_DATA = "#ffffff", "#bdbdbd"
# A map of the UK is tall, so its width is set by the height a screen (or a printed page) shows whole: on a desktop
# its legend stands beside it (the column's width, as wide as the other charts), on a phone above it.
MAP_WIDTH = {"wide": 420, "narrow": NARROW}
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


MAP_RECIPIENT = "London: being helped"  # the recipient's class, in the legend
# The shapes are already projected to pixels, so Vega draws them as they are (no fitting, no rounding).
MAP_PROJECTION: dict[str, Any] = {"type": "identity", "scale": 1, "translate": [0, 0]}


@chart("map")
def help_map(figures: Figures, dataset: Dataset) -> Chart:
    """A map of the UK's ambulance services shaded by calls answered, London marked as the service helped."""
    drawings = {size: _map_drawing(figures, dataset, width) for size, width in MAP_WIDTH.items()}
    rows = drawings["wide"][1]
    frame = pd.DataFrame(rows)
    no_data = [str(r["service"]) for r in rows if r["band"] == "No data"]
    made = make_chart(
        "map",
        drawings["wide"][0],
        narrow=drawings["narrow"][0],
        title=_map_title(figures),
        subtitle=f"999 calls answered for London Ambulance Service {_period(figures)}, by the helping service's area",
        description=_map_description(figures, no_data),
        source=f"{source_line(dataset, 'hsj', 'ons_os_boundaries')}. {dataset.boundaries_attribution.rstrip('.')}",
        table=frame.assign(calls=frame["calls"].astype("Int64")),
        labels={"service": "Service area", "calls": "Calls answered", "band": "Shown as"},
    )
    _put_map_shapes(made.spec, rows)
    if made.narrow_spec is not None:
        _put_map_shapes(made.narrow_spec, drawings["narrow"][1])
    return made


def _map_drawing(figures: Figures, dataset: Dataset, width: int) -> tuple[alt.TopLevelMixin, list[dict[str, Any]]]:
    """Return the map drawn `width` pixels wide (its legend beside it when wide), and its areas' rows."""
    shapes, height = map_shapes(dataset.boundaries, BOUNDARY_OBJECT, width)
    rows = _map_rows(figures, shapes)
    labels = _map_labels(pd.DataFrame(rows), busiest=figures.services[0].code)
    # Drawn at its own size (no fitting): the shapes are already in pixels.
    layers = alt.layer(_map_areas(legend_beside=width > NARROW), *labels)
    return layers.properties(width=width, height=height, autosize=alt.AutoSizeParams(type="pad")), rows


def _map_rows(figures: Figures, shapes: list[MapShape]) -> list[dict[str, Any]]:
    """Return each area's row: its service, calls answered (None for no data), class, shape and label point."""
    by_code = {s.code: s for s in figures.services}
    rows = []
    for area in shapes:
        service = by_code.get(area.code)
        calls = None if service is None else int(service.calls_answered.value)  # type: ignore[arg-type]
        rows.append(
            {
                "code": area.code,
                "service": service.short_name if service else area.name.removesuffix(" Ambulance Service"),
                "calls": calls,
                "band": map_band(calls, area.code == figures.recipient.code, MAP_RECIPIENT),
                "geometry": area.geometry,
                "x": area.label_x,
                "y": area.label_y,
            }
        )
    return rows


def _map_areas(*, legend_beside: bool) -> alt.Chart:
    """Return the areas, shaded by class, hollow where none answered and dashed where there is no data."""
    # Altair deep-copies a chart's inline values at every step (half a second for these shapes): the areas are drawn
    # from a named placeholder, and _put_map_shapes puts the shapes in its place once the spec is made.
    return (
        alt.Chart(alt.Data(name=MAP_AREAS))
        .mark_geoshape(strokeWidth=0.75)
        .encode(
            color=_map_colour(legend_beside=legend_beside),
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
        .project(**MAP_PROJECTION)
    )


def _map_colour(*, legend_beside: bool) -> alt.Color:
    """Return the areas' colour: the bands of calls answered from most to fewest, then none, no data and the recipient."""
    domain = [*(label for _, _, label in reversed(MAP_BINS)), "None answered", "No data", MAP_RECIPIENT]
    colours = [*reversed(MAP_BLUES), MAP_NONE, MAP_NO_DATA, COLOURS["recipient"]]
    place: dict[str, Any] = {"orient": "right", "columns": 1} if legend_beside else {"orient": "top", "columns": 2}
    return alt.Color(
        "properties.band:N",
        title=None,
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(**place, direction="vertical", symbolType="square", symbolSize=150, labelLimit=200),
    )


def _map_labels(frame: pd.DataFrame, busiest: str) -> list[alt.Chart]:
    """Return the labels of London, the busiest helper (code `busiest`), and the areas that answered none or have no data."""
    labelled = frame[frame["band"].isin([MAP_RECIPIENT, "None answered", "No data"]) | (frame["code"] == busiest)].copy()
    labelled["text"] = [_map_label(r, MAP_RECIPIENT) for r in labelled.to_dict("records")]
    # Small areas have their label beside them: London's to the east, the Isle of Wight's in the Channel.
    labelled["place"] = [{MAP_RECIPIENT: "east", "No data": "south"}.get(band, "inside") for band in labelled["band"]]
    labels = []
    for place, group in labelled.groupby("place"):
        style: dict[str, Any] = {"east": {"align": "left", "dx": 9}, "south": {"align": "center", "dy": 16}}.get(str(place), {"align": "center"})
        for halo in (True, False):  # a halo of the background under each label keeps it readable over any shade
            extra: dict[str, Any] = {"stroke": "#ffffff", "strokeWidth": 3, "strokeJoin": "round"} if halo else {}
            labels.append(
                alt.Chart(group)
                .mark_text(fontSize=12, fontWeight=600, baseline="middle", lineBreak="\n", **style, **extra)
                .encode(longitude=alt.Longitude("x:Q"), latitude=alt.Latitude("y:Q"), text=alt.Text("text:N"))
                .project(**MAP_PROJECTION)
            )
    return labels


def _map_description(figures: Figures, no_data: list[str]) -> str:
    """Return the map's description (`no_data`: the areas with no row in the table)."""
    top = figures.services[0]
    description = (
        f"Map of the UK's ambulance services, shaded by how many of London's 999 calls each answered {_period(figures)}. "
        f"{figures.recipient.name}, the service being helped, is marked apart. {top.name} answered the most, {top.calls_answered.digits}. "
        f"{figures['services_answering_none_names'].text} answered none and are drawn hollow. "
        + (f"{' and '.join(no_data)} is not in the table and is drawn grey with a dashed edge, as no data." if no_data else "")
    )
    return description.strip()


def _put_map_shapes(spec: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """Put the areas' shapes, as GeoJSON features, in place of their placeholder in one of the map's specs."""
    features = [{"type": "Feature", "geometry": r["geometry"], "properties": {k: v for k, v in r.items() if k != "geometry"}} for r in rows]
    for layer in spec["layer"]:
        if layer.get("data") == {"name": MAP_AREAS}:
            layer["data"] = {"values": features}


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
    frame = _rates_frame(figures)
    plotted, shown = most_rows(frame, "highest rates")
    missing = frame[frame["no_data"]]
    bars = RankedBars(
        plotted,
        name="service",
        value="rate",
        axis_title="Calls answered per 100,000 residents",
        label_format=".1f",
        colour=COLOURS["other"],
        no_value="label",
        tooltip=[
            alt.Tooltip("service:N", title="Service"),
            alt.Tooltip("rate:Q", title="Calls per 100,000", format=",.1f"),
            alt.Tooltip("population:Q", title="Residents", format=","),
        ],
    )
    description = (
        f"Bar chart of calls answered for London per 100,000 residents, for the {figures['services_with_population'].digits} helping services "
        f"whose area matches an ONS region or nation. {figures['highest_rate_name'].text} had the highest rate, {figures['highest_rate'].text}."
        + _unrated(list(missing["service"]))
    )
    subtitle, description = showing(
        f"Calls answered for LAS {_period(figures)} per 100,000 residents of the helping service's area; no data where no population matches it",
        description,
        shown,
    )
    leader = next(s for s in figures.services if s.name == figures["highest_rate_name"].value)
    return make_chart(
        "calls-per-100k",
        bars.draw(WIDE),
        narrow=bars.draw(NARROW),
        title=f"For its size, {leader.short_name} gave the most help",
        subtitle=subtitle,
        description=description,
        source=source_line(dataset, "hsj", "ons_mye2019"),
        table=frame,
        labels={"service": "Service", "calls": "Calls answered", "population": "Residents", "rate": "Calls per 100,000 residents"},
    )


def _rates_frame(figures: Figures) -> pd.DataFrame:
    """Return each service's calls per 100,000 residents, highest first, those with no sourced population last."""
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
    return frame


def _unrated(names: list[str]) -> str:
    """Say which services have no rate, and why (nothing when every service has one)."""
    if not names:
        return ""
    if len(names) == 1:
        return f" The other service, {names[0]}, has no sourced population and is shown as no data, not estimated."
    return f" The other {format_number(len(names))} services ({join_names(names)}) have no sourced population and are shown as no data, not estimated."


@chart("concentration")
def concentration(figures: Figures, dataset: Dataset) -> Chart:
    """How concentrated the help was: the running share of calls, services ranked by calls answered."""
    half, three_quarters = int(figures["services_for_half"].value), int(figures["services_for_three_quarters"].value)  # type: ignore[arg-type]
    frame = _running_share_frame(figures, half, three_quarters)
    plotted, shown = most_rows(frame, "that answered the most")
    bars = RankedBars(
        plotted,
        name="service",
        value="cumulative",
        axis_title="Running share of all calls answered (%)",
        axis_format=".0f",
        label_format=".0f",
        domain_max=(110, 118),  # a share ends at 100%
        colour=alt.Color(
            "group:N",
            title=None,
            scale=alt.Scale(domain=["Half", "Three quarters", "The rest"], range=[COLOURS["category_1"], COLOURS["other"], COLOURS["muted"]]),
            legend=alt.Legend(),
        ),
        narrow_legend=False,  # on a phone the 50% and 75% marks say it
        tooltip=[
            alt.Tooltip("rank:Q", title="Rank"),
            alt.Tooltip("service:N", title="Service"),
            alt.Tooltip("calls:Q", title="Calls answered", format=","),
            alt.Tooltip("cumulative:Q", title="Running share (%)", format=".1f"),
        ],
        rules=[Rule(50, "50%"), Rule(75, "75%")],
    )

    description = (
        f"Bar chart of the running share of the {figures['calls_answered_total'].digits} calls answered for London, with services ranked by calls answered. "
        f"The first {half} services ({join_names(list(frame['service'][:half]))}) answered half of the calls between them, and the first {three_quarters} answered three quarters. "
        f"The top three answered {figures['top_three_share'].text}."
    )
    subtitle, description = showing("Running share of the calls answered for LAS, adding services from the busiest down", description, shown)
    return make_chart(
        "concentration",
        bars.draw(WIDE),
        narrow=bars.draw(NARROW),
        title=f"{figures['services_for_half'].text.capitalize()} services answered half the calls",
        subtitle=subtitle,
        description=description,
        source=source_line(dataset, "hsj"),
        table=frame,
        labels={"rank": "Rank", "service": "Service", "calls": "Calls answered", "cumulative": "Running share (%)"},
    )


def _running_share_frame(figures: Figures, half: int, three_quarters: int) -> pd.DataFrame:
    """Return the running share (%) of all calls answered, adding services in rank order, and the group each falls in."""
    total = float(figures["calls_answered_total"].value)  # type: ignore[arg-type]
    rows, running = [], 0
    for rank, service in enumerate(figures.services, start=1):
        running += int(service.calls_answered.value)  # type: ignore[arg-type]
        group = "Half" if rank <= half else "Three quarters" if rank <= three_quarters else "The rest"
        rows.append({"rank": rank, "service": service.short_name, "calls": service.calls_answered.value, "cumulative": running / total * 100, "group": group})
    return pd.DataFrame(rows)


LAS_OWN = "LAS's own calls (estimate)"
ELSEWHERE = "Answered by other services"
LONDON_ROW = 34  # the height of each of london-share's two bars, in px
LONDON_LABEL_LIMIT = 220  # its bars' names are long: they may be wider than other charts'
NOTE_SIZE = 12  # px, the narrow drawing's note of the assumption


@chart("london-share")
def london_share(figures: Figures, dataset: Dataset) -> Chart:
    """London's side: the calls answered elsewhere against LAS's own calls over the same period."""
    frame = _london_frame(figures)
    high = _las_calls_range(figures)[1]
    assumption = f"Assumes LAS took {_las_per_day(figures)} calls a day (HSJ's range) for {figures['hsj_period_days'].text} days"
    return make_chart(
        "london-share",
        _draw_london_share(frame, high=high, assumption=assumption, width=WIDE),
        narrow=_draw_london_share(frame, high=high, assumption=assumption, width=NARROW),
        title=f"Other services answered {figures['redirected_share_high'].words} of London's calls",
        subtitle=f"Calls answered for LAS by other services against LAS's own calls over {figures['hsj_period_days'].text} days",
        description=_london_description(figures),
        source=source_line(dataset, "hsj"),
        table=frame,
        labels={"bar": "Calls", "low": "Low end", "high": "High end"},
    )


def _las_calls_range(figures: Figures) -> tuple[float, float]:
    """Return the low and high estimates of LAS's own calls over the period."""
    return float(figures["las_calls_period_low"].value), float(figures["las_calls_period_high"].value)  # type: ignore[arg-type]


def _las_per_day(figures: Figures) -> str:
    """Return HSJ's range of LAS's calls a day, as the words quote it."""
    return f"{figures['las_calls_per_day_low'].digits}–{figures['las_calls_per_day_high'].digits}"


def _london_frame(figures: Figures) -> pd.DataFrame:
    """Return the two bars: LAS's own calls as a range, and the calls answered elsewhere (a range of one value)."""
    low, high = _las_calls_range(figures)
    total = float(figures["calls_answered_total"].value)  # type: ignore[arg-type]
    return pd.DataFrame(
        [
            {
                "bar": LAS_OWN,
                "short": "LAS's own",
                "low": low,
                "high": high,
                "label": f"{format_number(low)}–{format_number(high)}",
                "label_lines": f"{format_number(low)}–\n{format_number(high)}",
            },
            {"bar": ELSEWHERE, "short": "Elsewhere", "low": total, "high": total, "label": format_number(total), "label_lines": format_number(total)},
        ]
    )


def _draw_london_share(frame: pd.DataFrame, *, high: float, assumption: str, width: int) -> alt.TopLevelMixin:
    """Return the bars at `width`, solid to each low end and pale to the high end, the scale ending past LAS's `high`
    with room for each bar's number."""
    narrow = width <= NARROW
    names = "short" if narrow else "bar"
    labels = "label_lines" if narrow else "label"
    plot = plot_width(width, list(frame[names]), label_limit=LONDON_LABEL_LIMIT)
    end = max(high * (1.5 if narrow else 1.32), end_label_room(list(frame["high"]), list(frame[labels]), plot))
    y = alt.Y(f"{names}:N", sort=list(frame[names]), title=None, axis=alt.Axis(labelLimit=LONDON_LABEL_LIMIT))
    base = alt.Chart(frame)
    solid = base.mark_bar().encode(
        y=y,
        x=alt.X("low:Q", axis=value_axis(width, None if narrow else fit_lines(assumption, plot), end=end), scale=alt.Scale(domain=[0, end], nice=False)),
        color=alt.Color("bar:N", scale=alt.Scale(domain=[LAS_OWN, ELSEWHERE], range=[COLOURS["other"], COLOURS["category_1"]]), legend=None),
        tooltip=[alt.Tooltip("bar:N", title="Bar"), alt.Tooltip("label:N", title="Calls")],
    )
    spread = base.mark_bar(opacity=0.45).encode(
        y=y,
        x=alt.X("low:Q"),
        x2=alt.X2("high:Q"),
        color=alt.Color("bar:N", legend=None),
        tooltip=[alt.Tooltip("bar:N", title="Bar"), alt.Tooltip("label:N", title="Calls")],
    )
    ends = base.mark_text(align="left", baseline="middle", dx=END_GAP, lineBreak="\n").encode(y=y, x=alt.X("high:Q"), text=alt.Text(f"{labels}:N"))
    layers = [solid, spread, ends]
    if narrow:  # the axis title would not fit: state the assumption under the bars
        layers.append(_assumption_note(assumption, plot))
    return alt.layer(*layers).properties(width=width, height=alt.Step(LONDON_ROW))


def _assumption_note(assumption: str, plot: float) -> alt.Chart:
    """Return the assumption, in italics under the narrow drawing's two bars, in lines as wide as its `plot` px."""
    note = pd.DataFrame([{"text": "\n".join(fit_lines(assumption, plot, NOTE_SIZE))}])
    return (
        alt.Chart(note)
        .mark_text(align="left", baseline="top", fontStyle="italic", color=MUTED_TEXT, lineBreak="\n", fontSize=NOTE_SIZE)
        .encode(x=alt.XValue(0), y=alt.YValue(2 * LONDON_ROW + 30), text=alt.Text("text:N"))
    )


def _london_description(figures: Figures) -> str:
    """Return the London-share chart's description."""
    low, high = _las_calls_range(figures)
    return (
        f"Bar chart comparing the {figures['calls_answered_total'].digits} calls other services answered for London with the calls LAS itself "
        f"would have received over {figures['hsj_period_days'].text} days at the {_las_per_day(figures)} a day HSJ reported: "
        f"{format_number(low)} to {format_number(high)}. "
        f"The calls answered elsewhere were {format_number(float(figures['redirected_share_low'].value) * 100, 1)}% to "  # type: ignore[arg-type]
        f"{format_number(float(figures['redirected_share_high'].value) * 100, 1)}% of that, {figures['redirected_share_high'].words}."  # type: ignore[arg-type]
    )


@chart("two-kinds")
def two_kinds(figures: Figures, dataset: Dataset) -> Chart:
    """The two kinds of support side by side, each labelled in its own unit: calls answered, and emergencies attended."""
    rows = _support_rows(figures, dataset)
    frame = pd.DataFrame(rows)
    largest = float(frame["value"].max())  # one scale for both panels, with room for the longer label
    return make_chart(
        "two-kinds",
        _draw_two_kinds(rows, largest=largest, width=WIDE),
        narrow=_draw_two_kinds(rows, largest=largest, width=NARROW),
        title="Two kinds of help, counted in different units",
        subtitle="A call answered is a conversation with a call handler; an emergency reached is a crew at a patient's side",
        description=_two_kinds_description(figures, dataset),
        source=source_line(dataset, "hsj", "met"),
        table=frame,
        labels={"kind": "Support", "value": "Number", "unit": "Unit", "period": "Period"},
    )


def _support_rows(figures: Figures, dataset: Dataset) -> list[dict[str, Any]]:
    """Return the two kinds of support, each with its count, label, unit, period and colour."""
    police_qualifier = dataset.context["police_emergencies"].qualifier
    return [
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


def _draw_two_kinds(rows: list[dict[str, Any]], *, largest: float, width: int) -> alt.VConcatChart:
    """Return a panel for each kind of support at `width`, one above the other."""
    # One scale for both, so bar lengths compare counts; the labels say what each count is of.
    return alt.vconcat(*(_support_panel(row, largest=largest, width=width) for row in rows)).resolve_scale(x="shared")


def _support_panel(row: dict[str, Any], *, largest: float, width: int) -> alt.LayerChart | alt.FacetChart:
    """Return one kind of support's bar and its label, under a heading that names the kind and its period."""
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
    return alt.layer(bar, label).properties(width=width - 8, height=30, title=_panel_heading(row, width))


def _panel_heading(row: dict[str, Any], width: int) -> alt.Title:
    """Return a panel's heading: its kind (wrapped after the colon on a phone) over its period."""
    heading, _, rest = row["kind"].partition(": ")
    return alt.Title(
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


def _two_kinds_description(figures: Figures, dataset: Dataset) -> str:
    """Return the two-kinds chart's description, which says the two counts are not added together."""
    police_qualifier = dataset.context["police_emergencies"].qualifier
    return (
        f"Two bars for two different kinds of help, which are not added together. Other ambulance services' control rooms answered "
        f"{figures['calls_answered_total'].digits} of London's 999 calls {_period(figures)}. Police officers driving ambulances helped crews reach "
        f"{police_qualifier} {figures['police_emergencies'].digits} emergencies in nearly {figures['police_weeks'].text} weeks, "
        f"{figures['police_officers'].digits} officers in all."
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
    bold = bold_labels(highlighted)
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


def _service_bars(view: ServiceView) -> RankedBars:
    """Return the bars of a service's chart, the highlighted one in colour and its name in bold."""
    return RankedBars(
        view.frame,
        name="service",
        value="calls",
        axis_title="999 calls answered for LAS",
        highlight="highlight",
        colour=view.others,
        tooltip=[alt.Tooltip("service:N", title="Service"), alt.Tooltip("calls:Q", title="Calls answered", format=",")],
    )


SERVICE_LABELS = {"service": "Service", "calls": "Calls answered", "highlight": "Highlighted"}


@service_chart("service")
def service_highlight(figures: Figures, dataset: Dataset, code: str) -> Chart:
    """Every service's calls answered for London, with one service highlighted."""
    view = service_view(figures, code)
    bars = _service_bars(view)
    return make_chart(
        service_chart_id("service", code),
        bars.draw(WIDE),
        narrow=bars.draw(NARROW),
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
        end = _service_bars(view).scale_end(width)
        bars["encoding"]["x"]["scale"]["domain"] = [0, end]
        bars["encoding"]["x"]["axis"]["labelFlush"] = flush_distance(end, ",.0f")
        for layer in (bars, labels):
            layer["encoding"]["y"]["sort"] = list(view.frame["service"])
            layer["encoding"]["y"]["axis"]["labelFontWeight"]["expr"] = view.bold
        spec["title"] = chart_title(view.title, view.subtitle, width).to_dict(validate=False)
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
