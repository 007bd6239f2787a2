"""Demo boundary files for 屯留区 and 彭水县 (ADR 0028). The outlines are made up: the county is a
rounded polygon around the demo's coordinates, each township is the part of it nearest its own
(made-up) seat, and each village the part of its township nearest its own seat; the demo's houses
stand around their village's seat. Deterministic, so every `make run` draws the same map."""

from __future__ import annotations

import json
import math
import random
from typing import Any

from anju.regions.choices import RegionLevel
from anju.regions.models import Region, RegionBoundary

Point = tuple[float, float]  # longitude, latitude
Shape = list[Point]

# The county's centre and half-extent in degrees (longitude, latitude): around the demo's points.
COUNTIES: dict[str, tuple[Point, Point]] = {
    "140405000000": ((112.89, 36.32), (0.26, 0.20)),  # 屯留区
    "500243000000": ((108.23, 29.30), (0.30, 0.26)),  # 彭水县
}
OFFICERS = {"140405000000": "tl_county", "500243000000": "ps_county"}


def _county_shape(code: str) -> Shape:
    (cx, cy), (rx, ry) = COUNTIES[code]
    rng = random.Random(f"county-{code}")
    points = []
    for i in range(18):
        angle = 2 * math.pi * i / 18
        wobble = rng.uniform(0.9, 1.05)
        points.append((cx + rx * wobble * math.cos(angle), cy + ry * wobble * math.sin(angle)))
    return points


def _clip(shape: Shape, a: Point, b: Point) -> Shape:
    """The part of ``shape`` nearer ``a`` than ``b`` (one Sutherland–Hodgman pass)."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    dx, dy = b[0] - a[0], b[1] - a[1]

    def inside(p: Point) -> bool:
        return (p[0] - mx) * dx + (p[1] - my) * dy <= 0

    def cross(p: Point, q: Point) -> Point:
        fp = (p[0] - mx) * dx + (p[1] - my) * dy
        fq = (q[0] - mx) * dx + (q[1] - my) * dy
        t = fp / (fp - fq)
        return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))

    out: Shape = []
    for i, q in enumerate(shape):
        p = shape[i - 1]
        if inside(q):
            if not inside(p):
                out.append(cross(p, q))
            out.append(q)
        elif inside(p):
            out.append(cross(p, q))
    return out


def _cells(shape: Shape, seats: dict[str, Point]) -> dict[str, Shape]:
    """The Voronoi cells of ``seats`` inside ``shape``."""
    cells = {}
    for code, seat in seats.items():
        cell = shape
        for other_code, other in seats.items():
            if other_code != code and cell:
                cell = _clip(cell, seat, other)
        if len(cell) >= 3:
            cells[code] = cell
    return cells


def _contains(shape: Shape, p: Point) -> bool:
    inside = False
    for i, (x1, y1) in enumerate(shape):
        x0, y0 = shape[i - 1]
        if (y0 > p[1]) != (y1 > p[1]) and p[0] < x0 + (p[1] - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _seats(shape: Shape, codes: list[str], margin: float) -> dict[str, Point]:
    """A made-up seat for each code, inside ``shape`` and apart from the others where it can."""
    xs, ys = [p[0] for p in shape], [p[1] for p in shape]
    seats: dict[str, Point] = {}
    for code in codes:
        rng = random.Random(f"seat-{code}")
        best: Point | None = None
        for _ in range(200):
            p = (rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys)))
            if not _contains(shape, p):
                continue
            best = best or p
            if all(math.dist(p, q) >= margin for q in seats.values()):
                best = p
                break
        seats[code] = best or (sum(xs) / len(xs), sum(ys) / len(ys))
    return seats


def _area(shape: Shape) -> float:
    return abs(sum(p[0] * q[1] - q[0] * p[1] for p, q in zip(shape, shape[1:] + shape[:1], strict=True))) / 2


def _centroid(shape: Shape) -> Point:
    pairs = list(zip(shape, shape[1:] + shape[:1], strict=True))
    area = sum(p[0] * q[1] - q[0] * p[1] for p, q in pairs) / 2
    if abs(area) < 1e-12:
        return (sum(p[0] for p in shape) / len(shape), sum(p[1] for p in shape) / len(shape))
    x = sum((p[0] + q[0]) * (p[0] * q[1] - q[0] * p[1]) for p, q in pairs) / (6 * area)
    y = sum((p[1] + q[1]) * (p[0] * q[1] - q[0] * p[1]) for p, q in pairs) / (6 * area)
    return (x, y)


def county_layout(code: str) -> tuple[dict[str, Shape], dict[str, Point]]:
    """Every outline of the county (its own, its townships', its villages') and every village's
    seat, by code."""
    county = _county_shape(code)
    prefix = code[:6]
    regions = list(Region.objects.filter(code__subtree=prefix).order_by("code").values_list("code", "level"))
    townships = [c for c, level in regions if level == RegionLevel.TOWNSHIP]
    shapes: dict[str, Shape] = {code: county}
    village_seats: dict[str, Point] = {}
    spread = math.sqrt(_area(county) / max(len(townships), 1))
    for t_code, t_shape in _cells(county, _seats(county, townships, spread * 0.8)).items():
        shapes[t_code] = t_shape
        villages = [c for c, level in regions if level == RegionLevel.VILLAGE and c.startswith(t_code[:9])]
        seats = _seats(t_shape, villages, math.sqrt(_area(t_shape) / max(len(villages), 1)) * 0.7)
        cells = _cells(t_shape, seats)
        shapes.update(cells)
        # The houses gather at the middle of the village's cell, away from its edges.
        village_seats.update({c: _centroid(cells[c]) if c in cells else seat for c, seat in seats.items()})
    return shapes, village_seats


def village_seats(county_code: str) -> dict[str, Point]:
    """Where the demo's houses of each village stand around."""
    return county_layout(county_code)[1]


def boundary_file(county_code: str) -> bytes:
    """The county's made-up boundary file, as an officer would upload it."""
    shapes = county_layout(county_code)[0]
    features: list[dict[str, Any]] = []
    for code, shape in sorted(shapes.items()):
        ring = [[round(x, 6), round(y, 6)] for x, y in shape]
        features.append(
            {
                "type": "Feature",
                "properties": {"区划代码": code},
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def load_demo_boundaries() -> int:
    """Import both counties' boundary files as their county officers; returns the outlines
    written (0 when they were already there)."""
    from anju.accounts.models import User
    from anju.regions.services import boundary_import

    made = 0
    for code, username in OFFICERS.items():
        county = Region.objects.filter(code=code).first()
        officer = User.objects.filter(username=username).first()
        if county is None or officer is None or RegionBoundary.objects.filter(region_code=code).exists():
            continue
        made += boundary_import(
            data=boundary_file(code), filename=f"{county.name}边界（演示）.geojson", county=county, acting_user=officer
        ).imported
    return made
