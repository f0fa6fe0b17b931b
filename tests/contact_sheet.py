"""Compose the browser tests' screenshots into a contact sheet, so a person sees the whole site in one look.

Each page becomes a tile: its full-page screenshot shrunk, then cut into strips set side by side (a tall page
reads like newspaper columns), named above. Each width and scheme gets one composed image, and
`contact-sheet.html` lists them, each tile linking to its full screenshot.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pyvips

STRIP_HEIGHT = 1200  # pixels of a tile's strip; a taller page goes on in the next strip, to its right
MOST_STRIPS = 10
SHEET_WIDTH = 4000  # pixels: tiles flow into rows no wider than this
TILE_WIDTH = {360: 180, 1280: 256}  # a strip's width for each screen width (other widths: a fifth)
GAP = 16
WHITE, GREY = [255, 255, 255], [128, 128, 128]
HTML_NAME = "contact-sheet.html"
GROUP = re.compile(r"\d+-[a-z]+")  # a width and a scheme: 360-light


def add_to_contact_sheet(folder: Path, group: str) -> Path:
    """Make a tile of each screenshot in `folder`/`group` (a width and scheme, e.g. '360-dark') and the group's composed
    image, then write contact-sheet.html listing every group made so far; return the HTML file."""
    thumbnails = folder / "thumbnails" / group
    shutil.rmtree(thumbnails, ignore_errors=True)  # no tile of a page that is gone
    thumbnails.mkdir(parents=True)
    tiles = [_tile(shot, thumbnails / shot.name) for shot in sorted((folder / group).glob("*.png"))]
    if tiles:
        _compose([pyvips.Image.new_from_file(str(tile)) for tile in tiles], folder / f"contact-sheet-{group}.png")
    groups = sorted((path.name for path in (folder / "thumbnails").iterdir() if GROUP.fullmatch(path.name)), key=_group_order)
    page = folder / HTML_NAME
    page.write_text(_page("\n".join(_section(folder, name) for name in groups)), encoding="utf-8")
    return page


def _group_order(group: str) -> tuple[int, bool, str]:
    width, _, scheme = group.partition("-")
    return int(width), scheme != "light", scheme


def _tile(screenshot: Path, target: Path) -> Path:
    """Shrink a full-page screenshot, cut it into strips set side by side, name it above, and save it as `target`."""
    full = pyvips.Image.new_from_file(str(screenshot))
    # A very long page (the data page, a hundred screens on a phone) is shrunk further, to MOST_STRIPS strips.
    width = min(TILE_WIDTH.get(full.width, full.width // 5), full.width * MOST_STRIPS * STRIP_HEIGHT // full.height)
    small = pyvips.Image.thumbnail(str(screenshot), max(width, 8), height=10_000_000).copy_memory()
    if small.hasalpha():
        small = small.flatten(background=WHITE)
    strips = [small.crop(0, top, small.width, min(STRIP_HEIGHT, small.height - top)) for top in range(0, small.height, STRIP_HEIGHT)]
    body = pyvips.Image.arrayjoin(strips, across=len(strips), shim=4, background=GREY, valign="low")
    label = pyvips.Image.text(html.escape(screenshot.stem), dpi=110, font="sans").ifthenelse([0, 0, 0], WHITE, blend=True)
    tile = label.join(body, "vertical", shim=4, background=WHITE, expand=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    tile.write_to_file(str(target))
    return target


def _compose(tiles: list[pyvips.Image], target: Path) -> None:
    """Set the tiles in rows no wider than SHEET_WIDTH, top-aligned, on white, and save the sheet as `target`."""
    rows: list[list[pyvips.Image]] = [[]]
    for tile in tiles:
        if rows[-1] and sum(t.width + GAP for t in rows[-1]) + tile.width > SHEET_WIDTH:
            rows.append([])
        rows[-1].append(tile)
    joined = [_join(row, "horizontal") for row in rows]
    _join(joined, "vertical").write_to_file(str(target))


def _join(images: list[pyvips.Image], direction: str) -> pyvips.Image:
    result = images[0]
    for image in images[1:]:
        result = result.join(image, direction, shim=GAP, background=WHITE, expand=True)
    return result


def _section(folder: Path, group: str) -> str:
    width, _, scheme = group.partition("-")
    items = "\n".join(
        f'<li><a href="{group}/{html.escape(tile.name)}"><img src="{_link(folder, tile)}" alt="{html.escape(tile.stem)}" loading="lazy"></a></li>'
        for tile in sorted((folder / "thumbnails" / group).glob("*.png"))
    )
    return (
        f"<section><h2>{width} px, {html.escape(scheme)}</h2>"
        f'<p><a href="contact-sheet-{group}.png">The whole sheet as one image</a>; each tile opens its full screenshot.</p>'
        f"<ul>{items}</ul></section>"
    )


def _link(folder: Path, path: Path) -> str:
    return html.escape(path.relative_to(folder).as_posix())


def _page(sections: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<meta charset="utf-8">\n<title>Contact sheet: every page at every width</title>\n'
        "<style>body{font:15px/1.4 system-ui,sans-serif;margin:1rem}ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;"
        "align-items:flex-start;padding:0}img{display:block;max-height:80vh;border:1px solid #999}</style>\n"
        "<h1>Contact sheet: every page at every width</h1>\n"
        "<p>Written by tests/test_browser.py from its screenshots. Each tile is one page, shrunk, its length cut into columns left to right.</p>\n"
        f"{sections}\n</html>\n"
    )
