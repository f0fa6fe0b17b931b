"""What a site needs to be published at an address: content-hashed asset names, a sitemap, robots.txt, host headers.

Every function takes plain values and returns bytes or names; build.py decides when they are written. Without a
published address the site keeps relative links only, and only the hashed asset names and the headers apply.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

ASSET_FOLDER = "assets"
# Other sites paste a <script src=".../assets/embed.js"> into their pages: its name must outlive every deploy.
STABLE_ASSETS = frozenset({f"{ASSET_FOLDER}/embed.js"})
HASH_LENGTH = 10  # hex digits of the content's SHA-256 in a file name: a collision needs ~10^6 versions of one file
HASHED_SUFFIXES = (".css", ".js")
A_YEAR = 31536000


def base_url_problem(value: str) -> str | None:
    """Return what is wrong with a published address, or None when it is an http(s) address ending in '/'."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{value!r} is not an http(s) address (write it whole, e.g. https://example.org/story/)"
    if parts.query or parts.fragment:
        return f"{value!r} has a query or a fragment; give the folder the site is published in"
    if not value.endswith("/"):
        return f"{value!r} must end in '/' (the folder the site is published in, e.g. {value}/)"
    return None


def base_path(base_url: str) -> str:
    """Return the path part of a published address ('/story/'), or '' when there is no address."""
    return urlsplit(base_url).path if base_url else ""


def page_url(base_url: str, output: str) -> str:
    """Return a page's published address, as hosts serve it: a folder's index.html by the folder's own address."""
    if not base_url:
        return ""
    folder, name = posixpath.split(output)
    return base_url + (f"{folder}/" if folder else "") if name == "index.html" else base_url + output


def hashed_name(name: str, content: bytes) -> str:
    """Return `name` with a digest of `content` before its extension: assets/style.css -> assets/style.0a1b2c3d4e.css."""
    stem, extension = posixpath.splitext(name)
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:HASH_LENGTH]}{extension}"


def hash_asset_names(files: Mapping[str, bytes]) -> dict[str, str]:
    """Return the published name of each asset: stylesheets and scripts by their content's digest, others as they are.

    A redeploy then never pairs new pages with an old stylesheet or script kept by a cache: a changed file is a new
    name, so these can be cached for a year while the pages that name them are revalidated.
    """
    return {
        name: hashed_name(name, content) if name.endswith(HASHED_SUFFIXES) and name not in STABLE_ASSETS else name
        for name, content in sorted(files.items())
        if name.startswith(f"{ASSET_FOLDER}/")
    }


def sitemap(base_url: str, outputs: Iterable[str]) -> bytes:
    """Return sitemap.xml (sitemaps.org 0.9) listing the pages at `outputs`, in a stable order."""
    urls = "".join(f"  <url><loc>{escape(url)}</loc></url>\n" for url in sorted({page_url(base_url, output) for output in outputs}))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'.encode()


def robots(base_url: str) -> bytes:
    """Return robots.txt: every page may be read, and where the sitemap is.

    Crawlers read it only at a host's root: a site published under a sub-path should have its line added to the
    host's own robots.txt (the README says so).
    """
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n".encode()


def headers_file(base_url: str, immutable: Iterable[str]) -> bytes:
    """Return a `_headers` file (Netlify, Cloudflare Pages): the hashed assets cached a year, everything else revalidated.

    Hosts that read it merge every rule that matches a path, so each Cache-Control is given once, to its own files.
    """
    prefix = base_path(base_url) or "/"
    lines = [
        "# Written by site-builder: the headers a static host should send (see the README, Deploying).",
        "# Pages, data and the embed script are revalidated on every visit; hosts do so by default.",
        f"{prefix}*",
        "  X-Content-Type-Options: nosniff",
    ]
    for name in sorted(immutable):
        lines += [f"{prefix}{name}", f"  Cache-Control: public, max-age={A_YEAR}, immutable"]
    return ("\n".join(lines) + "\n").encode()
