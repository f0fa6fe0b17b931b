"""Check the prose's claims ("more than 12,800", "just over a fifth", "the most") against the figures.

A claim is written in content next to the sentence that makes it:

    {{ claim("calls_answered_total", "more than", 12800, source="hsj") }}

It prints the claim's own words, and the build checks it. Several figures may be named
(as a list) when the answer depends on an assumption: the claim then holds outright if it
holds for all of them, holds only under an assumption if it holds for some, and fails the
build if it holds for none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import jinja2.nodes

from .errors import ClaimError, ContentError
from .figures import Figure, Figures
from .formatting import format_number, parse_ratio

# Comparison -> (number of expected values, whether it takes a tolerance or band).
COMPARISONS: dict[str, int] = {
    "more than": 1,
    "fewer than": 1,
    "less than": 1,
    "at least": 1,
    "at most": 1,
    "exactly": 1,
    "about": 1,
    "just over": 1,
    "just under": 1,
    "between": 2,
    "the most": 0,
    "the second most": 0,
    "the least": 0,
}
DEFAULT_TOLERANCE = 0.1  # "about": within 10% of the stated value
DEFAULT_BAND = 0.1  # "just over/under": beyond the stated value by at most 10% of it
OPTIONS = {"source", "against", "tolerance", "band", "text"}  # against: the source whose data checks a claim another source made

Verdict = Literal["holds", "holds under an assumption", "does not hold"]


@dataclass(frozen=True)
class Claim:
    """One checkable claim, where it is written and what it says."""

    id: str
    figures: tuple[str, ...]
    comparison: str
    expected: tuple[float | str, ...]
    source: str
    path: Path
    line: int
    sentence: str
    tolerance: float
    text: str
    against: str = ""  # the source whose data checks the claim, where it is not the one the sentence credits

    @property
    def phrase(self) -> str:
        """Return the claim in words, as the page prints it."""
        if self.text:
            return self.text
        values = [_show(value) for value in self.expected]
        if self.comparison == "between":
            return f"between {values[0]} and {values[1]}"
        if self.comparison == "exactly":
            return values[0]
        return " ".join([self.comparison, *values])


@dataclass(frozen=True)
class ClaimResult:
    """A claim with the computed values and the verdict."""

    claim: Claim
    values: tuple[tuple[Figure, bool], ...]
    verdict: Verdict

    @property
    def explanation(self) -> str:
        """Return the check in plain words."""
        parts = []
        for figure, holds in self.values:
            words = f"{figure.label}: {_value_text(figure)}, so the claim {'holds' if holds else 'does not hold'}"
            if figure.assumption and len(self.values) > 1:
                words += f" (assuming {figure.assumption})"
            parts.append(words)
        return "; ".join(parts) + "."


def _show(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return format_number(value, 0 if float(value).is_integer() else 1)


def _value_text(figure: Figure) -> str:
    if figure.kind == "share" and isinstance(figure.value, float):
        return format_number(figure.value * 100, 1) + "%"
    return figure.digits


def extract_claims(tree: jinja2.nodes.Template, path: Path, lines: list[str], figures: Mapping[str, Figure] | None = None) -> list[Claim]:
    """Return the claims a page's template makes, with their lines and sentences; arguments must be plain values."""
    claims: list[Claim] = []
    for call in tree.find_all(jinja2.nodes.Call):
        if not (isinstance(call.node, jinja2.nodes.Name) and call.node.name == "claim"):
            continue
        line = call.lineno
        try:
            args = [_constant(arg) for arg in call.args]
            options = {kw.key: _constant(kw.value) for kw in call.kwargs}
        except ValueError as error:
            raise ContentError(f"claim arguments must be plain values: {error}", path, line) from None
        if len(args) < 2:
            raise ContentError('a claim needs a figure and a comparison, e.g. claim("calls_answered_total", "more than", 12800)', path, line)
        names = tuple(str(name) for name in args[0]) if isinstance(args[0], list) else (str(args[0]),)
        comparison = str(args[1])
        if any(isinstance(value, bool) or not isinstance(value, int | float | str) for value in args[2:]):
            raise ContentError("a claim's values must be numbers or ratio phrases", path, line)
        expected: tuple[float | str, ...] = tuple(value if isinstance(value, str) else float(value) for value in args[2:])  # type: ignore[arg-type]
        if comparison not in COMPARISONS:
            raise ContentError(f"unknown comparison '{comparison}' in a claim", path, line, hint=f"use one of: {', '.join(COMPARISONS)}")
        if len(expected) != COMPARISONS[comparison]:
            raise ContentError(f"'{comparison}' needs {COMPARISONS[comparison]} value(s), got {len(expected)}", path, line)
        unknown = sorted(set(options) - OPTIONS)
        if unknown:
            raise ContentError(f"unknown claim option '{unknown[0]}'", path, line, hint=f"options: {', '.join(sorted(OPTIONS))}")
        if not options.get("source"):
            raise ContentError('a claim must name its source, e.g. source="hsj"', path, line)
        for value in expected:
            if isinstance(value, str) and parse_ratio(value) is None:
                raise ContentError(f"'{value}' is neither a number nor a ratio such as 'one in 10' or 'a fifth'", path, line)
        margin = options.get("tolerance", options.get("band", DEFAULT_TOLERANCE if comparison == "about" else DEFAULT_BAND))
        if isinstance(margin, bool) or not isinstance(margin, int | float) or margin < 0:
            raise ContentError(f"a claim's tolerance or band must be a number such as 0.1, not {margin!r}", path, line)
        tolerance = float(margin)
        claims.append(
            Claim(
                id=f"claim-{path.stem}-{len(claims) + 1}",
                figures=names,
                comparison=comparison,
                expected=expected,
                source=str(options["source"]),
                path=path,
                line=line,
                sentence="",
                tolerance=tolerance,
                text=str(options.get("text", "")),
                against=str(options.get("against", "")),
            )
        )
    return [replace(claim, sentence=_sentence(lines, claim, claims, figures or {})) for claim in claims]


def _constant(node: jinja2.nodes.Node) -> object:
    if isinstance(node, jinja2.nodes.Const):
        return node.value
    if isinstance(node, jinja2.nodes.List) and all(isinstance(item, jinja2.nodes.Const) for item in node.items):
        return [item.value for item in node.items]  # type: ignore[attr-defined]
    raise ValueError(f"{type(node).__name__} is not a plain value")


_EXPRESSION = re.compile(r"\{\{\s*(.*?)\s*\}\}")


_FIGURE = re.compile(r"""^fig(?:\.(\w+)|\[["']([^"']+)["']\])(?:\.(\w+))?$""")


def _sentence(lines: list[str], claim: Claim, claims: list[Claim], figures: Mapping[str, Figure]) -> str:
    """Return the sentence around the claim, as a reader sees it, with the claim itself in «»."""
    text = lines[claim.line - 1] if 0 < claim.line <= len(lines) else ""
    on_line = iter([c for c in claims if c.line == claim.line])
    marker = "\x00"

    def substitute(match: re.Match[str]) -> str:
        expression = match.group(1)
        if expression.startswith("claim("):
            other = next(on_line, None)
            if other is claim:
                return marker
            return other.phrase if other else "[claim]"
        if re.match(r"\w*url\(", expression):
            return ""  # a link's address: the Markdown link below keeps only its words
        named = _FIGURE.match(expression)
        if named and (named.group(1) or named.group(2)) in figures:
            figure = figures[named.group(1) or named.group(2)]
            variant = named.group(3)
            return figure.words if variant == "words" else figure.digits if variant == "digits" else figure.text
        return f"[{expression}]"

    text = _EXPRESSION.sub(substitute, text)
    text = re.sub(r"<[^>]+>", "", text)  # the sentence is quoted as plain text: drop inline HTML tags
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # and Markdown links, keeping their words
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    chosen = next((s for s in sentences if marker in s), text.strip())
    return chosen.replace(marker, f"«{claim.phrase}»")


def check_claims(claims: list[Claim], figures: Figures, source_ids: set[str]) -> list[ClaimResult]:
    """Return each claim's verdict; fail the build if any claim holds under no assumption."""
    results = []
    for claim in claims:
        if claim.source not in source_ids:
            raise ContentError(f"claim names an unknown source '{claim.source}'", claim.path, claim.line, hint=f"sources: {', '.join(sorted(source_ids))}")
        values = []
        for name in claim.figures:
            if name not in figures:
                raise ContentError(f"claim refers to unknown figure '{name}'", claim.path, claim.line)
            values.append((figures[name], _holds(claim, figures, name)))
        _check_attribution(claim, [figure for figure, _ in values])
        held = [holds for _, holds in values]
        verdict: Verdict = "holds" if all(held) else ("holds under an assumption" if any(held) else "does not hold")
        if verdict == "holds" and any(figure.assumption for figure, _ in values):
            verdict = "holds under an assumption"
        result = ClaimResult(claim, tuple(values), verdict)
        if verdict == "does not hold":
            raise ClaimError(
                f'the claim "{claim.phrase}" does not hold in the sentence "{claim.sentence}": {result.explanation}',
                claim.path,
                claim.line,
                hint="correct the sentence, or the data if it is wrong",
            )
        results.append(result)
    return results


def _check_attribution(claim: Claim, checked: list[Figure]) -> None:
    """Refuse a claim credited to a source that none of its figures comes from, unless it says which source checks it."""
    cited = {source for figure in checked for source in figure.sources}
    if claim.against and claim.against not in cited:
        raise ContentError(
            f"the claim \"{claim.phrase}\" is checked against '{claim.against}', but its figures come from {', '.join(sorted(cited)) or 'no source'}",
            claim.path,
            claim.line,
            hint="name a figure computed from that source's data",
        )
    if cited and claim.source not in cited and not claim.against:
        names = ", ".join(f"'{figure.name}'" for figure in checked)
        raise ContentError(
            f"the claim \"{claim.phrase}\" credits source '{claim.source}', but {names} comes from {', '.join(sorted(cited))}",
            claim.path,
            claim.line,
            hint=f'write source="{sorted(cited)[0]}" and name that source in the sentence',
        )


def _holds(claim: Claim, figures: Figures, name: str) -> bool:
    figure = figures[name]
    if claim.comparison in ("the most", "the second most", "the least"):
        return _rank_holds(claim.comparison, figures, name)
    if not isinstance(figure.value, int | float):
        raise ContentError(f"claim compares figure '{name}', which is not a number", claim.path, claim.line)
    value = float(figure.value)
    expected = [parse_ratio(e) if isinstance(e, str) else float(e) for e in claim.expected]
    target = expected[0] if expected else 0.0
    assert target is not None
    band = claim.tolerance * abs(target)
    checks = {
        "more than": lambda: value > target,
        "fewer than": lambda: value < target,
        "less than": lambda: value < target,
        "at least": lambda: value >= target,
        "at most": lambda: value <= target,
        "exactly": lambda: value == target,
        "about": lambda: abs(value - target) <= band,
        "just over": lambda: target < value <= target + band,
        "just under": lambda: target - band <= value < target,
        "between": lambda: bool(expected[0] is not None and expected[1] is not None and expected[0] <= value <= expected[1]),
    }
    return bool(checks[claim.comparison]())


def _rank_holds(comparison: str, figures: Figures, name: str) -> bool:
    """Rank a per-service figure ('calls_answered.SWASFT') among its siblings."""
    prefix = name.split(".", 1)[0] + "."
    siblings = sorted(
        (float(f.value) for n, f in figures.items() if n.startswith(prefix) and isinstance(f.value, int | float)),
        reverse=comparison != "the least",
    )
    value = figures[name].value
    position = {"the most": 0, "the least": 0, "the second most": 1}[comparison]
    return len(siblings) > position and value == siblings[position] and (position == 0 or siblings[0] != value)
