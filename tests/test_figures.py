"""Figures agree with the data, computed here independently with pandas."""

from __future__ import annotations

import pandas as pd

from site_builder.build import BuildResult


def test_totals_match_the_csv(built: BuildResult, mutual_aid: pd.DataFrame) -> None:
    figures = built.figures
    assert figures["calls_answered_total"].value == mutual_aid["calls_answered"].sum()
    assert figures["category_1_total"].value == mutual_aid["category_1_calls"].sum()
    assert figures["cardiac_arrest_total"].value == mutual_aid["cardiac_arrest_calls"].sum()
    assert figures["helper_services"].value == len(mutual_aid)


def test_top_service_is_the_largest_row(built: BuildResult, mutual_aid: pd.DataFrame) -> None:
    top = mutual_aid.loc[mutual_aid["calls_answered"].idxmax()]
    assert built.figures["top_service_name"].value == top["name"]
    assert built.figures["top_service_share"].value == top["calls_answered"] / mutual_aid["calls_answered"].sum()


def test_concentration_counts_services_until_half_and_three_quarters(built: BuildResult, mutual_aid: pd.DataFrame) -> None:
    ranked = sorted(mutual_aid["calls_answered"], reverse=True)
    total = sum(ranked)

    def needed(share: float) -> int:
        running = 0
        for count, calls in enumerate(ranked, start=1):
            running += calls
            if running >= share * total:
                return count
        return len(ranked)

    assert built.figures["services_for_half"].value == needed(0.5)
    assert built.figures["services_for_three_quarters"].value == needed(0.75)


def test_rates_only_where_population_is_sourced(built: BuildResult, project_root) -> None:
    populations = pd.read_csv(project_root / "data" / "populations.csv").set_index("code")
    for service in built.figures.services:
        population = populations.loc[service.code, "population"]
        if pd.isna(population):
            assert service.calls_per_100k.value is None
            assert service.calls_per_100k.text == "no data"
        else:
            assert service.calls_per_100k.value == service.calls_answered.value / population * 100_000


def test_ranks_share_ties(built: BuildResult, mutual_aid: pd.DataFrame) -> None:
    expected = mutual_aid.set_index("code")["calls_answered"].rank(method="min", ascending=False)
    for service in built.figures.services:
        assert service.rank == expected[service.code]
        assert service.tied == ((mutual_aid["calls_answered"] == service.calls_answered.value).sum() > 1)


def test_london_shares_follow_the_stated_assumptions(built: BuildResult, project_root) -> None:
    context = pd.read_csv(project_root / "data" / "context.csv").set_index("key")["value"]
    figures = built.figures
    total = figures["calls_answered_total"].value
    days = context["hsj_period_days"]
    assert figures["redirected_share_low"].value == total / (context["las_calls_per_day_high"] * days)
    assert figures["redirected_share_high"].value == total / (context["las_calls_per_day_low"] * days)
    dates = pd.read_csv(project_root / "data" / "dates.csv", parse_dates=["date"]).set_index("key")["date"]
    december_days = (dates["december_2020_end"] - dates["december_2020_start"]).days + 1
    per_day = context["las_category_1_calls_december_2020"] / december_days
    category_1 = figures["category_1_total"].value
    assert figures["category_1_redirected_share_added"].value == category_1 / (per_day * days + category_1)


def test_every_figure_has_a_definition_formula_and_unit(built: BuildResult) -> None:
    for figure in built.figures.values():
        assert figure.definition and figure.formula and figure.label, figure.name
        if figure.kind not in ("text", "date"):
            assert figure.unit, figure.name
