"""Load the data package and validate every table against its schema and the domain rules."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from . import validation
from .errors import DataError
from .model import ContextValue, Dataset, Field, KeyDate, Source, Table
from .package import check_package

COUNT_COLUMNS = ("calls_answered", "category_1_calls", "cardiac_arrest_calls")
# The story ranks the helping services and quotes the top three's share of the calls.
MIN_HELPERS = 3
# Columns the pages turn into links; only web addresses may go there (never javascript:).
URL_COLUMNS = (("sources", "url"), ("populations", "population_source_url"), ("populations", "trust_stated_source_url"))
# Parts of a service's calls that can never exceed the calls it answered.
PARTS_OF_CALLS = ("category_1_calls", "cardiac_arrest_calls")


def load_dataset(datapackage: Path, recipient: str) -> Dataset:
    """Read, validate and return everything the data package describes."""
    package = check_package(datapackage)
    validation.check(datapackage)  # Frictionless, in a render process: usually started before the build's imports loaded
    return read_dataset(datapackage, *package, recipient)


def read_dataset(datapackage: Path, descriptor: dict[str, Any], resources: dict[str, dict[str, Any]], recipient: str) -> Dataset:
    """Read the tables of a package that check_package passed, and check the story's own rules.

    The caller must call validation.check too, and let its problem come first: a value that breaks a schema
    can stop the reading here with a plainer message (the builder checks once the charts are queued, so as
    not to wait for it).
    """
    tables = {name: _read_table(datapackage, resource) for name, resource in sorted(resources.items()) if resource.get("schema") is not None}
    sources = _sources(tables["sources"])
    dataset = Dataset(
        datapackage=datapackage,
        title=str(descriptor.get("title", "")),
        licence=_licence_title(descriptor),
        tables=tables,
        context=_context(tables["context"]),
        dates=_dates(tables["dates"]),
        sources=sources,
        **_boundaries(datapackage, resources),
    )
    check_domain_rules(dataset, recipient)
    return dataset


def _read_table(datapackage: Path, resource: dict[str, Any]) -> Table:
    path = datapackage.parent / resource["path"]
    schema_fields = resource["schema"]["fields"]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if frame.empty:
        raise DataError("the table has a header but no rows", path, 2, hint="add the data rows under the header")
    for spec in schema_fields:
        column = spec["name"]
        values = frame[column].str.strip().replace("", pd.NA)
        if spec.get("type") == "integer":
            frame[column] = pd.to_numeric(values).astype("Int64")
        elif spec.get("type") == "number":
            frame[column] = pd.to_numeric(values).astype("Float64")
        elif spec.get("type") == "date":
            frame[column] = [None if pd.isna(v) else dt.date.fromisoformat(v) for v in values]
        else:
            frame[column] = values.astype("string")
    fields = tuple(
        Field(
            name=spec["name"],
            type=spec.get("type", "string"),
            title=spec.get("title", spec["name"]),
            description=spec.get("description", ""),
            unit=spec.get("unit"),
        )
        for spec in schema_fields
    )
    return Table(
        name=resource["name"],
        path=path,
        title=resource.get("title", resource["name"]),
        description=resource.get("description", ""),
        fields=fields,
        frame=frame,
        source_titles=tuple(s.get("title", "") for s in resource.get("sources", [])),
        licence=_licence_title(resource),
    )


def _licence_title(descriptor: dict[str, Any]) -> str:
    licences = descriptor.get("licenses") or []
    return "; ".join(str(lic.get("title") or lic.get("name", "")) for lic in licences if isinstance(lic, dict))


def _sources(table: Table) -> dict[str, Source]:
    return {
        row.id: Source(
            id=row.id,
            publisher=row.publisher,
            title=row.title,
            url=row.url,
            published=row.published,
            note="" if pd.isna(row.note) else row.note,
        )
        for row in table.frame.itertuples()
    }


def _context(table: Table) -> dict[str, ContextValue]:
    return {row.key: ContextValue(row.key, float(row.value), row.unit, row.qualifier, row.description, row.source_id) for row in table.frame.itertuples()}


def _dates(table: Table) -> dict[str, KeyDate]:
    return {row.key: KeyDate(row.key, row.date, row.description, row.source_id) for row in table.frame.itertuples()}


def _boundaries(datapackage: Path, resources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    resource = resources.get("boundaries")
    if resource is None:
        raise DataError("the data package has no resource named 'boundaries'", datapackage, hint="the map needs the service boundaries")
    path = datapackage.parent / resource["path"]
    try:
        topology = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise DataError(f"not valid JSON: {error.msg}", path, error.lineno) from None
    objects = topology.get("objects") if isinstance(topology, dict) else None
    if topology.get("type") != "Topology" or not isinstance(objects, dict) or "ambulance_services" not in objects:
        raise DataError("not a TopoJSON topology with an object 'ambulance_services'", path)
    attribution = str(resource.get("attribution", "")).strip()
    if not attribution:
        raise DataError("the boundaries resource has no 'attribution'", datapackage, column="attribution", hint="the licence requires it on every map")
    notes = resource.get("attributionFile")
    notes_path = datapackage.parent / notes if notes else None
    if notes_path is not None and not notes_path.is_file():
        raise DataError("the boundaries' attribution file is missing", notes_path)
    return {"boundaries": topology, "boundaries_path": path, "boundaries_attribution": attribution, "boundaries_notes": notes_path}


def boundary_codes(dataset: Dataset) -> set[str]:
    """Return the service codes the boundary file has shapes for."""
    geometries = dataset.boundaries["objects"][dataset.boundary_object].get("geometries", [])
    return {g.get("properties", {}).get("code") for g in geometries}


def check_domain_rules(dataset: Dataset, recipient: str) -> None:
    """Check what a table schema cannot say: sums, cross-table rules and sources."""
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

    with_population = set(populations.frame.loc[populations.frame["population"].notna(), "code"])
    if not with_population & set(aid.frame["code"]):
        raise DataError(
            "no helping service in mutual_aid.csv has a population here; the story's rate per 100,000 residents compares those that do",
            populations.path,
            column="population",
            hint="add a sourced population for at least one of them (the others stay 'no data')",
        )

    for table_name, column in URL_COLUMNS:
        table = dataset.tables[table_name]
        for index, url in table.frame[column].items():
            assert isinstance(index, int)
            if pd.notna(url) and not str(url).startswith(("https://", "http://")):
                raise DataError(
                    f"'{url}' is not a web address: it must start with https:// or http://",
                    table.path,
                    table.line_of(index),
                    column,
                    hint="pages link to it, so it must be a web address",
                )

    for key, value in dataset.context.items():
        if value.source_id not in dataset.sources:
            raise DataError(f"context figure '{key}' names an unknown source '{value.source_id}'", dataset.tables["context"].path)

    shapes = boundary_codes(dataset)
    missing = sorted(set(aid.frame["code"]) - shapes)
    if missing:
        raise DataError(
            f"the boundary file has no shape for {', '.join(missing)}", dataset.boundaries_path, hint="every service in mutual_aid.csv needs an area on the map"
        )
