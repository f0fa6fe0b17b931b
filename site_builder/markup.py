"""How figures appear in HTML: marked up with their value and linked to their definition."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:  # annotations only: site-builder diff reads figures.json without loading pandas
    from .figures import Figure, Figures

DEFINITIONS_PAGE = "data/index.html"


def figure_anchor(name: str) -> str:
    """Return the id of a figure's definition on the data page."""
    return "fig-" + name.replace(".", "-").replace("_", "-").lower()


@dataclass
class Quoting:
    """What one page quotes (figures.json lists the pages that quote each figure), and the mark a revised figure carries there."""

    marks: Mapping[str, Markup] = field(default_factory=dict)  # by figure name: a link to the page's note about it
    quoted: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class FigureRef:
    """A figure as a template prints it: linked, marked up, in house style."""

    figure: Figure
    root: str
    quoting: Quoting | None = None

    def _wrap(self, text: str, *, link: bool = True) -> Markup:
        figure = self.figure
        mark = self._quote()
        if figure.kind == "text":
            return escape(text) + mark
        # Markup's % escapes its arguments as .format() does, at a third less cost: pages print tens of thousands of figures.
        if figure.value is None:
            inner = Markup('<span class="no-data">%s</span>') % text
        elif figure.kind == "date":
            inner = Markup('<time datetime="%s">%s</time>') % (figure.machine_value, text)
        else:
            inner = Markup('<data value="%s">%s</data>') % (figure.machine_value, text)
        if not link:
            return inner + mark
        href = f"{self.root}{DEFINITIONS_PAGE}#{figure_anchor(figure.name)}"
        return Markup('<a class="figure" href="%s" title="%s">%s</a>') % (href, figure.label, inner) + mark

    def _quote(self) -> Markup | str:
        """Record that this page quotes the figure; return the mark of a revision note about it, if any."""
        if self.quoting is None:
            return ""
        self.quoting.quoted.add(self.figure.name)
        return self.quoting.marks.get(self.figure.name, "")

    def __html__(self) -> str:
        return str(self._wrap(self.figure.text))

    def __str__(self) -> str:
        return self.figure.text

    @property
    def plain(self) -> str:
        """Return the value in house style without markup (for titles and attributes)."""
        self._quote()
        return self.figure.text

    @property
    def digits(self) -> Markup:
        """Return the value with digits even below ten."""
        return self._wrap(self.figure.digits)

    @property
    def words(self) -> Markup:
        """Return a share as a spoken ratio ('about one in nine')."""
        return self._wrap(self.figure.words)

    @property
    def precise(self) -> Markup:
        """Return a share with one decimal place (for ranges that round alike)."""
        return self._wrap(self.figure.precise)

    @property
    def definition(self) -> Markup:
        """Return the value marked up but not linked: the data page, where the figure is defined, prints it so."""
        return self._wrap(self.figure.text, link=False)

    @property
    def value(self) -> object:
        """Return the raw value (for comparisons in templates)."""
        return self.figure.value


class FigureNamespace:
    """`fig.<name>` in content and templates: every figure, linked from a page at `root`."""

    def __init__(self, figures: Figures, root: str, quoting: Quoting | None = None) -> None:
        self._figures = figures
        self._root = root
        self._quoting = quoting

    def __getattr__(self, name: str) -> FigureRef:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return FigureRef(self._figures[name], self._root, self._quoting)
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> FigureRef:
        return FigureRef(self._figures[name], self._root, self._quoting)

    def __contains__(self, name: object) -> bool:
        return name in self._figures

    def ref(self, figure: Figure) -> FigureRef:
        """Return a reference to a figure object (for per-service figures)."""
        return FigureRef(figure, self._root, self._quoting)
