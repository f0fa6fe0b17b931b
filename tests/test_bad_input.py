"""A catalogue of bad input: each case breaks a fresh copy of the project and runs the real command line.

Every case must exit 1 with one paragraph naming the file, the line and the column or key where
there is one, and saying what is wrong; never a traceback. The byte-order mark is the one case
that must build.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.cli import main


@dataclass(frozen=True)
class Expect:
    """What the error message must say."""

    path: str  # the file at fault, relative to the project
    words: tuple[str, ...]  # what is wrong, in the message's own words (case-insensitive)
    line: int | None = None
    column: str | None = None  # a CSV column
    key: str | None = None  # a JSON or YAML key


Breaker = Callable[[Path], Expect]


# Helpers that break a project and report where they broke it.


def replace_in(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace `old` by `new` in a file; return the line of the first replacement (the case fails if `old` is absent)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}: the fixture changed, update the case"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def read_rows(path: Path) -> list[list[str]]:
    """Return a CSV's rows, header first."""
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write rows as CSV."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(path: Path, row: int, column: str, value: str) -> int:
    """Set one cell of data row `row` (0 is the first row under the header); return its file line."""
    rows = read_rows(path)
    rows[row + 1][rows[0].index(column)] = value
    write_rows(path, rows)
    return row + 2


def aid(project: Path) -> Path:
    return project / "data" / "mutual_aid.csv"


def datapackage(project: Path) -> dict:
    return json.loads((project / "data" / "datapackage.json").read_text(encoding="utf-8"))


def write_datapackage(project: Path, descriptor: dict) -> None:
    (project / "data" / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def boundary_file(project: Path) -> Path:
    resource = next(r for r in datapackage(project)["resources"] if r["name"] == "boundaries")
    return project / "data" / resource["path"]


def append_to_body(path: Path, text: str) -> int:
    """Append a paragraph to a page; return its line."""
    lines = path.read_text(encoding="utf-8").rstrip("\n").splitlines()
    path.write_text("\n".join([*lines, "", text, ""]), encoding="utf-8")
    return len(lines) + 2


# Data files.


def missing_data_file(project: Path) -> Expect:
    aid(project).unlink()
    return Expect("data/mutual_aid.csv", ("missing",))


def empty_csv(project: Path) -> Expect:
    aid(project).write_text("", encoding="utf-8")
    return Expect("data/mutual_aid.csv", ("empty",))


def header_only_csv(project: Path) -> Expect:
    write_rows(aid(project), read_rows(aid(project))[:1])
    return Expect("data/mutual_aid.csv", ("no rows",))


def missing_column(project: Path) -> Expect:
    rows = read_rows(aid(project))
    index = rows[0].index("cardiac_arrest_calls")
    write_rows(aid(project), [row[:index] + row[index + 1 :] for row in rows])
    return Expect("data/mutual_aid.csv", ("no column 'cardiac_arrest_calls'",), line=1, column="cardiac_arrest_calls")


def extra_column(project: Path) -> Expect:
    rows = read_rows(aid(project))
    write_rows(aid(project), [row + (["notes"] if number == 0 else ["x"]) for number, row in enumerate(rows)])
    return Expect("data/mutual_aid.csv", ("'notes'", "does not describe"), line=1, column="notes")


def non_numeric_count(project: Path) -> Expect:
    line = set_cell(aid(project), 3, "calls_answered", "12a")
    return Expect("data/mutual_aid.csv", ("'12a' is not a whole number",), line=line, column="calls_answered")


def negative_count(project: Path) -> Expect:
    line = set_cell(aid(project), 2, "category_1_calls", "-5")
    return Expect("data/mutual_aid.csv", ("'-5'", "below the minimum of 0"), line=line, column="category_1_calls")


def decimal_count(project: Path) -> Expect:
    line = set_cell(aid(project), 1, "cardiac_arrest_calls", "12.5")
    return Expect("data/mutual_aid.csv", ("'12.5' is not a whole number",), line=line, column="cardiac_arrest_calls")


def empty_count(project: Path) -> Expect:
    line = set_cell(aid(project), 4, "calls_answered", "")
    return Expect("data/mutual_aid.csv", ("empty", "required"), line=line, column="calls_answered")


def fewer_than_three_services(project: Path) -> Expect:
    write_rows(aid(project), read_rows(aid(project))[:3])
    return Expect("data/mutual_aid.csv", ("2 service(s)", "at least 3"))


def no_calls_at_all(project: Path) -> Expect:
    rows = read_rows(aid(project))
    column = rows[0].index("calls_answered")
    for row in rows[1:]:
        row[column] = row[rows[0].index("category_1_calls")] = row[rows[0].index("cardiac_arrest_calls")] = "0"
    write_rows(aid(project), rows)
    return Expect("data/mutual_aid.csv", ("every service has 0 calls_answered",), column="calls_answered")


def no_helper_with_a_population(project: Path) -> Expect:
    """Found by tests/test_properties.py: a table of services none of which has a population ended in a traceback."""
    path = project / "data" / "populations.csv"
    rows = read_rows(path)
    for row in rows[1:]:
        if row[0] != "LAS":
            for column in ("population", "population_year", "population_basis", "population_source_url"):
                row[rows[0].index(column)] = ""
    write_rows(path, rows)
    return Expect("data/populations.csv", ("no helping service", "population"), column="population")


def category_1_above_calls_answered(project: Path) -> Expect:
    rows = read_rows(aid(project))
    calls = int(rows[3][rows[0].index("calls_answered")])
    line = set_cell(aid(project), 2, "category_1_calls", str(calls + 1))
    return Expect("data/mutual_aid.csv", ("category_1_calls", "more than calls_answered"), line=line, column="category_1_calls")


def cardiac_arrests_above_calls_answered(project: Path) -> Expect:
    rows = read_rows(aid(project))
    calls = int(rows[1][rows[0].index("calls_answered")])
    line = set_cell(aid(project), 0, "cardiac_arrest_calls", str(calls * 2))
    return Expect("data/mutual_aid.csv", ("cardiac_arrest_calls", "more than calls_answered"), line=line, column="cardiac_arrest_calls")


def duplicate_service_code(project: Path) -> Expect:
    rows = read_rows(aid(project))
    code = rows[1][0]
    line = set_cell(aid(project), 3, "code", code)
    return Expect("data/mutual_aid.csv", (f"'{code}'", "more than once"), line=line, column="code")


def unknown_service_code(project: Path) -> Expect:
    line = set_cell(aid(project), 2, "code", "ZZAS")
    return Expect("data/mutual_aid.csv", ("there is no code 'ZZAS' in the table 'populations'",), line=line, column="code")


def service_code_breaking_the_pattern(project: Path) -> Expect:
    line = set_cell(aid(project), 2, "code", "W1")
    return Expect("data/mutual_aid.csv", ("'W1'", "pattern"), line=line, column="code")


def unknown_nation(project: Path) -> Expect:
    line = set_cell(aid(project), 5, "nation", "Atlantis")
    return Expect("data/mutual_aid.csv", ("'Atlantis'", "allowed values"), line=line, column="nation")


def row_with_an_extra_cell(project: Path) -> Expect:
    rows = read_rows(aid(project))
    rows[2].append("surplus")
    write_rows(aid(project), rows)
    return Expect("data/mutual_aid.csv", ("more cells than the header",), line=3)


def recipient_listed_as_a_helper(project: Path) -> Expect:
    recipient = "LAS"
    assert recipient in (project / "site.yml").read_text(encoding="utf-8")
    line = set_cell(aid(project), 0, "code", recipient)
    return Expect("data/mutual_aid.csv", ("service being helped",), line=line, column="code")


def wrong_encoding(project: Path) -> Expect:
    rows = read_rows(aid(project))
    rows[4][1] = "Ambulance Service of Côte"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    aid(project).write_bytes(buffer.getvalue().encode("latin-1"))
    return Expect("data/mutual_aid.csv", ("not utf-8",), line=5)


def invalid_date(project: Path) -> Expect:
    line = set_cell(project / "data" / "dates.csv", 0, "date", "30/12/2020")
    return Expect("data/dates.csv", ("'30/12/2020' is not a date written YYYY-MM-DD",), line=line, column="date")


def context_with_an_unknown_source(project: Path) -> Expect:
    line = set_cell(project / "data" / "context.csv", 1, "source_id", "nowhere")
    return Expect("data/context.csv", ("there is no id 'nowhere' in the table 'sources'",), line=line, column="source_id")


def source_with_a_javascript_url(project: Path) -> Expect:
    line = set_cell(project / "data" / "sources.csv", 0, "url", "javascript:alert(1)")
    return Expect("data/sources.csv", ("javascript:alert(1)", "http"), line=line, column="url")


def population_with_no_source(project: Path) -> Expect:
    path = project / "data" / "populations.csv"
    rows = read_rows(path)
    row = next(i for i, r in enumerate(rows[1:]) if r[rows[0].index("population")])
    line = set_cell(path, row, "population_source_url", "")
    return Expect("data/populations.csv", ("population", "no source_url"), line=line, column="population_source_url")


# The data package description.


def datapackage_invalid_json(project: Path) -> Expect:
    path = project / "data" / "datapackage.json"
    line = replace_in(path, '"resources"', '"resources",')
    return Expect("data/datapackage.json", ("not valid json",), line=line)


def datapackage_missing_resource(project: Path) -> Expect:
    descriptor = datapackage(project)
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "dates"]
    write_datapackage(project, descriptor)
    return Expect("data/datapackage.json", ("no resource named 'dates'",))


def datapackage_without_boundaries(project: Path) -> Expect:
    descriptor = datapackage(project)
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "boundaries"]
    write_datapackage(project, descriptor)
    return Expect("data/datapackage.json", ("no resource named 'boundaries'", "map"))


def datapackage_renames_a_column(project: Path) -> Expect:
    descriptor = datapackage(project)
    fields = next(r for r in descriptor["resources"] if r["name"] == "mutual_aid")["schema"]["fields"]
    next(f for f in fields if f["name"] == "calls_answered")["name"] = "calls_taken"
    write_datapackage(project, descriptor)
    return Expect("data/mutual_aid.csv", ("'calls_answered'", "'calls_taken'"), line=1, column="calls_taken")


def datapackage_types_a_text_column_as_integer(project: Path) -> Expect:
    descriptor = datapackage(project)
    fields = next(r for r in descriptor["resources"] if r["name"] == "mutual_aid")["schema"]["fields"]
    next(f for f in fields if f["name"] == "short_name")["type"] = "integer"
    write_datapackage(project, descriptor)
    first = read_rows(aid(project))[1][read_rows(aid(project))[0].index("short_name")]
    return Expect("data/mutual_aid.csv", (f"'{first}' is not a whole number",), line=2, column="short_name")


def datapackage_without_resources(project: Path) -> Expect:
    write_datapackage(project, {"name": "empty"})
    return Expect("data/datapackage.json", ("'resources' list",), key="resources")


def missing_boundary_file(project: Path) -> Expect:
    path = boundary_file(project)
    path.unlink()
    return Expect(path.relative_to(project).as_posix(), ("missing",))


def boundary_file_invalid_json(project: Path) -> Expect:
    path = boundary_file(project)
    path.write_text('{"type": "Topology",\n "objects": }\n', encoding="utf-8")
    return Expect(path.relative_to(project).as_posix(), ("not valid json",), line=2)


def boundary_file_without_a_service(project: Path) -> Expect:
    path = boundary_file(project)
    topology = json.loads(path.read_text(encoding="utf-8"))
    geometries = topology["objects"]["ambulance_services"]["geometries"]
    code = read_rows(aid(project))[2][0]
    topology["objects"]["ambulance_services"]["geometries"] = [g for g in geometries if g["properties"]["code"] != code]
    path.write_text(json.dumps(topology), encoding="utf-8")
    return Expect(path.relative_to(project).as_posix(), (f"no shape for {code}",))


# Pages: front matter and prose.


def malformed_front_matter(project: Path) -> Expect:
    path = project / "content" / "methodology.md"
    line = replace_in(path, "nav_order: 3", "nav_order: [3")
    # YAML notices the unclosed list on the next line; the message also says where the list began.
    return Expect("content/methodology.md", ("front matter is not valid yaml", f"begins on line {line}"), line=line + 1)


def front_matter_key_of_the_wrong_type(project: Path) -> Expect:
    path = project / "content" / "methodology.md"
    line = replace_in(path, "nav_order: 3", "nav_order: third")
    return Expect("content/methodology.md", ("'nav_order' must be a whole number, not the text 'third'",), line=line, key="nav_order")


def unknown_front_matter_key(project: Path) -> Expect:
    path = project / "content" / "methodology.md"
    line = replace_in(path, "nav_order: 3", "nav_ordre: 3")
    return Expect("content/methodology.md", ("unknown front-matter key 'nav_ordre'", "did you mean 'nav_order'"), line=line, key="nav_ordre")


def front_matter_without_a_title(project: Path) -> Expect:
    path = project / "content" / "methodology.md"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("title:")), encoding="utf-8")
    return Expect("content/methodology.md", ("no 'title'",), key="title")


def front_matter_never_closed(project: Path) -> Expect:
    path = project / "content" / "data.md"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    closing = [i for i, line in enumerate(lines) if line.strip() == "---"][1]
    path.write_text("".join(lines[:closing] + lines[closing + 1 :]).replace("\n---", "\n"), encoding="utf-8")
    return Expect("content/data.md", ("never closed",), line=1)


def page_without_front_matter(project: Path) -> Expect:
    (project / "content" / "about.md").write_text("# About\n\nNo front matter here.\n", encoding="utf-8")
    return Expect("content/about.md", ("does not start with front matter",), line=1)


def unknown_figure(project: Path) -> Expect:
    path = project / "content" / "index.md"
    line = append_to_body(path, "We counted {{ fig.calls_answerd_total }} calls.")
    return Expect("content/index.md", ("unknown figure 'calls_answerd_total'", "did you mean 'calls_answered_total'"), line=line)


def unknown_chart(project: Path) -> Expect:
    path = project / "content" / "index.md"
    line = append_to_body(path, '{{ chart("calls-by-servce") }}')
    return Expect("content/index.md", ("unknown chart 'calls-by-servce'", "did you mean 'calls-by-service'"), line=line)


def link_to_an_unknown_page(project: Path) -> Expect:
    path = project / "content" / "methodology.md"
    line = append_to_body(path, '[About]({{ url("about.md") }})')
    return Expect("content/methodology.md", ("unknown page 'about.md'",), line=line)


def content_syntax_error(project: Path) -> Expect:
    path = project / "content" / "methodology.md"
    line = append_to_body(path, "A broken {{ fig.calls_answered_total figure.")
    return Expect("content/methodology.md", ("syntax error",), line=line)


def undefined_name_in_content(project: Path) -> Expect:
    path = project / "content" / "methodology.md"
    line = append_to_body(path, "This says {{ nothing_by_this_name }}.")
    return Expect("content/methodology.md", ("undefined", "nothing_by_this_name"), line=line)


def content_in_the_wrong_encoding(project: Path) -> Expect:
    path = project / "content" / "data.md"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("data")].count("\n") + 1
    path.write_bytes(text.replace("data", "donn\u00e9es", 1).encode("latin-1", errors="replace"))
    return Expect("content/data.md", ("not utf-8", "byte 0xe9"), line=line)


# A file that can't be read, as root can produce one: /proc/self/mem is a regular file whose reading fails (EIO).
UNREADABLE = Path("/proc/self/mem")


def unreadable_file_in_the_data_folder(project: Path) -> Expect:
    (project / "data" / "notes.bin").symlink_to(UNREADABLE)
    return Expect("data/notes.bin", ("can't be read",))


def folder_named_like_a_page(project: Path) -> Expect:
    (project / "content" / "notes.md").mkdir()
    return Expect("content/notes.md", ("folder, not a markdown page",))


def unreadable_template(project: Path) -> Expect:
    path = project / "templates" / "data.html"
    path.unlink()
    path.symlink_to(UNREADABLE)
    return Expect("templates/data.html", ("template can't be read",))


def unknown_template(project: Path) -> Expect:
    path = project / "content" / "methodology.md"
    line = replace_in(path, "template: methodology.html", "template: methodologie.html")
    return Expect("content/methodology.md", ("unknown template 'methodologie.html'",), line=line, key="template")


def template_syntax_error(project: Path) -> Expect:
    path = project / "templates" / "article.html"
    line = replace_in(path, "{{ page.title }}", "{{ page.title }")
    return Expect("templates/article.html", ("syntax error",), line=line)


def undefined_template_variable(project: Path) -> Expect:
    path = project / "templates" / "services.html"
    line = replace_in(path, "{{ page.title }}", "{{ page.headline }}")
    return Expect("templates/services.html", ("undefined", "a Page has no attribute 'headline'", "this template can use:"), line=line)


def two_pages_claim_the_same_output(project: Path) -> Expect:
    path = project / "content" / "about.md"
    path.write_text("---\ntitle: About\ndescription: Who made it.\noutput: methodology/index.html\n---\n\nHello.\n", encoding="utf-8")
    return Expect("content/about.md", ("two pages", "'methodology/index.html'", "content/methodology.md"), line=4, key="output")


def claim_contradicted_by_the_data(project: Path) -> Expect:
    path = project / "content" / "index.md"
    line = append_to_body(path, 'In all, {{ claim("calls_answered_total", "fewer than", 10, source="hsj") }} calls.')
    return Expect("content/index.md", ("fewer than 10", "does not hold"), line=line)


def claim_citing_an_unknown_source(project: Path) -> Expect:
    path = project / "content" / "index.md"
    line = append_to_body(path, 'In all, {{ claim("calls_answered_total", "more than", 10, source="tabloid") }} calls.')
    return Expect("content/index.md", ("'tabloid'",), line=line)


# Site settings.


def settings_invalid_yaml(project: Path) -> Expect:
    line = replace_in(project / "site.yml", "recipient: LAS", "recipient: [LAS")
    return Expect("site.yml", ("not valid yaml", f"begins on line {line}"), line=line + 1)


def settings_without_a_title(project: Path) -> Expect:
    path = project / "site.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text("\n".join(line for line in text.splitlines() if not line.startswith("title:")), encoding="utf-8")
    return Expect("site.yml", ("'title'", "non-empty text"), key="title")


def settings_with_an_unknown_recipient(project: Path) -> Expect:
    replace_in(project / "site.yml", "recipient: LAS", "recipient: XXAS")
    return Expect("data/populations.csv", ("'XXAS'", "no row"))


# The regional comparison's tables: NHS England's monthly figures and the districts' populations.


def ambsys(project: Path) -> Path:
    return project / "data" / "ambsys.csv"


def districts(project: Path) -> Path:
    return project / "data" / "lad_populations.csv"


def row_index(path: Path, **match: str) -> int:
    """Return the index (0 = first data row) of the row whose cells match."""
    rows = read_rows(path)
    header = rows[0]
    found = [i for i, row in enumerate(rows[1:]) if all(row[header.index(k)] == v for k, v in match.items())]
    assert len(found) == 1, f"{match} matches {len(found)} rows of {path}: the fixture changed, update the case"
    return found[0]


def add_to_cell(path: Path, row: int, column: str, delta: int) -> int:
    rows = read_rows(path)
    rows[row + 1][rows[0].index(column)] = str(int(rows[row + 1][rows[0].index(column)]) + delta)
    write_rows(path, rows)
    return row + 2


def nhs_figure_contradicting_a_claim(project: Path) -> Expect:
    # One more category 1 incident for LAS in December, and for England: every table rule still holds, HSJ's 8,349 does not.
    for code in ("LAS", "ENG"):
        add_to_cell(ambsys(project), row_index(ambsys(project), month="2020-12", code=code), "category_1_incidents", 1)
    text = (project / "content" / "index.md").read_text(encoding="utf-8")
    line = text[: text.index('claim("las_category_1_incidents_december"')].count("\n") + 1
    return Expect("content/index.md", ("8,349", "does not hold", "according to NHS England"), line=line)


def nhs_services_not_adding_up_to_england(project: Path) -> Expect:
    add_to_cell(ambsys(project), row_index(ambsys(project), month="2021-01", code="WMAS"), "calls_answered", 5)
    line = row_index(ambsys(project), month="2021-01", code="ENG") + 2
    return Expect("data/ambsys.csv", ("add up to", "england's row"), line=line, column="calls_answered")


def nhs_mean_not_its_total_over_its_count(project: Path) -> Expect:
    line = add_to_cell(ambsys(project), row_index(ambsys(project), month="2021-01", code="YAS"), "category_2_response_mean_seconds", 60)
    return Expect("data/ambsys.csv", ("category_2_response_mean_seconds", "÷"), line=line, column="category_2_response_mean_seconds")


def district_assigned_to_no_service(project: Path) -> Expect:
    line = set_cell(districts(project), row_index(districts(project), lad19_name="Cornwall"), "service_code", "")
    return Expect("data/lad_populations.csv", ("service_code",), line=line, column="service_code")


def district_assigned_to_two_services(project: Path) -> Expect:
    rows = read_rows(districts(project))
    index = row_index(districts(project), lad19_name="Cornwall")
    twice = list(rows[index + 1])
    twice[rows[0].index("service_code")] = "WMAS"
    write_rows(districts(project), [*rows, twice])
    return Expect("data/lad_populations.csv", ("lad19_code",), line=len(rows) + 1)


def population_disagreeing_with_its_districts(project: Path) -> Expect:
    line = add_to_cell(project / "data" / "populations.csv", row_index(project / "data" / "populations.csv", code="SWASFT"), "population", 1000)
    return Expect("data/populations.csv", ("districts", "add up to"), line=line, column="population")


def approximation_without_its_other_reading(project: Path) -> Expect:
    line = set_cell(districts(project), row_index(districts(project), lad19_name="High Peak"), "other_reading_service_code", "")
    return Expect("data/lad_populations.csv", ("high peak", "no other_reading_service_code"), line=line, column="other_reading_service_code")


def nhs_month_missing_for_a_service(project: Path) -> Expect:
    rows = read_rows(ambsys(project))
    del rows[row_index(ambsys(project), month="2021-02", code="IOW") + 1]  # checked before England's sums, which it also breaks
    write_rows(ambsys(project), rows)
    return Expect("data/ambsys.csv", ("IOW", "no row for 2021-02"), column="month")


def standard_not_in_minutes(project: Path) -> Expect:
    replace_in(project / "data" / "context.csv", "category_2_mean_standard,18,minutes", "category_2_mean_standard,18,hours")
    return Expect("data/context.csv", ("category_2_mean_standard", "'hours'"), column="key")


def write_revisions(project: Path, **fields: str) -> None:
    """Write one revision note, the given fields over good ones: date on line 1, kind 2, figures 3, note 4."""
    note = {"date": "2027-01-15", "kind": "update", "figures": "[england_category_1_mean.2021-01]", "note": "NHS England revised its figures.", **fields}
    text = "\n".join(f"{'- ' if number == 0 else '  '}{key}: {value}" for number, (key, value) in enumerate(note.items()))
    (project / "content" / "revisions.yml").write_text(text + "\n", encoding="utf-8")


def revision_note_naming_an_unknown_figure(project: Path) -> Expect:
    write_revisions(project, figures="[england_category_1_mean.2021-01, calls_answerd.*]")
    return Expect("content/revisions.yml", ("'calls_answerd.*'", "no figure"), line=3, key="figures")


def revision_note_with_an_impossible_date(project: Path) -> Expect:
    write_revisions(project, date="2027-02-30")
    return Expect("content/revisions.yml", ("'2027-02-30' is not a date", "YYYY-MM-DD"), line=1, key="date")


def revision_note_of_an_unknown_kind(project: Path) -> Expect:
    write_revisions(project, kind="erratum")
    return Expect("content/revisions.yml", ("unknown kind 'erratum'", "correction", "update"), line=2, key="kind")


def revision_note_without_its_note(project: Path) -> Expect:
    (project / "content" / "revisions.yml").write_text("- date: 2027-01-15\n  kind: correction\n  figures: helper_services\n", encoding="utf-8")
    return Expect("content/revisions.yml", ("needs 'note'",), line=1, key="note")


CASES: dict[str, Breaker] = {
    breaker.__name__: breaker
    for breaker in [
        missing_data_file,
        empty_csv,
        header_only_csv,
        missing_column,
        extra_column,
        non_numeric_count,
        negative_count,
        decimal_count,
        empty_count,
        fewer_than_three_services,
        no_calls_at_all,
        no_helper_with_a_population,
        category_1_above_calls_answered,
        cardiac_arrests_above_calls_answered,
        duplicate_service_code,
        unknown_service_code,
        service_code_breaking_the_pattern,
        unknown_nation,
        row_with_an_extra_cell,
        recipient_listed_as_a_helper,
        wrong_encoding,
        invalid_date,
        context_with_an_unknown_source,
        source_with_a_javascript_url,
        population_with_no_source,
        datapackage_invalid_json,
        datapackage_missing_resource,
        datapackage_without_boundaries,
        datapackage_renames_a_column,
        datapackage_types_a_text_column_as_integer,
        datapackage_without_resources,
        missing_boundary_file,
        unreadable_file_in_the_data_folder,
        boundary_file_invalid_json,
        boundary_file_without_a_service,
        malformed_front_matter,
        front_matter_key_of_the_wrong_type,
        unknown_front_matter_key,
        front_matter_without_a_title,
        front_matter_never_closed,
        page_without_front_matter,
        unknown_figure,
        unknown_chart,
        link_to_an_unknown_page,
        content_syntax_error,
        undefined_name_in_content,
        content_in_the_wrong_encoding,
        folder_named_like_a_page,
        unreadable_template,
        unknown_template,
        template_syntax_error,
        undefined_template_variable,
        two_pages_claim_the_same_output,
        claim_contradicted_by_the_data,
        claim_citing_an_unknown_source,
        settings_invalid_yaml,
        settings_without_a_title,
        settings_with_an_unknown_recipient,
        nhs_figure_contradicting_a_claim,
        nhs_services_not_adding_up_to_england,
        nhs_mean_not_its_total_over_its_count,
        district_assigned_to_no_service,
        district_assigned_to_two_services,
        population_disagreeing_with_its_districts,
        approximation_without_its_other_reading,
        nhs_month_missing_for_a_service,
        standard_not_in_minutes,
        revision_note_naming_an_unknown_figure,
        revision_note_with_an_impossible_date,
        revision_note_of_an_unknown_kind,
        revision_note_without_its_note,
    ]
}


def check_message(stderr: str, expect: Expect) -> None:
    """Assert the error is one paragraph that names the file, the place and the rule."""
    assert "Traceback" not in stderr
    message = stderr.strip().splitlines()[0]
    where = message.split(": ", 2)  # "<kind>: <file>, line N, column C: <what is wrong>"
    assert len(where) == 3, message
    location = where[1]
    assert location.split(", ")[0] == expect.path, message
    if expect.line is not None:
        assert f"line {expect.line}" in location.split(", "), message
    if expect.column is not None:
        assert f"column {expect.column}" in location.split(", "), message
    if expect.key is not None:
        assert f"key {expect.key}" in location.split(", "), message
    for words in expect.words:
        assert words.lower() in message.lower(), f"{words!r} is not in: {message}"


@pytest.mark.parametrize("case", CASES)
def test_bad_input_stops_the_build_with_a_clear_message(case: str, project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expect = CASES[case](project_copy)
    code = main(["build", "--root", str(project_copy), "--out", str(tmp_path / "out"), "-q"])
    stderr = capsys.readouterr().err
    assert code == 1, stderr
    check_message(stderr, expect)
    assert not (tmp_path / "out").exists(), "a failed build wrote output"


def test_the_catalogue_covers_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(
    "case",
    [
        "non_numeric_count",
        "malformed_front_matter",
        "template_syntax_error",
        "missing_boundary_file",
        "unreadable_file_in_the_data_folder",
        "unreadable_template",
    ],
)
def test_a_real_process_prints_no_traceback(case: str, project_copy: Path) -> None:
    expect = CASES[case](project_copy)
    result = subprocess.run([sys.executable, "-m", "site_builder.cli", "build", "--root", str(project_copy), "-q"], capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    check_message(result.stderr, expect)
    assert re.fullmatch(r"[^\n]+\nThe previous site, if any, was left as it was\.\n", result.stderr), result.stderr


def test_a_byte_order_mark_is_accepted(project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Spreadsheet programs on Windows save UTF-8 with a byte-order mark; every file the build reads accepts one.
    for path in [
        aid(project_copy),
        project_copy / "data" / "populations.csv",
        project_copy / "data" / "datapackage.json",
        boundary_file(project_copy),
        project_copy / "content" / "data.md",
        project_copy / "site.yml",
    ]:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code = main(["build", "--root", str(project_copy), "--out", str(tmp_path / "out"), "-q"])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "out" / "index.html").is_file()
