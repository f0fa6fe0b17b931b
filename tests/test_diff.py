"""Compare two builds, and hold a strict build to a revision note, on a copy of the project with one NHS value revised.

The revision: NHS England revises one service's category 1 mean for one month (its total with it, and England's row,
which is the sum of the services'), as a source does after publication. What the diff must name is worked out from
the two built sites themselves (the pages whose HTML changed, the charts whose data download changed), not typed.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.cli import main
from site_builder.diff import check_revised, compare, load_record
from site_builder.errors import RevisionError
from tests.conftest import copy_project

MONTH, SERVICE = "2021-01", "NWAS"
EDITED_FORMULA = f"category_1_response_mean_seconds for {SERVICE}, {MONTH}"  # the figure read from the cell we edit
NOTE_DATE = "2027-01-15"


def revise(ambsys: Path, *, by: int) -> None:
    """Add `by` seconds to the service's category 1 mean that month, and move its total and England's with it."""
    rows = list(csv.reader(io.StringIO(ambsys.read_text(encoding="utf-8"), newline="")))
    column = {name: index for index, name in enumerate(rows[0])}
    service = next(row for row in rows if row[0] == MONTH and row[1] == SERVICE)
    england = next(row for row in rows if row[0] == MONTH and row[1] == "ENG")
    mean, incidents = int(service[column["category_1_response_mean_seconds"]]), int(service[column["category_1_incidents"]])
    added = (mean + by) * incidents - int(service[column["category_1_response_total_seconds"]])
    service[column["category_1_response_mean_seconds"]] = str(mean + by)
    service[column["category_1_response_total_seconds"]] = str((mean + by) * incidents)
    total = int(england[column["category_1_response_total_seconds"]]) + added
    england[column["category_1_response_total_seconds"]] = str(total)
    england[column["category_1_response_mean_seconds"]] = str(round(total / int(england[column["category_1_incidents"]])))
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    ambsys.write_text(buffer.getvalue(), encoding="utf-8")


@dataclass(frozen=True)
class Builds:
    project: Path  # the copy, revised
    before: Path  # the site built before the revision
    after: Path  # the site built after it (not strict)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    folder = tmp_path_factory.mktemp("revision")
    project = copy_project(folder / "project")
    assert main(["build", "--root", str(project), "--out", str(folder / "before"), "-q"]) == 0
    revise(project / "data" / "ambsys.csv", by=8)
    assert main(["build", "--root", str(project), "--out", str(folder / "after"), "-q"]) == 0
    return Builds(project, folder / "before", folder / "after")


def digests(site: Path, pattern: str) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest() for path in site.glob(pattern) if path.is_file()}


def changed_files(builds: Builds, pattern: str) -> set[str]:
    before, after = digests(builds.before, pattern), digests(builds.after, pattern)
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def verdicts(site: Path) -> dict[str, str]:
    soup = BeautifulSoup((site / "methodology" / "index.html").read_text(encoding="utf-8"), "html.parser")
    return {str(item["id"]): item.select_one(".verdict").get_text() for item in soup.select("li.claim-check")}  # type: ignore[union-attr]


def test_the_diff_names_exactly_the_figures_pages_charts_and_claims_that_changed(builds: Builds) -> None:
    old, new = load_record(builds.before), load_record(builds.after)
    changes = compare(old, new)
    names = {change.name for change in changes.figures}
    edited = {name for name, figure in new["figures"].items() if figure["formula"] == EDITED_FORMULA}
    assert len(edited) == 1 and edited <= names
    assert all("ambsys" in new["figures"][name]["tables"] for name in names), "a figure that reads nothing revised is named"
    assert all(old["figures"][name]["text"] != new["figures"][name]["text"] for name in names)
    pages = {name for name in changed_files(builds, "**/*.html") if not name.startswith("embed/")}
    assert set(changes.pages) == pages
    assert set(changes.pages) == {page for name in names for page in new["figures"][name]["pages"]} | {p for c in changes.charts for p in c.pages}
    assert {f"charts/{chart.id}.csv" for chart in changes.charts} == changed_files(builds, "charts/*.csv")
    before, after = verdicts(builds.before), verdicts(builds.after)
    assert {claim.id for claim in changes.claims} == {claim_id for claim_id in before if before[claim_id] != after.get(claim_id)}


def test_the_diff_command_exits_1_on_a_change_0_on_none_and_2_on_an_error(builds: Builds, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(builds.before), str(builds.after / "data" / "figures.json"), "--json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["changed"] and any(change["name"].endswith(f"{SERVICE}.{MONTH}") for change in printed["figures"])
    assert main(["diff", str(builds.after), str(builds.after)]) == 0
    assert capsys.readouterr().out.startswith("nothing changed")
    assert main(["diff", str(builds.before), str(builds.project / "content")]) == 2
    assert "no figures.json here" in capsys.readouterr().err
    not_ours = builds.project / "not-figures.json"
    not_ours.write_text('{"figures": {}}', encoding="utf-8")
    assert main(["diff", str(not_ours), str(builds.after)]) == 2
    assert "is not a figures.json site-builder wrote" in capsys.readouterr().err


def test_a_build_says_what_changed_since_the_site_it_replaces(builds: Builds, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    shutil.copytree(builds.before, site)
    assert main(["build", "--root", str(builds.project), "--out", str(site), "--changes"]) == 0
    printed = capsys.readouterr().out
    summary = compare(load_record(builds.before), load_record(builds.after)).summary()
    assert f"Since the previous build: {summary}\n" in printed and summary != "nothing changed"
    assert f"    category_1_mean.{SERVICE}.{MONTH}: " in printed


def test_a_strict_build_stops_at_a_published_figure_changed_without_a_note(builds: Builds, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    shutil.copytree(builds.before, site)  # the last published site, which the build would replace
    untouched = digests(site, "**/*")
    assert main(["build", "--root", str(builds.project), "--out", str(site), "--strict", "-q"]) == 1
    error = capsys.readouterr().err
    old, new = load_record(builds.before)["figures"], load_record(builds.after)["figures"]
    for change in compare(load_record(builds.before), load_record(builds.after)).figures:
        assert f"'{change.name}' was {old[change.name]['text']!r} and is now {new[change.name]['text']!r}" in error
        assert ", ".join(change.pages) in error
    assert error.startswith("revision error: content/revisions.yml: ") and "Traceback" not in error
    assert digests(site, "**/*") == untouched


def test_with_a_note_the_pages_show_it_dated_and_a_later_change_needs_a_new_one(builds: Builds, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path / "project")
    shutil.copy2(builds.project / "data" / "ambsys.csv", project / "data" / "ambsys.csv")
    changed = [change.name for change in compare(load_record(builds.before), load_record(builds.after)).figures]
    (project / "content" / "revisions.yml").write_text(
        f"- date: {NOTE_DATE}\n  kind: update\n  figures: {json.dumps(changed)}\n  note: NHS England revised its January figures.\n", encoding="utf-8"
    )
    noted = tmp_path / "noted"
    assert main(["build", "--root", str(project), "--out", str(noted), "--previous", str(builds.before), "--strict", "-q"]) == 0, capsys.readouterr().err
    record = load_record(noted)
    quoting = {page for name in changed for page in record["figures"][name]["pages"]}
    for page in sorted(set(record["charts"]["response-times"]["pages"]) | quoting | {"services/las/index.html"}):
        soup = BeautifulSoup((noted / page).read_text(encoding="utf-8"), "html.parser")
        note = soup.select_one(f"aside.revision-notes #revision-{NOTE_DATE}")
        assert (note is not None) == (page in quoting), page
        if page in quoting:
            assert note.select_one(f'time[datetime="{NOTE_DATE}"]') is not None  # type: ignore[union-attr]
            anchors = [record["figures"][name]["anchor"] for name in changed]
            numbers = [link for link in soup.select("a.figure") if str(link["href"]).rsplit("#", 1)[1] in anchors]
            numbers += [number for anchor in anchors for number in soup.select(f".figure-list #{anchor} dd > strong > data")]  # where the data page defines it
            marks = [number.find_next_sibling() for number in numbers]
            assert marks and all(mark is not None and "revision-mark" in mark["class"] for mark in marks), page
    methodology = BeautifulSoup((noted / "methodology" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert methodology.select_one(f"ol.revision-log #log-revision-{NOTE_DATE}") is not None
    assert sorted(record["revisions"][0]["figures"]) == sorted(changed)

    revise(project / "data" / "ambsys.csv", by=8)  # revised again: the published note was about the first change
    assert main(["build", "--root", str(project), "--out", str(tmp_path / "again"), "--previous", str(noted), "--strict", "-q"]) == 1
    assert f"'{changed[0]}' was " in capsys.readouterr().err


def test_a_value_that_moved_while_every_printed_form_stayed_needs_no_note(builds: Builds) -> None:
    """17.32% and 17.26% both print '17%' and '17.3%': no reader sees a change, so a strict build asks for no note
    (the diff still lists it); a change in any form a page prints does need one."""
    previous = load_record(builds.before)
    name = next(name for name, figure in previous["figures"].items() if figure["pages"] and isinstance(figure["value"], float))
    moved = copy.deepcopy(previous)
    moved["figures"][name]["value"] *= 1 + 1e-9
    changes = compare(previous, moved)
    assert [change.name for change in changes.figures] == [name]
    check_revised(changes, revisions=(), previous=previous, revisions_path=Path("revisions.yml"))
    for form in ("text", "digits", "words", "precise"):
        printed = copy.deepcopy(moved)
        printed["figures"][name][form] = "a form a page prints, changed"
        with pytest.raises(RevisionError, match=name):
            check_revised(compare(previous, printed), revisions=(), previous=previous, revisions_path=Path("revisions.yml"))
