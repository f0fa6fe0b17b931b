"""Read Markdown pages with front matter and render their prose, figures and chart slots."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.nodes
import markdown
import nh3
import yaml
from markupsafe import Markup

from .claims import Claim, extract_claims
from .errors import ContentError, yaml_problem
from .figures import Figure

FRONT_MATTER_FENCE = "---"
FRONT_MATTER_KEYS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "description": str,
    "template": str,
    "nav_title": str,
    "nav_order": int,
    "output": str,
}
REQUIRED_KEYS = ("title", "description")

# Tags and attributes Markdown may produce; anything else in the prose is removed.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "data",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "ul",
    "figure",
    "figcaption",
    "aside",
    "small",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "abbr": {"title"},
    "data": {"value"},
    "time": {"datetime"},
    "div": {"class", "data-chart"},
    "span": {"class"},
    "aside": {"class"},
    "p": {"class"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope", "style"},
    "td": {"style"},
}
CHART_SLOT = re.compile(r'<div data-chart="([a-z0-9-]+)"></div>')


def chart_slot(chart_id: str) -> Markup:
    """Return the block `{{ chart("id") }}` leaves in the prose, filled with the chart after sanitising."""
    return Markup(f'\n<div data-chart="{chart_id}"></div>\n')


@dataclass(frozen=True)
class PageSource:
    """A Markdown page before rendering: its front matter and its body."""

    path: Path
    output: str
    title: str
    description: str
    template: str
    nav_title: str | None
    nav_order: int | None
    body: str
    body_line: int  # file line of the body's first line
    key_lines: dict[str, int] = field(default_factory=dict, compare=False)  # front-matter key -> file line


def output_path_for(path: Path) -> str:
    """Return where a page is written: index.md -> index.html, about.md -> about/index.html."""
    return "index.html" if path.stem == "index" else f"{path.stem}/index.html"


def read_pages(content_dir: Path) -> list[PageSource]:
    """Read every Markdown page in `content_dir`, sorted by file name."""
    if not content_dir.is_dir():
        raise ContentError("the content folder is missing", content_dir)
    pages = [read_page(path) for path in sorted(content_dir.glob("*.md"))]
    if not pages:
        raise ContentError("the content folder has no Markdown pages", content_dir, hint="add index.md")
    _check_unique_outputs(pages, content_dir)
    return pages


def _check_unique_outputs(pages: list[PageSource], content_dir: Path) -> None:
    """Fail when two pages would be written to the same file, blaming the one whose 'output' says so."""
    first_by_output: dict[str, PageSource] = {}
    for page in pages:
        other = first_by_output.setdefault(page.output, page)
        if other is page:
            continue
        culprit, innocent = (other, page) if "output" in other.key_lines and "output" not in page.key_lines else (page, other)
        shown = innocent.path.relative_to(content_dir.parent).as_posix() if innocent.path.is_relative_to(content_dir.parent) else str(innocent.path)
        raise ContentError(
            f"two pages would be written to '{page.output}': this one and {shown}",
            culprit.path,
            culprit.key_lines.get("output"),
            "output" if "output" in culprit.key_lines else None,
            hint="give one of them a different 'output' in its front matter",
        )


def check_templates(pages: Iterable[PageSource], available: Iterable[str]) -> None:
    """Fail on a page whose front matter names a template that does not exist, naming the page and line."""
    known = sorted(available)
    for page in pages:
        if page.template not in known:
            raise ContentError(
                f"unknown template '{page.template}'",
                page.path,
                page.key_lines.get("template"),
                "template",
                hint=_suggest(page.template, known, "template", otherwise=f"templates available: {', '.join(known)}"),
            )


def read_page(path: Path) -> PageSource:
    """Split one page into front matter and body, and check the front matter."""
    if not path.is_file():
        raise ContentError("this is a folder, not a Markdown page", path, hint="rename it, or move the page out of it")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError(f"not UTF-8 text: byte {raw[error.start]:#x} cannot be read", path, line, hint="save it as UTF-8") from None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise ContentError("the page does not start with front matter", path, 1, hint="begin with a line '---', then title: and description:, then '---'")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == FRONT_MATTER_FENCE)
    except StopIteration:
        raise ContentError("the front matter is never closed", path, 1, hint="end it with a line '---'") from None
    front = "".join(lines[1:end])
    meta, key_lines = _parse_front_matter(front, path)
    defaults = {"template": "article.html", "output": output_path_for(path)}
    values = {**defaults, **meta}
    return PageSource(
        path=path,
        output=values["output"],
        title=values["title"],
        description=values["description"],
        template=values["template"],
        nav_title=values.get("nav_title"),
        nav_order=values.get("nav_order"),
        body="".join(lines[end + 1 :]),
        body_line=end + 2,
        key_lines=key_lines,
    )


def _parse_front_matter(front: str, path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        node = yaml.compose(front, Loader=yaml.SafeLoader)
        meta = yaml.safe_load(front)
    except yaml.YAMLError as error:
        problem, line = yaml_problem(error, first_line=2)
        raise ContentError(f"the front matter is not valid YAML: {problem}", path, line) from None
    if not isinstance(meta, dict):
        raise ContentError("the front matter must be key: value lines", path, 2)
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        key_lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value}
    for key, value in meta.items():
        if key not in FRONT_MATTER_KEYS:
            close = difflib.get_close_matches(str(key), FRONT_MATTER_KEYS, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(FRONT_MATTER_KEYS)}"
            raise ContentError(f"unknown front-matter key '{key}'", path, key_lines.get(key), str(key), hint)
        expected = FRONT_MATTER_KEYS[key]
        if not isinstance(value, expected) or isinstance(value, bool):
            wanted = "a whole number" if expected is int else "text"
            raise ContentError(f"'{key}' must be {wanted}, not {_yaml_kind(value)} {value!r}", path, key_lines.get(key), str(key))
    for key in REQUIRED_KEYS:
        if not str(meta.get(key) or "").strip():
            raise ContentError(f"the front matter has no '{key}'", path, 2, key, hint="every page needs a title and a description")
    output = meta.get("output")
    if output is not None and (output.startswith("/") or ".." in output.split("/") or not output.endswith(".html")):
        raise ContentError(f"'output' must be a relative path ending in .html, not {output!r}", path, key_lines.get("output"), "output")
    return meta, key_lines


@dataclass(frozen=True)
class PreparedPage:
    """A page whose body is parsed and checked, with the claims it makes."""

    source: PageSource
    template: jinja2.Template
    claims: tuple[Claim, ...]


class ContentRenderer:
    """Render page bodies: Jinja for figures and charts, then Markdown, then a sanitiser."""

    def __init__(self, figures: Iterable[str] | Mapping[str, Figure], chart_ids: Iterable[str], page_outputs: dict[str, str]) -> None:
        self.figures: Mapping[str, Figure] = figures if isinstance(figures, Mapping) else {}  # their values, for quoting claims' sentences
        self.figure_names = set(figures)
        self.chart_ids = set(chart_ids)
        self.page_outputs = page_outputs  # source file name -> output path
        self.environment = jinja2.Environment(
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )

    def prepare(self, page: PageSource) -> PreparedPage:
        """Parse a page's body, check its references, and collect its claims."""
        source = self._padded(page)
        try:
            tree = self.environment.parse(source)
        except jinja2.TemplateSyntaxError as error:
            raise ContentError(f"template syntax error: {error.message}", page.path, error.lineno) from None
        self._check_references(tree, page)
        claims = extract_claims(tree, page.path, source.splitlines(), self.figures)
        return PreparedPage(page, self.environment.from_string(tree), tuple(claims))  # type: ignore[arg-type]

    def render(self, prepared: PreparedPage, context: dict[str, Any], render_chart: Callable[[str], str]) -> tuple[Markup, list[str]]:
        """Return the page body as safe HTML and the ids of the charts it shows, in order."""
        page, template = prepared.source, prepared.template
        try:
            text = template.render(chart=chart_slot, **context)
        except ContentError:
            raise
        except jinja2.TemplateError as error:
            raise ContentError(_jinja_message(error), page.path, _runtime_line(error, page)) from None
        html = markdown.markdown(text, extensions=["extra", "toc", "sane_lists", "smarty"], output_format="html")
        clean = nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel=None,
        )
        charts = CHART_SLOT.findall(clean)
        # Charts are ours, not the writer's: insert them after sanitising, so their SVG survives.
        body = CHART_SLOT.sub(lambda match: render_chart(match.group(1)), clean)
        return Markup(body), charts

    @staticmethod
    def _padded(page: PageSource) -> str:
        """Return the body padded with blank lines, so Jinja's line numbers are the file's."""
        return "\n" * (page.body_line - 1) + page.body

    def _check_references(self, tree: jinja2.nodes.Template, page: PageSource) -> None:
        """Fail on an unknown figure, chart or page, naming its line, before anything renders."""
        for node in tree.find_all((jinja2.nodes.Getattr, jinja2.nodes.Getitem)):
            target = getattr(node, "node", None)
            if not (isinstance(target, jinja2.nodes.Name) and target.name == "fig"):
                continue
            if isinstance(node, jinja2.nodes.Getattr):
                name = node.attr
            elif isinstance(node, jinja2.nodes.Getitem) and isinstance(node.arg, jinja2.nodes.Const):
                name = str(node.arg.value)
            else:
                continue
            if name not in self.figure_names:
                raise ContentError(f"unknown figure '{name}'", page.path, node.lineno, hint=_suggest(name, self.figure_names, "figure"))
        for call in tree.find_all(jinja2.nodes.Call):
            if not isinstance(call.node, jinja2.nodes.Name) or not call.args:
                continue
            argument = call.args[0]
            value = argument.value if isinstance(argument, jinja2.nodes.Const) else None
            if call.node.name == "chart" and value not in self.chart_ids:
                raise ContentError(f"unknown chart '{value}'", page.path, call.lineno, hint=_suggest(str(value), self.chart_ids, "chart"))
            if call.node.name == "url" and value not in self.page_outputs:
                raise ContentError(f"link to unknown page '{value}'", page.path, call.lineno, hint=_suggest(str(value), self.page_outputs, "page"))


def _yaml_kind(value: object) -> str:
    """Return what YAML made of a value, in a writer's words."""
    kinds = {bool: "true/false", int: "the number", float: "the number", str: "the text", list: "the list", dict: "the key: value pairs"}
    return "nothing" if value is None else kinds.get(type(value), type(value).__name__)


def _suggest(name: str, known: Iterable[str], what: str, otherwise: str | None = None) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else otherwise or f"see the data page for every {what} name"


def _jinja_message(error: jinja2.TemplateError) -> str:
    if isinstance(error, jinja2.UndefinedError):
        return f"undefined name: {error.message}"
    return error.message or type(error).__name__


def _runtime_line(error: BaseException, page: PageSource) -> int | None:
    """Find the template line in a Jinja runtime error's traceback."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return error.lineno
    traceback = error.__traceback__
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line
