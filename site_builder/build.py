"""Put the stages in order: load, compute, queue renders, prepare content, plan pages, render, write.

build() reads top to bottom as the stages; each is a function below, taking and returning plain values. What the
preview's builds reuse is a Memo the preview holds and hands in (a plain build reuses nothing and keeps nothing), and
what the command line started before the builder's imports loaded is an EarlyStart (started here if not handed one).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from . import __version__, validation
from .cache import ChartCache
from .cards import CARD_HEIGHT, CARD_WIDTH, Card, CardJob
from .charting import Chart
from .claims import Claim, ClaimResult, check_claims
from .config import Config
from .content import ContentRenderer, PageSource, PreparedPage, check_templates, read_pages
from .data import read_dataset
from .diff import Changes, Record, check_revised, compare
from .early import EarlyStart, start_early
from .embed import EMBED_FOLDER, Embed, iframe_snippet, oembed, plan_embeds, png_size
from .errors import ContentError
from .figures import Figures
from .markup import FigureNamespace
from .model import Dataset, Source
from .package import check_package
from .publish import base_path, hash_asset_names, headers_file, page_url, robots, sitemap
from .published import FIGURES_FILE, SCHEMA_FILE, figures_record, record_bytes, schema_text
from .render import NavLink, Page, PageContext, PageRenderer, SiteInfo, Social, root_for
from .renderer import RenderedChart, RenderJob
from .revisions import REVISION_NOTES, REVISIONS_FILE, Revision, Revisions, read_revisions
from .runtime import vega_runtime
from .story import Story, load_story
from .validation import SchemaCheck, data_fingerprint
from .writer import SiteFiles, Writer

Progress = Callable[[str], None]
ASSETS = "assets"
CHART_FOLDER = "charts"
RUNTIME = f"{ASSETS}/vega-runtime.js"
NOT_FOUND = "404.html"  # the page hosts serve for a missing path, at any depth: a template of that name, when the project has one
DATA_FOLDER = "data"
METHODOLOGY = "methodology/index.html"  # where claims are listed and checked, and revision notes listed


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
    changes: Changes | None = None  # what changed since the previous build, when one was given


@dataclass(frozen=True)
class DataStage:
    """What the data and the chart code produce; a rebuild reuses it while the data files are unchanged."""

    fingerprint: str
    dataset: Dataset
    figures: Figures
    rendered: dict[str, RenderedChart] = field(repr=False)
    files: SiteFiles = field(repr=False)  # chart and data downloads: they depend on nothing else


@dataclass
class Memo:
    """What one build leaves for the next to reuse: the preview holds one, made anew when the story's code or site.yml changes.

    Content, templates and assets are read again on every build, but a page's parse is kept while its text is
    unchanged and Jinja recompiles only templates whose file changed. The data stage (dataset, figures, rendered
    charts) is kept while the data files' contents are unchanged; a change to the story's code needs a new Memo,
    since the stage holds objects made by that code.
    """

    data: DataStage | None = None  # set only by a build that succeeded
    card_pngs: dict[Card, bytes] = field(default_factory=dict)
    runtime: bytes = b""  # the Vega runtime script: the same for every build of this process
    renderer: PageRenderer | None = None  # Jinja recompiles a template only when its file changes
    parses: dict[tuple[object, ...], PreparedPage] = field(default_factory=dict)  # by source, data and what pages may refer to

    def data_for(self, fingerprint: str) -> DataStage | None:
        """Return the data stage if it was built from the data with this fingerprint."""
        return self.data if self.data is not None and self.data.fingerprint == fingerprint else None


@dataclass(frozen=True)
class Computed:
    """The data and the figures, and the charts: drawn already (reused), or queued and drawing (a RenderJob)."""

    dataset: Dataset
    figures: Figures
    charts: Mapping[str, RenderedChart]  # a page waits only for its own charts


@dataclass(frozen=True)
class Content:
    """The content pages, parsed and checked, and the verdicts on the claims they make."""

    renderer: ContentRenderer
    pages: tuple[PreparedPage, ...]
    claims: tuple[ClaimResult, ...]


@dataclass(frozen=True)
class Plan:
    """Every page's place, title and navigation entry, known before any page waits for a chart."""

    outlines: tuple[Page, ...]  # the content pages, without their bodies
    generated: tuple[Page, ...]  # the story's own pages (one per service, say), complete
    nav: tuple[NavLink, ...]
    cards: dict[str, Card]  # each page's social card, by its output


def _quiet(_: str) -> None:
    pass


def build(
    config: Config,
    writer: Writer,
    *,
    cache_dir: Path | None = None,
    progress: Progress = _quiet,
    story: Story | None = None,
    memo: Memo | None = None,
    early: EarlyStart | None = None,
    previous: Record | None = None,
    strict: bool = False,
) -> BuildResult:
    """Build the whole site in memory, then hand every file to the writer at once.

    `memo`: what the preview's earlier builds left to reuse, which this one updates; `early`: the work the command line
    started before the builder's imports loaded; `previous`: the figures.json of the build this one is compared with,
    and with `strict`, a figure it printed that changed with no new revision note stops the build.
    """
    story = story or load_story(config)
    memo = memo or Memo()  # a plain build: nothing to reuse, and what it leaves is dropped
    lap = Laps(progress)
    fingerprint = data_fingerprint(config.data_dir)
    kept = memo.data = memo.data_for(fingerprint)  # a stage built from other data is dropped, even if this build fails
    early = early or start_early(config, cache_dir, data=kept is None, runtime_script=not memo.runtime)
    cache = ChartCache(cache_dir)
    data = compute(config, story, kept=kept, early=early, cache=cache, fingerprint=fingerprint, lap=lap)
    site = SiteInfo(config.title, config.description, config.publisher, config.language)
    all_cards = story.cards(data.figures, site)
    cards = queue_cards(all_cards.values(), drawn=memo.card_pngs, cache_dir=cache_dir)  # they need the figures only
    memo.renderer = templates = memo.renderer or PageRenderer(config.templates_dir)
    content = prepare_content(config.content_dir, story, data=data, templates=templates, parses=memo.parses, fingerprint=fingerprint)
    lap("content")
    _report_claims(content.claims, data.dataset.sources, progress)
    revisions = read_revisions(config.content_dir / REVISIONS_FILE, data.figures)
    plan = plan_pages(content, story.pages(data.figures), all_cards)
    sharing = Sharing(templates, data.charts, config.base_url)
    shared = Shared(
        site, plan.nav, data.figures, data.dataset, sharing, content.claims, plan.cards, story, Revisions.of(revisions, log=METHODOLOGY + "#revisions")
    )
    try:
        # Pages name the assets by their content's digest, so the runtime is needed before the first page
        # (read from the installation; bundled meanwhile only where the set-up did not install it).
        memo.runtime = memo.runtime or vega_runtime(cache_dir, early.runtime)  # from the installed package, never committed
        assets = published_assets({**_asset_files(config.templates_dir / ASSETS), RUNTIME: memo.runtime}, templates)
        files, pages = render(plan, content, shared, writer=writer, assets=assets)
        files.update(publishing_files(pages, shared, base_url=config.base_url))
        stage = kept or keep_data(data, fingerprint)
        files.update(stage.files)
        record = publish_figures(shared, content=content, pages=pages, files=files)
        changes = compare_with(previous, record, strict=strict, revisions=revisions, revisions_path=config.content_dir / REVISIONS_FILE)
        writer.stage(files)  # the social cards are drawn last: write the rest meanwhile
        memo.card_pngs.update(cards.collect())
        files.update({card.output: memo.card_pngs[card] for card in plan.cards.values()})
        lap("pages", "" if kept else f" (rendered alongside; charts: {cache.misses} drawn, {cache.hits} from cache)")
        writer.write_site(files)
    except BaseException:
        writer.discard()
        raise
    lap("write")
    memo.data = stage  # only a build that succeeded is kept for reuse
    return BuildResult(files, pages, data.figures, lap.timings, cache.hits, cache.misses, stage.rendered, kept is not None, changes)


def compute(config: Config, story: Story, *, kept: DataStage | None, early: EarlyStart, cache: ChartCache, fingerprint: str, lap: Laps) -> Computed:
    """Load and check the data, compute its figures and queue its charts; or reuse what a build of the same data kept."""
    if kept is not None:
        lap("data", " (unchanged: data, figures and charts reused)")
        return Computed(kept.dataset, kept.figures, kept.rendered)
    package = check_package(config.datapackage)  # the package's own problem (a missing file, say) comes first
    with schemas_checked(config.datapackage, early.schema_check, fingerprint=fingerprint):
        dataset = load(config.datapackage, package, story)
        lap("data")
        figures = story.compute_figures(dataset)
        lap("figures")
        data = Computed(dataset, figures, queue_renders(story.charts(figures, dataset), cache))
    lap("charts", " (built; rendering alongside)")
    return data


def compare_with(previous: Record | None, record: Record, *, strict: bool, revisions: tuple[Revision, ...], revisions_path: Path) -> Changes | None:
    """Return what changed since the previous build, if there is one; with `strict`, stop at a change no new note covers."""
    if previous is None:
        return None
    changes = compare(previous, record)
    if strict:
        check_revised(changes, revisions=revisions, previous=previous, revisions_path=revisions_path)
    return changes


class Laps:
    """Time the stages one after another, and report each as it ends."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.clock = time.perf_counter()

    def __call__(self, stage: str, note: str = "") -> None:
        """Record the time since the last stage ended as `stage`'s, and report it."""
        now = time.perf_counter()
        self.timings[stage] = now - self.clock
        self.clock = now
        self.progress(f"{stage:<10} {self.timings[stage] * 1000:6.0f} ms{note}")


# The stages, in build()'s order ---------------------------------------------------------------


@contextlib.contextmanager
def schemas_checked(datapackage: Path, started: SchemaCheck | None, *, fingerprint: str) -> Iterator[None]:
    """Await the data's check against its schemas once the block is done, or as soon as it fails.

    The check runs in a render process meanwhile; its problem, if any, is raised before any the block met, as if
    the data had been checked first (a value that breaks a schema can stop the reading with a plainer message).
    """
    try:
        yield
    except Exception:
        validation.check(datapackage, started, fingerprint=fingerprint)
        raise
    validation.check(datapackage, started, fingerprint=fingerprint)


def load(datapackage: Path, package: tuple[dict[str, Any], dict[str, dict[str, Any]]], story: Story) -> Dataset:
    """Read the tables of a package that check_package passed, and check them against the story's own rules."""
    dataset = read_dataset(datapackage, *package)
    story.check_data(dataset)
    return dataset


def queue_renders(charts: Iterable[Chart], cache: ChartCache) -> RenderJob:
    """Queue each chart in the render processes as soon as it is built, so it is drawn while the next is built."""
    rendering = RenderJob(cache)
    for chart in charts:
        rendering.add(chart)
    return rendering


@dataclass(frozen=True)
class QueuedCards:
    """The social cards no earlier build drew, drawing in the render processes."""

    cards: tuple[Card, ...]
    job: CardJob

    def collect(self) -> dict[Card, bytes]:
        """Wait for the cards; return each one's PNG."""
        if not self.cards:
            return {}
        drawn = self.job.collect()
        return {card: drawn[card.output] for card in self.cards}


def queue_cards(cards: Iterable[Card], *, drawn: Mapping[Card, bytes], cache_dir: Path | None) -> QueuedCards:
    """Queue the social cards not `drawn` already in the render processes."""
    missing = tuple(card for card in cards if card not in drawn)
    job = CardJob(cache_dir)
    for card in missing:
        job.add(card)
    return QueuedCards(missing, job)


def prepare_content(
    content_dir: Path, story: Story, *, data: Computed, templates: PageRenderer, parses: dict[tuple[object, ...], PreparedPage], fingerprint: str
) -> Content:
    """Read the content pages, parse and check each one, and check the claims they make against the data.

    `parses`: the parses of earlier builds, reused while a page's text, the data and the pages it may link to are
    unchanged; this build's are kept in it, and those of other data dropped.
    """
    sources = read_pages(content_dir)
    check_templates(sources, templates.templates())
    renderer = ContentRenderer(data.figures, story.chart_ids(data.figures), _page_names(sources, story))
    prepared = tuple(_prepare(renderer, source, parses, fingerprint) for source in sources)
    claims = check_claims([c for p in prepared for c in p.claims], data.figures, set(data.dataset.sources))
    return Content(renderer, prepared, tuple(claims))


def _prepare(content: ContentRenderer, source: PageSource, parses: dict[tuple[object, ...], PreparedPage], fingerprint: str) -> PreparedPage:
    """Return a page parsed and checked, reusing the last parse of the same text against the same data and pages."""
    key = (source.path, source, fingerprint, tuple(sorted(content.page_outputs.items())))
    if key not in parses:
        # Keep one parse per file, and only those made against the current data.
        for stale in [k for k in parses if k[0] == source.path or k[2] != fingerprint]:
            del parses[stale]
        parses[key] = content.prepare(source)
    return parses[key]


def plan_pages(content: Content, generated: list[Page], cards: Mapping[str, Card]) -> Plan:
    """Return every page's place, title and navigation entry, and its social card, checking no two share an output."""
    outlines = tuple(_outline(item.source) for item in content.pages)
    every_page = [*outlines, *generated]
    _check_unique_outputs(every_page)
    outputs = {page.output for page in every_page}
    return Plan(
        outlines=outlines,
        generated=tuple(generated),
        nav=_navigation(every_page),
        cards={output: card for output, card in cards.items() if output in outputs},
    )


def published_assets(assets: SiteFiles, templates: PageRenderer) -> SiteFiles:
    """Return the assets under their published names, and tell the templates those names (asset("style.css"))."""
    names = hash_asset_names(assets)
    templates.asset_names = names
    return {names[name]: content for name, content in assets.items()}


def render(plan: Plan, content: Content, shared: Shared, *, writer: Writer, assets: SiteFiles) -> tuple[SiteFiles, list[Page]]:
    """Render every page and embed; return the files and the pages.

    Pages render in the order their charts were queued (the story's generated pages first, then the content's), each
    waiting only for its own charts, and each batch is written into the staging folder while the next charts are drawn.
    """
    files = dict(assets)
    writer.stage(files)
    files.update(_render_pages(plan.generated, shared))
    writer.stage(files)
    content_pages = _content_pages(plan.outlines, content, shared)
    files.update(_render_pages(content_pages, shared))
    pages = [*content_pages, *plan.generated]
    files.update(_embed_files(pages, shared.site, shared.sharing, plan.cards))
    return files, pages


def publishing_files(pages: list[Page], shared: Shared, *, base_url: str) -> SiteFiles:
    """Return what hosts and search engines read: the 404 page, the host headers, and with an address the sitemap and robots.txt."""
    hashed = [published for name, published in shared.sharing.renderer.asset_names.items() if published != name]
    files: SiteFiles = {"_headers": headers_file(base_url, hashed)}
    if NOT_FOUND in shared.sharing.renderer.templates():
        files[NOT_FOUND] = _not_found_page(shared, base_url)
    if base_url:  # a sitemap and robots.txt need absolute addresses
        files["sitemap.xml"] = sitemap(base_url, [page.output for page in pages])
        files["robots.txt"] = robots(base_url)
    return files


def publish_figures(shared: Shared, *, content: Content, pages: list[Page], files: SiteFiles) -> Record:
    """Add figures.json (what the site said: figures, claims, charts' data, revision notes) and its schema beside the data package."""
    chart_pages: dict[str, list[str]] = {}
    for page in pages:
        for chart_id in page.charts:
            chart_pages.setdefault(chart_id, []).append(page.output)
    rendered = shared.sharing.rendered
    record = figures_record(
        figures=shared.figures,
        quotes={output: quoting.quoted for output, quoting in shared.revisions.quoting.items()},
        claims=content.claims,
        claim_pages={item.source.path.name: item.source.output for item in content.pages},
        charts={chart_id: (rendered[chart_id].chart.title, files[f"{CHART_FOLDER}/{chart_id}.csv"], chart_pages.get(chart_id, ())) for chart_id in rendered},
        revisions=shared.revisions.notes,
    )
    files[f"{DATA_FOLDER}/{FIGURES_FILE}"] = record_bytes(record)
    files[f"{DATA_FOLDER}/{SCHEMA_FILE}"] = schema_text()
    return record


def keep_data(data: Computed, fingerprint: str) -> DataStage:
    """Wait for every chart to be drawn; return what a rebuild from the same data may reuse, with the charts' and data's downloads."""
    rendered = data.charts.collect() if isinstance(data.charts, RenderJob) else dict(data.charts)
    return DataStage(fingerprint, data.dataset, data.figures, rendered, {**_chart_files(rendered), **_data_files(data.dataset)})


# Helpers of the stages ------------------------------------------------------------------------


def _page_names(sources: list[PageSource], story: Story) -> dict[str, str]:
    """Return the names content may link to with url(): its own files, and the pages the story names."""
    outputs = {source.path.name: source.output for source in sources}
    outputs.update(story.page_names())
    return outputs


def _report_claims(results: tuple[ClaimResult, ...], sources: Mapping[str, Source], progress: Progress) -> None:
    conditional = [r for r in results if r.verdict != "holds"]
    progress(f"claims     {len(results) - len(conditional)} hold, {len(conditional)} hold only under an assumption")
    for result in conditional:
        claim = result.claim
        progress(f'  note: {claim.path.name}, line {claim.line}: "{claim.phrase}" {result.verdict}: {result.explanation}')
    for result in results:  # one source's number checked against another's data
        claim = result.claim
        if claim.against:
            credited = sources[claim.source].publisher if claim.source in sources else claim.source
            against = f"{sources[claim.against].publisher}, {sources[claim.against].title}" if claim.against in sources else claim.against
            progress(f'  checked: {claim.path.name}, line {claim.line}: "{claim.phrase}" ({credited}) against {against}: {result.verdict}')


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


def _content_pages(outlines: tuple[Page, ...], content: Content, shared: Shared) -> list[Page]:
    pages = []
    for outline, item in zip(outlines, content.pages, strict=True):
        source = item.source
        root = root_for(source.output)
        # claim() prints each claim in document order; the build has already checked them.
        claims = iter(item.claims)
        context = {
            "fig": FigureNamespace(shared.figures, root, shared.revisions.quoting_for(source.output)),
            "claim": functools.partial(_next_claim_link, claims, root),
            "url": functools.partial(_page_link, content.renderer.page_outputs, root),
            "root": root,
            **shared.story.content_context(root),
        }
        body, chart_list = content.renderer.render(item, context, functools.partial(_chart_block, shared.sharing, root))
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
    revisions: Revisions


def _render_pages(pages: Iterable[Page], shared: Shared) -> SiteFiles:
    return {page.output: _page_html(page, shared, root_for(page.output)) for page in pages}


def _not_found_page(shared: Shared, base_url: str) -> bytes:
    """Return the 404 page. Hosts serve it for a missing path at any depth, so with a published address its links
    start from that address's path (/story/...), whatever the missing path was; without one, from the site's root."""
    page = Page(NOT_FOUND, "Page not found", shared.site.description, NOT_FOUND)
    return _page_html(page, shared, base_path(base_url))


def _page_html(page: Page, shared: Shared, root: str) -> bytes:
    """Render one page whose links start from `root`, with the notes about any revised figure it quotes."""
    sharing = shared.sharing
    context = PageContext(
        site=shared.site,
        page=page,
        root=root,
        nav=shared.nav,
        fig=FigureNamespace(shared.figures, root, shared.revisions.quoting_for(page.output)),
        figures=shared.figures,
        dataset=shared.dataset,
        charts=sharing.rendered,
        claims=shared.claims,
        social=_page_social(page, shared.cards.get(page.output) or shared.cards.get("index.html"), sharing, root),
        chart_blocks={chart_id: sharing.chart_block(chart_id, root) for chart_id in page.charts if page.source is None},
        revisions=shared.revisions.notes,
        revision_notes=REVISION_NOTES,
        extra=shared.story.page_context(page, shared.figures, root),
    )
    html = shared.revisions.notes_block(page, sharing.renderer.render_page(context), renderer=sharing.renderer, root=root)
    return html.encode("utf-8")


def _page_social(page: Page, card: Card | None, sharing: Sharing, root: str) -> Social | None:
    if card is None:  # a story with no social cards
        return None
    return Social(
        type="article",
        title=page.title,
        description=page.description,
        url="" if page.output == NOT_FOUND else page_url(sharing.base_url, page.output),  # a 404 has no address of its own
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
            page_url(sharing.base_url, embed.output),
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
