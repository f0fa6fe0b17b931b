"""Every chart the site shows: one function each, registered by id, rendered at build time.

To add a chart, write one function decorated with `@chart("chart-id")` that takes the
figures and the dataset and returns a `Chart`; reference it from content with
`{{ chart("chart-id") }}`. Per-service charts use `@service_chart("prefix")` and get the
service code as a third argument; their ids are `prefix-<code>`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import pandas as pd

from .errors import ChartError
from .figures import Figures
from .formatting import format_number
from .model import Dataset

# Okabe–Ito colours: distinguishable with every common colour-vision deficiency,
# and mid-tones that hold their contrast on light and dark backgrounds.
COLOURS = {
    "category_1": "#D55E00",
    "other": "#0072B2",
    "highlight": "#D55E00",
    "muted": "#8C8C8C",
    "recipient": "#CC79A7",
}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
WIDTH = 560
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
        "title": {"anchor": "start", "fontSize": 17, "fontWeight": 700, "subtitleFontSize": 13, "subtitleColor": "#595959", "offset": 12},
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#333333", "titleColor": "#333333", "gridColor": "#e0e0e0", "domainColor": "#767676", "tickColor": "#767676"},
        "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "top", "labelColor": "#333333", "titleColor": "#333333"},
        "bar": {"discreteBandSize": 16},
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


ChartFunction = Callable[[Figures, Dataset], Chart]
ServiceChartFunction = Callable[[Figures, Dataset, str], Chart]
CHARTS: dict[str, ChartFunction] = {}
SERVICE_CHARTS: dict[str, ServiceChartFunction] = {}


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
    built: dict[str, Chart] = {}
    for chart_id, function in CHARTS.items():
        built[chart_id] = _call(chart_id, lambda f=function: f(figures, dataset))  # type: ignore[misc]
    for prefix, service_function in SERVICE_CHARTS.items():
        for code in [s.code for s in figures.services] + [figures.recipient.code]:
            chart_id = service_chart_id(prefix, code)
            built[chart_id] = _call(chart_id, lambda f=service_function, c=code: f(figures, dataset, c))  # type: ignore[misc]
    return built


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


def make_chart(chart_id: str, altair_chart: alt.TopLevelMixin, *, title: str, subtitle: str, description: str,
               source: str, table: pd.DataFrame, labels: dict[str, str]) -> Chart:
    """Assemble a Chart: apply the theme and title, and keep the plotted table."""
    titled = altair_chart.properties(title=alt.Title(title, subtitle=subtitle))  # type: ignore[attr-defined]
    spec = titled.to_dict()
    spec["config"] = theme()
    spec.pop("$schema", None)
    spec["$schema"] = "https://vega.github.io/schema/vega-lite/v5.json"
    columns = tuple(labels.values())
    raw = tuple(tuple(_plain(v) for v in row) for row in table[list(labels)].itertuples(index=False))
    rows = tuple(tuple(_cell(v) for v in row) for row in raw)
    return Chart(chart_id, title, subtitle, description, source, spec, DataTable(columns, rows, raw))


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
        rows.append({
            "code": service.code,
            "service": service.short_name,
            "category_1": service.category_1_calls.value,
            "other": service.other_calls.value,
            "calls": service.calls_answered.value,
        })
    return pd.DataFrame(rows)


@chart("calls-by-service")
def calls_by_service(figures: Figures, dataset: Dataset) -> Chart:
    """Calls answered for London by each service, split into category 1 and other calls."""
    frame = _calls_frame(figures)
    order = list(frame["service"])
    long = frame.melt(id_vars=["service", "calls"], value_vars=["category_1", "other"], var_name="kind", value_name="count")
    long["kind"] = long["kind"].map({"category_1": "Category 1", "other": "Other calls"})
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("service:N", sort=order, title=None),
            x=alt.X("count:Q", title="999 calls answered for LAS", stack="zero"),
            color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["Category 1", "Other calls"], range=[COLOURS["category_1"], COLOURS["other"]])),
            order=alt.Order("kind:N", sort="ascending"),
            tooltip=[alt.Tooltip("service:N", title="Service"), alt.Tooltip("kind:N", title="Kind"), alt.Tooltip("count:Q", title="Calls", format=",")],
        )
        .properties(width=WIDTH - 140, height=alt.Step(22))
    )
    top = figures["top_service_short_name"].text
    description = (
        f"Bar chart of the {figures['calls_answered_total'].digits} 999 calls answered for London Ambulance Service by "
        f"{figures['helper_services'].digits} other services. {figures['top_service_name'].text} answered the most, "
        f"{figures['top_service_calls'].digits} ({figures['top_service_share'].text}), followed by {figures['second_service_name'].text} "
        f"with {figures['second_service_calls'].digits}. {figures['services_answering_none_names'].text} answered none. "
        f"{figures['category_1_total'].digits} of the calls ({figures['category_1_share'].text}) were category 1."
    )
    return make_chart(
        "calls-by-service",
        bars,
        title=f"{top} answered the most of London's calls",
        subtitle=f"999 calls answered for London Ambulance Service from {figures['date_period_start'].text}, by service",
        description=description,
        source=source_line(dataset, "hsj"),
        table=frame,
        labels={"service": "Service", "category_1": "Category 1 calls", "other": "Other calls", "calls": "All calls answered"},
    )


@service_chart("service")
def service_highlight(figures: Figures, dataset: Dataset, code: str) -> Chart:
    """Every service's calls answered for London, with one service highlighted."""
    frame = _calls_frame(figures)
    frame["highlight"] = frame["code"] == code
    is_recipient = code == figures.recipient.code
    every = len(frame) <= MOST_BARS
    if not every:  # one bar per service on every service's page would make n charts of n bars: show its neighbours instead
        frame = _ranked_near(frame, code) if not is_recipient else frame.head(MOST_BARS)
    order = list(frame["service"])
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("service:N", sort=order, title=None),
            x=alt.X("calls:Q", title="999 calls answered for LAS"),
            color=alt.condition(alt.datum.highlight, alt.value(COLOURS["highlight"]), alt.value(COLOURS["muted"])),
            tooltip=[alt.Tooltip("service:N", title="Service"), alt.Tooltip("calls:Q", title="Calls answered", format=",")],
        )
        .properties(width=WIDTH - 140, height=alt.Step(22))
    )
    if is_recipient:
        name = figures.recipient.name
        title = f"{figures['helper_services'].text.capitalize()} services answered {name}'s calls"
        description = (
            f"Bar chart of the {figures['calls_answered_total'].digits} calls answered for {name} by each of "
            f"{figures['helper_services'].digits} other services; {figures['top_service_name'].text} answered the most, "
            f"{figures['top_service_calls'].digits}."
        )
    else:
        service = figures.service(code)
        name = service.name
        title = f"{service.short_name} answered the {service.rank_text} most calls for London"
        description = (
            f"Bar chart of calls answered for London Ambulance Service by each of {figures['helper_services'].digits} services, "
            f"with {name} highlighted: it answered {service.calls_answered.digits} calls, {service.share_of_calls.text} of all "
            f"{figures['calls_answered_total'].digits}, ranking {service.rank_text}."
        )
    subtitle = f"999 calls answered for London Ambulance Service from {figures['date_period_start'].text}, by service"
    if not every:
        shown = f"the {format_number(len(frame))} that answered the most" if is_recipient else "the services ranked nearest it"
        subtitle += f"; {shown} of {figures['helper_services'].digits}"
        description += f" The chart shows {shown}, {format_number(len(frame))} services."
    return make_chart(
        service_chart_id("service", code),
        bars,
        title=title,
        subtitle=subtitle,
        description=description,
        source=source_line(dataset, "hsj"),
        table=frame,
        labels={"service": "Service", "calls": "Calls answered", "highlight": "Highlighted"},
    )


def _ranked_near(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """Return the NEAREST rows ranked around the service `code` (the frame is in rank order)."""
    index = int(frame.index[frame["code"] == code][0])
    start = min(max(0, index - NEAREST // 2), max(0, len(frame) - NEAREST))
    return frame.iloc[start : start + NEAREST]


_ID_ATTRIBUTE = re.compile(r'\bid="([^"]+)"')


def namespace_svg_ids(svg: str, prefix: str) -> str:
    """Prefix every id in an SVG (and its references) so many charts can share a page."""
    ids = set(_ID_ATTRIBUTE.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{prefix}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"url(#{old})", f"url(#{new})").replace(f'href="#{old}"', f'href="#{new}"')
    return svg
