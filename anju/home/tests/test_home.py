"""Each role lands on its own home page; the shell is Chinese and local."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from anju.accounts.choices import Role
from anju.accounts.models import User
from anju.core.navigation import ROLE_HOMES

LEVEL_FOR_ROLE = {
    Role.VILLAGE_CLERK: "140405102201",
    Role.VILLAGE_HEAD: "140405102201",
    Role.TOWNSHIP_OFFICER: "140405102000",
    Role.APPRAISER: "140405000000",
    Role.COUNTY_OFFICER: "140405000000",
    Role.CIVIL_AFFAIRS: "140405000000",
    Role.RURAL_REVITALIZATION: "140405000000",
    Role.CITY_OFFICER: "140400000000",
    Role.PROVINCE_OFFICER: "140000000000",
    Role.ADMIN: "140405000000",
}


@pytest.mark.parametrize("role", list(Role.values))
def test_each_role_lands_on_its_home(client: Client, make_user: Callable[..., User], role: Role) -> None:
    user = make_user(f"u_{role}", LEVEL_FOR_ROLE[role], role)
    client.force_login(user)
    body = client.get(reverse("home:home")).content.decode()
    assert ROLE_HOMES[role].title in body
    assert "退出" in body and "修改密码" in body


def test_a_multi_role_user_can_switch_home(client: Client, tl_admin: User) -> None:
    client.force_login(tl_admin)
    assert "系统管理员工作台" in client.get("/").content.decode()
    assert "村信息员工作台" in client.get("/", {"role": Role.VILLAGE_CLERK}).content.decode()
    # A role the user does not hold falls back to the main one.
    assert "系统管理员工作台" in client.get("/", {"role": Role.PROVINCE_OFFICER}).content.decode()


def test_the_home_counts_only_the_users_subtree(client: Client, tl_township: User) -> None:
    client.force_login(tl_township)
    body = client.get("/").content.decode()
    assert "乡镇/街道 1 个 · 村/社区 2 个" in body


def test_navigation_follows_roles(client: Client, tl_clerk: User, tl_admin: User) -> None:
    client.force_login(tl_clerk)
    body = client.get("/").content.decode()
    assert "用户管理" not in body and "审计日志" not in body
    client.force_login(tl_admin)
    body = client.get("/").content.decode()
    assert "用户管理" in body and "审计日志" in body


def test_pages_reference_no_cdn(client: Client, tl_admin: User) -> None:
    client.force_login(tl_admin)
    pages = [
        "/",
        reverse("accounts:user_list"),
        reverse("regions:detail", args=["140405000000"]),
        reverse("dashboard:dashboard"),
        reverse("dashboard:map"),  # no tile source configured: no outside host at all
        reverse("cases:case_list"),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "https://" not in body and "http://" not in body.replace("http://testserver", ""), url


def test_the_health_check_answers_without_login(client: Client, db: None) -> None:
    assert client.get(reverse("core:healthz")).json() == {"status": "ok"}


def test_a_missing_page_is_a_chinese_404(client: Client, tl_clerk: User) -> None:
    client.force_login(tl_clerk)
    response = client.get("/regions/999999999999/")
    assert response.status_code == 404 and "不在您的管辖范围内" in response.content.decode()
