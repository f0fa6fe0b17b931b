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

from shapely.geometry import LineString, MultiPolygon, Polygon, shape

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
    arcs = _decode_arcs(topology)
    projected = [[_project(lon, lat) for lon, lat in arc] for arc in arcs]
    xs = [x for arc in projected for x, _ in arc]
    ys = [y for arc in projected for _, y in arc]
    left, top = min(xs), min(ys)
    scale = width / (max(xs) - left)
    height = math.ceil((max(ys) - top) * scale)
    fitted = [[((x - left) * scale, (y - top) * scale) for x, y in arc] for arc in projected]
    simple = [_simplify(arc) for arc in fitted]
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


def _decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Return every arc as longitude/latitude points (undoing TopoJSON's quantisation and deltas)."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points: list[Point] = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _project(lon: float, lat: float) -> Point:
    """Project to a plane: equirectangular at the UK's middle latitude, y pointing down."""
    return lon * math.cos(math.radians(STANDARD_PARALLEL)), -lat


def _simplify(arc: list[Point]) -> list[tuple[int, int]]:
    """Simplify one arc (its ends stay put, so shared borders still meet) and snap it to whole pixels."""
    if len(arc) > 2:
        arc = list(LineString(arc).simplify(SIMPLIFY_TOLERANCE, preserve_topology=False).coords)
    snapped: list[tuple[int, int]] = []
    for x, y in arc:
        point = (round(x), round(y))
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
