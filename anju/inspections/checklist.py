"""The initial hazard checklist (农村住房安全性鉴定技术导则's visible signs). Migration 0002 loads
its own frozen copy; ``ensure_checklist`` restores missing items (a flushed test database, a
database created without migrations' data)."""

from __future__ import annotations

ITEMS = [
    ("foundation_settlement", "地基不均匀沉降（墙体斜裂缝、门窗变形）", "foundation", True),
    ("foundation_scour", "地基滑移，或基础被冲刷、掏空", "foundation", True),
    ("wall_tilt", "承重墙体明显倾斜", "wall", True),
    ("wall_through_crack", "墙体贯通裂缝或交叉裂缝", "wall", True),
    ("wall_crack", "墙体局部裂缝", "wall", False),
    ("wall_weathering", "墙体风化、酥碱、剥落", "wall", False),
    ("earth_wall_damp", "土墙受潮、根部侵蚀或掏空", "wall", True),
    ("frame_break", "梁、柱、檩条明显变形或断裂", "frame", True),
    ("timber_decay", "木构件腐朽、虫蛀", "frame", False),
    ("joint_loose", "梁柱节点松动、拔榫", "frame", False),
    ("roof_collapse", "屋面局部塌陷或屋架明显变形", "roof", True),
    ("roof_leak", "屋面漏雨", "roof", False),
    ("roof_tiles", "瓦件滑落、破损", "roof", False),
    ("site_geohazard", "位于滑坡、泥石流等地质灾害隐患点", "site", True),
    ("site_drainage", "房屋周边排水不畅、积水", "site", False),
    ("cave_crack", "窑洞洞顶开裂、掉土", "other", True),
    ("no_seismic", "无圈梁、构造柱等抗震构造措施", "other", False),
]


def ensure_checklist() -> int:
    """Create the items that are missing; never changes or reactivates existing ones."""
    from anju.inspections.models import HazardItem

    existing = set(HazardItem.objects.values_list("code", flat=True))
    missing = [
        HazardItem(code=code, label=label, part=part, serious=serious, order=order * 10)
        for order, (code, label, part, serious) in enumerate(ITEMS, start=1)
        if code not in existing
    ]
    HazardItem.objects.bulk_create(missing)
    return len(missing)
