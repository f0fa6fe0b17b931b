"""Figures agree with the data, computed here independently with pandas."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from site_builder.build import BuildResult
from site_builder.config import load_config
from site_builder.data import read_dataset
from site_builder.figures import Figure, FigureTable, context_figure, date_figure, derived, formula_mismatches
from site_builder.formulas import FormulaError, names_in
from site_builder.model import Dataset
from site_builder.package import check_package


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


def test_every_rate_is_per_resident_of_the_services_districts(built: BuildResult, project_root) -> None:
    districts = pd.read_csv(project_root / "data" / "lad_populations.csv").groupby("service_code")["population"].sum()
    for service in built.figures.services:
        assert service.population.value == districts[service.code]
        assert service.calls_per_100k.value == pytest.approx(service.calls_answered.value / districts[service.code] * 100_000)


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


# The declarations: keyword fields, and constructors that take value, formula, tables and sources from what a figure is made of.


@pytest.fixture(scope="module")
def dataset(project_root: Path) -> Dataset:
    """Return the real data package, read by the builder (the schema check is the build tests' to run)."""
    datapackage = load_config(project_root).datapackage
    return read_dataset(datapackage, *check_package(datapackage))


@pytest.fixture(scope="module")
def aid(dataset: Dataset) -> FigureTable:
    return FigureTable(table=dataset.tables["mutual_aid"], sources=("hsj",), row="service")


def test_a_figure_is_declared_with_keywords_only() -> None:
    with pytest.raises(TypeError):
        Figure("helper_services", 12, "count", "services", "label", "definition", "formula")  # type: ignore[misc]


def test_total_sums_a_column_and_says_so(aid: FigureTable, mutual_aid: pd.DataFrame) -> None:
    figure = aid.total("category_1_calls", name="category_1_total", unit="calls", label="Category 1 calls", definition="Category 1 calls answered")
    assert figure.value == mutual_aid["category_1_calls"].sum()
    assert isinstance(figure.value, int)
    assert figure.formula == "Sum of category_1_calls over every service"
    assert (figure.tables, figure.sources, figure.kind) == (("mutual_aid",), ("hsj",), "count")


def test_count_counts_the_rows_it_says(aid: FigureTable, mutual_aid: pd.DataFrame) -> None:
    above = aid.count("cardiac_arrest_calls", "above", 50, name="busy", unit="services", label="Busy", definition="Busy services")
    assert above.value == (mutual_aid["cardiac_arrest_calls"] > 50).sum()
    assert above.formula == "Count of services with cardiac_arrest_calls above 50"
    none = aid.count("calls_answered", "equal to", 0, name="idle", unit="services", label="Idle", definition="Idle services")
    assert none.value == (mutual_aid["calls_answered"] == 0).sum() > 0


def test_value_reads_one_rows_cell_and_no_value_is_none(aid: FigureTable, dataset: Dataset, mutual_aid: pd.DataFrame) -> None:
    row = aid.table.frame.set_index("code", drop=False).loc["WMAS"]
    figure = aid.value(row, "calls_answered", name="calls_answered.WMAS", unit="calls", label="Calls", definition="Calls answered by WMAS")
    assert figure.value == mutual_aid.set_index("code").loc["WMAS", "calls_answered"]
    assert figure.formula == "calls_answered for this service"
    populations = FigureTable(table=dataset.tables["populations"], sources=("ons_mye2019",), row="service")
    unsourced = populations.table.frame.set_index("code").loc["NWAS"]
    assert populations.value(unsourced, "population", name="population.NWAS", unit="people", label="People", definition="Residents").value is None


def test_a_mean_time_in_seconds_prints_as_minutes_and_seconds(dataset: Dataset, project_root: Path) -> None:
    ambsys = FigureTable(table=dataset.tables["ambsys"], sources=("nhse_ambsys",), row="service and month")
    frame = ambsys.table.frame
    row = frame[(frame["code"] == "ENG") & (frame["month"] == "2021-01")].iloc[0]
    figure = ambsys.value(row, "category_1_response_mean_seconds", kind="duration", name="mean", unit="minutes:seconds", label="Mean", definition="Mean")
    raw = pd.read_csv(project_root / "data" / "ambsys.csv").set_index(["code", "month"]).loc[("ENG", "2021-01"), "category_1_response_mean_seconds"]
    assert figure.value == raw
    minutes, seconds = divmod(int(raw), 60)
    assert figure.digits == f"{minutes}:{seconds:02d}"
    assert figure.text == f"{minutes} min {seconds} s"
    assert Figure(name="long", value=3725.5, kind="duration", unit="", label="l", definition="d", formula="f").digits == "1:02:06"


def test_context_figure_takes_value_unit_description_and_source_from_its_row(dataset: Dataset, project_root: Path) -> None:
    row = pd.read_csv(project_root / "data" / "context.csv").set_index("key").loc["police_weeks"]
    figure = context_figure(dataset, "police_weeks", label="Weeks of the police deployment")
    assert (figure.name, figure.value, figure.unit, figure.definition) == ("police_weeks", row["value"], row["unit"], row["description"])
    assert (figure.formula, figure.tables, figure.sources) == ("context.csv, police_weeks", ("context",), (row["source_id"],))
    assert context_figure(dataset, "police_weeks", name="weeks", label="Weeks").name == "weeks"


def test_date_figure_takes_its_date_description_and_source_from_its_row(dataset: Dataset, project_root: Path) -> None:
    row = pd.read_csv(project_root / "data" / "dates.csv").set_index("key").loc["major_incident"]
    figure = date_figure(dataset, "major_incident", name="date_major_incident")
    assert (figure.name, figure.value, figure.kind) == ("date_major_incident", dt.date.fromisoformat(row["date"]), "date")
    assert (figure.label, figure.definition, figure.sources, figure.formula) == (
        row["description"],
        row["description"],
        (row["source_id"],),
        "dates.csv, major_incident",
    )


def test_derived_works_out_its_formula_and_cites_its_inputs(built: BuildResult, mutual_aid: pd.DataFrame) -> None:
    figures = built.figures
    other = derived(name="other", formula="calls_answered_total − category_1_total", inputs=figures, kind="count", unit="calls", label="l", definition="d")
    assert other.value == mutual_aid["calls_answered"].sum() - mutual_aid["category_1_calls"].sum()
    assert other.formula == "calls_answered_total − category_1_total"
    mixed = derived(
        name="mixed",
        formula="calls_answered_total ÷ (las_calls_period_low + las_category_1_per_day)",
        inputs=figures,
        kind="share",
        unit="share",
        label="l",
        definition="d",
    )
    assert mixed.tables == ("mutual_aid", "context", "dates")  # in the order the formula reads them, each once
    assert mixed.sources == ("hsj",)
    wmas = figures.service("WMAS")
    rate = derived(name="rate", formula="calls_answered ÷ population × 100,000", inputs=vars(wmas), kind="rate", unit="calls", label="l", definition="d")
    assert rate.value == pytest.approx(2278 / wmas.population.value * 100_000)  # type: ignore[operator]
    assert rate.sources == ("hsj", "ons_mye2019_lad")  # its inputs': HSJ's calls, the ONS districts' population


def test_derived_wording_places_the_formula_in_words(built: BuildResult) -> None:
    top = built.figures.services[0]
    inputs = {**built.figures, "category_1_calls": top.category_1_calls}
    share = derived(
        name="s",
        formula="category_1_calls ÷ category_1_total",
        wording="Top service's {formula}",
        inputs=inputs,
        kind="share",
        unit="u",
        label="l",
        definition="d",
    )
    assert share.formula == built.figures["top_service_category_1_share_of_all"].formula == "Top service's category_1_calls ÷ category_1_total"
    with pytest.raises(FormulaError, match="must hold"):
        derived(
            name="s",
            formula="category_1_total ÷ calls_answered_total",
            wording="Top service's share",
            inputs=built.figures,
            kind="share",
            unit="u",
            label="l",
            definition="d",
        )


def test_derived_names_the_figure_whose_formula_reads_an_unknown_name(built: BuildResult) -> None:
    with pytest.raises(FormulaError, match="figure 'broken': formula 'calls_answered_totl ÷ helper_services' reads 'calls_answered_totl'"):
        derived(name="broken", formula="calls_answered_totl ÷ helper_services", inputs=built.figures, kind="share", unit="u", label="l", definition="d")


# The formula a reader sees is what was computed.


def test_every_arithmetic_formula_gives_its_figure(built: BuildResult) -> None:
    headline = {figure.name: figure for figure in built.figures.headline}
    assert formula_mismatches(headline) == []
    checked = [f for f in headline.values() if _arithmetic_over(f.formula, headline)]
    assert len(checked) >= 18  # the check reads the formulas it should, rather than skipping them all
    for service in built.figures.services:
        own = {field: value for field, value in vars(service).items() if isinstance(value, Figure)}
        assert formula_mismatches({**own, "calls_answered_total": built.figures["calls_answered_total"]}) == [], service.code
        assert service.other_calls.value == service.calls_answered.value - service.category_1_calls.value  # type: ignore[operator]


def test_the_formula_check_catches_a_formula_that_drifted(built: BuildResult) -> None:
    headline = {figure.name: figure for figure in built.figures.headline}
    headline["category_1_share"] = dataclasses.replace(headline["category_1_share"], formula="category_1_total ÷ helper_services")
    headline["police_days"] = dataclasses.replace(headline["police_days"], value=34.0)
    mismatches = formula_mismatches(headline)
    # police_emergencies_per_day reads police_days: its formula, worked out again, no longer gives it either
    assert [line.split(":")[0] for line in mismatches] == ["category_1_share", "police_days", "police_emergencies_per_day"]
    assert "police_weeks × 7 gives 35.0, but the figure is 34.0" in mismatches[1]


def _arithmetic_over(formula: str, figures: dict[str, Figure]) -> bool:
    try:
        return all(name in figures for name in names_in(formula))
    except FormulaError:
        return False
