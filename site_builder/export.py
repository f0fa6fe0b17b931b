"""Export the explainer as one self-contained HTML file that opens offline from anywhere, or as a PDF printed by Chromium."""

from __future__ import annotations

import base64
import functools
import mimetypes
import posixpath
import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag

from .errors import ConfigError
from .writer import SiteFiles

STORY = "index.html"
DEFINITIONS = "data/index.html"
METHODOLOGY = "methodology/index.html"
_CSS_URL = re.compile(r"url\((['\"]?)([^)'\"]+)\1\)")


def export_single_file(files: SiteFiles, page: str = STORY) -> str:
    """Return `page` as one HTML file: styles, charts and data inlined, no link out of the file.

    Links to figure definitions and claim checks point to appendices copied into the file;
    links to other pages and other hosts keep their words but lose their link.
    """
    soup = _parse(files, page)
    _inline_styles(soup, files, page)
    for element in soup.select("script, link[rel=alternate], details.chart-share, .skip-link, header.site-header"):
        element.decompose()
    for meta in soup.select("meta[property^='og:image'], meta[name^='twitter:image'], meta[property='og:url']"):
        meta.decompose()
    main = soup.find("main")
    assert isinstance(main, Tag)
    wanted_definitions: list[str] = []
    wanted_claims: list[str] = []
    for link in soup.select("a[href]"):
        target, fragment = _resolve(page, str(link["href"]))
        if target == DEFINITIONS and fragment.startswith("fig-"):
            wanted_definitions.append(fragment)
            link["href"] = f"#{fragment}"
        elif target == METHODOLOGY and fragment.startswith("claim-"):
            wanted_claims.append(fragment)
            link["href"] = f"#{fragment}"
        elif target in files and not target.endswith(".html"):
            link["href"] = _data_uri(target, files[target])
            if link.has_attr("download"):
                link["download"] = posixpath.basename(target)
        elif target == page and fragment:
            link["href"] = f"#{fragment}"
        else:
            link.unwrap()  # another page or another host: keep the words, drop the link
    _append_appendix(soup, main, files, METHODOLOGY, "ol.claims > li", wanted_claims, "checks", "How we checked the numbers")
    _append_appendix(soup, main, files, DEFINITIONS, "dl.figure-list > div", wanted_definitions, "figures", "Every figure, defined")
    for svg in soup.select("svg"):
        for attribute in ("xmlns", "xmlns:xlink"):
            if svg.has_attr(attribute):
                del svg[attribute]
    note = soup.new_tag("p", attrs={"class": "export-note"})
    note.string = (
        "This is a single-file copy of the story. The published site also has a page for each service, the data to download and the sources' addresses."
    )
    main.append(note)
    return "<!DOCTYPE html>\n" + str(soup.html) + "\n"


def _parse(files: SiteFiles, page: str) -> BeautifulSoup:
    return BeautifulSoup(files[page].decode("utf-8"), "html.parser")


def _resolve(page: str, href: str) -> tuple[str, str]:
    """Return the site path and fragment a link from `page` points to ('' path for other hosts)."""
    parts = urlsplit(href)
    if parts.scheme or href.startswith("//"):
        return "", ""
    if not parts.path:
        return page, parts.fragment
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))), parts.fragment


def _inline_styles(soup: BeautifulSoup, files: SiteFiles, page: str) -> None:
    for link in soup.select("link[rel=stylesheet]"):
        path, _ = _resolve(page, str(link["href"]))
        css = files[path].decode("utf-8")
        css = _CSS_URL.sub(functools.partial(_inline_css_url, files=files, stylesheet=path), css)
        style = soup.new_tag("style")
        style.string = css
        link.replace_with(style)


def _inline_css_url(match: re.Match[str], files: SiteFiles, stylesheet: str) -> str:
    """Return a stylesheet's url(...) with the file it names inlined."""
    if match.group(2).startswith("data:"):
        return match.group(0)
    target, _ = _resolve(stylesheet, match.group(2))
    return f"url({_data_uri(target, files[target])})"


def _data_uri(path: str, content: bytes) -> str:
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if path.endswith(".csv"):
        kind = "text/csv;charset=utf-8"
    return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


def _append_appendix(
    soup: BeautifulSoup, main: Tag, files: SiteFiles, source_page: str, selector: str, wanted: list[str], section_id: str, heading: str
) -> None:
    """Copy the wanted items (by id) of another page's list into an appendix of this file."""
    if not wanted or source_page not in files:
        return
    source = _parse(files, source_page)
    items = [item for item in source.select(selector) if item.get("id") in set(wanted)]
    container = items[0].parent if items else None
    if container is None:
        return
    section = soup.new_tag("section", attrs={"id": section_id, "class": "appendix"})
    title = soup.new_tag("h2")
    title.string = heading
    section.append(title)
    copy = soup.new_tag(container.name, attrs={"class": " ".join(container.get_attribute_list("class"))})
    for item in items:
        for link in item.select("a[href]"):
            target, fragment = _resolve(source_page, str(link["href"]))
            if target == DEFINITIONS and fragment.startswith("fig-") and fragment in wanted:
                link["href"] = f"#{fragment}"
            else:
                link.unwrap()
        copy.append(item)
    section.append(copy)
    main.append(section)


# Printing to PDF: the same Chromium the browser tests drive (Debian's package), through Playwright.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run")
PAPER = "A4"
# Page numbers in the bottom margin that the stylesheet's @page rule leaves; Chromium fills in the two spans.
PAGE_FOOTER = (
    '<div style="width:100%;font:8pt sans-serif;text-align:center;color:#333"><span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def export_pdf(files: SiteFiles, page: str = STORY, chromium: Path = CHROMIUM) -> bytes:
    """Return `page` printed to PDF from the built files by a Chromium of its own (see `print_pdf`)."""
    if not chromium.exists():
        raise ConfigError("printing to PDF needs Chromium, which is not installed here", chromium, hint="run 'make browser-tools', or apt-get install chromium")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ConfigError("printing to PDF needs the Python package playwright", hint="pip install 'site-builder[pdf]'") from None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=list(CHROMIUM_ARGS))
            try:
                return print_pdf(browser, files, page)
            finally:
                browser.close()
    except PlaywrightError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ConfigError(f"Chromium could not print the page: {first_line}", chromium) from None


def print_pdf(browser: Any, files: SiteFiles, page: str = STORY) -> bytes:
    """Return `page` printed to PDF by `browser` (a Playwright Chromium), as a reader's browser prints it with JavaScript off.

    The built files are written to a temporary folder and the page opened from file:// (the site works there) with
    scripts off, so the static SVG charts print; nothing but local files is loaded. The print stylesheet decides
    what the paper shows.
    """
    with tempfile.TemporaryDirectory(prefix="site-builder-pdf-") as folder:
        for name, content in files.items():
            path = Path(folder, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        context = browser.new_context(java_script_enabled=False)
        # Only the site's own files: the built site asks no other host for anything, and the PDF mustn't either.
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort())
        try:
            tab = context.new_page()
            tab.goto(Path(folder, page).as_uri(), wait_until="load")
            pdf: bytes = tab.pdf(
                format=PAPER, display_header_footer=True, header_template="<span></span>", footer_template=PAGE_FOOTER, outline=True, tagged=True
            )
        finally:
            context.close()
        return pdf
