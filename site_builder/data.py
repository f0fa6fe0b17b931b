"""Load the data package and validate every table against its schema and the domain rules."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from . import validation
from .errors import DataError
from .model import ContextValue, Dataset, Field, KeyDate, Source, Table

# Tables the story needs; the data package may hold more.
REQUIRED_TABLES = ("mutual_aid", "context", "dates", "populations", "sources")
COUNT_COLUMNS = ("calls_answered", "category_1_calls", "cardiac_arrest_calls")
# The story ranks the helping services and quotes the top three's share of the calls.
MIN_HELPERS = 3
# Columns the pages turn into links; only web addresses may go there (never javascript:).
URL_COLUMNS = (("sources", "url"), ("populations", "population_source_url"), ("populations", "trust_stated_source_url"))
# Parts of a service's calls that can never exceed the calls it answered.
PARTS_OF_CALLS = ("category_1_calls", "cardiac_arrest_calls")

_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "date": "a date written YYYY-MM-DD",
    "string": "text",
    "boolean": "true or false",
}


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


def check_package(datapackage: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Check what the data package is made of: its description, the tables the story needs, and their files
    (there, not empty, UTF-8); return the description and its resources by name. These checks come first."""
    descriptor = _read_descriptor(datapackage)
    resources = _resources(descriptor)
    for name in REQUIRED_TABLES:
        if name not in resources:
            raise DataError(f"the data package has no resource named '{name}'", datapackage, hint="every table the story uses must be described")
    for resource in resources.values():
        _check_file(datapackage, resource)
    return descriptor, resources


def validation_problem(datapackage: Path) -> tuple[str, str | None, int | None, str | None, str | None] | None:
    """Check the data package against its schemas with Frictionless; return the first problem (a DataError's fields), or None.

    It runs in a render process (site_builder.validation), so the problem comes back as plain values.
    """
    try:
        descriptor = _read_descriptor(datapackage)
        _validate_with_frictionless(datapackage, descriptor, _resources(descriptor))
    except DataError as error:
        return error.message, None if error.path is None else str(error.path), error.line, error.column, error.hint
    return None


def _resources(descriptor: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(r.get("name")): r for r in descriptor.get("resources", []) if isinstance(r, dict)}


def _read_descriptor(datapackage: Path) -> dict[str, Any]:
    if not datapackage.is_file():
        raise DataError("the data package description is missing", datapackage, hint="create datapackage.json beside the CSV files")
    try:
        descriptor = json.loads(datapackage.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise DataError(f"not valid JSON: {error.msg} (column {error.colno})", datapackage, error.lineno) from None
    except UnicodeDecodeError:
        raise DataError("not UTF-8 text", datapackage, hint="save the file as UTF-8") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataError("a data package needs a 'resources' list", datapackage, column="resources")
    return descriptor


def _check_file(datapackage: Path, resource: dict[str, Any]) -> None:
    """Fail early, with a plain message, on a missing, empty or non-UTF-8 file."""
    name = resource.get("name")
    if not isinstance(resource.get("path"), str):
        raise DataError(f"resource '{name}' has no 'path'", datapackage, column="path")
    path = datapackage.parent / resource["path"]
    if not path.is_file():
        raise DataError(f"the file for resource '{name}' is missing", path, hint="restore it or fix 'path' in datapackage.json")
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError("the file is empty", path, hint="a table needs at least a header row")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(f"not UTF-8 text: byte {raw[error.start]:#x} cannot be read", path, line, hint="save the file as UTF-8") from None


def _validate_with_frictionless(datapackage: Path, descriptor: dict[str, Any], resources: dict[str, dict[str, Any]]) -> None:
    import frictionless  # loaded in the render process that checks the data (a tenth of a second)

    try:
        # The descriptor as we read it (a byte-order mark allowed), not re-read by frictionless, which refuses one.
        report = frictionless.Package(copy.deepcopy(descriptor), basepath=str(datapackage.parent)).validate()
    except frictionless.FrictionlessException as error:
        raise DataError(f"the data package description is not valid: {error.error.message}", datapackage) from None
    for package_error in report.errors:
        raise DataError(f"the data package description is not valid: {package_error.message}", datapackage)
    for task in report.tasks:
        resource = resources.get(task.name, {})
        path = datapackage.parent / str(resource.get("path", task.name))
        for table_error in task.errors:
            raise _describe_frictionless_error(table_error, path, resource)


def _describe_frictionless_error(error: Any, path: Path, resource: dict[str, Any]) -> DataError:
    """Turn one frictionless error into a message that says what is wrong in the user's words."""
    fields = {f["name"]: f for f in resource.get("schema", {}).get("fields", [])}
    field_name = getattr(error, "field_name", None)
    row = getattr(error, "row_number", None)
    cell = getattr(error, "cell", None)
    kind = error.type
    if kind == "type-error":
        expected = _TYPE_WORDS.get(fields.get(field_name, {}).get("type", ""), "valid")
        return DataError(f"'{cell}' is not {expected}", path, row, field_name)
    if kind == "constraint-error":
        return DataError(_constraint_message(cell, error.note), path, row, field_name)
    if kind in ("missing-label", "blank-label"):
        return DataError(
            f"the header has no column '{field_name}', which datapackage.json describes",
            path,
            1,
            field_name,
            hint="add the column or remove it from the schema",
        )
    if kind == "extra-label":
        label = getattr(error, "label", field_name)
        return DataError(
            f"the header has a column '{label}' that datapackage.json does not describe", path, 1, label, hint="describe it in the schema or remove it"
        )
    if kind == "incorrect-label":
        label = getattr(error, "label", "")
        return DataError(
            f"the header has '{label}' where datapackage.json expects '{field_name}'", path, 1, field_name, hint="columns must match the schema, in order"
        )
    if kind == "duplicate-label":
        return DataError(f"the header repeats the column '{getattr(error, 'label', field_name)}'", path, 1, field_name)
    if kind in ("primary-key", "unique-error"):
        return DataError(f"'{cell or ''}' appears more than once; each row needs its own key".replace("'' ", ""), path, row, field_name)
    if kind == "foreign-key":
        names = list(getattr(error, "field_names", []) or [])
        values = ", ".join(f"'{cell}'" for cell in getattr(error, "field_cells", []) or [])
        reference = str(getattr(error, "reference_name", "") or "this table")
        referenced = ", ".join(getattr(error, "reference_field_names", []) or [])
        return DataError(
            f"there is no {referenced} {values} in the table '{reference}'",
            path,
            row,
            names[0] if names else None,
            hint=f"use a {referenced} that '{reference}' holds, or add a row for it there",
        )
    if kind in ("extra-cell", "missing-cell"):
        what = "more" if kind == "extra-cell" else "fewer"
        return DataError(f"the row has {what} cells than the header has columns", path, row, field_name)
    if kind == "blank-row":
        return DataError("the row is blank", path, row, hint="remove empty lines")
    return DataError(error.message, path, row, field_name)


def _constraint_message(cell: Any, note: str) -> str:
    match = re.search(r'constraint "(\w+)" is "(.*)"', note or "")
    rule, limit = (match.group(1), match.group(2)) if match else ("", "")
    if rule == "required":
        return "the cell is empty but a value is required"
    if rule == "minimum":
        return f"'{cell}' is below the minimum of {limit}"
    if rule == "maximum":
        return f"'{cell}' is above the maximum of {limit}"
    if rule == "unique":
        return f"'{cell}' appears more than once but must be unique"
    if rule == "enum":
        return f"'{cell}' is not one of the allowed values {limit}"
    if rule == "pattern":
        return f"'{cell}' does not match the pattern {limit}"
    return f"'{cell}' breaks a rule of the schema: {note}"


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
