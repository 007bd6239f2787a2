"""User management: only inside one's subtree, only roles one holds."""

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.accounts.services import user_create, user_update
from anju.audit.models import AuditEvent
from anju.regions.models import Region

GOOD_PASSWORD = "Village2023clerk"


def test_an_admin_creates_a_clerk_in_a_village_of_their_county(
    client: Client, tl_admin: User, regions: dict[str, Region]
) -> None:
    client.force_login(tl_admin)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "new_clerk",
            "full_name": "新信息员",
            "region": regions["140405102202"].pk,
            "roles": [Role.VILLAGE_CLERK],
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    created = User.objects.get(username="new_clerk")
    assert response.status_code == 302
    assert created.region == regions["140405102202"] and created.role_codes == {Role.VILLAGE_CLERK}
    assert created.password.startswith("md5$") or created.check_password(GOOD_PASSWORD)
    event = AuditEvent.objects.get(object_type="accounts.user", object_id=str(created.pk), action="create")
    assert event.actor == tl_admin and event.changes["roles"]["after"] == [Role.VILLAGE_CLERK]
    assert event.ip == "127.0.0.1"


def test_an_admin_cannot_place_a_user_in_a_sibling_county(tl_admin: User, regions: dict[str, Region]) -> None:
    with pytest.raises(ValidationError, match="只能把用户设在您本人管辖的区划内"):
        user_create(
            acting_user=tl_admin,
            username="xuser",
            password=GOOD_PASSWORD,
            region=regions["500243202201"],
            roles=[Role.VILLAGE_CLERK],
        )


def test_an_admin_cannot_grant_a_role_they_do_not_hold(
    make_user: Callable[..., User], regions: dict[str, Region]
) -> None:
    admin = make_user("small_admin", "140405000000", Role.ADMIN, Role.VILLAGE_CLERK)
    with pytest.raises(ValidationError, match="不能授予或收回：区/县住建局"):
        user_create(
            acting_user=admin,
            username="xuser",
            password=GOOD_PASSWORD,
            region=regions["140405000000"],
            roles=[Role.COUNTY_OFFICER],
        )
    assert not User.objects.filter(username="xuser").exists()


def test_the_form_offers_only_grantable_roles(client: Client, make_user: Callable[..., User]) -> None:
    admin = make_user("small_admin", "140405000000", Role.ADMIN, Role.VILLAGE_CLERK)
    client.force_login(admin)
    body = client.get(reverse("accounts:user_create")).content.decode()
    assert "村信息员" in body and "区/县住建局" not in body and "彭水" not in body


def test_a_role_cannot_sit_below_its_level(tl_admin: User, regions: dict[str, Region]) -> None:
    with pytest.raises(ValidationError, match="只能设在县/区级或以上"):
        user_create(
            acting_user=tl_admin,
            username="xuser",
            password=GOOD_PASSWORD,
            region=regions["140405102201"],
            roles=[Role.COUNTY_OFFICER],
        )


def test_a_weak_password_is_refused_with_chinese_reasons(tl_admin: User, regions: dict[str, Region]) -> None:
    with pytest.raises(ValidationError) as caught:
        user_create(
            acting_user=tl_admin,
            username="weak",
            password="12345678",
            region=regions["140405102201"],
            roles=[Role.VILLAGE_CLERK],
        )
    text = "".join(caught.value.messages)
    assert "密码长度太短" in text and "同时包含字母和数字" in text


def test_a_non_admin_cannot_manage_users(client: Client, tl_county: User) -> None:
    client.force_login(tl_county)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    with pytest.raises(PermissionDenied):
        user_create(acting_user=tl_county, username="xuser", password=GOOD_PASSWORD, region=tl_county.region, roles=[])


def test_an_admin_cannot_edit_a_user_of_another_county(client: Client, tl_admin: User, ps_admin: User) -> None:
    client.force_login(tl_admin)
    assert client.get(reverse("accounts:user_edit", args=[ps_admin.pk])).status_code == 404
    assert client.post(reverse("accounts:user_edit", args=[ps_admin.pk]), {"full_name": "改"}).status_code == 404
    with pytest.raises(PermissionDenied):
        user_update(
            acting_user=tl_admin,
            user=ps_admin,
            region=tl_admin.region,
            roles=[Role.ADMIN],
            full_name="",
            phone="",
            organization="",
            is_active=False,
        )
    ps_admin.refresh_from_db()
    assert ps_admin.is_active


def test_editing_records_before_and_after(
    client: Client, tl_admin: User, tl_clerk: User, regions: dict[str, Region]
) -> None:
    client.force_login(tl_admin)
    response = client.post(
        reverse("accounts:user_edit", args=[tl_clerk.pk]),
        {
            "full_name": "任小军",
            "phone": "13800000000",
            "organization": "",
            "region": regions["140405102202"].pk,
            "roles": [Role.VILLAGE_CLERK, Role.VILLAGE_HEAD],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_id=str(tl_clerk.pk), action="update").get()
    assert event.changes["region"] == {
        "before": "屯留区渔泽镇北渔泽村委会（140405102201）",
        "after": "屯留区渔泽镇南渔泽村委会（140405102202）",
    }
    assert event.changes["roles"] == {"before": ["village_clerk"], "after": ["village_clerk", "village_head"]}
    history = client.get(reverse("audit:object_history", args=["accounts.user", tl_clerk.pk])).content.decode()
    assert "角色" in history and "村信息员、村主要负责人" in history and "tl_admin" in history
    assert "所属区划" in history and "南渔泽村委会（140405102202）" in history


def test_an_admin_cannot_deactivate_themself(tl_admin: User) -> None:
    with pytest.raises(ValidationError, match="不能停用您本人的账号"):
        user_update(
            acting_user=tl_admin,
            user=tl_admin,
            region=tl_admin.region,
            roles=tl_admin.role_codes,
            full_name="",
            phone="",
            organization="",
            is_active=False,
        )


def test_the_user_list_is_scoped_filtered_and_paged(
    client: Client, tl_admin: User, ps_admin: User, make_user: Callable[..., User]
) -> None:
    for i in range(30):
        make_user(f"clerk{i:02d}", "140405102201", Role.VILLAGE_CLERK)
    client.force_login(tl_admin)
    page1 = client.get(reverse("accounts:user_list")).content.decode()
    assert "ps_admin" not in page1 and "共 31 条" in page1
    filtered = client.get(reverse("accounts:user_list"), {"q": "clerk0", "role": Role.VILLAGE_CLERK}).content.decode()
    assert "共 10 条" in filtered


def test_an_admin_sees_and_lifts_a_lockout(client: Client, tl_admin: User, tl_clerk: User) -> None:
    from django.conf import settings

    from conftest import PASSWORD

    anonymous = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anonymous.post(reverse("accounts:login"), {"username": "tl_clerk", "password": "wrong-password-1"})
    assert anonymous.post(reverse("accounts:login"), {"username": "tl_clerk", "password": PASSWORD}).status_code == 429
    client.force_login(tl_admin)
    detail = client.get(reverse("accounts:user_detail", args=[tl_clerk.pk])).content.decode()
    assert "登录已锁定" in detail
    client.post(reverse("accounts:user_unlock", args=[tl_clerk.pk]))
    assert "登录已锁定" not in client.get(reverse("accounts:user_detail", args=[tl_clerk.pk])).content.decode()
    assert anonymous.post(reverse("accounts:login"), {"username": "tl_clerk", "password": PASSWORD}).status_code == 302
    assert AuditEvent.objects.filter(object_id=str(tl_clerk.pk), note__startswith="解除登录锁定").exists()


def test_usernames_and_phones_are_checked(tl_admin: User, regions: dict[str, Region]) -> None:
    with pytest.raises(ValidationError, match="用户名须为"):
        user_create(
            acting_user=tl_admin,
            username="nyz clerk!",
            password=GOOD_PASSWORD,
            region=regions["140405102201"],
            roles=[Role.VILLAGE_CLERK],
        )
    with pytest.raises(ValidationError, match="手机号应为 11 位"):
        user_create(
            acting_user=tl_admin,
            username="clerk_ok",
            password=GOOD_PASSWORD,
            phone="12345",
            region=regions["140405102201"],
            roles=[Role.VILLAGE_CLERK],
        )
