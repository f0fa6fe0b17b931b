"""Check a built site as a reader meets it: links, anchors, images, titles, and no other hosts."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import BuildError


class CheckProblem(BuildError):
    """A problem found in the built site."""

    kind = "check"


# Attributes that make the browser fetch something; a link (<a href>) only navigates.
_FETCHING = {
    ("img", "src"),
    ("script", "src"),
    ("link", "href"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("img", "srcset"),
    ("source", "srcset"),
    ("object", "data"),
    ("embed", "src"),
    ("image", "href"),
    ("use", "href"),
}
_NAMING_RELS = {"canonical", "alternate"}  # a <link> that names an address rather than loading it
NOT_FOUND = "404.html"  # hosts serve it at any depth: its links start from the published address's path (/story/...)


@dataclass
class _Reference:
    url: str
    line: int
    fetches: bool


@dataclass
class _PageScan:
    ids: set[str] = field(default_factory=set)
    references: list[_Reference] = field(default_factory=list)
    titles: list[tuple[str, int]] = field(default_factory=list)
    images_without_alt: list[int] = field(default_factory=list)
    head_line: int = 1  # where a missing <title> belongs


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = _PageScan()
        self._in_title = False
        self._title = ""
        self._title_line = 0
        self._svg_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.scan.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.scan.ids.add(values["name"])
        if tag == "head":
            self.scan.head_line = line
        if tag == "svg":
            self._svg_depth += 1
        if tag == "title" and self._svg_depth == 0:
            self._in_title, self._title, self._title_line = True, "", line
        if tag == "img" and not values.get("alt", "").strip() and values.get("role") != "presentation" and "alt" not in values:
            self.scan.images_without_alt.append(line)
        for name, value in values.items():
            if name in ("href", "src", "data") or (name == "xlink:href"):
                names_only = tag == "link" and bool(_NAMING_RELS & set(values.get("rel", "").split()))
                fetches = (tag, name) in _FETCHING and not names_only
                self.scan.references.append(_Reference(value, line, fetches))
            if name == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.scan.references.append(_Reference(candidate.split()[0], line, True))
            if name == "style" and "url(" in value:
                self.scan.references.append(_Reference(value.split("url(", 1)[1].split(")", 1)[0].strip("'\""), line, True))

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._svg_depth = max(0, self._svg_depth - 1)
        if tag == "title" and self._in_title:
            self._in_title = False
            self.scan.titles.append((self._title.strip(), self._title_line))

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title += data


def _scan(path: Path) -> _PageScan:
    scanner = _Scanner()
    scanner.feed(path.read_text(encoding="utf-8"))
    scanner.close()
    return scanner.scan


def check_site(site: Path) -> list[CheckProblem]:
    """Return every problem found in the built site at `site` (empty when all is well)."""
    if not (site / "index.html").is_file():
        return [CheckProblem("no built site here (index.html is missing)", site, hint="run site-builder build first")]
    pages = sorted(site.rglob("*.html"))
    scans = {page.relative_to(site).as_posix(): _scan(page) for page in pages}
    problems: list[CheckProblem] = []
    titles: dict[str, str] = {}
    for name, scan in scans.items():
        path = site / name
        if not scan.titles or not scan.titles[0][0]:
            problems.append(CheckProblem("the page has no <title>", path, scan.head_line, hint="add one inside <head>"))
        for title, line in scan.titles[:1]:
            if title in titles:
                problems.append(CheckProblem(f"the title {title!r} is also the title of {titles[title]}", path, line, hint="every page needs its own title"))
            titles.setdefault(title, name)
        for line in scan.images_without_alt:
            problems.append(CheckProblem("an image has no alt text", path, line, hint='add alt="..." describing it, or alt="" if it is decoration'))
        for reference in scan.references:
            problem = _check_reference(site, name, reference, scans)
            if problem:
                problems.append(CheckProblem(problem, path, reference.line))
    return problems


def _check_reference(site: Path, page: str, reference: _Reference, scans: dict[str, _PageScan]) -> str | None:
    url = reference.url.strip()
    if not url or url.startswith(("mailto:", "tel:", "data:")):
        return None
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") or url.startswith("//"):
        if reference.fetches:
            return f"{url} is loaded from another host; the site must work offline"
        return None
    if parts.scheme:
        return f"{url} uses the scheme '{parts.scheme}:', which a static site cannot serve"
    if url.startswith("/") and page == NOT_FOUND:
        return None  # deliberately root-relative; tests/test_deploy.py follows them through a real server
    if url.startswith("/"):
        return f"{url} is a root-relative link; it breaks under a sub-path and from file:// (use a relative link)"
    target = page if not parts.path else posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if target.startswith(".."):
        return f"{url} points outside the site"
    if parts.path.endswith("/") or (site / target).is_dir():
        return f"{url} points to a folder; link to its index.html so the site works from file://"
    if not (site / target).is_file():
        return f"{url} points to {target}, which does not exist"
    if parts.fragment and target.endswith(".html"):
        ids = scans[target].ids if target in scans else set()
        if unquote(parts.fragment) not in ids:
            return f"{url} points to an anchor #{parts.fragment} that {target} does not have"
    return None
