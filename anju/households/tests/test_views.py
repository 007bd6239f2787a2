"""Household and house pages as users see them: lists, filters, masking, forms."""

import datetime
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from anju.accounts.models import User
from anju.households.choices import KeyGroup, StructureType
from anju.households.models import Household
from anju.households.services import house_create, household_create, status_add
from anju.regions.models import Region

from .conftest import make_id


def _seed(tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]) -> tuple[Household, Household]:
    civil = make_user("civil", "140405000000", "civil_affairs")
    a = household_create(
        acting_user=tl_clerk,
        region=regions["140405102201"],
        head_name="张老汉",
        head_id_number=make_id(11, birth="19500101"),
        phone="13811112222",
    )
    b = household_create(
        acting_user=tl_clerk,
        region=regions["140405102201"],
        head_name="李青年",
        head_id_number=make_id(12, birth="19900101"),
    )
    status_add(acting_user=civil, household=a, group=KeyGroup.DIBAO, certified_on=datetime.date(2023, 1, 5))
    house_create(
        acting_user=tl_clerk, household=a, structure=StructureType.EARTH_WOOD, occupants=1, elderly_occupants=1
    )
    return a, b


def test_the_list_filters_by_group_elderly_structure_and_search(
    client: Client, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    _seed(tl_clerk, make_user, regions)
    client.force_login(tl_clerk)
    url = reverse("households:household_list")
    assert "张老汉" in (body := client.get(url).content.decode()) and "李青年" in body and "共 2 条" in body
    key = client.get(url, {"group": "key"}).content.decode()
    assert "张老汉" in key and "李青年" not in key
    general = client.get(url, {"group": "general"}).content.decode()
    assert "李青年" in general and "张老汉" not in general
    assert "张老汉" in client.get(url, {"group": KeyGroup.DIBAO}).content.decode()
    elderly = client.get(url, {"elderly": "true"}).content.decode()
    assert "张老汉" in elderly and "李青年" not in elderly
    assert "李青年" not in client.get(url, {"structure": StructureType.EARTH_WOOD}).content.decode()
    by_id = client.get(url, {"q": make_id(12, birth="19900101").lower()}).content.decode()
    assert "李青年" in by_id and "张老汉" not in by_id
    assert "张老汉" in client.get(url, {"q": "1381111"}).content.decode()
    no_house = client.get(url, {"only_house": "no"}).content.decode()
    assert "李青年" in no_house and "张老汉" not in no_house


def test_the_list_is_paged_and_sorted(client: Client, tl_clerk: User, regions: dict[str, Region]) -> None:
    for i in range(30):
        household_create(
            acting_user=tl_clerk,
            region=regions["140405102201"],
            head_name=f"户{i:02d}",
            head_id_number=make_id(100 + i),
        )
    client.force_login(tl_clerk)
    first = client.get(reverse("households:household_list"), {"sort": "name"}).content.decode()
    assert "户00" in first and "户29" not in first and "第 1 / 2 页" in first
    second = client.get(reverse("households:household_list"), {"sort": "name", "page": "2"}).content.decode()
    assert "户29" in second


def test_id_numbers_and_phones_are_masked_for_supervisors(
    client: Client, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    a, _ = _seed(tl_clerk, make_user, regions)
    city = make_user("city", "140400000000", "city_officer")
    client.force_login(city)
    body = client.get(reverse("households:household_detail", args=[a.pk])).content.decode()
    assert a.head_id_number not in body and a.head_id_number[:4] + "**********" in body
    assert "13811112222" not in body and "138****2222" in body
    client.force_login(tl_clerk)
    assert a.head_id_number in client.get(reverse("households:household_detail", args=[a.pk])).content.decode()


def test_the_detail_shows_statuses_members_houses_and_timeline(
    client: Client, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    a, _ = _seed(tl_clerk, make_user, regions)
    client.force_login(tl_clerk)
    body = client.get(reverse("households:household_detail", args=[a.pk])).content.decode()
    assert "农村低保户" in body and "民政" in body and "土木" in body and "唯一住房" in body
    assert "老人" in body and "新建" in body
    # The timeline speaks Chinese: choice values are shown by their labels.
    assert "认定部门：民政" in body and "civil_affairs" not in body


def test_registering_through_the_form_shows_chinese_errors_and_keeps_input(
    client: Client, tl_clerk: User, regions: dict[str, Region]
) -> None:
    client.force_login(tl_clerk)
    url = reverse("households:household_create")
    bad = make_id(20)[:17] + ("0" if make_id(20)[17] != "0" else "1")
    response = client.post(
        url, {"region": regions["140405102201"].pk, "head_name": "王五", "head_id_number": bad, "phone": "abc"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "校验位错误" in body and "电话号码格式不正确" in body
    assert 'value="王五"' in body
    assert not Household.objects.exists()
    ok = client.post(url, {"region": regions["140405102201"].pk, "head_name": "王五", "head_id_number": make_id(20)})
    household = Household.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("households:household_detail", args=[household.pk])


def test_adding_a_member_and_a_status_from_the_detail_page(
    client: Client, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    a, _ = _seed(tl_clerk, make_user, regions)
    client.force_login(tl_clerk)
    response = client.post(
        reverse("households:member_add", args=[a.pk]),
        {"name": "张小孙", "id_number": make_id(30, birth="20150101"), "relation": "grandchild"},
        follow=True,
    )
    assert "已添加家庭成员" in response.content.decode() and a.members.count() == 2
    refused = client.post(
        reverse("households:status_add", args=[a.pk]),
        {"group": KeyGroup.TEKUN, "certified_on": "2023-02-01"},
        follow=True,
    )
    assert refused.status_code == 403


def test_registering_a_house_checks_occupancy(client: Client, tl_clerk: User, regions: dict[str, Region]) -> None:
    household = household_create(
        acting_user=tl_clerk, region=regions["140405102201"], head_name="赵六", head_id_number=make_id(40)
    )
    client.force_login(tl_clerk)
    url = reverse("households:house_create", args=[household.pk])
    base = {
        "structure": StructureType.BRICK_WOOD,
        "storeys": 1,
        "occupants": 1,
        "elderly_occupants": 3,
        "is_only_house": "on",
        "is_occupied": "on",
    }
    body = client.post(url, base).content.decode()
    assert "60 岁以上老人数不能多于居住人数" in body and not household.houses.exists()
    ok = client.post(url, base | {"elderly_occupants": 1})
    assert ok.status_code == 302 and household.houses.count() == 1


def test_a_village_head_can_read_but_not_write(
    client: Client, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    a, _ = _seed(tl_clerk, make_user, regions)
    head = make_user("head", "140405102201", "village_head")
    client.force_login(head)
    assert client.get(reverse("households:household_detail", args=[a.pk])).status_code == 200
    assert client.get(reverse("households:household_create")).status_code == 403
    assert client.get(reverse("households:household_edit", args=[a.pk])).status_code == 403


def test_house_list_filters(
    client: Client, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    _seed(tl_clerk, make_user, regions)
    client.force_login(tl_clerk)
    url = reverse("households:house_list")
    assert "张老汉" in client.get(url, {"elderly": "true"}).content.decode()
    assert "张老汉" not in client.get(url, {"storeys_3plus": "true"}).content.decode()


def test_the_household_list_does_not_grow_queries_with_rows(
    client: Client, tl_clerk: User, regions: dict[str, Region], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for i in range(20):
        household_create(
            acting_user=tl_clerk, region=regions["140405102201"], head_name=f"户{i}", head_id_number=make_id(200 + i)
        )
    client.force_login(tl_clerk)
    with django_assert_max_num_queries(12):
        client.get(reverse("households:household_list"))


def test_audit_displays_mask_personal_data_for_supervisors(
    client: Client, tl_clerk: User, make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    from rest_framework.test import APIClient

    a, _ = _seed(tl_clerk, make_user, regions)
    city = make_user("city2", "140400000000", "city_officer")
    client.force_login(city)
    pages = [
        reverse("households:household_detail", args=[a.pk]),
        reverse("audit:event_list"),
        reverse("audit:object_history", args=["households.household", a.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "13811112222" not in body and a.head_id_number not in body, url
        assert "138****2222" in body, url
    api = APIClient()
    api.force_authenticate(city)
    payload = str(api.get(reverse("api:auditevent-list"), {"object_type": "households.household"}).json())
    assert "13811112222" not in payload and "138****2222" in payload
    # The county officer, whose work needs it, sees the number.
    county = make_user("county2", "140405000000", "county_officer")
    client.force_login(county)
    assert "13811112222" in client.get(reverse("audit:event_list")).content.decode()
