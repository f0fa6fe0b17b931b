"""Dated notes that tell readers a published figure changed: a correction (we got it wrong) or an update (the source revised it).

The notes live in `content/revisions.yml`, a list of entries such as:

    - date: 2027-01-15          # when the change goes out (YYYY-MM-DD)
      kind: update              # update: the source revised its data; correction: we got it wrong
      figures: [england_category_1_mean.2021-01, "calls_answered.*"]   # names, or patterns (fnmatch)
      note: NHS England revised its monthly figures for January 2021.

Each page that quotes a figure a note names shows the note near its top and a mark beside the number; the
methodology page lists them all, and figures.json carries them as a feed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml
from markupsafe import Markup

from .errors import ContentError, TemplateError, yaml_problem
from .formatting import format_date
from .markup import Quoting

if TYPE_CHECKING:
    from .render import Page, PageRenderer

REVISIONS_FILE = "revisions.yml"
REVISION_NOTES = Markup("<!-- site-builder: revision notes -->")  # where a page template shows the notes about its figures
MARKED = {"correction": "corrected", "update": "updated"}  # the mark beside a revised number
KINDS = ("correction", "update")
KEYS = ("date", "kind", "figures", "note")
Kind = Literal["correction", "update"]


@dataclass(frozen=True, kw_only=True)
class Revision:
    """One dated note about figures that changed after they were published."""

    id: str  # the note's anchor on every page that shows it: "revision-2027-01-15" (and "-2", "-3" for a second note that day)
    date: dt.date
    kind: Kind
    figures: tuple[str, ...]  # the figures it covers, patterns expanded, in the order of the figures
    note: str
    line: int

    @property
    def heading(self) -> str:
        """Return the note's kind as a reader reads it: 'Correction' or 'Update'."""
        return self.kind.capitalize()


def read_revisions(path: Path, figure_names: Iterable[str]) -> tuple[Revision, ...]:
    """Read the revision notes (none if the file is missing), newest first; stop at a mistake naming the line and key."""
    if not path.is_file():
        return ()
    text = path.read_text(encoding="utf-8-sig")
    try:
        document = yaml.compose(text)
    except yaml.YAMLError as error:
        problem, line = yaml_problem(error)
        raise ContentError(f"the revision notes are not valid YAML: {problem}", path, line) from None
    if document is None or (isinstance(document, yaml.SequenceNode) and not document.value):
        return ()
    if not isinstance(document, yaml.SequenceNode):
        raise ContentError("the revision notes must be a list of notes, each starting with '- date:'", path, _line(document))
    names = list(figure_names)
    revisions = [_revision(item, path, names) for item in document.value]
    return tuple(sorted(_with_ids(revisions), key=lambda r: (r.date, r.id), reverse=True))


def _revision(node: yaml.Node, path: Path, names: list[str]) -> Revision:
    if not isinstance(node, yaml.MappingNode):
        raise ContentError(f"each revision note is a mapping of {', '.join(KEYS)}", path, _line(node))
    fields: dict[str, yaml.Node] = {}
    for key, value in node.value:
        if key.value not in KEYS:
            raise ContentError(f"unknown key '{key.value}' in a revision note", path, _line(key), column=str(key.value), hint=f"keys: {', '.join(KEYS)}")
        fields[key.value] = value
    missing = [key for key in KEYS if key not in fields]
    if missing:
        raise ContentError(f"a revision note needs '{missing[0]}'", path, _line(node), column=missing[0], hint=f"every note has {', '.join(KEYS)}")
    return Revision(
        id="",
        date=_date(fields["date"], path),
        kind=_kind(fields["kind"], path),
        figures=_figures(fields["figures"], path, names),
        note=_text(fields["note"], path, "note"),
        line=_line(node),
    )


def _date(node: yaml.Node, path: Path) -> dt.date:
    text = _text(node, path, "date")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ContentError(f"'{text}' is not a date", path, _line(node), column="date", hint="write it as YYYY-MM-DD, e.g. 2027-01-15") from None


def _kind(node: yaml.Node, path: Path) -> Kind:
    text = _text(node, path, "kind")
    if text not in KINDS:
        raise ContentError(
            f"unknown kind '{text}' of revision note", path, _line(node), column="kind", hint="correction (we got it wrong) or update (the source revised it)"
        )
    return text  # type: ignore[return-value]


def _figures(node: yaml.Node, path: Path, names: list[str]) -> tuple[str, ...]:
    patterns = [_text(item, path, "figures") for item in node.value] if isinstance(node, yaml.SequenceNode) else [_text(node, path, "figures")]
    covered: set[str] = set()
    for pattern in patterns:
        matched = fnmatch.filter(names, pattern)
        if not matched:
            raise ContentError(
                f"the revision note names '{pattern}', which is no figure of this build",
                path,
                _line(node),
                column="figures",
                hint="use a figure's name as the data page lists it, or a pattern such as 'calls_answered.*'",
            )
        covered.update(matched)
    if not covered:
        raise ContentError("a revision note must name at least one figure", path, _line(node), column="figures")
    return tuple(name for name in names if name in covered)


def _text(node: yaml.Node, path: Path, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise ContentError(f"'{key}' of a revision note must be plain text", path, _line(node), column=key)
    return str(node.value).strip()


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _with_ids(revisions: list[Revision]) -> list[Revision]:
    """Give each note its anchor: its date, and its place among the notes of that day in the file's order."""
    seen: dict[dt.date, int] = {}
    named = []
    for revision in revisions:
        seen[revision.date] = seen.get(revision.date, 0) + 1
        suffix = "" if seen[revision.date] == 1 else f"-{seen[revision.date]}"
        named.append(dataclasses.replace(revision, id=f"revision-{revision.date.isoformat()}{suffix}"))
    return named


def revisions_by_figure(revisions: Iterable[Revision]) -> dict[str, tuple[Revision, ...]]:
    """Return the notes covering each figure, newest first."""
    by_figure: dict[str, list[Revision]] = {}
    for revision in revisions:
        for name in revision.figures:
            by_figure.setdefault(name, []).append(revision)
    return {name: tuple(notes) for name, notes in by_figure.items()}


def revision_record(revision: Revision) -> dict[str, object]:
    """Return a note as figures.json lists it."""
    return {"id": revision.id, "date": revision.date.isoformat(), "kind": revision.kind, "figures": list(revision.figures), "note": revision.note}


def notes_of(names: Iterable[str], by_figure: Mapping[str, tuple[Revision, ...]]) -> tuple[Revision, ...]:
    """Return the notes covering any of these figures, newest first, each once."""
    notes = {revision.id: revision for name in names for revision in by_figure.get(name, ())}
    return tuple(sorted(notes.values(), key=lambda r: (r.date, r.id), reverse=True))


@dataclass(frozen=True)
class Revisions:
    """One build's revision notes, the mark each revised figure carries, and what each page quotes (filled in as pages render)."""

    notes: tuple[Revision, ...]
    by_figure: Mapping[str, tuple[Revision, ...]]
    marks: Mapping[str, Markup]
    log: str  # the site path of the page listing every note
    quoting: dict[str, Quoting] = field(default_factory=dict)

    @classmethod
    def of(cls, notes: tuple[Revision, ...], *, log: str) -> Revisions:
        """Return the notes with their marks: a revised figure links to the newest note about it, near the top of its page."""
        marks: dict[str, Markup] = {}
        for note in notes:  # newest first: the first note about a figure is the one its mark names
            mark = Markup('<a class="revision-mark" href="#%s" title="%s, %s">%s</a>') % (note.id, note.heading, format_date(note.date), MARKED[note.kind])
            for name in note.figures:
                marks.setdefault(name, mark)
        return cls(notes, revisions_by_figure(notes), marks, log)

    def quoting_for(self, output: str) -> Quoting:
        """Return what the page at `output` quotes, recorded as it renders."""
        return self.quoting.setdefault(output, Quoting(self.marks))

    def notes_block(self, page: Page, html: str, *, renderer: PageRenderer, root: str) -> str:
        """Put the notes about the figures a rendered page quotes where its template asked for them (templates/_revisions.html)."""
        notes = notes_of(self.quoting_for(page.output).quoted, self.by_figure)
        if notes and REVISION_NOTES not in html:
            raise TemplateError(
                f"the page '{page.output}' quotes revised figures, but its template does not show the revision notes",
                renderer.templates_dir / page.template,
                hint="write {{ revision_notes }} just below the page's <h1>",
            )
        block = renderer.render("_revisions.html", notes=notes, root=root, log=root + self.log) if notes else ""
        return html.replace(str(REVISION_NOTES), block)
