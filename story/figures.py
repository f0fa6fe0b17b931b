"""Compute, in one place, every figure the story's prose, pages and charts quote."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from site_builder.figures import Figure
from site_builder.figures import Figures as FigureSet
from site_builder.formatting import format_count, format_number, join_names, ordinal
from site_builder.model import Dataset


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

    def __init__(self, figures: list[Figure], services: list[ServiceFigures], recipient: RecipientFigures) -> None:
        service_figures = [figure for service in services for figure in service_figure_list(service)]
        # A service's figure may take a name a headline figure has: the later one wins, as it always has.
        super().__init__(figures)
        self._by_name.update({figure.name: figure for figure in service_figures})
        self._by_name[recipient.population.name] = recipient.population
        self.headline = tuple(figures)
        self.services = tuple(services)
        self.recipient = recipient
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


MUTUAL_AID = ("mutual_aid",)


def compute_figures(dataset: Dataset, recipient: str) -> Figures:
    """Return the figures quoted in the article, computed from the dataset."""
    aid = dataset.tables["mutual_aid"].frame.copy()
    aid = aid.sort_values(["calls_answered", "code"], ascending=[False, True], kind="stable").reset_index(drop=True)
    total = int(aid["calls_answered"].sum())
    category_1 = int(aid["category_1_calls"].sum())
    cardiac = int(aid["cardiac_arrest_calls"].sum())
    top, second = aid.iloc[0], aid.iloc[1]
    cumulative = aid["calls_answered"].cumsum() / total

    def services_to_reach(share: float) -> int:
        return int((cumulative < share).sum()) + 1

    none = aid[aid["calls_answered"] == 0]
    hsj = ("hsj",)
    figures: list[Figure] = [
        Figure(
            "helper_services",
            len(aid),
            "count",
            "services",
            "Other ambulance services listed",
            "UK ambulance services other than LAS that appear in the mutual-aid table",
            "Count of rows in the mutual-aid table",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "calls_answered_total",
            total,
            "count",
            "calls",
            "999 calls answered for LAS by other services",
            "999 calls to London Ambulance Service answered by another service's control room since the start of the period",
            "Sum of calls_answered over every service",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "category_1_total",
            category_1,
            "count",
            "calls",
            "Category 1 calls answered for LAS",
            "Of those calls, the ones categorised as immediately life-threatening (category 1)",
            "Sum of category_1_calls over every service",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "cardiac_arrest_total",
            cardiac,
            "count",
            "calls",
            "Cardiac arrest calls answered for LAS",
            "Of those calls, the ones coded as cardiac arrest (CARD)",
            "Sum of cardiac_arrest_calls over every service",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "other_calls_total",
            total - category_1,
            "count",
            "calls",
            "Calls other than category 1",
            "Calls answered for LAS that were not category 1",
            "calls_answered_total − category_1_total",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "category_1_share",
            category_1 / total,
            "share",
            "share of calls",
            "Category 1 share of calls answered",
            "Share of the calls answered for LAS that were category 1",
            "category_1_total ÷ calls_answered_total",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "cardiac_arrest_share",
            cardiac / total,
            "share",
            "share of calls",
            "Cardiac arrest share of calls answered",
            "Share of the calls answered for LAS that were cardiac arrests",
            "cardiac_arrest_total ÷ calls_answered_total",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "services_answering",
            int((aid["calls_answered"] > 0).sum()),
            "count",
            "services",
            "Services that answered calls",
            "Services that answered at least one call for LAS",
            "Count of services with calls_answered above 0",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "services_answering_none",
            len(none),
            "count",
            "services",
            "Services that answered no calls",
            "Services listed with no calls answered for LAS",
            "Count of services with calls_answered equal to 0",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "services_answering_none_names",
            join_names(list(none["name"])),
            "text",
            "",
            "Services that answered no calls",
            "Names of the services listed with no calls answered",
            "Services with calls_answered equal to 0",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "top_service_name",
            str(top["name"]),
            "text",
            "",
            "Service that answered the most calls",
            "The service with the most calls answered for LAS",
            "Service with the largest calls_answered",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "top_service_short_name",
            str(top["short_name"]),
            "text",
            "",
            "Service that answered the most calls (short name)",
            "Short name of the service with the most calls answered",
            "Service with the largest calls_answered",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "top_service_calls",
            int(top["calls_answered"]),
            "count",
            "calls",
            "Calls answered by the top service",
            "Calls answered for LAS by the service that answered the most",
            "Largest calls_answered",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "top_service_share",
            int(top["calls_answered"]) / total,
            "share",
            "share of calls",
            "Top service's share of calls",
            "Share of all calls answered for LAS that the top service answered",
            "top_service_calls ÷ calls_answered_total",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "top_service_category_1_share_of_all",
            int(top["category_1_calls"]) / category_1,
            "share",
            "share of category 1 calls",
            "Top service's share of category 1 calls",
            "Share of all category 1 calls answered for LAS that the top service answered",
            "Top service's category_1_calls ÷ category_1_total",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "second_service_name",
            str(second["name"]),
            "text",
            "",
            "Service that answered the second most calls",
            "The service with the second most calls answered for LAS",
            "Service with the second largest calls_answered",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "second_service_calls",
            int(second["calls_answered"]),
            "count",
            "calls",
            "Calls answered by the second service",
            "Calls answered for LAS by the service that answered the second most",
            "Second largest calls_answered",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "top_three_share",
            float(cumulative.iloc[2]),
            "share",
            "share of calls",
            "Share answered by the top three",
            "Share of all calls answered for LAS that the three busiest helpers answered",
            "Sum of the three largest calls_answered ÷ calls_answered_total",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "services_for_half",
            services_to_reach(0.5),
            "count",
            "services",
            "Services that answered half the calls",
            "Fewest services that together answered at least half of the calls",
            "Rank services by calls_answered; count them until their running total reaches half of calls_answered_total",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "services_for_three_quarters",
            services_to_reach(0.75),
            "count",
            "services",
            "Services that answered three quarters of the calls",
            "Fewest services that together answered at least three quarters of the calls",
            "Rank services by calls_answered; count them until their running total reaches three quarters of calls_answered_total",
            MUTUAL_AID,
            hsj,
        ),
        Figure(
            "english_services_share",
            int(aid.loc[aid["nation"] == "England", "calls_answered"].sum()) / total,
            "share",
            "share of calls",
            "Share answered by services in England",
            "Share of the calls answered for LAS that services in England answered",
            "Sum of calls_answered where nation is England ÷ calls_answered_total",
            MUTUAL_AID,
            hsj,
        ),
    ]
    figures += _category_1_leader(aid)
    services = _service_figures(dataset, aid, total)
    figures += _rate_figures(services)
    figures += _london_figures(dataset, total, category_1)
    figures += _police_figures(dataset)
    figures += _date_figures(dataset)
    recipient_row = dataset.tables["populations"].frame.set_index("code").loc[recipient]
    recipient_figures = RecipientFigures(
        code=recipient,
        name=str(recipient_row["name"]),
        population=_population_figure(recipient, str(recipient_row["name"]), recipient_row),
    )
    return Figures(figures, services, recipient_figures)


def _category_1_leader(aid: pd.DataFrame) -> list[Figure]:
    answered = aid[aid["calls_answered"] > 0].copy()
    answered["share"] = answered["category_1_calls"] / answered["calls_answered"]
    leader = answered.sort_values(["share", "code"], ascending=[False, True], kind="stable").iloc[0]
    return [
        Figure(
            "highest_category_1_share_name",
            str(leader["name"]),
            "text",
            "",
            "Service with the highest category 1 share",
            "Among services that answered calls, the one whose calls were most often category 1",
            "Service with the largest category_1_calls ÷ calls_answered",
            MUTUAL_AID,
            ("hsj",),
        ),
        Figure(
            "highest_category_1_share",
            float(leader["share"]),
            "share",
            "share of calls",
            "Highest category 1 share",
            "That service's category 1 calls as a share of its calls answered",
            "category_1_calls ÷ calls_answered for that service",
            MUTUAL_AID,
            ("hsj",),
        ),
    ]


def _population_figure(code: str, name: str, row: pd.Series) -> Figure:
    population = row["population"]
    value = None if pd.isna(population) else int(population)
    basis = "" if pd.isna(row["population_basis"]) else str(row["population_basis"])
    year = "" if pd.isna(row["population_year"]) else str(row["population_year"])
    return Figure(
        f"population.{code}",
        value,
        "count",
        "people",
        f"Population of {name}'s area",
        f"Resident population, {year}: {basis}" if value is not None else "No population figure for an area matching this service's was found",
        "populations.csv, population column",
        ("populations",),
        ("ons_mye2019",) if value is not None else (),
    )


def _service_figures(dataset: Dataset, aid: pd.DataFrame, total: int) -> list[ServiceFigures]:
    populations = dataset.tables["populations"].frame.set_index("code")
    ranks = aid["calls_answered"].rank(method="min", ascending=False).astype(int)
    tied_counts = ranks.value_counts()
    services: list[ServiceFigures] = []
    hsj = ("hsj",)
    for index, row in aid.iterrows():
        code, name = str(row["code"]), str(row["name"])
        calls = int(row["calls_answered"])
        cat1 = int(row["category_1_calls"])
        population = _population_figure(code, name, populations.loc[code])
        per_100k = None if population.value is None else calls / float(population.value) * 100_000  # type: ignore[arg-type]
        services.append(
            ServiceFigures(
                code=code,
                name=name,
                short_name=str(row["short_name"]),
                nation=str(row["nation"]),
                region=str(row["nation_region"]),
                calls_answered=Figure(
                    f"calls_answered.{code}",
                    calls,
                    "count",
                    "calls",
                    f"Calls answered by {name}",
                    f"999 calls for LAS answered by {name}",
                    "calls_answered for this service",
                    MUTUAL_AID,
                    hsj,
                ),
                category_1_calls=Figure(
                    f"category_1_calls.{code}",
                    cat1,
                    "count",
                    "calls",
                    f"Category 1 calls answered by {name}",
                    f"Category 1 calls for LAS answered by {name}",
                    "category_1_calls for this service",
                    MUTUAL_AID,
                    hsj,
                ),
                cardiac_arrest_calls=Figure(
                    f"cardiac_arrest_calls.{code}",
                    int(row["cardiac_arrest_calls"]),
                    "count",
                    "calls",
                    f"Cardiac arrest calls answered by {name}",
                    f"Cardiac arrest (CARD) calls for LAS answered by {name}",
                    "cardiac_arrest_calls for this service",
                    MUTUAL_AID,
                    hsj,
                ),
                other_calls=Figure(
                    f"other_calls.{code}",
                    calls - cat1,
                    "count",
                    "calls",
                    f"Other calls answered by {name}",
                    f"Calls for LAS answered by {name} that were not category 1",
                    "calls_answered − category_1_calls",
                    MUTUAL_AID,
                    hsj,
                ),
                share_of_calls=Figure(
                    f"share_of_calls.{code}",
                    calls / total,
                    "share",
                    "share of calls",
                    f"{name}'s share of all calls",
                    f"Share of all calls answered for LAS that {name} answered",
                    "calls_answered ÷ calls_answered_total",
                    MUTUAL_AID,
                    hsj,
                ),
                category_1_share=Figure(
                    f"category_1_share.{code}",
                    cat1 / calls if calls else None,
                    "share",
                    "share of calls",
                    f"Category 1 share of {name}'s calls",
                    f"Share of the calls {name} answered for LAS that were category 1",
                    "category_1_calls ÷ calls_answered (no value when no calls were answered)",
                    MUTUAL_AID,
                    hsj,
                ),
                rank=int(ranks.loc[index]),
                tied=bool(tied_counts[ranks.loc[index]] > 1),
                population=population,
                calls_per_100k=Figure(
                    f"calls_per_100k.{code}",
                    per_100k,
                    "rate",
                    "calls per 100,000 residents",
                    f"Calls answered per 100,000 residents of {name}'s area",
                    "Calls answered for LAS for every 100,000 people living in the helping service's area (only where a sourced population matches the area)",
                    "calls_answered ÷ population × 100,000",
                    ("mutual_aid", "populations"),
                    ("hsj", "ons_mye2019") if per_100k is not None else ("hsj",),
                ),
            )
        )
    return services


def _rate_figures(services: list[ServiceFigures]) -> list[Figure]:
    rated = [s for s in services if s.calls_per_100k.value is not None]
    leader = max(rated, key=lambda s: (float(s.calls_per_100k.value), s.code))  # type: ignore[arg-type]
    both = ("mutual_aid", "populations")
    return [
        Figure(
            "services_with_population",
            len(rated),
            "count",
            "services",
            "Helping services with a sourced population",
            "Helping services whose area matches one ONS region or nation, so a rate per resident can be given",
            "Count of helping services with a population",
            both,
            ("ons_mye2019",),
        ),
        Figure(
            "services_without_population",
            len(services) - len(rated),
            "count",
            "services",
            "Helping services without a sourced population",
            "Helping services with no population figure for a matching area; no rate is given for them",
            "helper_services − services_with_population",
            both,
            ("ons_mye2019",),
        ),
        Figure(
            "highest_rate_name",
            leader.name,
            "text",
            "",
            "Highest calls per 100,000 residents",
            "Among services with a sourced population, the one that answered most calls for its size",
            "Service with the largest calls_per_100k",
            both,
            ("hsj", "ons_mye2019"),
        ),
        Figure(
            "highest_rate",
            leader.calls_per_100k.value,
            "rate",
            "calls per 100,000 residents",
            "Its calls per 100,000 residents",
            "Calls answered for LAS per 100,000 residents of that service's area",
            "calls_answered ÷ population × 100,000",
            both,
            ("hsj", "ons_mye2019"),
        ),
    ]


def _london_figures(dataset: Dataset, total: int, category_1: int) -> list[Figure]:
    ctx = dataset.context
    low, high = ctx["las_calls_per_day_low"].value, ctx["las_calls_per_day_high"].value
    days = ctx["hsj_period_days"].value
    december = ctx["las_category_1_calls_december_2020"].value
    december_days = (dataset.dates["december_2020_end"].date - dataset.dates["december_2020_start"].date).days + 1
    per_day = december / december_days
    in_period = per_day * days
    period_assumption = f"LAS's own calls ran at the stated {format_number(low)}–{format_number(high)} a day for the {format_count(days)} days HSJ described as 'the last two weeks'"
    december_assumption = (
        f"LAS's category 1 calls ran at December 2020's daily rate ({format_number(december)} over {december_days} days) for {format_count(days)} days"
    )
    hsj, both = ("hsj",), ("mutual_aid", "context")
    return [
        Figure(
            "las_calls_per_day_low",
            low,
            "count",
            "calls a day",
            "LAS calls a day (low end)",
            ctx["las_calls_per_day_low"].description,
            "context.csv, las_calls_per_day_low",
            ("context",),
            hsj,
        ),
        Figure(
            "las_calls_per_day_high",
            high,
            "count",
            "calls a day",
            "LAS calls a day (high end)",
            ctx["las_calls_per_day_high"].description,
            "context.csv, las_calls_per_day_high",
            ("context",),
            hsj,
        ),
        Figure(
            "hsj_period_days",
            days,
            "count",
            "days",
            "Days in HSJ's period",
            ctx["hsj_period_days"].description,
            "context.csv, hsj_period_days",
            ("context",),
            hsj,
        ),
        Figure(
            "las_calls_period_low",
            low * days,
            "count",
            "calls",
            "LAS calls over the period (low end)",
            "Calls LAS would have received over the period at the low end of the stated daily range",
            "las_calls_per_day_low × hsj_period_days",
            ("context",),
            hsj,
            period_assumption,
        ),
        Figure(
            "las_calls_period_high",
            high * days,
            "count",
            "calls",
            "LAS calls over the period (high end)",
            "Calls LAS would have received over the period at the high end of the stated daily range",
            "las_calls_per_day_high × hsj_period_days",
            ("context",),
            hsj,
            period_assumption,
        ),
        Figure(
            "redirected_share_low",
            total / (high * days),
            "share",
            "share of LAS calls",
            "Share of LAS calls answered elsewhere (low end)",
            "Calls answered by other services as a share of LAS's calls over the period, at the high end of its daily volume",
            "calls_answered_total ÷ las_calls_period_high",
            both,
            hsj,
            f"LAS took {format_number(high)} calls a day, the top of the stated range, for {format_count(days)} days",
        ),
        Figure(
            "redirected_share_high",
            total / (low * days),
            "share",
            "share of LAS calls",
            "Share of LAS calls answered elsewhere (high end)",
            "Calls answered by other services as a share of LAS's calls over the period, at the low end of its daily volume",
            "calls_answered_total ÷ las_calls_period_low",
            both,
            hsj,
            f"LAS took {format_number(low)} calls a day, the bottom of the stated range, for {format_count(days)} days",
        ),
        Figure(
            "redirected_calls_per_day",
            total / days,
            "count",
            "calls a day",
            "Calls answered elsewhere a day",
            "Calls answered by other services for LAS, on average each day of the period",
            "calls_answered_total ÷ hsj_period_days",
            both,
            hsj,
            period_assumption,
        ),
        Figure(
            "las_category_1_december",
            december,
            "count",
            "calls",
            "LAS category 1 calls, December 2020",
            ctx["las_category_1_calls_december_2020"].description,
            "context.csv, las_category_1_calls_december_2020",
            ("context",),
            hsj,
        ),
        Figure(
            "december_days",
            december_days,
            "count",
            "days",
            "Days in December 2020",
            "Days from the first to the last day of December 2020",
            "december_2020_end − december_2020_start + 1",
            ("dates",),
            hsj,
        ),
        Figure(
            "las_category_1_per_day",
            per_day,
            "count",
            "calls a day",
            "LAS category 1 calls a day, December 2020",
            "Category 1 calls LAS received on an average day of December 2020",
            "las_category_1_december ÷ december_days",
            ("context", "dates"),
            hsj,
        ),
        Figure(
            "las_category_1_period",
            in_period,
            "count",
            "calls",
            "LAS category 1 calls over the period",
            "Category 1 calls LAS would have received over the period at December's daily rate",
            "las_category_1_per_day × hsj_period_days",
            ("context", "dates"),
            hsj,
            december_assumption,
        ),
        Figure(
            "category_1_redirected_share_within",
            category_1 / in_period,
            "share",
            "share of LAS category 1 calls",
            "Category 1 calls answered elsewhere, as a share of LAS's (redirected calls counted within)",
            "Category 1 calls answered by other services as a share of LAS's estimated category 1 calls over the period, if the redirected calls are part of that estimate",
            "category_1_total ÷ las_category_1_period",
            ("mutual_aid", "context", "dates"),
            hsj,
            december_assumption + "; the redirected calls are among them",
        ),
        Figure(
            "category_1_redirected_share_added",
            category_1 / (in_period + category_1),
            "share",
            "share of LAS category 1 calls",
            "Category 1 calls answered elsewhere, as a share of LAS's (redirected calls added on top)",
            "Category 1 calls answered by other services as a share of all category 1 calls, if the redirected calls came on top of LAS's estimated category 1 calls",
            "category_1_total ÷ (las_category_1_period + category_1_total)",
            ("mutual_aid", "context", "dates"),
            hsj,
            december_assumption + "; the redirected calls came on top of them",
        ),
        Figure(
            "category_1_redirected_share_month",
            category_1 / december,
            "share",
            "share of LAS category 1 calls",
            "Category 1 calls answered elsewhere, against a whole month of LAS's",
            "Category 1 calls answered by other services as a share of LAS's category 1 calls in the whole of December 2020",
            "category_1_total ÷ las_category_1_december",
            ("mutual_aid", "context"),
            hsj,
            "the period's calls are set against a whole month of LAS's category 1 calls",
        ),
    ]


def _police_figures(dataset: Dataset) -> list[Figure]:
    ctx = dataset.context
    officers = ctx["police_officers"].value
    emergencies = ctx["police_emergencies"].value
    weeks = ctx["police_weeks"].value
    days = weeks * 7
    met = ("met",)
    assumption = (
        f"the deployment lasted {format_count(weeks)} weeks ({format_count(days)} days); the Met said 'nearly' five weeks, so the true rate is a little higher"
    )
    return [
        Figure(
            "police_officers",
            officers,
            "count",
            "officers",
            "Police officers driving ambulances",
            ctx["police_officers"].description,
            "context.csv, police_officers",
            ("context",),
            met,
        ),
        Figure(
            "police_emergencies",
            emergencies,
            "count",
            "emergencies",
            "Emergencies the police drivers attended",
            ctx["police_emergencies"].description,
            "context.csv, police_emergencies",
            ("context",),
            met,
        ),
        Figure(
            "police_weeks",
            weeks,
            "count",
            "weeks",
            "Weeks of the police deployment",
            ctx["police_weeks"].description,
            "context.csv, police_weeks",
            ("context",),
            met,
        ),
        Figure(
            "police_days",
            days,
            "count",
            "days",
            "Days of the police deployment",
            "Length of the police deployment in days",
            "police_weeks × 7",
            ("context",),
            met,
        ),
        Figure(
            "police_emergencies_per_day",
            emergencies / days,
            "count",
            "emergencies a day",
            "Emergencies a day",
            "Emergencies the police drivers attended on an average day",
            "police_emergencies ÷ police_days",
            ("context",),
            met,
            assumption,
        ),
        Figure(
            "police_emergencies_per_officer",
            emergencies / officers,
            "count",
            "emergencies per officer",
            "Emergencies per officer",
            "Emergencies attended for each officer deployed, over the whole deployment",
            "police_emergencies ÷ police_officers",
            ("context",),
            met,
        ),
        Figure(
            "special_constables_staying",
            ctx["special_constables_staying"].value,
            "count",
            "officers",
            "Special constables staying on",
            ctx["special_constables_staying"].description,
            "context.csv, special_constables_staying",
            ("context",),
            met,
        ),
        Figure(
            "police_joint_calls_low",
            ctx["police_joint_calls_per_day_low"].value,
            "count",
            "calls a day",
            "Joint police and ambulance calls a day (low end)",
            ctx["police_joint_calls_per_day_low"].description,
            "context.csv, police_joint_calls_per_day_low",
            ("context",),
            met,
        ),
        Figure(
            "police_joint_calls_high",
            ctx["police_joint_calls_per_day_high"].value,
            "count",
            "calls a day",
            "Joint police and ambulance calls a day (high end)",
            ctx["police_joint_calls_per_day_high"].description,
            "context.csv, police_joint_calls_per_day_high",
            ("context",),
            met,
        ),
        Figure(
            "wmas_record_day_calls",
            ctx["wmas_record_day_calls"].value,
            "count",
            "calls",
            "WMAS calls on its busiest day",
            ctx["wmas_record_day_calls"].description,
            "context.csv, wmas_record_day_calls",
            ("context",),
            ("hbuk",),
        ),
        Figure(
            "wmas_previous_record_calls",
            ctx["wmas_previous_record_calls"].value,
            "count",
            "calls",
            "WMAS calls on its previous busiest day",
            ctx["wmas_previous_record_calls"].description,
            "context.csv, wmas_previous_record_calls",
            ("context",),
            ("wmas2018",),
        ),
    ]


def _date_figures(dataset: Dataset) -> list[Figure]:
    figures = []
    for key in ("period_start", "major_incident", "wmas_record_day", "wmas_previous_record_day"):
        item = dataset.dates[key]
        figures.append(Figure(f"date_{key}", item.date, "date", "date", item.description, item.description, f"dates.csv, {key}", ("dates",), (item.source_id,)))
    return figures
