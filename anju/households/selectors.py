"""Reads of households and houses for pages, the API and exports."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db import connections
from django.db.models import Prefetch, Q, QuerySet

from anju.audit.models import AuditEvent
from anju.core.actors import Viewer
from anju.core.masking import Kind, shown
from anju.households.filters import HistoryFilter, HouseFilter, HouseholdFilter
from anju.households.models import House, Household, HouseholdStatus, Member, RenovationHistory


def household_list(*, viewer: Viewer, params: Any) -> HouseholdFilter:
    # No counts here: counted over the whole scope they cost a GROUP BY of every household
    # before the page is cut (400 ms at 100,000). The page counts its own rows
    # (``with_counts``), the export per chunk (ADR 0031).
    base = Household.objects.visible_to(viewer).select_related("region").order_by("region_code", "head_name", "pk")
    return HouseholdFilter(params, queryset=base)


def with_counts(households: list[Household]) -> list[Household]:
    """Set ``member_count`` and ``house_count`` on one page of households: one query over the
    page's ids (each count from its household index), whatever the size of the list. Written in
    SQL: the same query through the ORM spent ~2 ms compiling its two subqueries, eight times
    what the database takes to answer it (ADR 0054)."""
    ids = [int(h.pk) for h in households]
    if not ids:
        return households
    member, house, household = (m._meta.db_table for m in (Member, House, Household))
    sql = (
        f"SELECT h.id, (SELECT COUNT(*) FROM {member} m WHERE m.household_id = h.id),"
        f" (SELECT COUNT(*) FROM {house} o WHERE o.household_id = h.id)"
        f" FROM {household} h WHERE h.id IN ({', '.join(['%s'] * len(ids))})"
    )
    with connections[Household.objects.db].cursor() as cursor:
        cursor.execute(sql, ids)
        counts = {pk: (members, houses) for pk, members, houses in cursor.fetchall()}
    for h in households:
        h.member_count, h.house_count = counts.get(h.pk, (0, 0))  # type: ignore[attr-defined]  # page-only attributes the table reads
    return households


def house_list(*, viewer: Viewer, params: Any) -> HouseFilter:
    base = (
        House.objects.visible_to(viewer)
        .select_related("region", "household")
        # The key last: owners of the same name in one village would otherwise fall on either
        # side of a page break, shown twice or not at all (ADR 0048).
        .order_by("region_code", "household__head_name", "pk")
    )
    return HouseFilter(params, queryset=base)


def household_detail(*, viewer: Viewer, pk: int) -> Household:
    from anju.core.scoping import get_visible_or_404

    queryset = Household.objects.select_related("region").prefetch_related(
        Prefetch("members", queryset=Member.objects.order_by("birth_date")),
        Prefetch("statuses", queryset=HouseholdStatus.objects.order_by("ended_on", "-certified_on")),
        Prefetch("houses", queryset=House.objects.order_by("-is_only_house", "id")),
    )
    return get_visible_or_404(queryset, viewer, pk=pk)


def household_timeline(*, household: Household, limit: int = 100) -> QuerySet[AuditEvent]:
    """Every audited change of the household, its members, statuses and houses."""
    members = [str(m.pk) for m in household.members.all()]
    statuses = [str(s.pk) for s in household.statuses.all()]
    houses = [str(h.pk) for h in household.houses.all()]
    condition = Q(object_type="households.household", object_id=str(household.pk))
    condition |= Q(object_type="households.member", object_id__in=members)
    condition |= Q(object_type="households.householdstatus", object_id__in=statuses)
    condition |= Q(object_type="households.house", object_id__in=houses)
    return AuditEvent.objects.filter(condition).select_related("actor").order_by("-at", "-id")[:limit]


HOUSEHOLD_EXPORT_HEADERS = (
    "户主姓名",
    "户主身份证号",
    "联系电话",
    "所在村",
    "区划代码",
    "村民小组",
    "住址",
    "重点对象类别",
    "认定部门",
    "认定日期",
    "开户银行",
    "一卡通账号",
    "家庭人口",
)
HOUSEHOLD_EXPORT_WIDTHS = (10, 21, 14, 22, 15, 8, 24, 18, 10, 12, 14, 22, 8)


EXPORT_CHUNK = 2000


def _counted(households: Iterator[Household]) -> Iterator[Household]:
    """The households with their member counts, counted a chunk at a time."""
    while chunk := list(islice(households, EXPORT_CHUNK)):
        yield from with_counts(chunk)


def household_export_rows(*, queryset: QuerySet[Household], viewer: Viewer) -> Any:
    """Rows in the column order the department lists use, so an export can be re-imported;
    personal data as ``viewer`` may see it (``anju.core.masking.POLICY``)."""

    statuses = Prefetch("statuses", queryset=HouseholdStatus.objects.filter(ended_on__isnull=True))
    for h in _counted(queryset.prefetch_related(statuses).iterator(chunk_size=EXPORT_CHUNK)):
        primary = next((s for s in h.statuses.all() if s.group == h.primary_group), None)
        yield (
            h.head_name,
            shown(h.head_id_number, Kind.ID, viewer),
            shown(h.phone, Kind.PHONE, viewer),
            h.region.name,
            h.region_code,
            h.group_name,
            h.address,
            h.group_label,
            primary.get_department_display() if primary else "",
            primary.certified_on.isoformat() if primary else "",
            h.bank_name,
            shown(h.bank_account, Kind.ACCOUNT, viewer),
            getattr(h, "member_count", None),
        )


HOUSE_EXPORT_HEADERS = (
    "户主姓名",
    "户主身份证号",
    "所在村",
    "区划代码",
    "村民小组",
    "房屋地址",
    "结构类型",
    "建造年份",
    "层数",
    "开间数",
    "建筑面积",
    "墙体材料",
    "屋面材料",
    "设防烈度",
    "唯一住房",
    "是否住人",
    "居住人数",
    "60岁以上老人",
    "两头住",
    "传统民居",
    "纬度",
    "经度",
    "当前安全等级",
    "等级来源",
    "定级日期",
    "曾改造年份",
    "曾改造类型",
)


def house_export_rows(*, queryset: QuerySet[House], viewer: Viewer) -> Any:

    yes = {True: "是", False: "否"}
    for h in queryset.iterator(chunk_size=EXPORT_CHUNK):
        yield (
            h.household.head_name,
            shown(h.household.head_id_number, Kind.ID, viewer),
            h.region.name,
            h.region_code,
            h.group_name,
            h.address,
            h.get_structure_display(),
            h.build_year,
            h.storeys,
            h.bays,
            float(h.floor_area) if h.floor_area is not None else None,
            h.wall_material,
            h.roof_material,
            h.seismic_intensity,
            yes[h.is_only_house],
            yes[h.is_occupied],
            h.occupants,
            h.elderly_occupants,
            yes[h.lives_in_two_houses],
            yes[h.is_traditional],
            float(h.latitude) if h.latitude is not None else None,
            float(h.longitude) if h.longitude is not None else None,
            h.current_grade,
            h.get_grade_source_display(),
            h.grade_on,
            h.renovated_year,
            h.get_renovation_programme_display(),
        )


# --- 历史改造记录 (ADR 0041) ---------------------------------------------------------------------

HISTORY_EXPORT_HEADERS = (
    "户主姓名", "身份证号", "所在村", "区划代码", "地址", "改造年度", "改造方式", "补助金额（元）", "竣工日期",
    "安居农户", "来源文件",
)  # fmt: skip
HISTORY_EXPORT_WIDTHS = (10, 20, 14, 14, 30, 8, 12, 12, 11, 10, 24)


def history_list(*, viewer: Viewer, params: Any) -> HistoryFilter:
    base = (
        RenovationHistory.objects.visible_to(viewer)
        .select_related("region", "household", "source")
        .order_by("region_code", "-year", "head_name", "pk")
    )
    return HistoryFilter(params, queryset=base)


def history_methods(*, viewer: Viewer) -> list[str]:
    """The 改造方式 the national system wrote in the user's region, for the filter's choices."""
    return list(
        RenovationHistory.objects.visible_to(viewer).order_by("method").values_list("method", flat=True).distinct()
    )


def history_export_rows(*, queryset: QuerySet[RenovationHistory], viewer: Viewer) -> Iterator[tuple[Any, ...]]:
    for h in queryset.iterator(chunk_size=EXPORT_CHUNK):
        yield (
            h.head_name,
            shown(h.id_number, Kind.ID, viewer),
            h.region.name,
            h.region_code,
            h.address,
            h.year,
            h.method,
            float(h.amount) if h.amount is not None else None,
            h.completed_on,
            "已关联" if h.household_id else "未登记",
            h.source.original_name,
        )
