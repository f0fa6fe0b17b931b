"""The data package's description and its files, checked before any table is read; and the check of the
tables against their schemas with Frictionless, which runs in a render process (site_builder.validation).

This module never loads pandas: a render process that checks the data loads Frictionless alone.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from .errors import DataError

# Tables every site needs (claims and figures cite its sources); a story checks for its own tables.
REQUIRED_TABLES = ("sources",)

_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "date": "a date written YYYY-MM-DD",
    "string": "text",
    "boolean": "true or false",
}


def check_package(datapackage: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Check what the data package is made of: its description, the tables every site needs, and the files of
    all its resources (there, not empty, UTF-8); return the description and its resources by name. These checks come first."""
    descriptor = _read_descriptor(datapackage)
    resources = _resources(descriptor)
    for name in REQUIRED_TABLES:
        if name not in resources:
            raise DataError(f"the data package has no resource named '{name}'", datapackage, hint="every table the site uses must be described")
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
