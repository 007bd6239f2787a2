"""Household, member, status and house services: validation, scoping, audit."""

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.households.choices import KeyGroup, Relation, StructureType
from anju.households.models import House, Household, HouseholdStatus
from anju.households.services import (
    house_create,
    household_create,
    household_update,
    key_flags_repair,
    member_add,
    member_remove,
    status_add,
    status_end,
)
from anju.regions.models import Region

from .conftest import make_id


def test_registering_a_household_derives_the_head_and_audits(household: Household, tl_clerk: User) -> None:
    assert household.head_sex == "M" and household.head_birth_date == datetime.date(1956, 3, 12)
    assert household.region_code == "140405102201" and household.primary_group == ""
    assert household.group_label == "一般农户"
    head = household.members.get()
    assert head.relation == Relation.HEAD and head.is_elderly
    event = AuditEvent.objects.get(object_type="households.household")
    assert event.actor == tl_clerk and event.changes["head_name"]["after"] == "牛二旦"


def test_a_bad_id_number_is_refused_with_its_reason(tl_clerk: User, regions: dict[str, Region]) -> None:
    with pytest.raises(ValidationError, match="校验位错误"):
        household_create(
            acting_user=tl_clerk,
            region=regions["140405102201"],
            head_name="甲",
            head_id_number=make_id(2)[:17] + "0" if make_id(2)[17] != "0" else make_id(2)[:17] + "1",
        )


def test_a_duplicate_id_number_is_caught_anywhere(
    household: Household, tl_clerk: User, ps_admin: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    with pytest.raises(ValidationError, match="已登记在 牛二旦户"):
        household_create(
            acting_user=tl_clerk, region=regions["140405102201"], head_name="重复", head_id_number=make_id(1)
        )
    ps_clerk = make_user("ps_clerk", "500243202201", "village_clerk")
    with pytest.raises(ValidationError, match="已在其他地区登记") as caught:
        member_add(
            acting_user=ps_clerk,
            household=household_create(
                acting_user=ps_clerk,
                region=regions["500243202201"],
                head_name="向某",
                head_id_number=make_id(3, prefix="500243"),
            ),
            name="冒用",
            id_number=make_id(1),
            relation=Relation.CHILD,
        )
    assert "牛二旦" not in str(caught.value)


def test_a_clerk_cannot_register_in_another_village(tl_clerk: User, regions: dict[str, Region]) -> None:
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        household_create(
            acting_user=tl_clerk, region=regions["140405102202"], head_name="甲", head_id_number=make_id(4)
        )


def test_a_household_must_sit_in_a_village(tl_township: User, regions: dict[str, Region]) -> None:
    with pytest.raises(ValidationError, match="须登记到村"):
        household_create(
            acting_user=tl_township, region=regions["140405102000"], head_name="甲", head_id_number=make_id(4)
        )


def test_an_appraiser_cannot_register_households(make_user: Callable[..., User], regions: dict[str, Region]) -> None:
    appraiser = make_user("ap", "140405000000", "appraiser")
    with pytest.raises(PermissionDenied):
        household_create(
            acting_user=appraiser, region=regions["140405102201"], head_name="甲", head_id_number=make_id(4)
        )


def test_statuses_decide_the_primary_group_by_priority(
    household: Household, make_user: Callable[..., User], today: datetime.date
) -> None:
    civil = make_user("civil", "140405000000", "civil_affairs")
    status_add(acting_user=civil, household=household, group=KeyGroup.DIBAO_EDGE, certified_on=today)
    household.refresh_from_db()
    assert household.primary_group == KeyGroup.DIBAO_EDGE
    dibao = status_add(acting_user=civil, household=household, group=KeyGroup.DIBAO, certified_on=today)
    household.refresh_from_db()
    assert household.primary_group == KeyGroup.DIBAO and dibao.department == "civil_affairs"
    status_end(acting_user=civil, status=dibao, ended_on=today, note="收入超标出列")
    household.refresh_from_db()
    assert household.primary_group == KeyGroup.DIBAO_EDGE
    assert HouseholdStatus.objects.filter(household=household).count() == 2  # history kept


def test_a_status_cannot_be_held_twice_or_ended_twice(
    household: Household, make_user: Callable[..., User], today: datetime.date
) -> None:
    rural = make_user("rural", "140405000000", "rural_revitalization")
    s = status_add(acting_user=rural, household=household, group=KeyGroup.MONITORING, certified_on=today)
    with pytest.raises(ValidationError, match="已是农村易返贫致贫户"):
        status_add(acting_user=rural, household=household, group=KeyGroup.MONITORING, certified_on=today)
    status_end(acting_user=rural, status=s, ended_on=today)
    with pytest.raises(ValidationError, match="已于"):
        status_end(acting_user=rural, status=s, ended_on=today)
    with pytest.raises(ValidationError, match="不能早于认定日期"):
        s2 = status_add(acting_user=rural, household=household, group=KeyGroup.MONITORING, certified_on=today)
        status_end(acting_user=rural, status=s2, ended_on=today - datetime.timedelta(days=1))


def test_a_clerk_cannot_certify_statuses(household: Household, tl_clerk: User, today: datetime.date) -> None:
    with pytest.raises(PermissionDenied):
        status_add(acting_user=tl_clerk, household=household, group=KeyGroup.DIBAO, certified_on=today)


def test_members_are_validated_and_removal_needs_a_reason(household: Household, tl_clerk: User) -> None:
    child = member_add(
        acting_user=tl_clerk,
        household=household,
        name="牛小花",
        id_number=make_id(5, birth="19900101").lower(),
        relation=Relation.CHILD,
    )
    assert child.id_number.endswith(child.id_number[-1].upper()) and not child.is_elderly
    with pytest.raises(ValidationError, match="删除原因"):
        member_remove(acting_user=tl_clerk, member=child, reason=" ")
    member_remove(acting_user=tl_clerk, member=child, reason="出嫁迁出")
    assert AuditEvent.objects.filter(action="delete", object_type="households.member").get().note == "出嫁迁出"
    with pytest.raises(ValidationError, match="户主不能删除"):
        member_remove(acting_user=tl_clerk, member=household.members.get(), reason="x")


def test_one_only_house_per_household_and_sane_occupancy(household: Household, tl_clerk: User) -> None:
    house = house_create(
        acting_user=tl_clerk,
        household=household,
        structure=StructureType.EARTH_WOOD,
        storeys=1,
        occupants=2,
        elderly_occupants=2,
        build_year=1978,
    )
    assert house.is_only_house and house.region_code == household.region_code and not house.outside_guideline
    with pytest.raises(ValidationError, match="已登记唯一住房"):
        house_create(acting_user=tl_clerk, household=household, structure=StructureType.BRICK_WOOD)
    with pytest.raises(ValidationError, match="不能多于居住人数"):
        house_create(
            acting_user=tl_clerk,
            household=household,
            structure=StructureType.BRICK_WOOD,
            is_only_house=False,
            occupants=1,
            elderly_occupants=2,
        )
    with pytest.raises(ValidationError, match="不在中国境内"):
        house_create(
            acting_user=tl_clerk,
            household=household,
            structure=StructureType.BRICK_WOOD,
            is_only_house=False,
            latitude=48.85,
            longitude=2.35,
        )
    tall = house_create(
        acting_user=tl_clerk,
        household=household,
        structure=StructureType.REINFORCED_CONCRETE,
        is_only_house=False,
        storeys=3,
    )
    assert tall.outside_guideline


def test_moving_a_household_moves_its_houses(
    household: Household, tl_township: User, tl_clerk: User, regions: dict[str, Region]
) -> None:
    house = house_create(acting_user=tl_clerk, household=household, structure=StructureType.EARTH_WOOD)
    household_update(acting_user=tl_township, household=household, region=regions["140405102202"], phone="13900000000")
    house.refresh_from_db()
    assert house.region_code == "140405102202"
    event = AuditEvent.objects.filter(object_type="households.household", action="update").get()
    assert event.changes["region_code"] == {"before": "140405102201", "after": "140405102202"}


def test_the_houses_carry_their_households_key_group(
    household: Household, tl_clerk: User, make_user: Callable[..., User], today: datetime.date
) -> None:
    """The map's and the summaries' key flag on the house follows the household's group through
    every service that changes it (ADR 0053)."""
    civil = make_user("civil", "140405000000", "civil_affairs")
    first = house_create(acting_user=tl_clerk, household=household, structure=StructureType.BRICK_WOOD)
    assert not first.key_household
    status = status_add(acting_user=civil, household=household, group=KeyGroup.DIBAO, certified_on=today)
    second = house_create(
        acting_user=tl_clerk, household=household, structure=StructureType.EARTH_WOOD, is_only_house=False
    )
    assert second.key_household
    assert set(House.objects.filter(household=household).values_list("key_household", flat=True)) == {True}
    status_end(acting_user=civil, status=status, ended_on=today, note="出列")
    assert set(House.objects.filter(household=household).values_list("key_household", flat=True)) == {False}
    assert key_flags_repair() == 0


def test_a_key_flag_written_around_the_services_is_mended(household: Household, tl_clerk: User) -> None:
    house = house_create(acting_user=tl_clerk, household=household, structure=StructureType.BRICK_WOOD)
    House.objects.filter(pk=house.pk).update(key_household=True)  # a raw fix that forgot the group
    Household.objects.filter(pk=household.pk).update(primary_group=KeyGroup.TEKUN)
    other = house_create(
        acting_user=tl_clerk,
        household=household_create(
            acting_user=tl_clerk, region=household.region, head_name="乙", head_id_number=make_id(9)
        ),
        structure=StructureType.BRICK_WOOD,
    )
    House.objects.filter(pk=other.pk).update(key_household=True)
    assert key_flags_repair() == 1  # the other household is not a key one; the first now is
    assert House.objects.get(pk=house.pk).key_household and not House.objects.get(pk=other.pk).key_household
    assert key_flags_repair() == 0
