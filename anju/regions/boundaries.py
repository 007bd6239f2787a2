"""Reading a county's boundary file (ADR 0028): a GeoJSON FeatureCollection whose features each
name a division by its code and carry a Polygon or MultiPolygon in WGS-84 longitude/latitude.
Everything here is pure (no database): the service matches the codes to divisions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from anju.regions.codes import normalize_code

# The properties a feature may name its division by, in the order they are tried. A 6- or
# 9-digit code (a county's or township's 行政区划代码, as DataV/高德 files carry) is padded to 12.
CODE_PROPERTIES = ("code", "区划代码", "行政区划代码", "统计用区划代码", "adcode")
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")

Ring = list[list[float]]
Polygon = list[Ring]


@dataclass(frozen=True)
class FeatureError:
    index: int  # 1-based position of the feature in the file; 0 for the file itself
    code: str
    message: str

    def __str__(self) -> str:
        if self.index == 0:
            return self.message
        where = f"第 {self.index} 个要素" + (f"（{self.code}）" if self.code else "")
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class ParsedFeature:
    index: int
    code: str
    geometry: dict[str, Any]  # normalised: type and coordinates only, 6 decimals
    label: tuple[float, float]  # longitude, latitude


class BoundaryFileError(ValueError):
    """The file is not a GeoJSON FeatureCollection at all."""


def load_collection(data: bytes) -> list[Any]:
    """The features of a FeatureCollection, or ``BoundaryFileError`` saying what is wrong."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BoundaryFileError("文件不是 UTF-8 编码的文本，请导出为 GeoJSON（.geojson / .json）。") from exc
    except json.JSONDecodeError as exc:
        raise BoundaryFileError(f"文件不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列附近有误）。") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise BoundaryFileError('文件须是 GeoJSON 要素集合（"type": "FeatureCollection"）。')
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryFileError("要素集合中没有要素（features 为空）。")
    return features


def feature_code(feature: dict[str, Any]) -> str:
    """The division code a feature names (12 digits when it can be made so), or ""."""
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        return ""
    for key in CODE_PROPERTIES:
        if props.get(key) not in (None, ""):
            code = normalize_code(props[key])
            return code + "0" * (12 - len(code)) if len(code) in (6, 9) and code.isdigit() else code
    return ""


def _position(raw: Any) -> list[float]:
    if (
        not isinstance(raw, list)
        or len(raw) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw[:2])
    ):
        raise ValueError("坐标须是 [经度, 纬度] 数对")
    lng, lat = float(raw[0]), float(raw[1])
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise ValueError(f"坐标 [{lng}, {lat}] 超出经纬度范围（应为经度在前的 WGS-84 度数）")
    return [round(lng, 6), round(lat, 6)]


def _ring(raw: Any) -> Ring:
    if not isinstance(raw, list):
        raise ValueError("多边形的环须是坐标列表")
    ring = [_position(p) for p in raw]
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))  # an unclosed ring is closed rather than refused
    if len(ring) < 4:
        raise ValueError("多边形的环至少要有 3 个不同的点")
    return ring


def _polygon(raw: Any) -> Polygon:
    if not isinstance(raw, list) or not raw:
        raise ValueError("多边形没有坐标")
    return [_ring(r) for r in raw]


def normalise_geometry(raw: Any) -> dict[str, Any]:
    """The geometry with only its type and checked coordinates, or ``ValueError`` in Chinese."""
    if not isinstance(raw, dict):
        raise ValueError("缺少几何图形（geometry）")
    kind = raw.get("type")
    if kind not in GEOMETRY_TYPES:
        raise ValueError(f"几何类型为 {kind or '空'}，只接受面（Polygon 或 MultiPolygon）")
    coords = raw.get("coordinates")
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": _polygon(coords)}
    if not isinstance(coords, list) or not coords:
        raise ValueError("多面没有坐标")
    return {"type": "MultiPolygon", "coordinates": [_polygon(p) for p in coords]}


def _ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    """Signed area and centroid of a closed ring (shoelace; degrees are fine at county scale)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip((p[:2] for p in ring), (p[:2] for p in ring[1:]), strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-15:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area / 2, cx / (3 * area), cy / (3 * area)


def label_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """Where the name goes: the centroid of the largest polygon's outer ring."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    best = max((_ring_area_centroid(p[0]) for p in polygons), key=lambda a: abs(a[0]))
    return round(best[1], 6), round(best[2], 6)


def parse_features(features: list[Any]) -> tuple[list[ParsedFeature], list[FeatureError]]:
    """Each feature checked on its own (the codes are matched by the service)."""
    parsed: list[ParsedFeature] = []
    errors: list[FeatureError] = []
    seen: dict[str, int] = {}
    for index, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(FeatureError(index, "", '不是 GeoJSON 要素（"type": "Feature"）'))
            continue
        code = feature_code(feature)
        if not code:
            errors.append(FeatureError(index, "", f"属性中没有区划代码（可用 {'、'.join(CODE_PROPERTIES)}）"))
            continue
        if code in seen:
            errors.append(FeatureError(index, code, f"区划代码重复（与第 {seen[code]} 个要素相同）"))
            continue
        seen[code] = index
        try:
            geometry = normalise_geometry(feature.get("geometry"))
        except ValueError as exc:
            errors.append(FeatureError(index, code, str(exc)))
            continue
        parsed.append(ParsedFeature(index, code, geometry, label_point(geometry)))
    return parsed, errors
