"""How figures appear in HTML: marked up with their value and linked to their definition."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from .figures import Figure, Figures

DEFINITIONS_PAGE = "data/index.html"


def figure_anchor(name: str) -> str:
    """Return the id of a figure's definition on the data page."""
    return "fig-" + name.replace(".", "-").replace("_", "-").lower()


@dataclass(frozen=True)
class FigureRef:
    """A figure as a template prints it: linked, marked up, in house style."""

    figure: Figure
    root: str

    def _wrap(self, text: str) -> Markup:
        figure = self.figure
        href = f"{self.root}{DEFINITIONS_PAGE}#{figure_anchor(figure.name)}"
        if figure.kind == "text":
            return escape(text)
        # Markup's % escapes its arguments as .format() does, at a third less cost: pages print tens of thousands of figures.
        if figure.value is None:
            inner = Markup('<span class="no-data">%s</span>') % text
        elif figure.kind == "date":
            inner = Markup('<time datetime="%s">%s</time>') % (figure.machine_value, text)
        else:
            inner = Markup('<data value="%s">%s</data>') % (figure.machine_value, text)
        return Markup('<a class="figure" href="%s" title="%s">%s</a>') % (href, figure.label, inner)

    def __html__(self) -> str:
        return str(self._wrap(self.figure.text))

    def __str__(self) -> str:
        return self.figure.text

    @property
    def plain(self) -> str:
        """Return the value in house style without markup (for titles and attributes)."""
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
        from .formatting import format_number

        if self.figure.kind != "share" or self.figure.value is None:
            return self._wrap(self.figure.text)
        return self._wrap(format_number(float(self.figure.value) * 100, 1) + "%")  # type: ignore[arg-type]

    @property
    def value(self) -> object:
        """Return the raw value (for comparisons in templates)."""
        return self.figure.value


class FigureNamespace:
    """`fig.<name>` in content and templates: every figure, linked from a page at `root`."""

    def __init__(self, figures: Figures, root: str) -> None:
        self._figures = figures
        self._root = root

    def __getattr__(self, name: str) -> FigureRef:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return FigureRef(self._figures[name], self._root)
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> FigureRef:
        return FigureRef(self._figures[name], self._root)

    def __contains__(self, name: object) -> bool:
        return name in self._figures

    def ref(self, figure: Figure) -> FigureRef:
        """Return a reference to a figure object (for per-service figures)."""
        return FigureRef(figure, self._root)
