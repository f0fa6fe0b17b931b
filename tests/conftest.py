"""Shared fixtures: the real project, built once per session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from site_builder.build import BuildResult, build
from site_builder.config import load_config
from site_builder.writer import MemoryWriter

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


@pytest.fixture(scope="session")
def mutual_aid() -> pd.DataFrame:
    """Return the mutual-aid table as pandas reads it, independently of the builder."""
    return pd.read_csv(ROOT / "data" / "mutual_aid.csv")


def copy_project(destination: Path) -> Path:
    """Copy the parts of the project a build reads into `destination`."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        else:
            shutil.copy2(source, destination / part)
    return destination


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """Return a fresh copy of the project to break or edit."""
    return copy_project(tmp_path / "project")
