"""The story's own rules for its data: what a table schema cannot say (sums, cross-table rules, sources)."""

from __future__ import annotations

import pandas as pd

from site_builder.data import check_web_address
from site_builder.errors import DataError
from site_builder.model import Dataset

# The story ranks the helping services and quotes the top three's share of the calls.
MIN_HELPERS = 3
# Columns the pages turn into links; only web addresses may go there (never javascript:).
URL_COLUMNS = (("populations", "population_source_url"), ("populations", "trust_stated_source_url"))
# Parts of a service's calls that can never exceed the calls it answered.
PARTS_OF_CALLS = ("category_1_calls", "cardiac_arrest_calls")
BOUNDARY_OBJECT = "ambulance_services"  # the boundaries' TopoJSON object: one shape per service, with property 'code'
# The story's own resources (the engine needs only 'sources'); the data package may hold more.
TABLES = ("mutual_aid", "context", "dates", "populations", "ambsys", "lad_populations")


def check_data(dataset: Dataset, recipient: str) -> None:
    """Check the story's rules across its tables; the first broken one stops the build, naming file, row and column."""
    for name in TABLES:
        if name not in dataset.tables:
            raise DataError(f"the data package has no resource named '{name}'", dataset.datapackage, hint="every table the story uses must be described")
    if dataset.boundaries_path is None:
        raise DataError("the data package has no resource named 'boundaries'", dataset.datapackage, hint="the map needs the service boundaries")
    _check_mutual_aid(dataset, recipient)
    _check_populations(dataset, recipient)
    for table_name, column in URL_COLUMNS:
        table = dataset.tables[table_name]
        for index, url in table.frame[column].items():
            assert isinstance(index, int)
            check_web_address(url, table, index, column)
    _check_boundaries(dataset)


def _check_mutual_aid(dataset: Dataset, recipient: str) -> None:
    aid = dataset.tables["mutual_aid"]
    if len(aid.frame) < MIN_HELPERS:
        raise DataError(
            f"the table lists {len(aid.frame)} service(s); the story compares at least {MIN_HELPERS}",
            aid.path,
            hint="it ranks the services and quotes the top three's share",
        )
    for column in ("calls_answered", "category_1_calls"):
        if int(aid.frame[column].sum()) == 0:
            raise DataError(f"every service has 0 {column}; the story's shares divide by their total", aid.path, column=column)
    for index, row in aid.frame.iterrows():
        assert isinstance(index, int)
        for part in PARTS_OF_CALLS:
            if row[part] > row["calls_answered"]:
                raise DataError(
                    f"{part} ({row[part]}) is more than calls_answered ({row['calls_answered']}) for {row['code']}",
                    aid.path,
                    aid.line_of(index),
                    part,
                    hint="a part of the calls cannot exceed the whole",
                )
        if row["code"] == recipient:
            raise DataError(f"{recipient} is the service being helped and cannot appear as a helper", aid.path, aid.line_of(index), "code")


def _check_populations(dataset: Dataset, recipient: str) -> None:
    populations = dataset.tables["populations"]
    if recipient not in set(populations.frame["code"]):
        raise DataError(f"the service being helped, '{recipient}', has no row", populations.path, hint="add it, or fix 'recipient' in site.yml")
    for index, row in populations.frame.iterrows():
        assert isinstance(index, int)
        if pd.notna(row["population"]):
            for column in ("population_source_url", "population_year", "population_basis"):
                if pd.isna(row[column]):
                    raise DataError(
                        f"the population of {row['code']} has no {column.removeprefix('population_')}",
                        populations.path,
                        populations.line_of(index),
                        column,
                        hint="every population needs its source, year and basis; leave the population empty if it has none",
                    )
    aid = dataset.tables["mutual_aid"].frame
    with_population = set(populations.frame.loc[populations.frame["population"].notna(), "code"])
    if not with_population & set(aid["code"]):
        raise DataError(
            "no helping service in mutual_aid.csv has a population here; the story's rate per 100,000 residents compares those that do",
            populations.path,
            column="population",
            hint="add a sourced population for at least one of them (the others stay 'no data')",
        )


def boundary_codes(dataset: Dataset) -> set[str]:
    """Return the service codes the boundary file has shapes for."""
    geometries = dataset.boundaries["objects"][BOUNDARY_OBJECT].get("geometries", [])
    return {g.get("properties", {}).get("code") for g in geometries}


def _check_boundaries(dataset: Dataset) -> None:
    if BOUNDARY_OBJECT not in dataset.boundaries["objects"]:
        raise DataError(f"not a TopoJSON topology with an object '{BOUNDARY_OBJECT}'", dataset.boundaries_path)
    missing = sorted(set(dataset.tables["mutual_aid"].frame["code"]) - boundary_codes(dataset))
    if missing:
        raise DataError(
            f"the boundary file has no shape for {', '.join(missing)}", dataset.boundaries_path, hint="every service in mutual_aid.csv needs an area on the map"
        )
