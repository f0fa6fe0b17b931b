"""Turn the boundary TopoJSON into small, projected, simplified shapes for the map, at build time.

The map's SVG must stay small (its budget is 25 KB gzip), so the geometry is prepared here rather
than in the browser: each shared arc is projected to the map's pixel grid, simplified once with
Douglas-Peucker (so neighbouring areas keep a common border, with no gaps or overlaps), quantised to
whole pixels, and rings too small to see are dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

Point = tuple[float, float]

# Latitude at which an equirectangular projection keeps the UK's proportions (about its middle).
STANDARD_PARALLEL = 54.5
SIMPLIFY_TOLERANCE = 0.6  # pixels: below what the eye can see at the map's size
SMALLEST_RING = 3.0  # square pixels: islands smaller than this are dropped


@dataclass(frozen=True)
class MapShape:
    """One area, in the map's pixel coordinates, with a point inside it for a label."""

    code: str
    name: str
    geometry: dict[str, Any] = field(repr=False)  # GeoJSON Polygon or MultiPolygon, y pointing down
    label_x: float
    label_y: float
    points: int


def map_shapes(topology: dict[str, Any], object_name: str, width: int) -> tuple[list[MapShape], int]:
    """Return each area of `object_name`, fitted to `width` pixels, and the map's height."""
    # Every arc's points in one array: the same arithmetic as point by point, done by numpy and shapely at once.
    points, lengths = _decode_arcs(topology)
    projected = np.column_stack((points[:, 0] * math.cos(math.radians(STANDARD_PARALLEL)), -points[:, 1]))
    (left, top), (right, bottom) = projected.min(axis=0), projected.max(axis=0)
    scale = width / (right - left)
    height = math.ceil((bottom - top) * scale)
    fitted = np.column_stack(((projected[:, 0] - left) * scale, (projected[:, 1] - top) * scale))
    simple = _simplify_all(fitted, lengths)
    shapes: list[MapShape] = []
    for geometry in topology["objects"][object_name]["geometries"]:
        polygons = _polygons(geometry, simple)
        if not polygons:
            continue
        geojson: dict[str, Any] = {"type": "Polygon", "coordinates": polygons[0]} if len(polygons) == 1 else {"type": "MultiPolygon", "coordinates": polygons}
        label = _label_point(geojson)
        properties = geometry.get("properties", {})
        shapes.append(
            MapShape(
                str(properties["code"]),
                str(properties.get("name", properties["code"])),
                geojson,
                label[0],
                label[1],
                sum(len(ring) for polygon in polygons for ring in polygon),
            )
        )
    return shapes, height


def _decode_arcs(topology: dict[str, Any]) -> tuple[np.ndarray, list[int]]:
    """Return every arc's longitude/latitude points, one arc after another, and how many points each has (undoing
    TopoJSON's quantisation and deltas)."""
    arcs = topology["arcs"]
    lengths = [len(arc) for arc in arcs]
    values = np.array([point[:2] for arc in arcs for point in arc]).reshape(-1, 2)
    transform = topology.get("transform")
    if transform is None:
        return values.astype(float), lengths
    # Each arc's deltas summed in order, as they were written (whole numbers in quantised TopoJSON: summed exactly).
    starts = np.cumsum([0, *lengths[:-1]])
    positions = np.concatenate([np.cumsum(values[start : start + n], axis=0) for start, n in zip(starts, lengths, strict=True)]) if arcs else values
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    return np.column_stack((positions[:, 0] * sx + tx, positions[:, 1] * sy + ty)), lengths


def _simplify_all(points: np.ndarray, lengths: list[int]) -> list[list[tuple[int, int]]]:
    """Simplify every arc (its ends stay put, so shared borders still meet) and snap it to whole pixels.

    `points` holds the arcs one after another, `lengths` how many points each has. Arcs of two points stay as they are.
    """
    starts = np.cumsum([0, *lengths])
    long = [i for i, n in enumerate(lengths) if n > 2]
    index = np.repeat(np.arange(len(long)), [lengths[i] for i in long])
    rows = np.concatenate([np.arange(starts[i], starts[i + 1]) for i in long]) if long else np.array([], dtype=int)
    lines = shapely.simplify(shapely.linestrings(points[rows], indices=index), SIMPLIFY_TOLERANCE, preserve_topology=False)
    kept = dict(zip(long, (shapely.get_coordinates(line) for line in lines), strict=True))
    return [_snap(kept[i] if i in kept else points[starts[i] : starts[i + 1]]) for i in range(len(lengths))]


def _snap(arc: np.ndarray) -> list[tuple[int, int]]:
    """Round an arc to whole pixels (half to even, as Python's round), without repeating a point."""
    snapped: list[tuple[int, int]] = []
    for x, y in np.rint(arc).astype(int).tolist():
        point = (x, y)
        if not snapped or snapped[-1] != point:
            snapped.append(point)
    return snapped


def _ring(indexes: list[int], arcs: list[list[tuple[int, int]]]) -> list[list[int]]:
    points: list[tuple[int, int]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return [list(p) for p in points]


def _polygons(geometry: dict[str, Any], arcs: list[list[tuple[int, int]]]) -> list[list[list[list[int]]]]:
    """Return the geometry as polygons of rings, without rings too small to see."""
    if geometry["type"] == "Polygon":
        raw = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        raw = geometry["arcs"]
    else:
        return []
    polygons = []
    for polygon in raw:
        rings = [_ring(ring, arcs) for ring in polygon]
        if not _visible(rings[0]):
            continue  # an island that would be a speck: its holes go with it
        polygons.append([rings[0], *(ring for ring in rings[1:] if _visible(ring))])
    return polygons


def _visible(ring: list[list[int]]) -> bool:
    return len(ring) >= 4 and abs(_area(ring)) >= SMALLEST_RING


def _area(ring: list[list[int]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def _label_point(geojson: dict[str, Any]) -> Point:
    """Return a point inside the area's largest part, for its label."""
    geometry = shape(geojson).buffer(0)
    if isinstance(geometry, MultiPolygon):
        geometry = max(geometry.geoms, key=lambda part: part.area)
    assert isinstance(geometry, Polygon)
    point = geometry.representative_point()
    return round(point.x, 1), round(point.y, 1)
