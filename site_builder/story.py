"""The interface between the engine and a story: the few things the engine asks of the story it builds.

A story is a Python package beside `site.yml` (named by its `story:` setting) whose `create(options, settings)`
returns an object with the methods of `Story`. The engine loads, validates, renders, writes, checks and previews;
the story says what its data must satisfy, computes its figures, makes its charts, and names its own kinds of
generated page, their template context and their social cards: as Pelican's generators each produce one kind
of content behind one interface. No engine module imports a story.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from .cards import Card
from .charting import Chart
from .config import Config
from .errors import ConfigError
from .figures import Figures
from .model import Dataset
from .render import Page, SiteInfo


class Story(Protocol):
    """What the engine asks of a story."""

    def check_data(self, dataset: Dataset) -> None:
        """Check the story's own rules across its tables (a schema can't state them); raise DataError."""

    def compute_figures(self, dataset: Dataset) -> Figures:
        """Return every figure the prose, pages and charts quote."""

    def chart_ids(self, figures: Figures) -> list[str]:
        """Return the id of every chart `charts` will make (content may place any of them)."""

    def charts(self, figures: Figures, dataset: Dataset) -> Iterator[Chart]:
        """Make the charts one by one, so each goes to be rendered while the next is made."""

    def pages(self, figures: Figures) -> list[Page]:
        """Return the pages the story generates from its data (not from content/), with their charts."""

    def page_names(self) -> dict[str, str]:
        """Return the generated pages content may link to with url(name), by name."""

    def content_context(self, root: str) -> Mapping[str, Any]:
        """Return the names the story adds to every content page's template context, for a page at `root`."""

    def page_context(self, page: Page, figures: Figures, root: str) -> Mapping[str, Any]:
        """Return the names the story adds to a page template's context (its own kinds of page among them)."""

    def cards(self, figures: Figures, site: SiteInfo) -> dict[str, Card]:
        """Return each page's social card by page output; the home page's ("index.html") stands in for the rest."""


class PlainStory:
    """The story of a site with no `story:` setting: pages from content/ only, no figures or charts of its own."""

    def check_data(self, dataset: Dataset) -> None:
        """Check nothing beyond the engine's own rules."""

    def compute_figures(self, dataset: Dataset) -> Figures:
        """Return no figures."""
        return Figures([])

    def chart_ids(self, figures: Figures) -> list[str]:
        """Return no charts."""
        return []

    def charts(self, figures: Figures, dataset: Dataset) -> Iterator[Chart]:
        """Make no charts."""
        return iter(())

    def pages(self, figures: Figures) -> list[Page]:
        """Generate no pages."""
        return []

    def page_names(self) -> dict[str, str]:
        """Name no generated pages."""
        return {}

    def content_context(self, root: str) -> Mapping[str, Any]:
        """Add nothing to content pages."""
        return {}

    def page_context(self, page: Page, figures: Figures, root: str) -> Mapping[str, Any]:
        """Add nothing to page templates."""
        return {}

    def cards(self, figures: Figures, site: SiteInfo) -> dict[str, Card]:
        """Return no social cards."""
        return {}


def load_story(config: Config) -> Story:
    """Import the story package `config.story` names (a folder beside site.yml) and create its story from the settings."""
    if config.story is None:
        if config.options:
            unknown = sorted(config.options)[0]
            raise ConfigError(f"unknown key '{unknown}'", config.settings_path, column=unknown, hint="a story's own settings need a 'story:' package")
        return PlainStory()
    module = story_module(config)
    create = getattr(module, "create", None)
    if create is None:
        raise ConfigError(f"the story package '{config.story.name}' has no create(options, settings) function", config.story / "__init__.py")
    story: Story = create(dict(config.options), config.settings_path)
    return story


def story_module(config: Config) -> ModuleType:
    """Import the story's package from its folder (once per process), and return it.

    It is imported from the folder itself, not searched for on sys.path: a package of the same name from another
    project loaded before (one process building two projects, as the benchmark does) is unloaded first.
    """
    assert config.story is not None
    folder = config.story.resolve()
    init = folder / "__init__.py"
    if not init.is_file():
        raise ConfigError(f"no story package at '{config.story}'", config.settings_path, column="story", hint="name a folder holding the story's __init__.py")
    name = folder.name
    loaded = sys.modules.get(name)
    if loaded is not None and Path(loaded.__file__ or "").resolve() == init:
        return loaded
    for stale in story_modules(name):
        del sys.modules[stale]
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(folder)])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def story_modules(package: str) -> list[str]:
    """Return the names of the loaded modules of a story package, the package itself first."""
    return [name for name in sys.modules if name == package or name.startswith(package + ".")]


def load_figures(config: Config) -> tuple[Story, Dataset, Figures]:
    """Load the story and the data, check the data, and compute the figures: the stages before the charts."""
    from .data import load_dataset  # pandas: only where the data is read

    story = load_story(config)
    dataset = load_dataset(config.datapackage)
    story.check_data(dataset)
    return story, dataset, story.compute_figures(dataset)


def build_charts(story: Story, figures: Figures, dataset: Dataset) -> dict[str, Chart]:
    """Make every chart of the story (not yet rendered), by id."""
    return {chart.id: chart for chart in story.charts(figures, dataset)}
