"""The chart kit: the house style every chart shares, the Chart value, and helpers for the common shapes.

A story's chart functions build Altair charts with these helpers and return `make_chart(...)`; the engine
renders each to SVG, PNG and the Vega specs. Nothing here knows a particular story.

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, Literal

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

from .errors import ChartError
from .formatting import format_number
from .metrics import text_width
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
# A reader's browser draws Arial or Liberation Sans (the same widths), or else its sans-serif: the build gives labels room
# for the wider of Arial and DejaVu Sans (metrics.text_width).
FONT = "Arial, 'Liberation Sans', 'Helvetica Neue', Helvetica, sans-serif"
# Each chart is drawn twice: wide for tablets and desktops, and narrow for phones, where a shrunk
# wide drawing would leave 7 px text. Widths are of the whole drawing, axes and labels included;
# NARROW fits a 360 px screen less the page's margins, so it is shown at its natural size.
WIDE = 600
NARROW = 328
TEXT = "#333333"
MUTED_TEXT = "#595959"
MOST_BARS = 25  # a chart of more rows than this shows the top MOST_BARS and says how many it leaves out (most_rows)
PADDING = {"left": 0, "right": 4, "top": 4, "bottom": 4}  # around every drawing (the theme's)
FONT_SIZE = 13  # of the axes' labels and the numbers at the bars' ends (the theme's)
LABEL_LIMIT = 140  # the widest an axis label is drawn, in px (the theme's)
LABEL_PADDING = 6  # between the names down the side and the bars (the theme's axisY labelPadding)
END_GAP = 4  # between a bar's end and its number (end_labels' dx)


def theme() -> dict[str, Any]:
    """Return the one Vega-Lite config every chart shares."""
    return {
        "background": None,
        "font": FONT,
        "aria": False,  # the page gives each chart a text description and a data table instead
        "mark": {"aria": False},  # config.aria alone leaves marks as unlabelled graphics-symbol (axe: svg-img-alt)
        "view": {"stroke": None},
        "padding": dict(PADDING),
        "title": {**TITLE_THEME, "subtitleColor": MUTED_TEXT},  # the style the downloads' titles are set in (titles.with_title)
        "axis": {
            "labelFontSize": FONT_SIZE,
            "titleFontSize": FONT_SIZE,
            "titleFontWeight": 400,
            "labelColor": TEXT,
            "titleColor": MUTED_TEXT,
            "gridColor": "#e0e0e0",
            "domainColor": "#767676",
            "tickColor": "#767676",
            "labelLimit": LABEL_LIMIT,
        },
        "axisY": {"domain": False, "ticks": False, "labelPadding": LABEL_PADDING},
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


def chart_title(title: str, subtitle: str, width: int) -> alt.Title:
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
    bars = next((layer for layer in spec.get("layer", []) if layer.get("name") == BARS_VIEW), None)
    if bars is not None:
        spec = _put(spec, "params", [{**hover_selection(bars["encoding"]["y"]["field"]), "views": [BARS_VIEW]}], _AFTER_PARAMS)
    spec = _put(spec, "title", chart_title(title, subtitle, width).to_dict(validate=False), _AFTER_TITLE)
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


def most_rows(frame: pd.DataFrame, ranked_by: str) -> tuple[pd.DataFrame, str]:
    """Return the first MOST_BARS rows of a ranked frame and the words that say so, or the whole frame and no words.

    A chart of every service stays readable up to MOST_BARS bars; past that it would be thousands of pixels tall (and
    its PNG tens of megapixels), so it shows the top of the ranking and says how many it leaves out.
    """
    if len(frame) <= MOST_BARS:
        return frame, ""
    return frame.head(MOST_BARS), f"the {format_number(MOST_BARS)} {ranked_by}, of {format_number(len(frame))}"


def showing(subtitle: str, description: str, shown: str) -> tuple[str, str]:
    """Add the words of `most_rows` to a chart's subtitle and description (none when it shows every row)."""
    if not shown:
        return subtitle, description
    return f"{subtitle}; showing {shown}", f"{description} The chart shows {shown}; the table below it has every one."


def value_axis(width: int, title: str | list[str] | None, value_format: str = ",.0f", *, end: float | None = None) -> alt.Axis:
    """Return a value axis: fewer ticks on the narrow drawing, so the numbers never collide; given where the scale
    `end`s, a number whose tick is nearer the end than half its width ends at its tick instead of past the edge."""
    flush: bool | float = True if end is None else flush_distance(end, value_format)
    return alt.Axis(title=title, format=value_format, tickCount=3 if width <= NARROW else 6, labelFlush=flush)


def flush_distance(end: float, value_format: str) -> float:
    """Return how near the ends of an axis to `end` a number is set flush with the end: half the widest it prints, and a px."""
    return round(text_width(d3_format(end, value_format), FONT_SIZE) / 2 + 1, 1)


def plot_width(width: int, names: Sequence[str] = (), *, bold: Sequence[str] = (), label_limit: float = LABEL_LIMIT) -> float:
    """Return the width of a drawing's bars: `width` less its padding and the longest of the `names` down its side
    (those in `bold` set in bold), as wide as either font draws them; no names: as wide as labels may be."""
    widest = max((text_width(name, FONT_SIZE, bold=name in bold) for name in names), default=label_limit)
    return width - PADDING["left"] - PADDING["right"] - min(widest, label_limit) - LABEL_PADDING - 1


def end_label_room(values: Sequence[float], labels: Sequence[str], plot: float) -> float:
    """Return where a value scale must end for each label, printed END_GAP past its bar's end, to end inside `plot` px."""
    ends = [value * plot / max(plot - END_GAP - text_width(label, FONT_SIZE), plot / 4) for value, label in zip(values, labels, strict=True)]
    return max(ends, default=0.0)


def d3_format(value: float, value_format: str) -> str:
    """Return `value` as the d3-format `value_format` prints it, for the d3 formats the charts use (",.0f", ".1f", ".1%", ",")."""
    try:
        return format(value, value_format)
    except ValueError:
        return format(value, ",")


def fit_lines(text: str, width: float, font_size: float = FONT_SIZE) -> list[str]:
    """Return `text` broken into lines at spaces, each no wider than `width` px (a word wider than that on a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", font_size) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def room(values: pd.Series, width: int, **labels: Any) -> alt.Scale:
    """Return a value scale from zero with room past the longest bar for its printed number (see room_domain)."""
    return alt.Scale(domain=room_domain(values, width, **labels), nice=False)


def room_domain(
    values: pd.Series, width: int, *, value_format: str = ",.0f", names: Sequence[str] = (), bold: Sequence[str] = (), label_limit: float = LABEL_LIMIT
) -> list[float]:
    """Return the domain of `room`'s scale: past the longest bar by a tenth (a fifth on the narrow drawing), and far enough
    that every bar's number, in `value_format`, ends inside the drawing beside the `names` down its side."""
    valued = [float(value) for value in values.dropna()]
    plot = plot_width(width, names, bold=bold, label_limit=label_limit)
    needed = end_label_room(valued, [d3_format(value, value_format) for value in valued], plot)
    return [0, max(max(valued, default=0.0) * (1.22 if width <= NARROW else 1.1), needed)]


BARS_VIEW = "bars"  # the name of a chart's bars, the view its hover selection lives in


HOVER = "hover"  # the name of the selection that dims the other rows


def hover_selection(field_name: str) -> dict[str, Any]:
    """Return the selection that dims the rows other than the one whose `field_name` the pointer rests on.

    It is what Altair writes for `alt.selection_point(name="hover", on="pointerover", clear="pointerout",
    fields=[field_name], empty=True)` added to the view named BARS_VIEW and lifted to the top of the layered chart.
    `_spec` puts it there itself: layering a view that has a selection makes Altair copy and validate it for every
    layer (a tenth of the time a chart takes to build). tests/test_charts.py compares.
    """
    return {"name": HOVER, "select": {"type": "point", "clear": "pointerout", "fields": [field_name], "on": "pointerover"}}


def hover_rows(bars: alt.Chart) -> alt.Chart:
    """Dim the other rows while the pointer rests on one (live drawings only: the static SVG shows every row in full).

    A row is a value of the bars' y field.
    """
    # The channel object Altair would infer from alt.condition(hover, alt.value(1.0), alt.value(0.5)), made directly.
    dimmed = alt.OpacityValue(condition=alt.ConditionalParameterValueDefnumberExprRef(param=alt.ParameterName(HOVER), empty=True, value=1.0), value=0.5)
    # The view the selection lives in is named, so Altair need not name it by a hash of the view (data included).
    return bars.encode(opacity=dimmed).properties(name=BARS_VIEW)


def end_labels(data: pd.DataFrame, y: alt.Y, field_name: str, value_format: str = ",.0f") -> alt.Chart:
    """Return the numbers printed at the end of each bar (readers should not have to read them off an axis)."""
    return (
        alt.Chart(data)
        .mark_text(align="left", baseline="middle", dx=END_GAP)
        .encode(y=y, x=alt.X(f"{field_name}:Q", axis=None), text=alt.Text(f"{field_name}:Q", format=value_format))
    )


@dataclass(frozen=True)
class Rule:
    """A dashed reference line across the bars at a value (a standard, an average), labelled above the bars."""

    at: float
    label: str


@dataclass(frozen=True, eq=False)
class Stack:
    """Each bar drawn as parts end to end: the parts' rows (one per part of a bar), their lengths' column, and the column
    whose values set the parts' order along the bar."""

    parts: pd.DataFrame
    value: str
    order: str


def bold_labels(names: Sequence[str]) -> str:
    """Return the Vega expression that sets these names' axis labels in bold and the others in regular weight."""
    return f"indexof({json.dumps(list(names))}, datum.value) >= 0 ? 700 : 400"


@dataclass(frozen=True, eq=False)
class RankedBars:
    """A horizontal bar for each row, in the rows' order (a ranking, top first), with each bar's value printed at its end.

    The value axis has fewer ticks on the narrow drawing, the scale leaves room past the longest bar for its number, and
    the other rows dim while the pointer rests on one. Draw it at each width:
    `make_chart(chart_id, bars.draw(WIDE), narrow=bars.draw(NARROW), ...)`.
    """

    rows: pd.DataFrame  # the rows drawn, in order from the top; a bar's data is its row
    _: KW_ONLY
    name: str  # the column naming each row, down the side
    value: str  # the column of each bar's length, printed at its end
    axis_title: str | None  # the value axis's title
    axis_format: str = ",.0f"  # d3-format of the value axis's numbers
    label_format: str = ",.0f"  # d3-format of the numbers at the bars' ends
    colour: str | alt.Color | None = None  # one colour for every bar, or a colour encoding; with `highlight`, the other bars' (default muted)
    highlight: str | None = None  # a column of booleans: those rows' bars in COLOURS["highlight"], their names in bold
    tooltip: Sequence[alt.Tooltip] = ()
    rules: Sequence[Rule] = ()
    rule_label_align: Literal["left", "center", "right"] = "center"  # "left": each rule's label starts just right of its line
    no_value: str | None = None  # a column of words (say "no data") printed in place of the bar of a row with no value
    stack: Stack | None = None  # draw each bar as parts; `value` is still the whole bar's length
    domain_max: tuple[float, float] | None = None  # where the value scale ends on the wide and the narrow drawing (default: room)
    narrow_legend: bool = True  # False: the narrow drawing has no colour legend (its rules or labels say it)
    step: int = 22  # the height of a row, in px

    def draw(self, width: int) -> alt.TopLevelMixin:
        """Return the drawing at `width`: the bars, their numbers, the words for rows without a value, and the rules."""
        y = self._y()
        layers = [hover_rows(self._bars(y, width)), end_labels(self._valued, y, self.value, self.label_format)]
        if self.no_value is not None:
            missing = self.rows[self.rows[self.value].isna()]
            text = alt.Text(f"{self.no_value}:N")
            layers.append(
                alt.Chart(missing)
                .mark_text(align="left", baseline="middle", fontStyle="italic", color=MUTED_TEXT, dx=4)
                .encode(y=y, x=alt.XValue(0), text=text)
            )
        if self.rules:
            layers += self._rules(width)
        return alt.layer(*layers).properties(width=width, height=alt.Step(self.step))

    @functools.cached_property
    def _valued(self) -> pd.DataFrame:
        """Return the rows that have a value (all of them, unless `no_value` says what a row without one shows)."""
        return self.rows if self.no_value is None else self.rows[self.rows[self.value].notna()]

    def _y(self) -> alt.Y:
        if self.highlight is None:
            return alt.Y(f"{self.name}:N", sort=list(self.rows[self.name]), title=None)
        bold = bold_labels(self._bold_names)
        return alt.Y(f"{self.name}:N", sort=list(self.rows[self.name]), title=None, axis=alt.Axis(labelFontWeight=alt.expr(bold)))

    def _bars(self, y: alt.Y, width: int) -> alt.Chart:
        data, length = (self.stack.parts, self.stack.value) if self.stack else (self._valued, self.value)
        axis = value_axis(width, self.axis_title, self.axis_format, end=self.scale_end(width))
        x = alt.X(f"{length}:Q", stack="zero" if self.stack else alt.Undefined, axis=axis, scale=self._scale(width))
        channels: dict[str, Any] = {"y": y, "x": x}
        if self.highlight is not None:
            others = self.colour if isinstance(self.colour, str) else COLOURS["muted"]
            channels["color"] = alt.ColorValue(**alt.condition(getattr(alt.datum, self.highlight), alt.value(COLOURS["highlight"]), alt.value(others)))
        elif isinstance(self.colour, alt.Color):
            channels["color"] = self.colour if self.narrow_legend or width > NARROW else self.colour.legend(None)
        if self.stack:
            channels["order"] = alt.Order(f"{self.stack.order}:N", sort="ascending")
        if self.tooltip:
            channels["tooltip"] = list(self.tooltip)
        bar_colour = self.colour if isinstance(self.colour, str) and self.highlight is None else alt.Undefined
        return alt.Chart(data).mark_bar(color=bar_colour).encode(**channels)

    def _scale(self, width: int) -> alt.Scale:
        return alt.Scale(domain=[0, self.scale_end(width)], nice=False)

    def scale_end(self, width: int) -> float:
        """Return where the value scale ends at `width`: `domain_max`, or room past the bars for their numbers."""
        if self.domain_max is not None:
            return self.domain_max[width <= NARROW]
        return room_domain(self.rows[self.value], width, value_format=self.label_format, names=self._names, bold=self._bold_names)[1]

    @functools.cached_property
    def _names(self) -> list[str]:
        return [str(name) for name in self.rows[self.name]]

    @functools.cached_property
    def _bold_names(self) -> list[str]:
        return [] if self.highlight is None else [str(name) for name in self.rows.loc[self.rows[self.highlight], self.name]]

    def _rules(self, width: int) -> list[alt.Chart]:
        """Return the rules and their labels, above the bars; a label that would run past the drawing's edge on its
        side of the line goes on the other."""
        marks = pd.DataFrame([{"share": rule.at, "label": rule.label} for rule in self.rules])  # (the column names are in the specs)
        line = alt.Chart(marks).mark_rule(strokeDash=[4, 3], color=TEXT).encode(x=alt.X("share:Q"))
        plot = plot_width(width, self._names, bold=self._bold_names)
        # Left of the bars, the labels sit clear of the names down the side, which are at least this wide.
        names = max((text_width(name, FONT_SIZE, bold=name in self._bold_names, least=True) for name in self._names), default=0.0)
        side = min(names, LABEL_LIMIT) + LABEL_PADDING
        aligns = [self._rule_align(rule, plot * rule.at / self.scale_end(width), (-side, plot)) for rule in self.rules]
        labels = []
        for align in dict.fromkeys(aligns):
            beside = {"left": 4, "right": -4}.get(align, alt.Undefined)  # clear of the line
            labels.append(
                alt.Chart(marks[[a == align for a in aligns]])
                .mark_text(align=align, baseline="bottom", dx=beside, dy=-2, fontWeight=700)
                .encode(x=alt.X("share:Q"), y=alt.YValue(0), text=alt.Text("label:N"))
            )
        return [line, *labels]

    def _rule_align(self, rule: Rule, at: float, drawing: tuple[float, float]) -> Literal["left", "center", "right"]:
        """Return how a rule's label at `at` px aligns: as asked, unless it would then run past an edge of the `drawing`
        (from the left edge to the right, in px from where the bars start)."""
        label = text_width(rule.label, FONT_SIZE, bold=True) + END_GAP
        starts = {"left": at, "center": at - label / 2, "right": at - label}
        fits = [align for align in (self.rule_label_align, "right", "left") if starts[align] >= drawing[0] and starts[align] + label <= drawing[1]]
        return fits[0] if fits else self.rule_label_align


@contextmanager
def unvalidated() -> Iterator[None]:
    """Build charts without Altair checking every object against the schema as it is made (a fifth of the time).

    The specs are the same without; tests/test_charts.py validates every one against the Vega-Lite schema.
    """
    with debug_mode(False):
        yield


def call_chart(chart_id: str, make: Callable[[], Chart], code_path: str) -> Chart:
    """Run one chart function; any failure in it becomes a ChartError naming the chart and its code."""
    try:
        result = make()
    except ChartError:
        raise
    except Exception as error:  # a chart function is user code: report which one failed
        raise ChartError(f"chart '{chart_id}' could not be built: {type(error).__name__}: {error}", code_path) from error
    if result.id != chart_id:
        raise ChartError(f"chart function for '{chart_id}' returned a chart with id '{result.id}'", code_path)
    return result


_ID_ATTRIBUTE = re.compile(r'\bid="([^"]+)"')


def namespace_svg_ids(svg: str, prefix: str) -> str:
    """Prefix every id in an SVG (and its references) so many charts can share a page."""
    ids = set(_ID_ATTRIBUTE.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{prefix}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"url(#{old})", f"url(#{new})").replace(f'href="#{old}"', f'href="#{new}"')
    return svg
