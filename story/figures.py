"""Compute, in one place, every figure the story's prose, pages and charts quote."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from site_builder.figures import Figure, FigureTable, context_figure, date_figure, derived
from site_builder.figures import Figures as FigureSet
from site_builder.formatting import format_count, format_number, join_names, ordinal
from site_builder.model import Dataset

from .regional import service_populations
from .regional_figures import Helper, ServicePanel, regional_figures


@dataclass(frozen=True)
class ServiceFigures:
    """The figures for one helping service."""

    code: str
    name: str
    short_name: str
    nation: str
    region: str
    calls_answered: Figure
    category_1_calls: Figure
    cardiac_arrest_calls: Figure
    other_calls: Figure
    share_of_calls: Figure
    category_1_share: Figure
    rank: int
    tied: bool
    population: Figure
    calls_per_100k: Figure

    @property
    def rank_text(self) -> str:
        """Return the rank as words: 'first', 'joint 11th'."""
        return ("joint " if self.tied else "") + ordinal(self.rank)

    @property
    def most_text(self) -> str:
        """Return the rank as it follows 'answered': 'the most', 'the third most', 'the joint 11th most'."""
        if self.rank == 1 and not self.tied:
            return "the most"
        return f"the {self.rank_text} most"

    @property
    def slug(self) -> str:
        """Return the folder name of the service's page."""
        return self.code.lower()


@dataclass(frozen=True)
class RecipientFigures:
    """What we know of the service being helped."""

    code: str
    name: str
    population: Figure

    @property
    def slug(self) -> str:
        """Return the folder name of the service's page."""
        return self.code.lower()


class Figures(FigureSet):
    """Every figure by name, plus the per-service figures, ranked."""

    def __init__(
        self, figures: list[Figure], services: list[ServiceFigures], recipient: RecipientFigures, panels: dict[str, ServicePanel] | None = None
    ) -> None:
        service_figures = [figure for service in services for figure in service_figure_list(service)]
        # A service's figure may take a name a headline figure has: the later one wins, as it always has.
        super().__init__(figures)
        self._by_name.update({figure.name: figure for figure in service_figures})
        self._by_name[recipient.population.name] = recipient.population
        self.headline = tuple(figures)
        self.services = tuple(services)
        self.recipient = recipient
        self.panels = panels or {}  # each service's own figures from NHS England and the districts, by code
        # Pages and charts look services up by code once each: a scan per lookup would grow with the square of their number.
        self._rank_index = {service.code: index for index, service in enumerate(self.services)}

    def service(self, code: str) -> ServiceFigures:
        """Return one service's figures by its code."""
        return self.services[self.rank_index(code)]

    def rank_index(self, code: str) -> int:
        """Return where a service stands in `services` (ranked by calls answered) by its code."""
        return self._rank_index[code]


def service_figure_list(service: ServiceFigures) -> list[Figure]:
    """Return the Figure fields of one service's figures."""
    return [value for value in vars(service).values() if isinstance(value, Figure)]


def compute_figures(dataset: Dataset, recipient: str) -> Figures:
    """Return the figures quoted in the article, computed from the dataset, in the order the data page lists them."""
    aid = _mutual_aid(dataset)
    ranked = aid.table.frame.sort_values(["calls_answered", "code"], ascending=[False, True], kind="stable").reset_index(drop=True)
    figures: dict[str, Figure] = {}
    _add(figures, _totals(aid))
    _add(figures, _totals_shares(figures))
    services = _service_figures(dataset, aid, ranked, figures["calls_answered_total"])
    _add(figures, _answering(aid, ranked))
    _add(figures, _leaders(aid, services[0], figures))
    _add(figures, _runner_up(aid, ranked, figures))
    _add(figures, _concentration(aid, ranked, figures["calls_answered_total"]))
    _add(figures, _category_1_leader(aid, services))
    _add(figures, _rate_figures(services, figures))
    _add(figures, _london_volume(dataset, figures))
    _add(figures, _london_shares(figures))
    _add(figures, _london_category_1(dataset, figures))
    _add(figures, _london_category_1_shares(figures))
    _add(figures, _police_figures(dataset))
    _add(figures, _police_rates(figures))
    _add(figures, _other_context(dataset))
    _add(figures, [date_figure(dataset, key, name=f"date_{key}") for key in ("period_start", "major_incident", "wmas_record_day", "wmas_previous_record_day")])
    recipient_name = str(dataset.tables["populations"].frame.set_index("code").loc[recipient, "name"])
    populations = service_populations(dataset)
    recipient_figures = RecipientFigures(code=recipient, name=recipient_name, population=_population_figure(recipient, recipient_name, populations))
    helpers = [Helper(s.code, s.name, s.calls_answered) for s in services]
    comparison, panels = regional_figures(
        dataset, helpers=helpers, recipient=recipient, recipient_name=recipient_name, redirected=figures["calls_answered_total"]
    )
    _add(figures, comparison)
    return Figures(list(figures.values()), services, recipient_figures, panels)


def _add(figures: dict[str, Figure], group: list[Figure]) -> None:
    """Append a group of figures, in order, to those declared so far (later groups' formulas read them)."""
    for figure in group:
        if figure.name in figures:
            raise ValueError(f"figure {figure.name!r} defined twice")
        figures[figure.name] = figure


def _mutual_aid(dataset: Dataset) -> FigureTable:
    """Return HSJ's table of the calls each service answered for LAS."""
    return FigureTable(table=dataset.tables["mutual_aid"], sources=("hsj",), row="service")


def _totals(aid: FigureTable) -> list[Figure]:
    return [
        aid.figure(
            name="helper_services",
            value=len(aid.table.frame),
            kind="count",
            unit="services",
            label="Other ambulance services listed",
            definition="UK ambulance services other than LAS that appear in the mutual-aid table",
            formula="Count of rows in the mutual-aid table",
        ),
        aid.total(
            "calls_answered",
            name="calls_answered_total",
            unit="calls",
            label="999 calls answered for LAS by other services",
            definition="999 calls to London Ambulance Service answered by another service's control room since the start of the period",
        ),
        aid.total(
            "category_1_calls",
            name="category_1_total",
            unit="calls",
            label="Category 1 calls answered for LAS",
            definition="Of those calls, the ones categorised as immediately life-threatening (category 1)",
        ),
        aid.total(
            "cardiac_arrest_calls",
            name="cardiac_arrest_total",
            unit="calls",
            label="Cardiac arrest calls answered for LAS",
            definition="Of those calls, the ones coded as cardiac arrest (CARD)",
        ),
    ]


def _totals_shares(known: dict[str, Figure]) -> list[Figure]:
    return [
        derived(
            name="other_calls_total",
            formula="calls_answered_total − category_1_total",
            inputs=known,
            kind="count",
            unit="calls",
            label="Calls other than category 1",
            definition="Calls answered for LAS that were not category 1",
        ),
        derived(
            name="category_1_share",
            formula="category_1_total ÷ calls_answered_total",
            inputs=known,
            kind="share",
            unit="share of calls",
            label="Category 1 share of calls answered",
            definition="Share of the calls answered for LAS that were category 1",
        ),
        derived(
            name="cardiac_arrest_share",
            formula="cardiac_arrest_total ÷ calls_answered_total",
            inputs=known,
            kind="share",
            unit="share of calls",
            label="Cardiac arrest share of calls answered",
            definition="Share of the calls answered for LAS that were cardiac arrests",
        ),
    ]


def _answering(aid: FigureTable, ranked: pd.DataFrame) -> list[Figure]:
    return [
        aid.count(
            "calls_answered",
            "above",
            0,
            name="services_answering",
            unit="services",
            label="Services that answered calls",
            definition="Services that answered at least one call for LAS",
        ),
        aid.count(
            "calls_answered",
            "equal to",
            0,
            name="services_answering_none",
            unit="services",
            label="Services that answered no calls",
            definition="Services listed with no calls answered for LAS",
        ),
        aid.figure(
            name="services_answering_none_names",
            value=join_names(list(ranked.loc[ranked["calls_answered"] == 0, "name"])),
            kind="text",
            unit="",
            label="Services that answered no calls",
            definition="Names of the services listed with no calls answered",
            formula="Services with calls_answered equal to 0",
        ),
    ]


def _leaders(aid: FigureTable, top: ServiceFigures, known: dict[str, Figure]) -> list[Figure]:
    largest = "Service with the largest calls_answered"
    top_calls = aid.figure(
        name="top_service_calls",
        value=top.calls_answered.value,
        kind="count",
        unit="calls",
        label="Calls answered by the top service",
        definition="Calls answered for LAS by the service that answered the most",
        formula="Largest calls_answered",
    )
    return [
        aid.figure(
            name="top_service_name",
            value=top.name,
            kind="text",
            unit="",
            label="Service that answered the most calls",
            definition="The service with the most calls answered for LAS",
            formula=largest,
        ),
        aid.figure(
            name="top_service_short_name",
            value=top.short_name,
            kind="text",
            unit="",
            label="Service that answered the most calls (short name)",
            definition="Short name of the service with the most calls answered",
            formula=largest,
        ),
        top_calls,
        derived(
            name="top_service_share",
            formula="top_service_calls ÷ calls_answered_total",
            inputs={**known, "top_service_calls": top_calls},
            kind="share",
            unit="share of calls",
            label="Top service's share of calls",
            definition="Share of all calls answered for LAS that the top service answered",
        ),
        derived(
            name="top_service_category_1_share_of_all",
            formula="category_1_calls ÷ category_1_total",
            wording="Top service's {formula}",
            inputs={**known, "category_1_calls": top.category_1_calls},
            kind="share",
            unit="share of category 1 calls",
            label="Top service's share of category 1 calls",
            definition="Share of all category 1 calls answered for LAS that the top service answered",
        ),
    ]


def _runner_up(aid: FigureTable, ranked: pd.DataFrame, known: dict[str, Figure]) -> list[Figure]:
    second = ranked.iloc[1]
    cumulative = ranked["calls_answered"].cumsum() / known["calls_answered_total"].value
    return [
        aid.figure(
            name="second_service_name",
            value=str(second["name"]),
            kind="text",
            unit="",
            label="Service that answered the second most calls",
            definition="The service with the second most calls answered for LAS",
            formula="Service with the second largest calls_answered",
        ),
        aid.figure(
            name="second_service_calls",
            value=int(second["calls_answered"]),
            kind="count",
            unit="calls",
            label="Calls answered by the second service",
            definition="Calls answered for LAS by the service that answered the second most",
            formula="Second largest calls_answered",
        ),
        aid.figure(
            name="top_three_share",
            value=float(cumulative.iloc[2]),
            kind="share",
            unit="share of calls",
            label="Share answered by the top three",
            definition="Share of all calls answered for LAS that the three busiest helpers answered",
            formula="Sum of the three largest calls_answered ÷ calls_answered_total",
        ),
    ]


def _concentration(aid: FigureTable, ranked: pd.DataFrame, total: Figure) -> list[Figure]:
    calls = ranked["calls_answered"]
    cumulative = calls.cumsum() / total.value

    def services_to_reach(share: float) -> int:
        return int((cumulative < share).sum()) + 1

    to_reach = "Rank services by calls_answered; count them until their running total reaches {} of calls_answered_total"
    return [
        aid.figure(
            name="services_for_half",
            value=services_to_reach(0.5),
            kind="count",
            unit="services",
            label="Services that answered half the calls",
            definition="Fewest services that together answered at least half of the calls",
            formula=to_reach.format("half"),
        ),
        aid.figure(
            name="services_for_three_quarters",
            value=services_to_reach(0.75),
            kind="count",
            unit="services",
            label="Services that answered three quarters of the calls",
            definition="Fewest services that together answered at least three quarters of the calls",
            formula=to_reach.format("three quarters"),
        ),
        aid.figure(
            name="english_services_share",
            value=int(calls[ranked["nation"] == "England"].sum()) / total.value,  # type: ignore[operator]
            kind="share",
            unit="share of calls",
            label="Share answered by services in England",
            definition="Share of the calls answered for LAS that services in England answered",
            formula="Sum of calls_answered where nation is England ÷ calls_answered_total",
        ),
    ]


def _category_1_leader(aid: FigureTable, services: list[ServiceFigures]) -> list[Figure]:
    answered = [s for s in services if s.calls_answered.value]
    leader = min(answered, key=lambda s: (-float(s.category_1_share.value), s.code))  # type: ignore[arg-type]
    return [
        aid.figure(
            name="highest_category_1_share_name",
            value=leader.name,
            kind="text",
            unit="",
            label="Service with the highest category 1 share",
            definition="Among services that answered calls, the one whose calls were most often category 1",
            formula="Service with the largest category_1_calls ÷ calls_answered",
        ),
        derived(
            name="highest_category_1_share",
            formula="category_1_calls ÷ calls_answered",
            wording="{formula} for that service",
            inputs=_own_figures(leader),
            kind="share",
            unit="share of calls",
            label="Highest category 1 share",
            definition="That service's category 1 calls as a share of its calls answered",
        ),
    ]


def _own_figures(service: ServiceFigures) -> dict[str, Figure]:
    """Return a service's figures by the names its formulas use: calls_answered, population."""
    return {field: value for field, value in vars(service).items() if isinstance(value, Figure)}


def _population_figure(code: str, name: str, populations: pd.DataFrame) -> Figure:
    """Return a service's population: the sum of the ONS estimates for the districts it covers (regional.service_populations)."""
    return Figure(
        name=f"population.{code}",
        value=int(populations.loc[code, "population"]) if code in populations.index else None,
        kind="count",
        unit="people",
        label=f"Population of {name}'s area",
        definition=f"Residents of the local authority districts {name} covers, by the ONS's mid-2019 estimates",
        formula="Sum of population over the service's districts",
        tables=("lad_populations",),
        sources=("ons_mye2019_lad",),
    )


def _service_figures(dataset: Dataset, aid: FigureTable, ranked: pd.DataFrame, total: Figure) -> list[ServiceFigures]:
    populations = service_populations(dataset)
    ranks = ranked["calls_answered"].rank(method="min", ascending=False).astype(int)
    tied_counts = ranks.value_counts()
    services = []
    for index, row in ranked.iterrows():
        code, name = str(row["code"]), str(row["name"])
        counts = _service_counts(aid, row, code, name)
        population = _population_figure(code, name, populations)
        services.append(
            ServiceFigures(
                code=code,
                name=name,
                short_name=str(row["short_name"]),
                nation=str(row["nation"]),
                region=str(row["nation_region"]),
                rank=int(ranks.loc[index]),
                tied=bool(tied_counts[ranks.loc[index]] > 1),
                population=population,
                **counts,
                **_service_shares({**counts, "population": population, "calls_answered_total": total}, code, name),
            )
        )
    return services


def _service_counts(aid: FigureTable, row: pd.Series, code: str, name: str) -> dict[str, Figure]:
    """Return one service's counts, read from its row of the mutual-aid table."""
    return {
        "calls_answered": aid.value(
            row,
            "calls_answered",
            name=f"calls_answered.{code}",
            unit="calls",
            label=f"Calls answered by {name}",
            definition=f"999 calls for LAS answered by {name}",
        ),
        "category_1_calls": aid.value(
            row,
            "category_1_calls",
            name=f"category_1_calls.{code}",
            unit="calls",
            label=f"Category 1 calls answered by {name}",
            definition=f"Category 1 calls for LAS answered by {name}",
        ),
        "cardiac_arrest_calls": aid.value(
            row,
            "cardiac_arrest_calls",
            name=f"cardiac_arrest_calls.{code}",
            unit="calls",
            label=f"Cardiac arrest calls answered by {name}",
            definition=f"Cardiac arrest (CARD) calls for LAS answered by {name}",
        ),
    }


def _service_shares(inputs: dict[str, Figure], code: str, name: str) -> dict[str, Figure]:
    """Return one service's figures worked out from its counts, its population and the total."""
    return {
        "other_calls": derived(
            name=f"other_calls.{code}",
            formula="calls_answered − category_1_calls",
            inputs=inputs,
            kind="count",
            unit="calls",
            label=f"Other calls answered by {name}",
            definition=f"Calls for LAS answered by {name} that were not category 1",
        ),
        "share_of_calls": derived(
            name=f"share_of_calls.{code}",
            formula="calls_answered ÷ calls_answered_total",
            inputs=inputs,
            kind="share",
            unit="share of calls",
            label=f"{name}'s share of all calls",
            definition=f"Share of all calls answered for LAS that {name} answered",
        ),
        "category_1_share": derived(
            name=f"category_1_share.{code}",
            formula="category_1_calls ÷ calls_answered",
            wording="{formula} (no value when no calls were answered)",
            inputs=inputs,
            kind="share",
            unit="share of calls",
            label=f"Category 1 share of {name}'s calls",
            definition=f"Share of the calls {name} answered for LAS that were category 1",
        ),
        "calls_per_100k": derived(
            name=f"calls_per_100k.{code}",
            formula=CALLS_PER_100K,
            inputs=inputs,
            kind="rate",
            unit="calls per 100,000 residents",
            label=f"Calls answered per 100,000 residents of {name}'s area",
            definition="Calls answered for LAS for every 100,000 people living in the helping service's area (only where a sourced population matches the area)",
        ),
    }


CALLS_PER_100K = "calls_answered ÷ population × 100,000"


def _rate_figures(services: list[ServiceFigures], known: dict[str, Figure]) -> list[Figure]:
    rated = [s for s in services if s.calls_per_100k.value is not None]
    leader = max(rated, key=lambda s: (float(s.calls_per_100k.value), s.code))  # type: ignore[arg-type]
    with_population = Figure(
        name="services_with_population",
        value=len(rated),
        kind="count",
        unit="services",
        label="Helping services with a sourced population",
        definition="Helping services whose area matches one ONS region or nation, so a rate per resident can be given",
        formula="Count of helping services with a population",
        tables=("mutual_aid", "populations"),
        sources=("ons_mye2019",),
    )
    return [
        with_population,
        derived(
            name="services_without_population",
            formula="helper_services − services_with_population",
            inputs={**known, "services_with_population": with_population},
            sources=with_population.sources,  # the data page has always cited ONS alone here
            kind="count",
            unit="services",
            label="Helping services without a sourced population",
            definition="Helping services with no population figure for a matching area; no rate is given for them",
        ),
        Figure(
            name="highest_rate_name",
            value=leader.name,
            kind="text",
            unit="",
            label="Highest calls per 100,000 residents",
            definition="Among services with a sourced population, the one that answered most calls for its size",
            formula="Service with the largest calls_per_100k",
            tables=("mutual_aid", "populations"),
            sources=("hsj", "ons_mye2019"),
        ),
        derived(
            name="highest_rate",
            formula=CALLS_PER_100K,
            inputs=_own_figures(leader),
            kind="rate",
            unit="calls per 100,000 residents",
            label="Its calls per 100,000 residents",
            definition="Calls answered for LAS per 100,000 residents of that service's area",
        ),
    ]


def _london_volume(dataset: Dataset, known: dict[str, Figure]) -> list[Figure]:
    volume = [
        context_figure(dataset, "las_calls_per_day_low", label="LAS calls a day (low end)"),
        context_figure(dataset, "las_calls_per_day_high", label="LAS calls a day (high end)"),
        context_figure(dataset, "hsj_period_days", label="Days in HSJ's period"),
    ]
    low, high, days = (figure.value for figure in volume)
    assumption = f"LAS's own calls ran at the stated {format_number(low)}–{format_number(high)} a day for the {format_count(days)} days HSJ described as 'the last two weeks'"  # type: ignore[arg-type]
    inputs = {**known, **{figure.name: figure for figure in volume}}
    return volume + [
        derived(
            name=f"las_calls_period_{end}",
            formula=f"las_calls_per_day_{end} × hsj_period_days",
            inputs=inputs,
            kind="count",
            unit="calls",
            label=f"LAS calls over the period ({end} end)",
            definition=f"Calls LAS would have received over the period at the {end} end of the stated daily range",
            assumption=assumption,
        )
        for end in ("low", "high")
    ]


def _london_shares(known: dict[str, Figure]) -> list[Figure]:
    low, high, days = (known[name].value for name in ("las_calls_per_day_low", "las_calls_per_day_high", "hsj_period_days"))
    took = "LAS took {} calls a day, the {} of the stated range, for " + format_count(days) + " days"  # type: ignore[arg-type]
    return [
        derived(
            name="redirected_share_low",
            formula="calls_answered_total ÷ las_calls_period_high",
            inputs=known,
            kind="share",
            unit="share of LAS calls",
            label="Share of LAS calls answered elsewhere (low end)",
            definition="Calls answered by other services as a share of LAS's calls over the period, at the high end of its daily volume",
            assumption=took.format(format_number(high), "top"),  # type: ignore[arg-type]
        ),
        derived(
            name="redirected_share_high",
            formula="calls_answered_total ÷ las_calls_period_low",
            inputs=known,
            kind="share",
            unit="share of LAS calls",
            label="Share of LAS calls answered elsewhere (high end)",
            definition="Calls answered by other services as a share of LAS's calls over the period, at the low end of its daily volume",
            assumption=took.format(format_number(low), "bottom"),  # type: ignore[arg-type]
        ),
        derived(
            name="redirected_calls_per_day",
            formula="calls_answered_total ÷ hsj_period_days",
            inputs=known,
            kind="count",
            unit="calls a day",
            label="Calls answered elsewhere a day",
            definition="Calls answered by other services for LAS, on average each day of the period",
            assumption=known["las_calls_period_low"].assumption,
        ),
    ]


def _london_category_1(dataset: Dataset, known: dict[str, Figure]) -> list[Figure]:
    december = context_figure(dataset, "las_category_1_calls_december_2020", name="las_category_1_december", label="LAS category 1 calls, December 2020")
    december_dates = {key: date_figure(dataset, key) for key in ("december_2020_start", "december_2020_end")}
    december_days = derived(
        name="december_days",
        formula="december_2020_end − december_2020_start + 1",
        inputs=december_dates,
        kind="count",
        unit="days",
        label="Days in December 2020",
        definition="Days from the first to the last day of December 2020",
    )
    per_day = derived(
        name="las_category_1_per_day",
        formula="las_category_1_december ÷ december_days",
        inputs={december.name: december, december_days.name: december_days},
        kind="count",
        unit="calls a day",
        label="LAS category 1 calls a day, December 2020",
        definition="Category 1 calls LAS received on an average day of December 2020",
    )
    period = derived(
        name="las_category_1_period",
        formula="las_category_1_per_day × hsj_period_days",
        inputs={**known, per_day.name: per_day},
        kind="count",
        unit="calls",
        label="LAS category 1 calls over the period",
        definition="Category 1 calls LAS would have received over the period at December's daily rate",
        assumption=_december_assumption(known, december, december_days),
    )
    return [december, december_days, per_day, period]


def _december_assumption(known: dict[str, Figure], december: Figure, december_days: Figure) -> str:
    days = known["hsj_period_days"].value
    return f"LAS's category 1 calls ran at December 2020's daily rate ({format_number(december.value)} over {december_days.value} days) for {format_count(days)} days"  # type: ignore[arg-type]


def _london_category_1_shares(known: dict[str, Figure]) -> list[Figure]:
    assumption = known["las_category_1_period"].assumption
    return [
        derived(
            name="category_1_redirected_share_within",
            formula="category_1_total ÷ las_category_1_period",
            inputs=known,
            kind="share",
            unit="share of LAS category 1 calls",
            label="Category 1 calls answered elsewhere, as a share of LAS's (redirected calls counted within)",
            definition="Category 1 calls answered by other services as a share of LAS's estimated category 1 calls over the period, if the redirected calls are part of that estimate",
            assumption=assumption + "; the redirected calls are among them",
        ),
        derived(
            name="category_1_redirected_share_added",
            formula="category_1_total ÷ (las_category_1_period + category_1_total)",
            inputs=known,
            kind="share",
            unit="share of LAS category 1 calls",
            label="Category 1 calls answered elsewhere, as a share of LAS's (redirected calls added on top)",
            definition="Category 1 calls answered by other services as a share of all category 1 calls, if the redirected calls came on top of LAS's estimated category 1 calls",
            assumption=assumption + "; the redirected calls came on top of them",
        ),
        derived(
            name="category_1_redirected_share_month",
            formula="category_1_total ÷ las_category_1_december",
            inputs=known,
            kind="share",
            unit="share of LAS category 1 calls",
            label="Category 1 calls answered elsewhere, against a whole month of LAS's",
            definition="Category 1 calls answered by other services as a share of LAS's category 1 calls in the whole of December 2020",
            assumption="the period's calls are set against a whole month of LAS's category 1 calls",
        ),
    ]


def _police_figures(dataset: Dataset) -> list[Figure]:
    weeks = context_figure(dataset, "police_weeks", label="Weeks of the police deployment")
    return [
        context_figure(dataset, "police_officers", label="Police officers driving ambulances"),
        context_figure(dataset, "police_emergencies", label="Emergencies the police drivers attended"),
        weeks,
        derived(
            name="police_days",
            formula="police_weeks × 7",
            inputs={weeks.name: weeks},
            kind="count",
            unit="days",
            label="Days of the police deployment",
            definition="Length of the police deployment in days",
        ),
    ]


def _police_rates(known: dict[str, Figure]) -> list[Figure]:
    weeks, days = known["police_weeks"].value, known["police_days"].value
    return [
        derived(
            name="police_emergencies_per_day",
            formula="police_emergencies ÷ police_days",
            inputs=known,
            kind="count",
            unit="emergencies a day",
            label="Emergencies a day",
            definition="Emergencies the police drivers attended on an average day",
            assumption=f"the deployment lasted {format_count(weeks)} weeks ({format_count(days)} days); the Met said 'nearly' five weeks, so the true rate is a little higher",  # type: ignore[arg-type]
        ),
        derived(
            name="police_emergencies_per_officer",
            formula="police_emergencies ÷ police_officers",
            inputs=known,
            kind="count",
            unit="emergencies per officer",
            label="Emergencies per officer",
            definition="Emergencies attended for each officer deployed, over the whole deployment",
        ),
    ]


def _other_context(dataset: Dataset) -> list[Figure]:
    """Return the figures quoted as their sources gave them, with no arithmetic."""
    return [
        context_figure(dataset, "special_constables_staying", label="Special constables staying on"),
        context_figure(dataset, "police_joint_calls_per_day_low", name="police_joint_calls_low", label="Joint police and ambulance calls a day (low end)"),
        context_figure(dataset, "police_joint_calls_per_day_high", name="police_joint_calls_high", label="Joint police and ambulance calls a day (high end)"),
        context_figure(dataset, "wmas_record_day_calls", label="WMAS calls on its busiest day"),
        context_figure(dataset, "wmas_previous_record_calls", label="WMAS calls on its previous busiest day"),
    ]
