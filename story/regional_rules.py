"""The rules of the regional comparison's data: NHS England's monthly indicators and the districts' populations."""

from __future__ import annotations

import pandas as pd

from site_builder.errors import DataError
from site_builder.model import Dataset, Table

from .regional import ENGLAND, MONTHS

# Monthly counts and time totals that NHS England publishes for England as the sum of its services' (ambsys README).
SUMMED = (
    "calls_answered",
    "answer_time_total_seconds",
    "incidents",
    "category_1_incidents",
    "category_2_incidents",
    "category_1_response_total_seconds",
    "category_2_response_total_seconds",
)
# Each mean is its total divided by its count, rounded to the nearest second.
MEANS = (
    ("answer_time_mean_seconds", "answer_time_total_seconds", "calls_answered"),
    ("category_1_response_mean_seconds", "category_1_response_total_seconds", "category_1_incidents"),
    ("category_2_response_mean_seconds", "category_2_response_total_seconds", "category_2_incidents"),
)


def check_regional_data(dataset: Dataset, recipient: str) -> None:
    """Check the NHS England table and the districts against each other and the story's other tables."""
    ambsys = dataset.tables["ambsys"]
    if recipient not in set(ambsys.frame["code"]):
        raise DataError(
            f"the service being helped, '{recipient}', has no rows",
            ambsys.path,
            column="code",
            hint="London's side of the comparison needs its monthly figures",
        )
    _check_every_month(ambsys)
    _check_standards(dataset)
    _check_sums(ambsys)
    _check_means(ambsys)
    districts = dataset.tables["lad_populations"]
    _check_approximations(districts)
    _check_every_helper_has_people(dataset, districts)
    _check_populations_agree(dataset, districts)


def _check_every_month(ambsys: Table) -> None:
    """Every service in the table has a row for each month the comparison reads."""
    have = set(zip(ambsys.frame["code"], ambsys.frame["month"], strict=True))
    for code in sorted(set(ambsys.frame["code"])):
        missing = [month for month in MONTHS if (code, month) not in have]
        if missing:
            raise DataError(
                f"{code} has no row for {', '.join(missing)}",
                ambsys.path,
                column="month",
                hint=f"the comparison reads every month from {MONTHS[0]} to {MONTHS[-1]}",
            )


def _check_standards(dataset: Dataset) -> None:
    """The national standards the response times are set against are in the context table, in minutes."""
    for category in (1, 2):
        key = f"category_{category}_mean_standard"
        row = dataset.context.get(key)
        if row is None or row.unit != "minutes":
            problem = "is missing" if row is None else f"is in '{row.unit}'"
            raise DataError(f"the context row '{key}' {problem}", dataset.tables["context"].path, column="key", hint="give the national standard in minutes")


def _check_sums(ambsys: Table) -> None:
    frame = ambsys.frame
    for month, rows in frame.groupby("month", sort=True):
        england = rows[rows["code"] == ENGLAND]
        if len(england) != 1:
            raise DataError(f"month {month} has {len(england)} rows for England ({ENGLAND}); it needs exactly one", ambsys.path, column="code")
        services = rows[rows["code"] != ENGLAND]
        for column in SUMMED:
            total, stated = int(services[column].sum()), int(england[column].iloc[0])
            if total != stated:
                raise DataError(
                    f"in {month}, the services' {column} add up to {total:,}, but England's row says {stated:,}",
                    ambsys.path,
                    ambsys.line_of(int(england.index[0])),
                    column,
                    hint="NHS England's England row is the sum of its services' rows: a value was mistyped, or a service's row is missing",
                )


def _check_means(ambsys: Table) -> None:
    for index, row in ambsys.frame.iterrows():
        assert isinstance(index, int)
        for mean, total, count in MEANS:
            expected = int(row[total] / row[count] + 0.5) if row[count] else 0
            if int(row[mean]) != expected:
                raise DataError(
                    f"{mean} is {row[mean]} for {row['code']} in {row['month']}, but {total} ÷ {count} = {row[total] / row[count]:.1f}",
                    ambsys.path,
                    ambsys.line_of(index),
                    mean,
                    hint="a mean is its total divided by its count, to the nearest second",
                )


def _check_approximations(districts: Table) -> None:
    for index, row in districts.frame.iterrows():
        assert isinstance(index, int)
        marked, other = pd.notna(row["approximation"]), pd.notna(row["other_reading_service_code"])
        if marked != other:
            missing = "other_reading_service_code" if marked else "approximation"
            raise DataError(
                f"district {row['lad19_code']} ({row['lad19_name']}) has an {'approximation' if marked else 'other reading'} but no {missing}",
                districts.path,
                districts.line_of(index),
                missing,
                hint="an approximate assignment names the service under the other reading, so both rates can be shown",
            )


def _check_every_helper_has_people(dataset: Dataset, districts: Table) -> None:
    aid = dataset.tables["mutual_aid"]
    covered = set(districts.frame.loc[districts.frame["population"] > 0, "service_code"])
    for index, code in aid.frame["code"].items():
        assert isinstance(index, int)
        if code not in covered:
            raise DataError(
                f"{code} answered calls for London but no district in lad_populations.csv is assigned to it",
                aid.path,
                aid.line_of(index),
                "code",
                hint="its rate per 100,000 residents needs its population: assign its districts in lad_populations.csv",
            )


def _check_populations_agree(dataset: Dataset, districts: Table) -> None:
    sums = districts.frame.groupby("service_code")["population"].sum()
    populations = dataset.tables["populations"]
    for index, row in populations.frame.iterrows():
        assert isinstance(index, int)
        if pd.notna(row["population"]) and int(row["population"]) != int(sums.get(row["code"], 0)):
            raise DataError(
                f"the population of {row['code']} is {int(row['population']):,} here, but its districts in lad_populations.csv add up to {int(sums.get(row['code'], 0)):,}",
                populations.path,
                populations.line_of(index),
                "population",
                hint="both are ONS mid-2019 estimates: a district is assigned to the wrong service, or a figure was mistyped",
            )
