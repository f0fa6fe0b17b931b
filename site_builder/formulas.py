"""Read and work out a figure's formula, as the data page prints it: `category_1_total ÷ calls_answered_total`.

A formula is arithmetic over named values: names (letters, digits, `_` and `.`), numbers (`7`, `0.5`,
`100,000`), `+`, `−`, `×`, `÷` and parentheses, with the usual precedence. It is the expression the figure's
value is computed from, so what a reader is shown cannot drift from what was computed. A value of None
("no data") makes the result None, as does a division by zero; a date minus a date is a number of days.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Number = int | float | dt.date | None

_TOKEN = re.compile(r"\s*(?:(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)|(?P<op>[+−×÷()]))")
_ASCII_HINTS = {"-": "−", "*": "×", "/": "÷"}


class FormulaError(ValueError):
    """A formula that cannot be read or worked out."""


@dataclass(frozen=True)
class _Name:
    name: str


@dataclass(frozen=True)
class _Const:
    value: int | float


@dataclass(frozen=True)
class _Op:
    symbol: str
    left: Node
    right: Node


Node = _Name | _Const | _Op


def _subtract(a: Number, b: Number) -> Number:
    if isinstance(a, dt.date) and isinstance(b, dt.date):
        return (a - b).days
    return a - b  # type: ignore[operator,return-value]


def _divide(a: Number, b: Number) -> Number:
    return None if b == 0 else a / b  # type: ignore[operator]


_APPLY: dict[str, Callable[[Number, Number], Number]] = {
    "+": lambda a, b: a + b,  # type: ignore[operator]
    "−": _subtract,
    "×": lambda a, b: a * b,  # type: ignore[operator]
    "÷": _divide,
}


def names_in(formula: str) -> tuple[str, ...]:
    """Return the names a formula reads, in the order it first reads them."""
    found: dict[str, None] = {}

    def walk(node: Node) -> None:
        if isinstance(node, _Name):
            found[node.name] = None
        elif isinstance(node, _Op):
            walk(node.left)
            walk(node.right)

    walk(parse(formula))
    return tuple(found)


def evaluate(formula: str, values: Mapping[str, Number]) -> Number:
    """Return the value of `formula` with each name taken from `values`."""
    missing = [name for name in names_in(formula) if name not in values]
    if missing:
        known = ", ".join(sorted(values)) or "none"
        raise FormulaError(f"formula {formula!r} reads {missing[0]!r}, which is not among its inputs (known: {known})")

    def value_of(node: Node) -> Number:
        if isinstance(node, _Name):
            return values[node.name]
        if isinstance(node, _Const):
            return node.value
        left, right = value_of(node.left), value_of(node.right)
        if left is None or right is None:
            return None
        return _APPLY[node.symbol](left, right)

    return value_of(parse(formula))


@functools.lru_cache(maxsize=1024)  # every service's figures share a handful of formulas
def parse(formula: str) -> Node:
    """Return the expression tree of a formula, or raise FormulaError saying where it stops making sense."""
    tokens = _tokens(formula)
    node, end = _sum(tokens, 0, formula)
    if end != len(tokens):
        raise FormulaError(f"formula {formula!r}: unexpected {tokens[end]!r} after a complete expression")
    return node


def _tokens(formula: str) -> list[str]:
    tokens, position = [], 0
    text = formula.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            rest = text[position:].strip()
            hint = _ASCII_HINTS.get(rest[:1])
            suggestion = f" (write {hint!r} for {rest[:1]!r})" if hint else ""
            raise FormulaError(f"formula {formula!r}: cannot read {rest[:12]!r}{suggestion}; use names, numbers, + − × ÷ and parentheses")
        tokens.append(match.group().strip())
        position = match.end()
    if not tokens:
        raise FormulaError("formula is empty")
    return tokens


def _sum(tokens: list[str], at: int, formula: str) -> tuple[Node, int]:
    node, at = _product(tokens, at, formula)
    while at < len(tokens) and tokens[at] in ("+", "−"):
        right, end = _product(tokens, at + 1, formula)
        node, at = _Op(tokens[at], node, right), end
    return node, at


def _product(tokens: list[str], at: int, formula: str) -> tuple[Node, int]:
    node, at = _operand(tokens, at, formula)
    while at < len(tokens) and tokens[at] in ("×", "÷"):
        right, end = _operand(tokens, at + 1, formula)
        node, at = _Op(tokens[at], node, right), end
    return node, at


def _operand(tokens: list[str], at: int, formula: str) -> tuple[Node, int]:
    if at >= len(tokens):
        raise FormulaError(f"formula {formula!r} ends where a name or number should be")
    token = tokens[at]
    if token == "(":
        node, end = _sum(tokens, at + 1, formula)
        if end >= len(tokens) or tokens[end] != ")":
            raise FormulaError(f"formula {formula!r}: a '(' is never closed")
        return node, end + 1
    if token[0].isdigit():
        digits = token.replace(",", "")
        return _Const(float(digits) if "." in digits else int(digits)), at + 1
    if token[0].isalpha() or token[0] == "_":
        return _Name(token), at + 1
    raise FormulaError(f"formula {formula!r}: unexpected {token!r} where a name or number should be")
