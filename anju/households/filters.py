"""One FilterSet per model drives the list page, the API and the export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from anju.core.dbops import Keys
from anju.households.choices import ELDERLY_AGE, Grade, GradeSource, KeyGroup, StructureType
from anju.households.headline import CD_HOUSES
from anju.households.idcard import normalize_id_number
from anju.households.models import House, Household, HouseholdStatus, Member, RenovationHistory
from anju.regions.filters import RegionFilterSet

DANGEROUS = ("C", "D")


def search(
    qs: QuerySet[Any],
    value: str,
    *,
    contains: tuple[str, ...] = (),
    exact: tuple[str, ...] = (),
    id_numbers: tuple[str, ...] = (),
) -> QuerySet[Any]:
    """The lists' free-text ``q``: a part of a name (``contains``), a whole number or code
    (``exact``), or a whole ID number, normalized (18 digits or X, full-width accepted) and
    compared exactly — an ID number is never matched by a part of it."""
    value = value.strip()
    if not value:
        return qs
    condition = Q()
    for field in contains:
        condition |= Q(**{f"{field}__contains": value})
    for field in exact:
        condition |= Q(**{field: value})
    number = normalize_id_number(value)
    for field in id_numbers:
        condition |= Q(**{field: number})
    return qs.filter(condition)


GROUP_CHOICES = [("key", "全部重点对象"), ("general", "一般农户"), *KeyGroup.choices]
YES_NO = [("true", "是"), ("false", "否")]


def _yes_no(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


# Each order ends with the key, so that equal names (or times) cannot put a household on two
# pages or on none as the pages are cut (issue 23, ADR 0048).
SORTS = {
    "region": ("region_code", "head_name", "pk"),
    "name": ("head_name", "pk"),
    "-updated": ("-updated_at", "-pk"),
    "group": ("primary_group", "region_code", "pk"),
}


def _active_status(group: str, household: Any) -> QuerySet[HouseholdStatus]:
    return HouseholdStatus.objects.filter(household=household, group=group, ended_on__isnull=True)


def _elderly_cutoff() -> Any:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - ELDERLY_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ELDERLY_AGE, day=28)


# A house search matching more owners than this (a one-character part) keeps the subquery.
OWNER_KEYS = 5000


def _phone_part(value: str) -> bool:
    """Searched in the phone numbers: three digits or more (a name is never in one, and a part
    shorter than three has no trigram: its index would be read whole, ADR 0051)."""
    return len(value) >= 3 and value.isascii() and value.replace("-", "").isdigit()


class HouseholdFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="搜索", method="filter_q")
    group = django_filters.ChoiceFilter(
        label="类别", choices=GROUP_CHOICES, method="filter_group", empty_label="全部类别"
    )
    only_house = django_filters.ChoiceFilter(
        label="唯一住房",
        choices=[("yes", "有唯一住房"), ("no", "无唯一住房记录")],
        method="filter_only_house",
        empty_label="唯一住房：全部",
    )
    elderly = django_filters.ChoiceFilter(
        label="有 60 岁以上成员", choices=YES_NO, method="filter_elderly", empty_label="有无老人：全部"
    )
    structure = django_filters.ChoiceFilter(
        label="房屋结构", choices=StructureType.choices, method="filter_structure", empty_label="全部结构"
    )
    sort = django_filters.ChoiceFilter(
        label="排序",
        choices=[("name", "按户主姓名"), ("-updated", "最近更新"), ("group", "按类别")],
        method="filter_sort",
        empty_label="按区划排序",
    )

    class Meta:
        model = Household
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        value = value.strip()
        if not value:
            return qs
        number = normalize_id_number(value)
        # The members first, by their indexed exact name or ID number; then one OR over the
        # household's own indexed columns, which PostgreSQL answers from its indexes. An OR
        # across the members join needed DISTINCT and read every household (ADR 0031).
        # Unordered: the members' default order joined every match to its household to sort them.
        by_member = (
            Member.objects.filter(Q(id_number=number) | Q(name=value)).order_by().values_list("household_id", flat=True)
        )
        # The members' households as one array (``__any``): the same ids go into the page's count
        # and its rows, each prepared once rather than one by one per query (ADR 0054).
        found = Q(head_name__grams=value) | Q(head_id_number=number) | Q(pk__any=Keys(by_member))
        if _phone_part(value):
            found |= Q(phone__contains=value)
        return qs.filter(found)

    def filter_group(self, qs: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        if value == "key":
            return qs.exclude(primary_group="")
        if value == "general":
            return qs.filter(primary_group="")
        # Any active status of that group, not only the primary one.
        return qs.filter(Exists(_active_status(value, OuterRef("pk"))))

    def filter_only_house(self, qs: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        has = Exists(House.objects.filter(household=OuterRef("pk"), is_only_house=True))
        return qs.filter(has) if value == "yes" else qs.exclude(has)

    def filter_elderly(self, qs: QuerySet[Household], name: str, raw: str) -> QuerySet[Household]:
        value = _yes_no(raw)
        if value is None:
            return qs
        old = Exists(Member.objects.filter(household=OuterRef("pk"), birth_date__lte=_elderly_cutoff()))
        return qs.filter(old) if value else qs.exclude(old)

    def filter_structure(self, qs: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        return qs.filter(Exists(House.objects.filter(household=OuterRef("pk"), structure=value)))

    def filter_sort(self, qs: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        return qs.order_by(*SORTS.get(value, SORTS["region"]))


class HouseFilter(RegionFilterSet):
    q = django_filters.CharFilter(label="搜索", method="filter_q")
    group = django_filters.ChoiceFilter(
        label="类别", choices=GROUP_CHOICES, method="filter_group", empty_label="全部类别"
    )
    structure = django_filters.ChoiceFilter(label="结构类型", choices=StructureType.choices, empty_label="全部结构")
    is_only_house = django_filters.ChoiceFilter(
        label="唯一住房", choices=YES_NO, method="filter_flag", empty_label="唯一住房：全部"
    )
    is_occupied = django_filters.ChoiceFilter(
        label="住人", choices=YES_NO, method="filter_flag", empty_label="住人：全部"
    )
    elderly = django_filters.ChoiceFilter(
        label="有老人居住", choices=YES_NO, method="filter_elderly", empty_label="有无老人：全部"
    )
    storeys_3plus = django_filters.ChoiceFilter(
        label="3 层及以上", choices=YES_NO, method="filter_storeys", empty_label="层数：全部"
    )
    grade = django_filters.ChoiceFilter(
        label="当前安全等级",
        field_name="current_grade",
        choices=[("CD", "C/D 级危房"), *Grade.choices, ("none", "未定级")],
        method="filter_grade",
        empty_label="等级：全部",
    )
    # The appraiser's queue: C/D by an inspection's first judgement, not yet appraised (ADR 0021).
    awaiting = django_filters.ChoiceFilter(
        label="待鉴定", choices=[("1", "仅看待鉴定")], method="filter_awaiting", empty_label="鉴定：全部"
    )

    headline = django_filters.ChoiceFilter(
        label="统计口径",
        choices=[("cd_houses", "C/D 级危房（与统计大屏同口径）")],
        method="filter_headline",
        empty_label="统计口径：全部",
    )

    class Meta:
        model = House
        fields: list[str] = []

    def filter_headline(self, qs: QuerySet[House], name: str, value: str) -> QuerySet[House]:
        # The dashboard's headline number, by its one definition (docs/numbers.md).
        return qs.filter(CD_HOUSES) if value == "cd_houses" else qs

    def filter_grade(self, qs: QuerySet[House], name: str, value: str) -> QuerySet[House]:
        # The house's one current grade (ADR 0021), as the dashboard counts it — not the
        # inspection's first judgement (``suspected_grade``).
        if value == "CD":
            return qs.filter(CD_HOUSES)
        return qs.filter(current_grade="" if value == "none" else value)

    def filter_awaiting(self, qs: QuerySet[House], name: str, value: str) -> QuerySet[House]:
        return qs.filter(current_grade__in=DANGEROUS, grade_source=GradeSource.INSPECTION) if value == "1" else qs

    def filter_q(self, qs: QuerySet[House], name: str, value: str) -> QuerySet[House]:
        value = value.strip()
        if not value:
            return qs
        owners = Household.objects.filter(Q(head_name__grams=value) | Q(head_id_number=normalize_id_number(value)))
        # The owners as a list of keys when they are few: ``household_id IN (subquery)`` inside
        # an OR cannot use an index, so PostgreSQL read every house (6.8 s for 「王秀」 at
        # 1,000,000); a list joins the address index in one bitmap (ADR 0051).
        keys = list(owners.values_list("pk", flat=True)[: OWNER_KEYS + 1])
        by_owner = Q(household__in=owners.values("pk")) if len(keys) > OWNER_KEYS else Q(household_id__any=Keys(keys))
        return qs.filter(Q(address__grams=value) | by_owner)

    def filter_group(self, qs: QuerySet[House], name: str, value: str) -> QuerySet[House]:
        if value == "key":
            return qs.exclude(household__primary_group="")
        if value == "general":
            return qs.filter(household__primary_group="")
        return qs.filter(Exists(_active_status(value, OuterRef("household_id"))))

    def filter_flag(self, qs: QuerySet[House], name: str, raw: str) -> QuerySet[House]:
        value = _yes_no(raw)
        return qs if value is None else qs.filter(**{name: value})

    def filter_elderly(self, qs: QuerySet[House], name: str, raw: str) -> QuerySet[House]:
        value = _yes_no(raw)
        if value is None:
            return qs
        return qs.filter(elderly_occupants__gt=0) if value else qs.filter(elderly_occupants=0)

    def filter_storeys(self, qs: QuerySet[House], name: str, raw: str) -> QuerySet[House]:
        value = _yes_no(raw)
        if value is None:
            return qs
        return qs.filter(storeys__gte=3) if value else qs.filter(storeys__lt=3)


def _history_years() -> list[tuple[str, str]]:
    """改造年度 choices: the national programme's years up to this one, newest first."""
    return [(str(y), f"{y} 年") for y in range(timezone.localdate().year, 2007, -1)]


class HistoryFilter(RegionFilterSet):
    """历史改造记录 (ADR 0041): the list page, ``/api/history-records/`` and the export."""

    q = django_filters.CharFilter(label="搜索", method="filter_q")
    year = django_filters.ChoiceFilter(label="改造年度", choices=[], empty_label="全部年度")
    method = django_filters.CharFilter(label="改造方式", field_name="method")
    linked = django_filters.ChoiceFilter(
        label="在安居登记",
        choices=[("yes", "已关联农户"), ("no", "未在安居登记")],
        method="filter_linked",
        empty_label="是否已登记",
    )

    class Meta:
        model = RenovationHistory
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Up to this year, read per request. The field is dropped too: once anything (the OpenAPI
        # schema) has built the class's field, every copy would keep its empty choices.
        year = self.filters["year"]
        year.extra["choices"] = _history_years()
        year.__dict__.pop("_field", None)

    def filter_q(self, qs: QuerySet[RenovationHistory], name: str, value: str) -> QuerySet[RenovationHistory]:
        # A part of the name or address, or a whole ID number (never a part of one).
        value = value.strip()
        if not value:
            return qs
        number = normalize_id_number(value)
        return qs.filter(
            Q(head_name__contains=value)
            | Q(address__contains=value)
            | Q(id_number=number)
            | Q(id_number=number.lower())
        )

    def filter_linked(self, qs: QuerySet[RenovationHistory], name: str, value: str) -> QuerySet[RenovationHistory]:
        return qs.filter(household__isnull=value != "yes")
