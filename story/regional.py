"""The regional comparison's arithmetic: populations from districts, the helpers' own workload, London's side, response times.

Plain pandas, one frame per question; regional_figures.py turns the results into figures. Every assumption a
number rests on is stated where the number is defined.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import pandas as pd

from site_builder.model import Dataset

ENGLAND = "ENG"  # the NHS England table's row for England as a whole
MONTHS = ("2020-11", "2020-12", "2021-01", "2021-02")  # the months the NHS England table holds
COMPARED_MONTHS = ("2020-12", "2021-01")  # the months of the help: response times are compared in these


@dataclass(frozen=True)
class HelpPeriod:
    """The days the mutual-aid table counts, and how many fall in each month."""

    start: dt.date
    days: int

    @property
    def end(self) -> dt.date:
        """Return the last day counted."""
        return self.start + dt.timedelta(days=self.days - 1)

    def days_in(self, month: str) -> int:
        """Return how many of the period's days fall in a month ('2021-01')."""
        year, number = (int(part) for part in month.split("-"))
        first, last = dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])
        overlap = (min(last, self.end) - max(first, self.start)).days + 1
        return max(0, overlap)


def help_period(dataset: Dataset) -> HelpPeriod:
    """Return the period: from the table's first day, for the days HSJ called 'the last two weeks'."""
    return HelpPeriod(dataset.dates["period_start"].date, int(dataset.context["hsj_period_days"].value))


def month_days(month: str) -> int:
    """Return the number of days in a month ('2020-12')."""
    year, number = (int(part) for part in month.split("-"))
    return calendar.monthrange(year, number)[1]


def month_name(month: str) -> str:
    """Return 'December 2020' for '2020-12'."""
    year, number = (int(part) for part in month.split("-"))
    return f"{calendar.month_name[number]} {year}"


def service_populations(dataset: Dataset) -> pd.DataFrame:
    """Return each service's population summed from its districts, as assigned and under the other reading.

    Indexed by service code: `population`, `population_other` (equal unless an approximation touches the
    service) and `approximations` (the names of the approximations that do, joined).
    """
    districts = dataset.tables["lad_populations"].frame
    as_given = districts.groupby("service_code")["population"].sum()
    moved = districts["approximation"].notna()
    other_code = districts["service_code"].where(~moved, districts["other_reading_service_code"])
    other = districts.assign(service_code=other_code).groupby("service_code")["population"].sum()
    touched: dict[str, set[str]] = {}
    for row in districts[moved].itertuples():
        for code in (row.service_code, row.other_reading_service_code):
            touched.setdefault(str(code), set()).add(str(row.approximation))
    frame = pd.DataFrame({"population": as_given, "population_other": other.reindex(as_given.index, fill_value=0)}).astype(int)
    frame["approximations"] = [", ".join(sorted(touched.get(str(code), ()))) for code in frame.index]
    return frame


def approximation_notes(dataset: Dataset) -> dict[str, str]:
    """Return each approximation's note, as the district table gives it, by its name."""
    districts = dataset.tables["lad_populations"].frame
    marked = districts[districts["approximation"].notna()]
    return {str(row.approximation): str(row.note) for row in marked.itertuples()}


def approximation_districts(dataset: Dataset) -> dict[str, list[str]]:
    """Return the districts each approximation moves, by its name."""
    districts = dataset.tables["lad_populations"].frame
    marked = districts[districts["approximation"].notna()]
    return {str(name): [str(n) for n in rows["lad19_name"]] for name, rows in marked.groupby("approximation", sort=True)}


def ambsys(dataset: Dataset) -> pd.DataFrame:
    """Return the NHS England table indexed by (code, month)."""
    return dataset.tables["ambsys"].frame.set_index(["code", "month"]).sort_index()


def calls_in_period(dataset: Dataset) -> pd.Series:
    """Return each English service's 999 calls answered (A1) over the help period, by code.

    NHS England counts calls by month; the period's share of a month is taken as its share of the month's days,
    which assumes the calls were spread evenly across each month.
    """
    period = help_period(dataset)
    table = ambsys(dataset)["calls_answered"]
    total = pd.Series(0.0, index=sorted(set(table.index.get_level_values("code")) - {ENGLAND}))
    for month in MONTHS:
        share = period.days_in(month) / month_days(month)
        if share:
            total += table.xs(month, level="month").reindex(total.index).astype(float) * share
    return total


def calls_per_day(dataset: Dataset, code: str) -> dict[str, float]:
    """Return a service's calls answered per day in each month (A1 ÷ days in the month)."""
    table = ambsys(dataset)["calls_answered"]
    return {month: int(table.loc[(code, month)]) / month_days(month) for month in MONTHS}


@dataclass(frozen=True)
class MonthlyFigures:
    """NHS England's table read once for the comparison: each (code, month)'s row, and each service's calls over the period."""

    rows: dict[tuple[str, str], dict[str, object]]
    in_period: dict[str, float]
    period: HelpPeriod

    def has(self, code: str) -> bool:
        """Say whether the table has the service (England's services do; Wales, Scotland and Northern Ireland don't)."""
        return code in self.in_period

    def value(self, code: str, month: str, column: str) -> int:
        """Return one cell, as a whole number."""
        return int(self.rows[(code, month)][column])  # type: ignore[call-overload]


def monthly_figures(dataset: Dataset) -> MonthlyFigures:
    """Return NHS England's table as the comparison reads it, computed once per build."""
    records = dataset.tables["ambsys"].frame.to_dict("records")
    rows = {(str(r["code"]), str(r["month"])): r for r in records}
    return MonthlyFigures(rows, calls_in_period(dataset).to_dict(), help_period(dataset))
