"""One exception family for every mistake a user can make in their own files."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path


@dataclass
class BuildError(Exception):
    """A problem in the user's files that stops the build.

    `path` is the file at fault; `line` and `column` say where, when known: `column` is a
    CSV column, or the key in a JSON or YAML file. `hint` says how to fix it, when we can tell.
    """

    message: str
    path: Path | str | None = None
    line: int | None = None
    column: str | None = None
    hint: str | None = None

    kind = "error"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def location(self, root: Path | None = None) -> str:
        """Return 'file, line N, column C' (or 'key K' outside tables) for the parts we know."""
        parts: list[str] = []
        if self.path is not None:
            path = Path(self.path)
            if root is not None:
                with contextlib.suppress(ValueError):  # (a symbolic link is named by itself, not by what it points to)
                    path = (path.parent.resolve() / path.name).relative_to(root.resolve())
            parts.append(path.as_posix())
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            is_table = self.path is not None and Path(self.path).suffix.lower() in (".csv", ".tsv")
            parts.append(f"{'column' if is_table else 'key'} {self.column}")
        return ", ".join(parts)

    def describe(self, root: Path | None = None) -> str:
        """Return the one-paragraph message the command line prints."""
        where = self.location(root)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return f"{self.kind}: {text}"


class DataError(BuildError):
    """A data file or the data package is wrong."""

    kind = "data error"


class ContentError(BuildError):
    """A Markdown page, its front matter or a figure reference is wrong."""

    kind = "content error"


class TemplateError(BuildError):
    """A Jinja template is missing or wrong."""

    kind = "template error"


class ChartError(BuildError):
    """A chart could not be built or rendered."""

    kind = "chart error"


class ClaimError(BuildError):
    """A claim in the prose does not hold for the data."""

    kind = "claim error"


class RevisionError(BuildError):
    """A published figure changed and no revision note says so (a strict build)."""

    kind = "revision error"


class ConfigError(BuildError):
    """The site configuration is wrong."""

    kind = "config error"


def yaml_problem(error: Exception, first_line: int = 1) -> tuple[str, int | None]:
    """Return what a PyYAML error says is wrong and the file line where it noticed, for text starting at `first_line`."""
    problem = str(getattr(error, "problem", None) or error)
    mark = getattr(error, "problem_mark", None)
    context, context_mark = getattr(error, "context", None), getattr(error, "context_mark", None)
    if context and context_mark is not None:
        # "while parsing a flow sequence": the mistake is often where that began, not where it was noticed.
        problem += f", {context} that begins on line {context_mark.line + first_line}"
    return problem, (mark.line + first_line if mark is not None else None)
