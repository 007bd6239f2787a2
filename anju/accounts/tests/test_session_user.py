"""The signed-in user as each request reads them (``RegionModelBackend``, ADR 0054): with their
region and roles in one query, and never older than the request."""

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from anju.accounts.backends import RegionModelBackend
from anju.accounts.models import User
from anju.accounts.services import user_update
from anju.core.roles import Role


def _admin_sets(user: User, *, by: User, roles: list[str], active: bool) -> None:
    """What the user page's 保存 does: the user's roles and active flag, the rest unchanged."""
    user_update(
        acting_user=by,
        user=user,
        region=user.region,
        roles=roles,
        full_name=user.full_name,
        phone=user.phone,
        organization=user.organization,
        is_active=active,
    )


def test_a_role_taken_away_is_gone_from_the_very_next_page(
    client: Client, tl_admin: User, make_user: Callable[..., User]
) -> None:
    clerk = make_user("clerk_roles", "140405102201", Role.VILLAGE_CLERK, Role.VILLAGE_HEAD)
    client.force_login(clerk)
    assert client.get(reverse("households:household_list")).context["can_write"]

    _admin_sets(clerk, by=tl_admin, roles=[Role.VILLAGE_HEAD], active=True)

    response = client.get(reverse("households:household_list"))
    user = response.wsgi_request.user
    assert isinstance(user, User) and user.role_codes == {Role.VILLAGE_HEAD}
    assert not response.context["can_write"]


def test_a_deactivated_user_is_signed_out_on_the_next_request(
    client: Client, tl_admin: User, make_user: Callable[..., User]
) -> None:
    clerk = make_user("clerk_off", "140405102201", Role.VILLAGE_CLERK)
    client.force_login(clerk)
    _admin_sets(clerk, by=tl_admin, roles=[Role.VILLAGE_CLERK], active=False)

    response = client.get(reverse("households:household_list"))

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_session_user_comes_with_region_and_roles_in_one_query(
    make_user: Callable[..., User], django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    clerk = make_user("clerk_region", "140405102201", Role.VILLAGE_CLERK, Role.VILLAGE_HEAD)

    with django_assert_num_queries(1):
        user = RegionModelBackend().get_user(clerk.pk)
        assert user.region.code == "140405102201"  # no query for the scope of every list
        if connection.vendor == "postgresql":  # the roles as an array in the same query
            assert user.has_role(Role.VILLAGE_HEAD) and user.role_codes == {Role.VILLAGE_CLERK, Role.VILLAGE_HEAD}
    assert user.role_codes == {Role.VILLAGE_CLERK, Role.VILLAGE_HEAD}


def test_a_user_without_roles_or_region_is_still_read(make_user: Callable[..., User]) -> None:
    root = make_user("root_norole", None, superuser=True)

    user = RegionModelBackend().get_user(root.pk)

    assert user is not None and user.region is None and user.role_codes == set()
    assert RegionModelBackend().get_user(999_999) is None
