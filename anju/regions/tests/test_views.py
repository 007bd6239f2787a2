from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from anju.accounts.choices import Role
from anju.accounts.models import User


def test_browsing_starts_at_the_users_region_and_counts_below(
    client: Client, tl_admin: User, make_user: Callable[..., User]
) -> None:
    make_user("c1", "140405102201", Role.VILLAGE_CLERK)
    client.force_login(tl_admin)
    response = client.get(reverse("regions:browse"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("regions:detail", args=["140405000000"])
    body = response.content.decode()
    assert "渔泽镇" in body and "余吾镇" in body and "鹿鸣乡" not in body


def test_the_region_page_is_one_query_per_table_not_per_child(
    client: Client, tl_admin: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client.force_login(tl_admin)
    with django_assert_max_num_queries(12):
        client.get(reverse("regions:detail", args=["140405000000"]))


def test_breadcrumbs_stop_at_the_users_own_region(client: Client, tl_township: User) -> None:
    client.force_login(tl_township)
    body = client.get(reverse("regions:detail", args=["140405102201"])).content.decode()
    assert "渔泽镇" in body and "长治市" not in body
