"""Shared fixtures: the real project, built once per session."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, sync_playwright

from site_builder.build import BuildResult, build
from site_builder.config import load_config
from site_builder.writer import DirectoryWriter, MemoryWriter

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("site.yml", "data", "content", "templates")


@pytest.fixture(scope="session")
def project_root() -> Path:
    """Return the real project folder."""
    return ROOT


@pytest.fixture(scope="session", autouse=True)
def chart_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Share one render cache across the session (builds in-process and in subprocesses), so each chart renders once."""
    folder = tmp_path_factory.mktemp("chart-cache")
    previous = os.environ.get("SITE_BUILDER_CACHE")
    os.environ["SITE_BUILDER_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("SITE_BUILDER_CACHE", None)
    else:
        os.environ["SITE_BUILDER_CACHE"] = previous


@pytest.fixture(scope="session")
def built(chart_cache: Path) -> BuildResult:
    """Build the real project into memory once."""
    return build(load_config(ROOT), MemoryWriter(), cache_dir=chart_cache)


def published_asset(files: dict[str, bytes], name: str) -> str:
    """Return the published (content-hashed) path of an asset: 'style.css' -> 'assets/style.0a1b2c3d4e.css'."""
    stem, extension = name.rsplit(".", 1)
    matches = [path for path in files if re.fullmatch(rf"assets/{re.escape(stem)}\.[0-9a-f]{{10}}\.{extension}", path)]
    assert len(matches) == 1, f"expected one published {name}, found {matches}"
    return matches[0]


@pytest.fixture(scope="session")
def mutual_aid() -> pd.DataFrame:
    """Return the mutual-aid table as pandas reads it, independently of the builder."""
    return pd.read_csv(ROOT / "data" / "mutual_aid.csv")


def copy_project(destination: Path, *, with_story: bool = False) -> Path:
    """Copy the parts of the project a build reads into `destination`.

    The copy's settings name the real story package where it is (one process imports one package named
    `story`), unless `with_story`: then the story is copied too, for a test that edits it in a process of its own.
    """
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS + (("story",) if with_story else ()):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, destination / part)
    if not with_story:
        settings = destination / "site.yml"
        text = settings.read_text(encoding="utf-8").replace("story: story ", f"story: {ROOT / 'story'} ", 1)
        settings.write_text(text, encoding="utf-8")
    return destination


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """Return a fresh copy of the project to break or edit."""
    return copy_project(tmp_path / "project")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Turn a skipped browser test into a failure: CI must never pass without running them."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.skipped and item.get_closest_marker("browser") and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} is a browser test and was skipped ({report.longrepr}); browser tests must run: `make test` installs Chromium"


# Browser tests drive Debian's Chromium through Playwright; they fail, never skip, when it is missing.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Launch one headless Chromium for the whole session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make test`, which installs it (apt-get install chromium) when run as root")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 on a free port; yield its base address, ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class names it so
        pass


@pytest.fixture(scope="session")
def site_folder(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the real build to a folder once per session, exactly as `site-builder build` would."""
    folder = tmp_path_factory.mktemp("built") / "site"
    DirectoryWriter(folder).write_site(built.files)
    return folder


@pytest.fixture(scope="session")
def site_url(site_folder: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 for the session."""
    with serve(site_folder) as base:
        yield base
