"""Turn pages into HTML with the Jinja templates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .claims import ClaimResult
from .errors import TemplateError
from .figures import Figures
from .formatting import format_date
from .markup import FigureNamespace, figure_anchor
from .model import Dataset
from .renderer import RenderedChart
from .revisions import Revision


@dataclass(frozen=True)
class SiteInfo:
    """The site's own words, shared by every page."""

    title: str
    description: str
    publisher: str
    language: str


@dataclass(frozen=True)
class Social:
    """Open Graph and Twitter card details for one page."""

    type: str
    title: str
    description: str
    url: str
    image: str
    image_width: int
    image_height: int
    image_alt: str


@dataclass(frozen=True)
class NavLink:
    """One entry of the site navigation."""

    title: str
    output: str


@dataclass(frozen=True)
class Page:
    """A page ready to render: where it goes, its words, and which template draws it."""

    output: str
    title: str
    description: str
    template: str
    source: Path | None = None
    body: Markup = Markup("")
    charts: tuple[str, ...] = ()
    subject: str | None = None  # what a page the story generates is about (a service's code, say)
    nav_title: str | None = None
    nav_order: int | None = None


@dataclass(frozen=True)
class PageContext:
    """Everything a page template may use; templates see its attributes by name."""

    site: SiteInfo
    page: Page
    root: str
    nav: tuple[NavLink, ...]
    fig: FigureNamespace
    figures: Figures
    dataset: Dataset
    charts: Mapping[str, RenderedChart] = field(repr=False)
    claims: tuple[ClaimResult, ...] = ()
    social: Social | None = None
    chart_blocks: Mapping[str, Markup] = field(default_factory=dict, repr=False)  # a generated page's charts, drawn
    revisions: tuple[Revision, ...] = ()  # every revision note, newest first (the methodology page lists them)
    revision_notes: Markup = Markup("")  # where the page shows the notes about the figures it quotes, below its <h1>
    extra: Mapping[str, Any] = field(default_factory=dict)  # the names the story adds (see Story.page_context)

    def url(self, output: str) -> str:
        """Return a link from this page to another output path, relative so any sub-path works."""
        return self.root + output

    def is_current(self, output: str) -> bool:
        """Say whether a nav entry is this page (or its section)."""
        if output == self.page.output:
            return True
        section = output.rsplit("/", 1)[0] + "/" if "/" in output else None
        return bool(section) and self.page.output.startswith(section or "")


def root_for(output: str) -> str:
    """Return the relative prefix from a page back to the site root."""
    return "../" * output.count("/")


class PageRenderer:
    """Render pages and chart blocks with the project's templates."""

    def __init__(self, templates_dir: Path) -> None:
        if not templates_dir.is_dir():
            raise TemplateError("the templates folder is missing", templates_dir)
        self.templates_dir = templates_dir
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.globals["figure_anchor"] = figure_anchor
        self.environment.globals["asset"] = self._asset
        self.environment.filters["long_date"] = format_date
        self.asset_names: Mapping[str, str] = {}  # each asset's published (content-hashed) name; set by every build

    @jinja2.pass_context
    def _asset(self, context: jinja2.runtime.Context, name: str) -> str:
        """Return a link from the page being rendered to an asset, by its published name: {{ asset("style.css") }}."""
        published = self.asset_names.get(f"assets/{name}")
        if published is None:
            raise jinja2.TemplateRuntimeError(f"asset({name!r}): there is no {name} in the templates' assets/ folder")
        return str(context["root"]) + published

    def templates(self) -> list[str]:
        """Return the names of the templates a page may use."""
        return self.environment.list_templates(extensions=["html"])

    def render(self, template_name: str, **context: Any) -> str:
        """Render one template; any mistake becomes a TemplateError naming file and line."""
        try:
            template = self.environment.get_template(template_name)
            return template.render(**context)
        except jinja2.TemplateNotFound as error:
            raise TemplateError(
                f"unknown template '{error.name}'",
                self.templates_dir / str(error.name),
                hint=f"templates available: {', '.join(self.environment.list_templates(extensions=['html']))}",
            ) from None
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(f"template syntax error: {error.message}", error.filename or template_name, error.lineno) from None
        except jinja2.UndefinedError as error:
            path, line = _template_frame(error)
            # Jinja names our classes by their module ('site_builder.render.Page object'); say 'a Page'.
            message = re.sub(r"'(?:\w+\.)+(\w+) object'", r"a \1", error.message or "")
            raise TemplateError(
                f"undefined name: {message}", path or self.templates_dir / template_name, line, hint=f"this template can use: {', '.join(sorted(context))}"
            ) from None
        except jinja2.TemplateError as error:
            path, line = _template_frame(error)
            raise TemplateError(str(error.message), path or self.templates_dir / template_name, line) from None
        except OSError as error:  # a template the system won't let us read
            raise TemplateError(f"the template can't be read: {error.strerror or error}", error.filename or self.templates_dir / template_name) from None

    def render_page(self, context: PageContext) -> str:
        """Render a page with its template."""
        return self.render(context.page.template, ctx=context, **_attributes(context))

    def render_chart(self, chart: RenderedChart, root: str, share: str = "") -> str:
        """Render the figure block for one chart (SVG, caption, source, data table, share panel)."""
        return self.render("_chart.html", chart=chart.chart, rendered=chart, root=root, share=Markup(share))


def _attributes(context: PageContext) -> dict[str, Any]:
    names = {name: getattr(context, name) for name in context.__dataclass_fields__ if name != "extra"}
    return {**names, **context.extra}


def _template_frame(error: BaseException) -> tuple[str | None, int | None]:
    """Return the innermost template file and line in a Jinja traceback."""
    traceback = error.__traceback__
    found: tuple[str | None, int | None] = (None, None)
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".html"):
            found = (filename, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found
