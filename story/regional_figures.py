"""The regional comparison's figures: each service's people, its own workload and its patients' waits; London's side.

Per-service figures are named `<what>.<code>`, monthly ones `<what>.<code>.<month>`; they are gathered per
service in a `ServicePanel`, which the service pages show. Where a number rests on an assumption, its
definition says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from site_builder.figures import Figure, derived
from site_builder.model import Dataset

from . import regional
from .regional import COMPARED_MONTHS, ENGLAND, month_name

AMBSYS, NHS = ("ambsys",), ("nhse_ambsys",)
GAP = (
    "NHS England's monthly indicators cover England's services only; no comparable monthly figures for this period "
    "were found for Wales, Scotland or Northern Ireland"
)
EVEN_SPREAD = "each month's calls are assumed to have been spread evenly across its days"
# The monthly measures a service's panel shows: (figure name, column, kind, unit, label, AmbSYS code).
MONTHLY = (
    ("own_calls", "calls_answered", "count", "calls", "999 calls answered", "A1"),
    ("own_incidents", "incidents", "count", "incidents", "Incidents responded to", "A7"),
    ("category_1_mean", "category_1_response_mean_seconds", "duration", "minutes and seconds", "Category 1 mean response time", "A25"),
    ("category_2_mean", "category_2_response_mean_seconds", "duration", "minutes and seconds", "Category 2 mean response time", "A31"),
)


@dataclass(frozen=True)
class ServicePanel:
    """One service's own figures for its page: its people, its own work in the help's months, its patients' waits."""

    code: str
    has_nhs_figures: bool
    monthly: dict[str, dict[str, Figure]] = field(default_factory=dict)  # measure -> month -> figure
    own_calls_in_period: Figure | None = None
    help_share: Figure | None = None  # London's calls as a share of its own calls, if its own count includes them
    help_share_on_top: Figure | None = None  # ... if its own count does not
    population_other: Figure | None = None  # its population if the approximations that touch it are read the other way
    rate_other: Figure | None = None
    approximation: str = ""  # those approximations, in words

    @property
    def months(self) -> list[tuple[str, str]]:
        """Return the months of the panel's table, as (key, name)."""
        return [(month, month_name(month)) for month in COMPARED_MONTHS]

    def figures(self) -> list[Figure]:
        """Return every figure of the panel."""
        singles = (self.own_calls_in_period, self.help_share, self.help_share_on_top, self.population_other, self.rate_other)
        return [f for f in singles if f is not None] + [figure for by_month in self.monthly.values() for figure in by_month.values()]


def monthly_figure(row: dict[str, object], *, code: str, name: str, month: str, measure: tuple[str, str, str, str, str, str]) -> Figure:
    """Return one of a service's monthly NHS England figures, as published."""
    figure_name, column, kind, unit, label, ambsys_code = measure
    return Figure(
        name=f"{figure_name}.{code}.{month}",
        value=int(row[column]),  # type: ignore[call-overload]
        kind=kind,  # type: ignore[arg-type]
        unit=unit,
        label=f"{label}, {name}, {month_name(month)}",
        definition=f"{label} of {name} in {month_name(month)}, as NHS England publishes it (AmbSYS {ambsys_code})",
        formula=f"{column} for {code}, {month}",
        tables=AMBSYS,
        sources=NHS,
    )


def own_calls_in_period(calls: float, *, code: str, name: str, period: regional.HelpPeriod) -> Figure:
    """Return a service's own calls answered over the help period, scaled from the months it spans."""
    return Figure(
        name=f"own_calls_in_period.{code}",
        value=round(calls),
        kind="count",
        unit="calls",
        label=f"999 calls {name} answered over the period",
        definition=f"999 calls {name}'s own control room answered in the {period.days} days the mutual-aid table counts, from NHS England's monthly figures",
        formula="Σ calls_answered × (days of the period in the month ÷ days in the month)",
        tables=AMBSYS,
        sources=NHS,
        assumption=EVEN_SPREAD,
    )


def help_shares(london: Figure, own: Figure, *, code: str, name: str) -> tuple[Figure, Figure]:
    """Return London's calls as a share of a helper's own, under both readings of what its own count holds."""
    inputs = {london.name: london, own.name: own}
    common = {"inputs": inputs, "kind": "share", "unit": "share of its own calls"}
    within = derived(
        name=f"help_share.{code}",
        formula=f"{london.name} ÷ {own.name}",
        label=f"London's calls as a share of {name}'s own (counted within)",
        definition=f"The calls {name} answered for London, set against all the calls its control room answered over the period, if its own count already includes them",
        assumption=f"{name}'s own count includes the calls it answered for London; {EVEN_SPREAD}",
        **common,  # type: ignore[arg-type]
    )
    on_top = derived(
        name=f"help_share_on_top.{code}",
        formula=f"{london.name} ÷ ({own.name} + {london.name})",
        label=f"London's calls as a share of {name}'s own (counted on top)",
        definition=f"The calls {name} answered for London, set against all the calls its control room answered over the period, if its own count leaves them out",
        assumption=f"{name}'s own count leaves out the calls it answered for London; {EVEN_SPREAD}",
        **common,  # type: ignore[arg-type]
    )
    return within, on_top


def service_panel(nhs: regional.MonthlyFigures, *, code: str, name: str, london_calls: Figure | None, populations: pd.DataFrame) -> ServicePanel:
    """Return a service's panel; a service NHS England's table lacks has no monthly figures (its page shows the gap)."""
    other = other_reading(populations, code=code, name=name, calls=london_calls)
    approximation = {} if other is None else {"population_other": other[0], "rate_other": other[1], "approximation": other[2]}
    if not nhs.has(code):
        return ServicePanel(code, has_nhs_figures=False, **approximation)  # type: ignore[arg-type]
    monthly = {
        measure[0]: {month: monthly_figure(nhs.rows[(code, month)], code=code, name=name, month=month, measure=measure) for month in COMPARED_MONTHS}
        for measure in MONTHLY
    }
    own = own_calls_in_period(nhs.in_period[code], code=code, name=name, period=nhs.period)
    shares = {} if london_calls is None else dict(zip(("help_share", "help_share_on_top"), help_shares(london_calls, own, code=code, name=name), strict=True))
    return ServicePanel(code, True, monthly, own, **shares, **approximation)  # type: ignore[arg-type]


def london_figures(dataset: Dataset, *, recipient: str, redirected: Figure, las_own: Figure) -> list[Figure]:
    """Return London's side: its own calls a day month by month, its time to answer, and the redirected share both ways."""
    table = regional.ambsys(dataset)
    figures = []
    for month, per_day in regional.calls_per_day(dataset, recipient).items():
        figures.append(
            Figure(
                name=f"las_calls_per_day.{month}",
                value=per_day,
                kind="count",
                unit="calls a day",
                label=f"LAS calls answered a day, {month_name(month)}",
                definition=f"999 calls London Ambulance Service's control room answered in {month_name(month)}, divided by the month's days (NHS England, A1)",
                formula=f"calls_answered for LAS, {month} ÷ {regional.month_days(month)} days",
                tables=AMBSYS,
                sources=NHS,
            )
        )
        figures.append(
            Figure(
                name=f"las_answer_time_mean.{month}",
                value=int(table.loc[(recipient, month), "answer_time_mean_seconds"]),
                kind="duration",
                unit="minutes and seconds",
                label=f"LAS mean time to answer a 999 call, {month_name(month)}",
                definition=f"Mean time London Ambulance Service took to answer a 999 call in {month_name(month)} (NHS England, A3)",
                formula=f"answer_time_total_seconds ÷ calls_answered for LAS, {month}, as published",
                tables=AMBSYS,
                sources=NHS,
            )
        )
    return figures + _redirected_shares(dataset, recipient=recipient, redirected=redirected, las_own=las_own)


def _redirected_shares(dataset: Dataset, *, recipient: str, redirected: Figure, las_own: Figure) -> list[Figure]:
    days = regional.help_period(dataset).days
    inputs = {redirected.name: redirected, las_own.name: las_own}
    share = {"inputs": inputs, "kind": "share", "unit": "share of LAS's calls"}
    return [
        Figure(
            name="las_calls_per_day_in_period",
            value=float(las_own.value) / days,  # type: ignore[arg-type]
            kind="count",
            unit="calls a day",
            label="LAS calls answered a day over the period",
            definition=f"999 calls London Ambulance Service's own control room answered a day over the {days} days, from NHS England's monthly figures",
            formula=f"{las_own.name} ÷ days in the period",
            tables=AMBSYS,
            sources=NHS,
            assumption=EVEN_SPREAD,
        ),
        derived(
            name="redirected_share_nhs_on_top",
            formula=f"{redirected.name} ÷ ({las_own.name} + {redirected.name})",
            label="Share of LAS calls answered elsewhere (NHS England count, on top)",
            definition="The calls answered for LAS by other services, as a share of those plus the calls LAS's own control room answered (NHS England) over the period",
            assumption=f"LAS's own count leaves out the calls others answered for it; {EVEN_SPREAD}",
            **share,  # type: ignore[arg-type]
        ),
        derived(
            name="redirected_share_nhs_within",
            formula=f"{redirected.name} ÷ {las_own.name}",
            label="Share of LAS calls answered elsewhere (NHS England count, within)",
            definition="The calls answered for LAS by other services, as a share of the calls NHS England counts LAS as answering over the period",
            assumption=f"LAS's own count includes the calls others answered for it; {EVEN_SPREAD}",
            **share,  # type: ignore[arg-type]
        ),
        Figure(
            name="las_category_1_incidents_december",
            value=int(regional.ambsys(dataset).loc[(recipient, "2020-12"), "category_1_incidents"]),
            kind="count",
            unit="incidents",
            label="LAS category 1 incidents, December 2020",
            definition="Category 1 incidents London Ambulance Service responded to in December 2020, as NHS England publishes them (AmbSYS A8)",
            formula="category_1_incidents for LAS, 2020-12",
            tables=AMBSYS,
            sources=NHS,
        ),
    ]


def standard_seconds(dataset: Dataset, category: int) -> Figure:
    """Return a category's national standard for the mean response time, in seconds, from the context table."""
    row = dataset.context[f"category_{category}_mean_standard"]  # in minutes: regional_rules checks
    return Figure(
        name=f"category_{category}_standard",
        value=int(row.value * 60),
        kind="duration",
        unit="minutes and seconds",
        label=f"Category {category} mean response standard",
        definition=row.description,
        formula=f"context.csv, category_{category}_mean_standard × 60 seconds",
        tables=("context",),
        sources=(row.source_id,),
    )


def response_figures(dataset: Dataset) -> list[Figure]:
    """Return England's means and how many English services were slower than each standard, in each month of the help."""
    table = regional.ambsys(dataset).reset_index()
    services = table[table["code"] != ENGLAND]
    figures = []
    for category in (1, 2):
        standard = standard_seconds(dataset, category)
        figures.append(standard)
        column = f"category_{category}_response_mean_seconds"
        for month in COMPARED_MONTHS:
            in_month = services[services["month"] == month]
            slower = in_month[in_month[column] > standard.value]
            figures.append(
                Figure(
                    name=f"services_over_category_{category}_standard.{month}",
                    value=len(slower),
                    kind="count",
                    unit="services",
                    label=f"English services slower than the category {category} standard, {month_name(month)}",
                    definition=f"English ambulance services (of {len(in_month)}) whose category {category} mean response time in {month_name(month)} was longer than the national standard",
                    formula=f"Count of services with {column} > {standard.name}",
                    tables=(*AMBSYS, "context"),
                    sources=(*NHS, *standard.sources),
                )
            )
            england = int(table[(table["code"] == ENGLAND) & (table["month"] == month)][column].iloc[0])
            figures.append(
                Figure(
                    name=f"england_category_{category}_mean.{month}",
                    value=england,
                    kind="duration",
                    unit="minutes and seconds",
                    label=f"England's category {category} mean response time, {month_name(month)}",
                    definition=f"Mean category {category} response time across England in {month_name(month)}, as NHS England publishes it (as revised)",
                    formula=f"{column} for ENG, {month}",
                    tables=AMBSYS,
                    sources=NHS,
                )
            )
    return figures


def help_share_figures(panels: dict[str, ServicePanel], names: dict[str, str]) -> list[Figure]:
    """Return how the help compares across the helpers NHS England counts, and how many it doesn't."""
    shared = {code: panel for code, panel in panels.items() if panel.help_share is not None}
    largest = max(shared, key=lambda code: (float(shared[code].help_share.value), code))  # type: ignore[union-attr, arg-type]
    smallest = min(shared, key=lambda code: (float(shared[code].help_share.value), code))  # type: ignore[union-attr, arg-type]
    missing = [names[code] for code, panel in panels.items() if not panel.has_nhs_figures]
    common = {"tables": ("mutual_aid", *AMBSYS), "sources": ("hsj", *NHS)}
    biggest, least, biggest_on_top = shared[largest].help_share, shared[smallest].help_share, shared[largest].help_share_on_top
    assert biggest is not None and least is not None and biggest_on_top is not None
    return [
        Figure(name="helpers_with_nhs_figures", value=len(shared), kind="count", unit="services", label="Helping services with NHS England figures",
               definition="Helping services whose own monthly workload NHS England publishes (England's)", formula="Count of helping services in the ambsys table", **common),  # type: ignore[arg-type]
        Figure(name="helpers_without_nhs_figures", value=len(missing), kind="count", unit="services", label="Helping services without comparable figures",
               definition=f"Helping services with no comparable monthly figures: {GAP}", formula="helper_services − helpers_with_nhs_figures", **common),  # type: ignore[arg-type]
        Figure(name="largest_help_share_name", value=names[largest], kind="text", unit="", label="Helper for which London's calls were the largest share of its own",
               definition="Among the helpers NHS England counts, the one whose London calls were the largest share of its own calls answered", formula="Service with the largest help_share", **common),  # type: ignore[arg-type]
        Figure(name="largest_help_share", value=biggest.value, kind="share", unit="share of its own calls", label="Largest share of a helper's own calls",
               definition=biggest.definition, formula=biggest.formula, assumption=biggest.assumption, **common),  # type: ignore[arg-type]
        Figure(name="largest_help_share_on_top", value=biggest_on_top.value, kind="share", unit="share of its own calls", label="That share, counted on top",
               definition=biggest_on_top.definition, formula=biggest_on_top.formula, assumption=biggest_on_top.assumption, **common),  # type: ignore[arg-type]
        Figure(name="smallest_help_share_name", value=names[smallest], kind="text", unit="", label="Helper for which London's calls were the smallest share of its own",
               definition="Among the helpers NHS England counts, the one whose London calls were the smallest share of its own calls answered", formula="Service with the smallest help_share", **common),  # type: ignore[arg-type]
        Figure(name="smallest_help_share", value=least.value, kind="share", unit="share of its own calls", label="Smallest share of a helper's own calls",
               definition=least.definition, formula=least.formula, assumption=least.assumption, **common),  # type: ignore[arg-type]
    ]  # fmt: skip


APPROXIMATIONS = {  # how each approximation in the district table reads, in a sentence
    "high_peak": "High Peak, whose Glossop area North West Ambulance Service covers, is counted whole with East Midlands",
    "north_east_hampshire": "Hart and Rushmoor, in north-east Hampshire, which South East Coast Ambulance Service is reported to cover, are counted with South Central",
}


def other_reading(populations: pd.DataFrame, *, code: str, name: str, calls: Figure | None) -> tuple[Figure, Figure | None, str] | None:
    """Return a service's population and rate under the other reading of the approximations that touch it (and those, in words)."""
    row = populations.loc[code]
    if not row["approximations"] or calls is None:
        return None
    described = "; ".join(APPROXIMATIONS.get(a, a) for a in str(row["approximations"]).split(", "))
    population = Figure(
        name=f"population_other_reading.{code}",
        value=int(row["population_other"]),
        kind="count",
        unit="people",
        label=f"Population of {name}'s area, other reading",
        definition=f"Residents of {name}'s area if the approximate districts are counted the other way ({described}, in the main figures)",
        formula="Sum of population over its districts, each approximate district given to other_reading_service_code",
        tables=("lad_populations",),
        sources=("ons_mye2019_lad",),
    )
    rate = derived(
        name=f"calls_per_100k_other_reading.{code}",
        formula=f"{calls.name} ÷ {population.name} × 100,000",
        inputs={calls.name: calls, population.name: population},
        kind="rate",
        unit="calls per 100,000 residents",
        label=f"Calls answered per 100,000 residents of {name}'s area, other reading",
        definition=f"Calls {name} answered for LAS for every 100,000 residents, with the approximate districts counted the other way",
    )
    return population, rate, described


def approximation_figures(populations: pd.DataFrame, dataset: Dataset) -> list[Figure]:
    """Return how many approximate assignments the district table makes, and how many services they touch."""
    marked = dataset.tables["lad_populations"].frame["approximation"].dropna()
    common = {"kind": "count", "tables": ("lad_populations",), "sources": ("ons_mye2019_lad",)}
    return [
        Figure(name="approximation_count", value=marked.nunique(), unit="approximations", label="Approximate assignments of districts",
               definition="Places where a service's border cuts across districts, or its cover was not confirmed, so districts are assigned approximately",
               formula="Count of distinct approximation values in the district table", **common),  # type: ignore[arg-type]
        Figure(name="services_approximated", value=int((populations["approximations"] != "").sum()), unit="services",
               label="Services whose population rests on an approximation", definition="Services that gain or lose districts under the other reading",
               formula="Count of services touched by an approximation", **common),  # type: ignore[arg-type]
    ]  # fmt: skip


def district_count(dataset: Dataset) -> Figure:
    """Return how many districts the populations are summed from."""
    return Figure(
        name="district_count",
        value=len(dataset.tables["lad_populations"].frame),
        kind="count",
        unit="districts",
        label="Local authority districts",
        definition="UK local authority districts (2019 boundaries) whose mid-2019 populations are summed into the services' populations",
        formula="Count of rows in the district table",
        tables=("lad_populations",),
        sources=("ons_mye2019_lad",),
    )


@dataclass(frozen=True)
class Helper:
    """What the comparison needs of a helping service: its code, its names and the calls it answered for London."""

    code: str
    name: str
    london_calls: Figure


def regional_figures(
    dataset: Dataset, *, helpers: list[Helper], recipient: str, recipient_name: str, redirected: Figure
) -> tuple[list[Figure], dict[str, ServicePanel]]:
    """Return the comparison's figures and each service's panel (the helpers' and the recipient's), by code."""
    populations = regional.service_populations(dataset)
    nhs = regional.monthly_figures(dataset)
    panels = {h.code: service_panel(nhs, code=h.code, name=h.name, london_calls=h.london_calls, populations=populations) for h in helpers}
    panels[recipient] = service_panel(nhs, code=recipient, name=recipient_name, london_calls=None, populations=populations)
    names = dataset.tables["populations"].frame.set_index("code")["name"]
    for code in sorted(set(dataset.tables["ambsys"].frame["code"]) - set(panels) - {ENGLAND}):  # England's other services: response times only
        panels[code] = service_panel(nhs, code=code, name=str(names.get(code, code)), london_calls=None, populations=populations)
    own = panels[recipient].own_calls_in_period
    assert own is not None, "the service being helped is in NHS England's table (story/regional_rules.py checks)"
    figures = [district_count(dataset), *approximation_figures(populations, dataset), *help_share_figures(panels, {h.code: h.name for h in helpers})]
    figures += london_figures(dataset, recipient=recipient, redirected=redirected, las_own=own) + response_figures(dataset)
    return figures + [figure for panel in panels.values() for figure in panel.figures()], panels
