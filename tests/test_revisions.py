"""Reading revision notes: dated, of a known kind, naming figures by name or pattern."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.errors import ContentError
from site_builder.revisions import REVISION_NOTES, Revisions, notes_of, read_revisions, revisions_by_figure

NAMES = ["calls_answered_total", "calls_answered.LAS", "calls_answered.WMAS", "category_1_share"]


def notes(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "revisions.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_notes_are_read_newest_first_with_patterns_expanded_and_ids_by_date(tmp_path: Path) -> None:
    path = notes(
        tmp_path,
        "- date: 2027-01-15\n  kind: update\n  figures: calls_answered.*\n  note: Revised.\n"
        "- date: 2027-03-01\n  kind: correction\n  figures: [category_1_share]\n  note: We divided by the wrong total.\n"
        "- date: 2027-01-15\n  kind: correction\n  figures: [calls_answered_total, calls_answered.LAS]\n  note: A typo.\n",
    )
    first, second, third = read_revisions(path, NAMES)
    assert (first.date, first.kind, first.figures, first.id) == (dt.date(2027, 3, 1), "correction", ("category_1_share",), "revision-2027-03-01")
    assert {second.id, third.id} == {"revision-2027-01-15", "revision-2027-01-15-2"}
    update = next(note for note in (second, third) if note.kind == "update")
    assert update.figures == ("calls_answered.LAS", "calls_answered.WMAS") and update.id == "revision-2027-01-15" and update.line == 1
    by_figure = revisions_by_figure((first, second, third))
    assert [note.id for note in notes_of(["calls_answered.LAS", "category_1_share"], by_figure)] == [
        "revision-2027-03-01",
        "revision-2027-01-15-2",
        "revision-2027-01-15",
    ]


@pytest.mark.parametrize("text", ["", "# only comments\n", "[]\n"])
def test_no_notes(tmp_path: Path, text: str) -> None:
    assert read_revisions(notes(tmp_path, text), NAMES) == ()
    assert read_revisions(tmp_path / "missing.yml", NAMES) == ()


@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        ("date: 2027-01-15\n", "must be a list", 1),
        ("- date: 2027-01-15\n  kind: update\n  figures: [calls_answered_total]\n  note: x\n  author: me\n", "unknown key 'author'", 5),
        ("- date: 15/01/2027\n  kind: update\n  figures: [calls_answered_total]\n  note: x\n", "'15/01/2027' is not a date", 1),
        ("- date: 2027-01-15\n  kind: update\n  figures: [calls]\n  note: x\n", "'calls', which is no figure", 3),
        ("- date: 2027-01-15\n  kind: update\n  figures: [calls_answered_total]\n  note: [x]\n", "'note' of a revision note must be plain text", 4),
        ("- date: 2027-01-15\n  kind: [update\n", "not valid YAML", 3),
    ],
)
def test_a_mistake_names_its_line(tmp_path: Path, text: str, words: str, line: int) -> None:
    with pytest.raises(ContentError) as caught:
        read_revisions(notes(tmp_path, text), NAMES)
    assert words in caught.value.message and caught.value.line == line, caught.value.describe()


def test_a_page_quoting_a_revised_figure_shows_its_notes_where_its_template_asks(tmp_path: Path) -> None:
    from site_builder.errors import TemplateError
    from site_builder.render import Page, PageRenderer

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_revisions.html").write_text("{% for r in notes %}<p id='{{ r.id }}'>{{ r.note }}</p>{% endfor %}", encoding="utf-8")
    path = notes(tmp_path, "- date: 2027-01-15\n  kind: correction\n  figures: [category_1_share]\n  note: We divided by the wrong total.\n")
    revisions = Revisions.of(read_revisions(path, NAMES), log="methodology/index.html#revisions")
    renderer = PageRenderer(templates)
    quoting, other = Page("a.html", "A", "", "article.html"), Page("b.html", "B", "", "article.html")
    revisions.quoting_for("a.html").quoted.add("category_1_share")
    revisions.quoting_for("b.html").quoted.add("calls_answered_total")
    shown = revisions.notes_block(quoting, f"<h1>A</h1>{REVISION_NOTES}<p>text</p>", renderer=renderer, root="")
    assert shown == "<h1>A</h1><p id='revision-2027-01-15'>We divided by the wrong total.</p><p>text</p>"
    assert revisions.notes_block(other, f"<h1>B</h1>{REVISION_NOTES}", renderer=renderer, root="") == "<h1>B</h1>"
    assert 'class="revision-mark" href="#revision-2027-01-15"' in revisions.marks["category_1_share"]
    with pytest.raises(TemplateError, match="quotes revised figures, but its template does not show the revision notes"):
        revisions.notes_block(quoting, "<h1>A</h1><p>text</p>", renderer=renderer, root="")
