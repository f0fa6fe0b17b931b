"""The story's own kinds of page: one per service, the services index; their wording, template context and social cards."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from site_builder.cards import Card
from site_builder.render import Page, SiteInfo

from .charts import service_chart_id, shown_services
from .figures import Figures, ServiceFigures
from .regional_figures import GAP, ServicePanel

SERVICES_INDEX = "services/index.html"


def service_output(code: str) -> str:
    """Return the output path of a service's page."""
    return f"services/{code.lower()}/index.html"


def service_url(root: str, code: str) -> str:
    """Return a link to a service's page from a page at `root`."""
    return root + service_output(code)


def service_pages(figures: Figures) -> list[Page]:
    """Return a page for each helping service, one for the service being helped, and the index of them all."""
    pages = [
        _service_page(
            s.code,
            f"{s.name}: calls answered for London",
            f"How many of London Ambulance Service's 999 calls {s.name} answered in winter 2020–21, compared with the other services.",
        )
        for s in figures.services
    ]
    recipient = figures.recipient
    pages.append(
        _service_page(
            recipient.code,
            f"{recipient.name}: the help it received",
            f"Which services answered {recipient.name}'s 999 calls in winter 2020–21, and the police officers who drove its ambulances.",
            extra_charts=("las-calls-by-month",),
        )
    )
    pages.append(
        Page(
            SERVICES_INDEX,
            "Every ambulance service, compared",
            "All the UK ambulance services that answered London's 999 calls in winter 2020–21, with links to a page for each.",
            "services.html",
            nav_title="Services",
            nav_order=2,
        )
    )
    return pages


def _service_page(code: str, title: str, description: str, extra_charts: tuple[str, ...] = ()) -> Page:
    return Page(service_output(code), title, description, "service.html", charts=(service_chart_id("service", code), *extra_charts), subject=code)


@dataclass(frozen=True)
class ServicePageContext:
    """What the story adds to every page's template context: the services a page lists, and the one it is about."""

    services: tuple[ServiceFigures, ...]
    service: ServiceFigures | None
    service_url: Any  # service_url(code): a link to a service's page from this page
    panels: dict[str, ServicePanel]  # every service's own figures, by code
    panel: ServicePanel | None  # the page's service's (or the recipient's)
    subject_name: str  # the name of the service the page is about
    gap_reason: str = GAP  # why a service has no monthly figures

    def names(self) -> dict[str, Any]:
        """Return the names a template sees."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def page_context(page: Page, figures: Figures, root: str) -> Mapping[str, Any]:
    """Return the story's names for a page's template: on a service's page, that service and its neighbours."""
    service = None
    if page.subject and page.subject != figures.recipient.code:
        service = figures.service(page.subject)
    listed = figures.services if page.subject is None else figures.services[shown_services(figures, page.subject)]
    subject_name = service.name if service else figures.recipient.name
    panel = figures.panels.get(page.subject) if page.subject else None
    return ServicePageContext(listed, service, functools.partial(service_url, root), figures.panels, panel, subject_name).names()


def social_cards(figures: Figures, site: SiteInfo) -> dict[str, Card]:
    """Return the social card of the home page and of each service page, by page output."""
    total = figures["calls_answered_total"]
    period = f"From {figures['date_period_start'].text}"
    cards = {"index.html": Card("home", period, total.digits, "999 calls to London answered by other UK ambulance services", site.title)}
    for service in figures.services:
        cards[service_output(service.code)] = Card(
            service.slug,
            service.name,
            service.calls_answered.digits,
            f"of London's 999 calls answered, {service.rank_text} of {figures['helper_services'].digits}",
            site.title,
        )
    recipient = figures.recipient
    cards[service_output(recipient.code)] = Card(recipient.slug, recipient.name, total.digits, "of its 999 calls answered by other services", site.title)
    return cards
