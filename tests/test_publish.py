"""What publishing at an address adds: hashed asset names, page addresses, the sitemap, robots.txt and host headers."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ElementTree

import pytest
from conftest import published_asset

from site_builder.build import BuildResult
from site_builder.publish import base_url_problem, hash_asset_names, headers_file, page_url, robots, sitemap

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_stylesheets_and_scripts_are_named_by_their_content_and_the_embed_script_keeps_its_name() -> None:
    files = {"assets/style.css": b"body{}", "assets/charts.js": b"1", "assets/embed.js": b"2", "assets/logo.png": b"3", "index.html": b""}
    names = hash_asset_names(files)
    assert names["assets/style.css"] == f"assets/style.{hashlib.sha256(b'body{}').hexdigest()[:10]}.css"
    assert names["assets/embed.js"] == "assets/embed.js", "other sites paste its address: it must outlive a deploy"
    assert names["assets/logo.png"] == "assets/logo.png" and "index.html" not in names
    changed = hash_asset_names({**files, "assets/style.css": b"body{color:red}"})
    assert changed["assets/style.css"] != names["assets/style.css"] and changed["assets/charts.js"] == names["assets/charts.js"]


def test_the_built_pages_name_the_hashed_assets_and_no_unhashed_copy_is_written(built: BuildResult) -> None:
    for name in ("style.css", "charts.js", "share.js", "embed-frame.js", "vega-runtime.js"):
        published = published_asset(built.files, name)
        assert published.split(".")[-2] == hashlib.sha256(built.files[published]).hexdigest()[:10]
        assert f"assets/{name}" not in built.files
    assert f'href="{published_asset(built.files, "style.css")}"'.encode() in built.files["index.html"]
    assert f'src="../../{published_asset(built.files, "embed-frame.js")}"'.encode() in built.files["embed/calls-by-service/index.html"]
    assert "assets/embed.js" in built.files


def test_without_an_address_there_is_no_sitemap_robots_or_canonical_link_and_the_404_links_from_the_root(built: BuildResult) -> None:
    assert "sitemap.xml" not in built.files and "robots.txt" not in built.files
    assert b'rel="canonical"' not in built.files["index.html"]
    assert b'href="index.html"' in built.files["404.html"] and b'href="/' not in built.files["404.html"]


@pytest.mark.parametrize(
    ("output", "address"),
    [
        ("index.html", "https://example.org/story/"),
        ("services/wmas/index.html", "https://example.org/story/services/wmas/"),
        ("a.html", "https://example.org/story/a.html"),
    ],
)
def test_a_page_is_published_at_its_folder_address(output: str, address: str) -> None:
    assert page_url("https://example.org/story/", output) == address
    assert page_url("", output) == ""


def test_the_sitemap_lists_each_page_once_in_a_stable_order() -> None:
    document = sitemap("https://example.org/", ["services/index.html", "index.html", "services/index.html"])
    assert document == sitemap("https://example.org/", ["index.html", "services/index.html"])
    locations = [loc.text for loc in ElementTree.fromstring(document).iter(f"{SITEMAP}loc")]
    assert locations == ["https://example.org/", "https://example.org/services/"]
    assert b"Sitemap: https://example.org/sitemap.xml" in robots("https://example.org/")


def test_the_headers_file_caches_the_hashed_assets_a_year_under_the_sites_path() -> None:
    text = headers_file("https://example.org/story/", ["assets/style.0123456789.css"]).decode()
    assert "/story/assets/style.0123456789.css\n  Cache-Control: public, max-age=31536000, immutable" in text
    assert text.count("Cache-Control") == 1, "a rule for every path would be merged with the asset's by the host"


@pytest.mark.parametrize("address", ["https://example.org/", "http://127.0.0.1:8080/story/"])
def test_an_http_folder_address_is_accepted(address: str) -> None:
    assert base_url_problem(address) is None
