"""The regional comparison's charts: the help against each helper's own work, London's own calls, and response times.

Registered with the story's other charts (`@chart`); each draws only what its figures say, and marks the nations
NHS England's monthly figures do not cover as a gap rather than leaving them out.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from site_builder.charting import COLOURS, NARROW, WIDE, Chart, RankedBars, end_labels, make_chart, most_rows, showing, source_line, value_axis
from site_builder.formatting import format_duration, format_number
from site_builder.model import Dataset

from .charts import chart
from .figures import Figures
from .regional import COMPARED_MONTHS, ENGLAND, MONTHS, month_name

NO_FIGURES = "no NHS England figures"


def _help_frame(figures: Figures) -> pd.DataFrame:
    rows = []
    for service in figures.services:
        panel = figures.panels[service.code]
        rows.append(
            {
                "service": service.short_name,
                "london": service.calls_answered.value,
                "own": panel.own_calls_in_period.value if panel.own_calls_in_period else None,
                "share": panel.help_share.value if panel.help_share else None,
                "share_on_top": panel.help_share_on_top.value if panel.help_share_on_top else None,
            }
        )
    frame = pd.DataFrame(rows)
    frame["sort"] = frame["share"].fillna(-1.0)
    frame = frame.sort_values(["sort", "london"], ascending=[False, False], kind="stable").drop(columns="sort").reset_index(drop=True)
    frame["own"] = frame["own"].astype("Int64")
    frame["label"] = [NO_FIGURES if pd.isna(s) else "" for s in frame["share"]]  # what a gap's row says in place of a bar
    return frame


@chart("help-share")
def help_share(figures: Figures, dataset: Dataset) -> Chart:
    """London's calls as a share of each helper's own 999 calls answered over the same days."""
    frame = _help_frame(figures)
    rows, shown = most_rows(frame, "largest shares")
    tooltip = [
        alt.Tooltip("service:N", title="Service"),
        alt.Tooltip("london:Q", title="London's calls", format=","),
        alt.Tooltip("own:Q", title="Its own calls (scaled)", format=","),
        alt.Tooltip("share:Q", title="Share, counted within", format=".1%"),
        alt.Tooltip("share_on_top:Q", title="Share, counted on top", format=".1%"),
    ]
    bars = RankedBars(
        rows, name="service", value="share", axis_title="London's calls as a share of its own", axis_format=".0%", label_format=".1%",
        colour=COLOURS["other"], tooltip=tooltip, no_value="label",
    )  # fmt: skip
    share = figures["largest_help_share"]
    share_text = format_number(float(share.value) * 100, 1) + "%"  # type: ignore[arg-type]
    subtitle, description = showing(
        "London's calls answered, as a share of the service's own 999 calls answered over the same days (NHS England, scaled from monthly figures)",
        f"Bar chart of the calls each helping service answered for London, as a share of the 999 calls its own control room answered "
        f"over the same {figures['hsj_period_days'].text} days. {figures['largest_help_share_name'].text} gave the largest share of its own work, "
        f"{share_text}. The share is computed as if each service's own count already includes the London calls; if it leaves them out, every "
        f"share is a little smaller (the table gives both). {figures['helpers_without_nhs_figures'].text.capitalize()} services have no "
        "comparable figures and are shown as gaps.",
        shown,
    )
    return make_chart(
        "help-share",
        bars.draw(WIDE),
        narrow=bars.draw(NARROW),
        title=f"London's calls were at most {share_text} of any helper's own",
        subtitle=subtitle,
        description=description,
        source=source_line(dataset, "hsj", "nhse_ambsys"),
        table=frame,
        labels={
            "service": "Service",
            "london": "London's calls",
            "own": "Its own calls over the period",
            "share": "Share (within)",
            "share_on_top": "Share (on top)",
        },
    )


def _las_month_frame(figures: Figures) -> pd.DataFrame:
    rows = [
        {
            "month": month_name(month),
            "per_day": round(float(figures[f"las_calls_per_day.{month}"].value)),  # type: ignore[arg-type]
            "answer": format_duration(int(figures[f"las_answer_time_mean.{month}"].value)),  # type: ignore[arg-type]
        }
        for month in MONTHS
    ]
    return pd.DataFrame(rows)


@chart("las-calls-by-month")
def las_calls_by_month(figures: Figures, dataset: Dataset) -> Chart:
    """LAS's own 999 calls answered a day in each month, beside the range HSJ reported for the peak."""
    frame = _las_month_frame(figures)
    low, high = (float(figures[name].value) for name in ("las_calls_per_day_low", "las_calls_per_day_high"))  # type: ignore[arg-type]
    band = pd.DataFrame([{"low": low, "high": high}])
    order = list(frame["month"])

    def draw(width: int) -> alt.TopLevelMixin:
        y = alt.Y("month:N", sort=order, title=None)
        scale = alt.Scale(domain=[0, high * (1.25 if width <= NARROW else 1.12)], nice=False)
        shade = alt.Chart(band).mark_rect(color=COLOURS["muted"], opacity=0.25).encode(x=alt.X("low:Q", scale=scale), x2=alt.X2("high:Q"))
        bars = (
            alt.Chart(frame)
            .mark_bar(color=COLOURS["recipient"])
            .encode(
                y=y,
                x=alt.X("per_day:Q", axis=value_axis(width, "999 calls LAS answered a day"), scale=scale),
                tooltip=[
                    alt.Tooltip("month:N", title="Month"),
                    alt.Tooltip("per_day:Q", title="Calls a day", format=","),
                    alt.Tooltip("answer:N", title="Mean time to answer"),
                ],
            )
        )
        labels = end_labels(frame, y, "per_day")
        return alt.layer(shade, bars, labels).properties(width=width, height=alt.Step(30))

    peak = max(MONTHS, key=lambda month: float(figures[f"las_calls_per_day.{month}"].value))  # type: ignore[arg-type]
    description = (
        f"Bar chart of the 999 calls London Ambulance Service's own control room answered a day, month by month from {month_name(MONTHS[0])} "
        f"to {month_name(MONTHS[-1])}, from NHS England's monthly figures. The busiest month was {month_name(peak)}, with "
        f"{figures[f'las_calls_per_day.{peak}'].text} a day. A shaded band marks the {format_number(low)} to {format_number(high)} calls a day HSJ "
        "reported for the peak weeks: a different measure (calls coming in during the worst days, not a month's answered calls on average)."
    )
    return make_chart(
        "las-calls-by-month",
        draw(WIDE),
        narrow=draw(NARROW),
        title=f"In its busiest month, LAS answered {figures[f'las_calls_per_day.{peak}'].text} calls a day on average",
        subtitle=f"999 calls LAS answered a day, by month (NHS England); shaded, the {format_number(low)}–{format_number(high)} a day HSJ reported for the peak weeks",
        description=description,
        source=source_line(dataset, "nhse_ambsys", "hsj"),
        table=frame,
        labels={"month": "Month", "per_day": "Calls answered a day", "answer": "Mean time to answer"},
    )


OTHER_NAMES = {"IOW": "Isle of Wight"}  # a short name for an English service that is neither a helper nor the recipient


def _english_services(figures: Figures, dataset: Dataset) -> list[tuple[str, str]]:
    """Return (code, short name) of every service in NHS England's table, the recipient's named by its code."""
    names = {s.code: s.short_name for s in figures.services} | {figures.recipient.code: f"London ({figures.recipient.code})"}
    codes = sorted(set(dataset.tables["ambsys"].frame["code"]) - {ENGLAND})
    return [(code, names.get(code) or OTHER_NAMES.get(code, code)) for code in codes]


def _response_frame(figures: Figures, dataset: Dataset) -> pd.DataFrame:
    rows = []
    for code, name in _english_services(figures, dataset):
        for month in COMPARED_MONTHS:
            row: dict[str, object] = {"service": name, "month": month_name(month), "recipient": code == figures.recipient.code}
            for category in (1, 2):
                seconds = int(figures[f"category_{category}_mean.{code}.{month}"].value)  # type: ignore[arg-type]
                row[f"c{category}"], row[f"c{category}_text"] = seconds / 60, format_duration(seconds)
            rows.append(row)
    frame = pd.DataFrame(rows)
    last = frame[frame["month"] == month_name(COMPARED_MONTHS[-1])].sort_values("c2", ascending=False, kind="stable")
    frame["service"] = pd.Categorical(frame["service"], categories=list(last["service"]), ordered=True)
    return frame.sort_values(["service", "month"], kind="stable").reset_index(drop=True).assign(service=lambda f: f["service"].astype(str))


def _response_panel(frame: pd.DataFrame, *, category: int, standard: float, width: int, order: list[str], bold: str) -> alt.LayerChart:
    """Return one category's panel: each service's mean in each month, and a line at the standard."""
    column = f"c{category}"
    top = max(float(frame[column].max()), standard) * (1.12 if width > NARROW else 1.2)
    scale = alt.Scale(domain=[0, top], nice=False)
    x = alt.X(f"{column}:Q", scale=scale, axis=value_axis(width, f"Category {category} mean response, minutes", ",.0f"))
    y = alt.Y("service:N", sort=order, title=None, axis=alt.Axis(labelFontWeight=alt.ExprRef(expr=f"datum.value === '{bold}' ? 700 : 400")))
    months = [month_name(m) for m in COMPARED_MONTHS]
    points = (
        alt.Chart(frame)
        .mark_point(size=70, filled=True, opacity=1)
        .encode(
            y=y,
            x=x,
            color=alt.Color("month:N", title=None, scale=alt.Scale(domain=months, range=[COLOURS["muted"], COLOURS["other"]])),
            shape=alt.Shape("month:N", title=None, scale=alt.Scale(domain=months, range=["circle", "diamond"])),
            tooltip=[alt.Tooltip("service:N", title="Service"), alt.Tooltip("month:N", title="Month"), alt.Tooltip(f"{column}_text:N", title="Mean response")],
        )
    )
    line = pd.DataFrame([{"standard": standard, "label": f"Standard: {format_number(standard)} min"}])
    rule = alt.Chart(line).mark_rule(color=COLOURS["category_1"], strokeDash=[4, 3]).encode(x=alt.X("standard:Q", scale=scale))
    note = (
        alt.Chart(line)
        .mark_text(align="left", baseline="bottom", dx=4, dy=-2, color=COLOURS["category_1"], fontSize=12)
        .encode(x=alt.X("standard:Q", scale=scale), y=alt.YValue(0), text=alt.Text("label:N"))
    )
    return alt.layer(rule, points, note).properties(width=width, height=alt.Step(20))  # type: ignore[return-value]


@chart("response-times")
def response_times(figures: Figures, dataset: Dataset) -> Chart:
    """Every English service's category 1 and 2 mean response times in December and January, against the national standards."""
    frame = _response_frame(figures, dataset)
    order = list(dict.fromkeys(frame["service"]))
    bold = f"London ({figures.recipient.code})"
    standards = {category: float(figures[f"category_{category}_standard"].value) / 60 for category in (1, 2)}  # type: ignore[arg-type]

    def draw(width: int) -> alt.VConcatChart:
        panels = [_response_panel(frame, category=c, standard=standards[c], width=width, order=order, bold=bold) for c in (1, 2)]
        return alt.vconcat(*panels).resolve_scale(x="independent")

    last = COMPARED_MONTHS[-1]
    description = (
        f"Dot chart of the mean time from a call to an ambulance arriving, for each of England's {len(order)} ambulance services, in "
        f"{month_name(COMPARED_MONTHS[0])} and {month_name(last)}, with the national standards of {format_number(standards[1])} minutes for "
        f"category 1 and {format_number(standards[2])} minutes for category 2 marked. In {month_name(last)}, "
        f"{figures[f'services_over_category_1_standard.{last}'].text} services were slower than the category 1 standard and "
        f"{figures[f'services_over_category_2_standard.{last}'].text} than the category 2 standard. London is marked in bold. "
        "Wales, Scotland and Northern Ireland are not shown: NHS England's figures cover England only. The chart sets the services side by side; "
        "it cannot show whether helping London changed any service's times."
    )
    return make_chart(
        "response-times",
        draw(WIDE),
        narrow=draw(NARROW),
        title=f"{figures[f'services_over_category_2_standard.{last}'].text.capitalize()} of England's {len(order)} services missed the category 2 standard in {month_name(last)}",
        subtitle="Mean response times by service, December 2020 and January 2021, against the national standards (NHS England, as revised); "
        "no comparable figures for Wales, Scotland or Northern Ireland",
        description=description,
        source=source_line(dataset, "nhse_ambsys", "nhse_aqi_note_jan2021"),
        table=frame,
        labels={"service": "Service", "month": "Month", "c1_text": "Category 1 mean", "c2_text": "Category 2 mean"},
    )
