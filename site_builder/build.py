"""Put the stages in order: load, compute, chart, render content and pages, then write."""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from . import __version__, validation, workers
from .cache import ChartCache
from .cards import CARD_HEIGHT, CARD_WIDTH, Card, CardJob
from .claims import Claim, ClaimResult, check_claims
from .config import Config
from .content import ContentRenderer, PageSource, PreparedPage, check_templates, read_pages
from .data import read_dataset
from .embed import EMBED_FOLDER, Embed, iframe_snippet, oembed, plan_embeds, png_size
from .errors import ContentError
from .figures import Figures
from .markup import FigureNamespace
from .model import Dataset
from .package import check_package
from .render import NavLink, Page, PageContext, PageRenderer, SiteInfo, Social, root_for
from .renderer import RenderedChart, RenderJob
from .runtime import start_bundle, vega_runtime
from .story import Story, load_story
from .validation import data_fingerprint
from .writer import SiteFiles, Writer

Progress = Callable[[str], None]
ASSETS = "assets"
CHART_FOLDER = "charts"
RUNTIME = f"{ASSETS}/vega-runtime.js"
DATA_FOLDER = "data"
METHODOLOGY = "methodology/index.html"  # where claims are listed and checked


@dataclass
class BuildResult:
    """What a build produced, and how long each stage took."""

    files: SiteFiles
    pages: list[Page]
    figures: Figures
    timings: dict[str, float] = field(default_factory=dict)
    cache_hits: int = 0
    cache_misses: int = 0
    rendered: dict[str, RenderedChart] = field(default_factory=dict, repr=False)
    reused_data: bool = False  # the data, figures and charts came from the previous build


@dataclass(frozen=True)
class DataStage:
    """What the data and the chart code produce; a rebuild reuses it while the data files are unchanged."""

    fingerprint: str
    dataset: Dataset
    figures: Figures
    rendered: dict[str, RenderedChart] = field(repr=False)
    files: SiteFiles = field(repr=False)  # chart and data downloads: they depend on nothing else


def _quiet(_: str) -> None:
    pass


def build(config: Config, writer: Writer, *, cache_dir: Path | None = None, progress: Progress = _quiet, story: Story | None = None) -> BuildResult:
    """Build the whole site in memory, then hand every file to the writer at once."""
    return Builder(config, cache_dir=cache_dir, progress=progress, story=story).build(writer)


class Builder:
    """Build the site stage by stage, keeping what the next build may reuse (the preview server holds one).

    Content, templates and assets are read again on every build, but a page's parse is kept while its text is
    unchanged and Jinja recompiles only templates whose file changed. The data stage (dataset, figures,
    rendered charts) is kept while the data files' contents are unchanged; a change to the chart or figure
    code needs a new Builder, since the stage holds objects made by that code.
    """

    def __init__(self, config: Config, *, cache_dir: Path | None = None, progress: Progress = _quiet, story: Story | None = None) -> None:
        self.config = config
        self.story = story or load_story(config)
        self.cache_dir = cache_dir
        self.progress = progress
        self.data_stage: DataStage | None = None
        self.card_pngs: dict[Card, bytes] = {}
        self.runtime: bytes = b""  # the Vega runtime script: the same for every build of this process
        self.renderer: PageRenderer | None = None  # Jinja recompiles a template only when its file changes
        self.prepared: dict[tuple[object, ...], PreparedPage] = {}  # parsed pages, by their source and what they may refer to

    def build(self, writer: Writer) -> BuildResult:
        """Build the site in memory, then hand every file to the writer at once."""
        config, story = self.config, self.story
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str, note: str = "") -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = now - clock
            clock = now
            self.progress(f"{stage:<10} {timings[stage] * 1000:6.0f} ms{note}")

        cache = ChartCache(self.cache_dir)
        if not self.runtime:
            start_bundle(self.cache_dir)  # unless the installation keeps it: a render process bundles it while the build goes on
        site = SiteInfo(config.title, config.description, config.publisher, config.language)
        fingerprint = data_fingerprint(config.data_dir)
        reused = self.data_stage is not None and self.data_stage.fingerprint == fingerprint
        rendering: RenderJob | None = None
        if self.data_stage is not None and reused:
            stage = self.data_stage
            dataset, figures = stage.dataset, stage.figures
            lap("data", " (unchanged: data, figures and charts reused)")
        else:
            self.data_stage = None  # never reuse a stage built from other data, even if this build fails
            if cache.is_empty():
                workers.start()  # every chart will render: start the render processes while the data loads
            # A render process checks the data against its schemas meanwhile (validation.start); its answer is
            # awaited only once the charts are queued, and its problem, if any, comes before any but the
            # package's own (a missing file, say), as if it had been checked first.
            package = check_package(config.datapackage)
            try:
                dataset = read_dataset(config.datapackage, *package)
                story.check_data(dataset)
                lap("data")
                figures = story.compute_figures(dataset)
                lap("figures")
                rendering = RenderJob(cache)
                for chart in story.charts(figures, dataset):
                    rendering.add(chart)  # queued in the render processes at once: drawn while the next is built
            except Exception:
                validation.check(config.datapackage, fingerprint)
                raise
            validation.check(config.datapackage, fingerprint)
            lap("charts", " (built; rendering alongside)")
        # Social cards depend on the figures only: queue them now too.
        all_cards = story.cards(figures, site)
        drawing_cards = self._start_cards(list(all_cards.values()))
        renderer = self.renderer = self.renderer or PageRenderer(config.templates_dir)
        sources = read_pages(config.content_dir)
        check_templates(sources, renderer.templates())
        content = ContentRenderer(figures, story.chart_ids(figures), _page_names(sources, story))
        prepared = [self._prepare(content, source, fingerprint) for source in sources]
        claims = check_claims([c for p in prepared for c in p.claims], figures, set(dataset.sources))
        lap("content")
        _report_claims(claims, self.progress)
        # The charts have been drawing meanwhile; each page waits only for its own charts, in the order they were queued.
        rendered: Mapping[str, RenderedChart] = stage.rendered if rendering is None else rendering
        sharing = Sharing(renderer, rendered, config.base_url)
        # Every page's place, title and navigation entry are known before any page waits for a chart.
        outlines = [_outline(item.source) for item in prepared]
        service_pages = story.pages(figures)
        every_page = outlines + service_pages
        _check_unique_outputs(every_page)
        nav = _navigation(every_page)
        outputs = {page.output for page in every_page}
        cards = {output: card for output, card in all_cards.items() if output in outputs}
        files = _asset_files(config.templates_dir / ASSETS)
        try:
            # Pages are rendered in the order their charts were queued (the services' first, then the story's), and
            # each batch is written into the staging folder while the next charts are drawn.
            writer.stage(files)
            shared = Shared(site, nav, figures, dataset, sharing, tuple(claims), cards, story)
            files.update(_render_pages(service_pages, shared))
            writer.stage(files)
            content_pages = _content_pages(outlines, prepared, content, shared)
            files.update(_render_pages(content_pages, shared))
            pages = content_pages + service_pages
            files.update(_embed_files(pages, site, sharing, cards))
            if rendering is not None:
                every = rendering.collect()
                stage = DataStage(fingerprint, dataset, figures, every, {**_chart_files(every), **_data_files(dataset)})
            files.update(stage.files)
            self.runtime = self.runtime or vega_runtime(self.cache_dir)  # generated from the installed package, never committed
            files[RUNTIME] = self.runtime
            writer.stage(files)  # the social cards are drawn last: write the rest meanwhile
            pngs = drawing_cards()
            files.update({card.output: pngs[card] for card in cards.values()})
            lap("pages", "" if rendering is None else f" (rendered alongside; charts: {cache.misses} drawn, {cache.hits} from cache)")
            writer.write_site(files)
        except BaseException:
            writer.discard()
            raise
        lap("write")
        self.data_stage = stage  # only a build that succeeded is kept for reuse
        return BuildResult(files, pages, figures, timings, cache.hits, cache.misses, stage.rendered, reused)

    def _prepare(self, content: ContentRenderer, source: PageSource, fingerprint: str) -> PreparedPage:
        """Return a page parsed and checked, reusing the last parse of the same text against the same data and pages."""
        key = (source.path, source, fingerprint, tuple(sorted(content.page_outputs.items())))
        if key not in self.prepared:
            # Keep one parse per file, and only those made against the current data.
            self.prepared = {k: v for k, v in self.prepared.items() if k[0] != source.path and k[2] == fingerprint}
            self.prepared[key] = content.prepare(source)
        return self.prepared[key]

    def _start_cards(self, cards: list[Card]) -> Callable[[], dict[Card, bytes]]:
        """Queue the social cards this builder has not drawn before; return what waits for them and gives every card's PNG."""
        missing = [card for card in cards if card not in self.card_pngs]
        job = CardJob(self.cache_dir)
        for card in missing:
            job.add(card)

        def collect() -> dict[Card, bytes]:
            if missing:
                drawn = job.collect()
                self.card_pngs.update({card: drawn[card.output] for card in missing})
            return {card: self.card_pngs[card] for card in cards}

        return collect


def _page_names(sources: list[PageSource], story: Story) -> dict[str, str]:
    """Return the names content may link to with url(): its own files, and the pages the story names."""
    outputs = {source.path.name: source.output for source in sources}
    outputs.update(story.page_names())
    return outputs


def _report_claims(results: list[ClaimResult], progress: Progress) -> None:
    conditional = [r for r in results if r.verdict != "holds"]
    progress(f"claims     {len(results) - len(conditional)} hold, {len(conditional)} hold only under an assumption")
    for result in conditional:
        claim = result.claim
        progress(f'  note: {claim.path.name}, line {claim.line}: "{claim.phrase}" {result.verdict}: {result.explanation}')


def _page_link(outputs: dict[str, str], root: str, name: str) -> str:
    return root + outputs[name]


def _chart_block(sharing: Sharing, root: str, chart_id: str) -> str:
    return sharing.chart_block(chart_id, root)


def _next_claim_link(claims: Iterator[Claim], root: str, *_: object, **__: object) -> Markup:
    """Print the next claim of the page (claims print in document order; the build checked them)."""
    return _claim_link(next(claims), root)


def _claim_link(claim: Claim, root: str) -> Markup:
    return Markup('<a class="claim" href="{}#{}">{}</a>').format(root + METHODOLOGY, claim.id, claim.phrase)


class Sharing:
    """Draw chart blocks with their share panel, and the embed pages and snippets behind it."""

    def __init__(self, renderer: PageRenderer, rendered: Mapping[str, RenderedChart], base_url: str) -> None:
        self.renderer = renderer
        self.rendered = rendered
        self.base_url = base_url
        self.blocks: dict[tuple[str, str], Markup] = {}  # pages at the same depth share a chart's block

    def embed(self, chart_id: str, story_output: str = "") -> Embed:
        """Return the embed of one chart."""
        return plan_embeds(self.rendered, {chart_id: story_output})[0]

    def address(self, path: str, root: str) -> str:
        """Return a link to a site path: absolute when the site's address is known, else relative."""
        return (self.base_url or root) + path

    def chart_block(self, chart_id: str, root: str) -> Markup:
        """Return a chart's figure block with its share panel, for a page at `root`."""
        if (chart_id, root) in self.blocks:
            return self.blocks[chart_id, root]
        embed = self.embed(chart_id)
        share = self.renderer.render(
            "_share.html",
            embed=embed,
            root=root,
            snippet=iframe_snippet(embed, self.address(embed.output, root)),
            script_src=self.address(f"{ASSETS}/embed.js", root),
        )
        block = self.blocks[chart_id, root] = Markup(self.renderer.render_chart(self.rendered[chart_id], root, share))
        return block


def _outline(source: PageSource) -> Page:
    """Return a content page without its body: where it goes, its title and its place in the navigation."""
    return Page(source.output, source.title, source.description, source.template, source.path, nav_title=source.nav_title, nav_order=source.nav_order)


def _content_pages(outlines: list[Page], prepared: list[PreparedPage], content: ContentRenderer, shared: Shared) -> list[Page]:
    pages = []
    for outline, item in zip(outlines, prepared, strict=True):
        source = item.source
        root = root_for(source.output)
        # claim() prints each claim in document order; the build has already checked them.
        claims = iter(item.claims)
        context = {
            "fig": FigureNamespace(shared.figures, root),
            "claim": functools.partial(_next_claim_link, claims, root),
            "url": functools.partial(_page_link, content.page_outputs, root),
            "root": root,
            **shared.story.content_context(root),
        }
        body, chart_list = content.render(item, context, functools.partial(_chart_block, shared.sharing, root))
        pages.append(dataclasses.replace(outline, body=body, charts=tuple(chart_list)))
    return pages


def _check_unique_outputs(pages: list[Page]) -> None:
    seen: dict[str, Page] = {}
    for page in pages:
        if page.output in seen:
            first = seen[page.output]
            other = first.source.name if first.source else f"the generated page {first.title!r}"
            raise ContentError(
                f"two pages would be written to '{page.output}': this one and {other}",
                page.source or first.source or "site_builder/build.py",
                column="output",
                hint="set a different 'output' in the front matter",
            )
        seen[page.output] = page


def _navigation(pages: list[Page]) -> tuple[NavLink, ...]:
    entries = [p for p in pages if p.nav_order is not None]
    entries.sort(key=lambda p: (p.nav_order or 0, p.output))
    return tuple(NavLink(p.nav_title or p.title, p.output) for p in entries)


@dataclass(frozen=True)
class Shared:
    """What every page of one build shares: the site's words, its navigation, the figures and claims, and the story."""

    site: SiteInfo
    nav: tuple[NavLink, ...]
    figures: Figures
    dataset: Dataset
    sharing: Sharing
    claims: tuple[ClaimResult, ...]
    cards: dict[str, Card]
    story: Story


def _render_pages(pages: list[Page], shared: Shared) -> SiteFiles:
    files: SiteFiles = {}
    for page in pages:
        root = root_for(page.output)
        sharing = shared.sharing
        context = PageContext(
            site=shared.site,
            page=page,
            root=root,
            nav=shared.nav,
            fig=FigureNamespace(shared.figures, root),
            figures=shared.figures,
            dataset=shared.dataset,
            charts=sharing.rendered,
            claims=shared.claims,
            social=_page_social(page, shared.cards.get(page.output) or shared.cards.get("index.html"), sharing, root),
            chart_blocks={chart_id: sharing.chart_block(chart_id, root) for chart_id in page.charts if page.source is None},
            extra=shared.story.page_context(page, shared.figures, root),
        )
        files[page.output] = sharing.renderer.render_page(context).encode("utf-8")
    return files


def _page_social(page: Page, card: Card | None, sharing: Sharing, root: str) -> Social | None:
    if card is None:  # a story with no social cards
        return None
    return Social(
        type="article",
        title=page.title,
        description=page.description,
        url=sharing.base_url + page.output if sharing.base_url else "",
        image=sharing.address(card.output, root),
        image_width=CARD_WIDTH,
        image_height=CARD_HEIGHT,
        image_alt=f"{card.kicker}: {card.number} {card.label}",
    )


def _embed_files(pages: list[Page], site: SiteInfo, sharing: Sharing, cards: dict[str, Card]) -> SiteFiles:
    """Return each shown chart's embed page and oEmbed JSON."""
    chart_pages: dict[str, str] = {}
    for page in pages:
        for chart_id in page.charts:
            chart_pages.setdefault(chart_id, page.output)
    files: SiteFiles = {}
    for embed in plan_embeds(sharing.rendered, chart_pages):
        root = root_for(embed.output)
        rendered = sharing.rendered[embed.chart_id]
        png = f"{CHART_FOLDER}/{embed.chart_id}.png"
        social = Social(
            "website",
            embed.title,
            rendered.chart.description,
            sharing.base_url + embed.output if sharing.base_url else "",
            sharing.address(png, root),
            *png_size(rendered.png),
            rendered.chart.description,
        )
        html = sharing.renderer.render(
            "embed.html",
            site=site,
            embed=embed,
            chart=rendered.chart,
            root=root,
            social=social,
            chart_block=Markup(sharing.renderer.render_chart(rendered, root)),
        )
        files[embed.output] = html.encode("utf-8")
        in_folder = "" if not sharing.base_url else sharing.base_url + f"{EMBED_FOLDER}/{embed.chart_id}/"
        files[embed.oembed_output] = oembed(embed, site.title, in_folder + "index.html", (sharing.base_url or root) + png, png_size(rendered.png))
    return files


def _chart_files(rendered: dict[str, RenderedChart]) -> SiteFiles:
    files: SiteFiles = {}
    for chart_id, item in sorted(rendered.items()):
        base = f"{CHART_FOLDER}/{chart_id}"
        files[f"{base}.svg"] = item.svg.encode("utf-8")
        files[f"{base}.png"] = item.png
        # Compact, as the Vega beside it (indented JSON takes Python's slow encoder: tens of milliseconds a build).
        files[f"{base}.vl.json"] = (json.dumps(item.chart.spec, sort_keys=True) + "\n").encode("utf-8")
        files[f"{base}.vg.json"] = (item.vega_json + "\n").encode("utf-8")
        if item.narrow_vega_json is not None:
            files[f"{base}.narrow.vg.json"] = (item.narrow_vega_json + "\n").encode("utf-8")
        files[f"{base}.csv"] = item.chart.table.to_csv().encode("utf-8")
    return files


def _data_files(dataset: Dataset) -> SiteFiles:
    root = dataset.datapackage.parent
    return {f"{DATA_FOLDER}/{path.relative_to(root).as_posix()}": path.read_bytes() for path in dataset.files}


def _asset_files(folder: Path) -> SiteFiles:
    if not folder.is_dir():
        return {}
    return {f"{ASSETS}/{path.relative_to(folder).as_posix()}": path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def version() -> str:
    """Return the builder's version."""
    return __version__
