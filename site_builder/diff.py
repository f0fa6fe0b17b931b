"""Compare what two builds said (their figures.json): figures, claims, pages and charts that changed.

`site-builder diff OLD NEW` prints it; a build compares itself with the site it replaces (or `--previous`) and, with
`--strict`, refuses a changed figure the previous build printed that no new revision note covers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError, RevisionError
from .published import FIGURES_FILE, FORMAT, schema_text
from .revisions import REVISIONS_FILE, Revision

Record = Mapping[str, Any]
PLACES = (f"data/{FIGURES_FILE}", FIGURES_FILE)  # where a built site (or a copy of a published one) keeps it
SHOWN_IN_ERROR = 3  # a strict build names this many unexplained figures, then counts the rest


PRINTED_FORMS = ("text", "digits", "words", "precise")  # what a page can show of a figure: a strict build asks a note for a change in one


@dataclass(frozen=True)
class FigureChange:
    """A figure added (no old text), removed (no new text) or changed, and the pages that quoted or quote it."""

    name: str
    old: str | None
    new: str | None
    pages: tuple[str, ...]
    printed: bool = True  # False: the value moved but every form the pages print (text, digits, words, precise) is the same


@dataclass(frozen=True)
class ClaimChange:
    """A claim whose verdict changed, or which was added (no old verdict) or removed (no new verdict)."""

    id: str
    phrase: str
    file: str
    line: int
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ChartChange:
    """A chart whose data or title changed, or which was added or removed."""

    id: str
    title: str
    change: str  # "data", "title", "added" or "removed"
    pages: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Changes:
    """Everything that changed between two builds."""

    figures: tuple[FigureChange, ...]
    claims: tuple[ClaimChange, ...]
    charts: tuple[ChartChange, ...]
    pages: tuple[str, ...]
    revisions: tuple[str, ...]  # ids of notes the new build adds

    @property
    def nothing(self) -> bool:
        """Say whether the two builds said the same."""
        return not (self.figures or self.claims or self.charts or self.revisions)

    def summary(self) -> str:
        """Return the changes in one line."""
        if self.nothing:
            return "nothing changed"
        counts = {
            "added": sum(c.old is None for c in self.figures),
            "removed": sum(c.new is None for c in self.figures),
        }
        changed = len(self.figures) - counts["added"] - counts["removed"]
        parts = [f"{_count(changed, 'figure')} changed, {counts['added']} added, {counts['removed']} removed"]
        parts.append(f"{_count(len(self.claims), 'claim')} with a new verdict" if self.claims else "no claim's verdict changed")
        parts.append(f"{_count(len(self.pages), 'page')} and {_count(len(self.charts), 'chart')} changed")
        if self.revisions:
            parts.append(f"{_count(len(self.revisions), 'new revision note')}")
        return "; ".join(parts)

    def lines(self) -> list[str]:
        """Return every change, one a line, under a heading per kind, for a person to read."""
        sections = {
            "Figures:": [f"  {c.name}: {_text(c.old)} -> {_text(c.new)}{_on(c.pages)}" for c in self.figures],
            "Claims:": [f'  {c.id} "{c.phrase}" ({c.file}, line {c.line}): {c.old or "(new)"} -> {c.new or "(removed)"}' for c in self.claims],
            "Pages whose numbers changed:": [f"  {page}" for page in self.pages],
            "Charts:": [f"  {c.id} ({c.title}): {c.change}{_on(c.pages)}" for c in self.charts],
        }
        lines = [self.summary()]
        for heading, items in sections.items():
            lines += [heading, *items] if items else []
        if self.revisions:
            lines.append("New revision notes: " + ", ".join(self.revisions))
        return lines

    def as_json(self) -> dict[str, Any]:
        """Return the changes for a script."""
        return {
            "changed": not self.nothing,
            "summary": self.summary(),
            "figures": [asdict(c) for c in self.figures],
            "claims": [asdict(c) for c in self.claims],
            "charts": [asdict(c) for c in self.charts],
            "pages": list(self.pages),
            "revisions": list(self.revisions),
        }


def load_record(path: Path, *, validate: bool = True) -> dict[str, Any]:
    """Read figures.json from a file, a built site or a saved copy of a published one; stop if it is not one.

    Without `validate`, only its format is checked, not every field against the schema (a quarter of a second): for
    the one a build of ours wrote into the folder it replaces.
    """
    file = next((path / place for place in PLACES if (path / place).is_file()), None) if path.is_dir() else path
    if file is None or not file.is_file():
        raise ConfigError(f"no {FIGURES_FILE} here", path, hint=f"name a built site's folder or its data/{FIGURES_FILE}")
    try:
        record = json.loads(file.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"this is not a {FIGURES_FILE}: {error}", file) from None
    problem = _schema_problem(record) if validate else _format_problem(record)
    if problem:
        raise ConfigError(f"this is not a {FIGURES_FILE} site-builder wrote: {problem}", file)
    return record  # type: ignore[no-any-return]


def _format_problem(record: object) -> str:
    if isinstance(record, dict) and record.get("format") == FORMAT:
        return ""
    return f"its format is not {FORMAT!r}"


def _schema_problem(record: object) -> str:
    import jsonschema  # only where a record is read: a plain build never loads it

    validator = jsonschema.Draft202012Validator(json.loads(schema_text()))
    error = jsonschema.exceptions.best_match(validator.iter_errors(record))
    if error is None:
        return ""
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{where or 'the top'}: {error.message}"


def compare(old: Record, new: Record) -> Changes:
    """Return what changed from the `old` build to the `new` one."""
    figures = _figure_changes(old["figures"], new["figures"])
    charts = _chart_changes(old["charts"], new["charts"])
    pages = {page for change in figures for page in change.pages} | {page for change in charts for page in change.pages}
    known = {(r["id"], r["note"]) for r in old["revisions"]}
    return Changes(
        figures=figures,
        claims=_claim_changes(old["claims"], new["claims"]),
        charts=charts,
        pages=tuple(sorted(pages)),
        revisions=tuple(r["id"] for r in new["revisions"] if (r["id"], r["note"]) not in known),
    )


def _figure_changes(old: Record, new: Record) -> tuple[FigureChange, ...]:
    changes = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before is not None and after is not None and before["value"] == after["value"] and before["text"] == after["text"]:
            continue
        pages = sorted({*(before or {}).get("pages", ()), *(after or {}).get("pages", ())})
        alike = before is not None and after is not None and before["text"] == after["text"]
        printed = before is None or after is None or any(before.get(form) != after.get(form) for form in PRINTED_FORMS)
        changes.append(FigureChange(name, _printed(before, alike), _printed(after, alike), tuple(pages), printed))
    return tuple(changes)


def _printed(figure: Record | None, alike: bool) -> str | None:
    if figure is None:
        return None
    # Two values that print alike (451.2 and 451.4 seconds: '7 min 31 s') are told apart by their values.
    return f"{figure['text']} ({figure['value']})" if alike else str(figure["text"])


def _claim_changes(old: Record, new: Record) -> tuple[ClaimChange, ...]:
    before, after = _by_signature(old), _by_signature(new)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        if was and now and was[1]["verdict"] == now[1]["verdict"]:
            continue
        claim_id, claim = now or was  # type: ignore[misc]
        changes.append(
            ClaimChange(claim_id, claim["phrase"], claim["file"], claim["line"], was[1]["verdict"] if was else None, now[1]["verdict"] if now else None)
        )
    return tuple(sorted(changes, key=lambda c: (c.file, c.line, c.id)))


def _by_signature(claims: Record) -> dict[tuple[object, ...], tuple[str, Record]]:
    """Key each claim by what it says, whatever its place among the page's claims (its id) or the values in its sentence."""
    keyed: dict[tuple[object, ...], tuple[str, Record]] = {}
    for claim_id, claim in sorted(claims.items(), key=lambda item: (item[1]["file"], item[1]["line"], item[0])):
        signature: tuple[object, ...] = (claim["file"], tuple(claim["figures"]), claim["comparison"], json.dumps(claim["expected"]), claim["phrase"])
        repeat = sum(1 for key in keyed if key[:-1] == signature)  # the same claim twice in a file: first, second...
        keyed[(*signature, repeat)] = (claim_id, claim)
    return keyed


def _chart_changes(old: Record, new: Record) -> tuple[ChartChange, ...]:
    changes = []
    for chart_id in sorted(old.keys() | new.keys()):
        before, after = old.get(chart_id), new.get(chart_id)
        change = "added" if before is None else "removed" if after is None else "data" if before["data_sha256"] != after["data_sha256"] else "title"
        if change == "title" and before["title"] == after["title"]:  # type: ignore[index]
            continue
        pages = sorted({*(before or {}).get("pages", ()), *(after or {}).get("pages", ())})
        changes.append(ChartChange(chart_id, (after or before)["title"], change, tuple(pages)))  # type: ignore[index]
    return tuple(changes)


def check_revised(changes: Changes, *, revisions: Iterable[Revision], previous: Record, revisions_path: Path) -> None:
    """Stop a strict build if a figure the previous build printed changed and no new revision note covers it.

    A note the previous build already carried covers the change it was written for, not a later one. A value that
    moved while every form the pages print stayed the same (17.32% and 17.26%, both '17%' and '17.3%') needs no note:
    no reader sees a change (the diff still lists it).
    """
    published = {(r["id"], r["note"]) for r in previous["revisions"]}
    covered = {name for r in revisions if (r.id, r.note) not in published for name in r.figures}
    printed = previous["figures"]
    unexplained = [c for c in changes.figures if c.old is not None and c.new is not None and c.printed and printed[c.name]["pages"] and c.name not in covered]
    if not unexplained:
        return
    first = unexplained[0]
    named = "; ".join(f"'{c.name}' was {c.old!r} and is now {c.new!r} (on {', '.join(c.pages)})" for c in unexplained[:SHOWN_IN_ERROR])
    rest = [f"'{c.name}'" for c in unexplained[SHOWN_IN_ERROR:]]  # named too, so none goes out unseen (--changes gives their texts)
    more = f"; and {len(rest)} more: {', '.join(rest)}" if rest else ""
    raise RevisionError(
        f"{_count(len(unexplained), 'published figure')} changed with no revision note: {named}{more}",
        revisions_path,
        hint=f"add a dated note to {REVISIONS_FILE}: '- date: YYYY-MM-DD, kind: update (or correction), figures: [{first.name}], note: ...'",
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _text(text: str | None) -> str:
    return "(none)" if text is None else repr(text)


def _on(pages: tuple[str, ...]) -> str:
    return f" [on {', '.join(pages)}]" if pages else ""
