"""The story: how the UK's ambulance services answered London Ambulance Service's 999 calls in winter 2020–21.

The engine (site_builder) calls it through `create(options, settings)`, which returns an object with the
methods of `site_builder.story.Story`. Its rooms: `rules.py` (what its data must satisfy), `figures.py` (every
number it quotes), `charts.py` (its charts) and `pages.py` (its page kinds, their wording and social cards); the
regional comparison with NHS England's figures and district populations has its own: `regional.py` (the
arithmetic), `regional_rules.py`, `regional_figures.py` and `regional_charts.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from site_builder.cards import Card
from site_builder.charting import Chart
from site_builder.errors import ConfigError
from site_builder.figures import Figures as FigureSet
from site_builder.model import Dataset
from site_builder.render import Page, SiteInfo

from . import (
    charts,
    figures,
    pages,
    regional_charts,  # noqa: F401  (its charts register themselves with charts.chart)
    regional_rules,
    rules,
)

OPTIONS = ("recipient",)  # the story's own settings in site.yml


class AmbulanceStory:
    """London's 999 calls answered elsewhere, told for the service being helped (`recipient`)."""

    def __init__(self, recipient: str) -> None:
        self.recipient = recipient

    def check_data(self, dataset: Dataset) -> None:
        """Check the story's rules across its tables."""
        rules.check_data(dataset, self.recipient)
        regional_rules.check_regional_data(dataset, self.recipient)

    def compute_figures(self, dataset: Dataset) -> figures.Figures:
        """Return every figure the story quotes."""
        return figures.compute_figures(dataset, self.recipient)

    def chart_ids(self, figure_set: FigureSet) -> list[str]:
        """Return the id of every chart."""
        return charts.chart_ids(_own(figure_set))

    def charts(self, figure_set: FigureSet, dataset: Dataset) -> Iterator[Chart]:
        """Make the charts one by one, the services' first."""
        return charts.iter_charts(_own(figure_set), dataset)

    def pages(self, figure_set: FigureSet) -> list[Page]:
        """Return the services' pages and their index."""
        return pages.service_pages(_own(figure_set))

    def page_names(self) -> dict[str, str]:
        """Let content link to the services' index as url("services")."""
        return {"services": pages.SERVICES_INDEX}

    def content_context(self, root: str) -> Mapping[str, Any]:
        """Let content link to a service's page with service_url(code)."""
        return {"service_url": lambda code: pages.service_url(root, code)}

    def page_context(self, page: Page, figure_set: FigureSet, root: str) -> Mapping[str, Any]:
        """Return the services a page lists and the one it is about."""
        return pages.page_context(page, _own(figure_set), root)

    def cards(self, figure_set: FigureSet, site: SiteInfo) -> dict[str, Card]:
        """Return the home page's and each service page's social card."""
        return pages.social_cards(_own(figure_set), site)


def _own(figure_set: FigureSet) -> figures.Figures:
    assert isinstance(figure_set, figures.Figures), "the engine hands back the figures this story computed"
    return figure_set


def create(options: dict[str, Any], settings: Path) -> AmbulanceStory:
    """Return the story, set up from its settings in site.yml."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ConfigError(f"unknown key '{unknown[0]}'", settings, column=unknown[0], hint=f"the story's own keys: {', '.join(OPTIONS)}")
    recipient = options.get("recipient")
    if not isinstance(recipient, str) or not recipient.strip():
        raise ConfigError("key 'recipient' must be a non-empty text", settings, column="recipient")
    return AmbulanceStory(recipient)
