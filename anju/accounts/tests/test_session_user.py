"""The signed-in user as each request reads them (``RegionModelBackend``, ADR 0054): with their
region and roles in one query, and never older than the request."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from anju.accounts.models import User
from anju.accounts.services import user_update
from anju.core.roles import Role


def test_a_role_taken_away_is_gone_from_the_very_next_page(
    client: Client, tl_admin: User, make_user: Callable[..., User]
) -> None:
    clerk = make_user("clerk_roles", "140405102201", Role.VILLAGE_CLERK, Role.VILLAGE_HEAD)
    client.force_login(clerk)
    assert client.get(reverse("households:household_list")).context["can_write"]

    user_update(
        acting_user=tl_admin,
        user=clerk,
        region=clerk.region,
        roles=[Role.VILLAGE_HEAD],
        full_name=clerk.full_name,
        phone=clerk.phone,
        organization=clerk.organization,
        is_active=True,
    )

    response = client.get(reverse("households:household_list"))
    user = response.wsgi_request.user
    assert isinstance(user, User) and user.role_codes == {Role.VILLAGE_HEAD}
    assert not response.context["can_write"]


def test_a_deactivated_user_is_signed_out_on_the_next_request(
    client: Client, tl_admin: User, make_user: Callable[..., User]
) -> None:
    clerk = make_user("clerk_off", "140405102201", Role.VILLAGE_CLERK)
    client.force_login(clerk)
    user_update(
        acting_user=tl_admin,
        user=clerk,
        region=clerk.region,
        roles=[Role.VILLAGE_CLERK],
        full_name=clerk.full_name,
        phone=clerk.phone,
        organization=clerk.organization,
        is_active=False,
    )

    response = client.get(reverse("households:household_list"))

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_users_region_comes_with_them(client: Client, make_user: Callable[..., User]) -> None:
    clerk = make_user("clerk_region", "140405102201", Role.VILLAGE_CLERK)
    client.force_login(clerk)

    user = client.get("/healthz").wsgi_request.user

    # Read in the same query as the user: no further query for the scope of every list.
    assert isinstance(user, User) and User.region.is_cached(user)
    assert user.region is not None and user.region.code == "140405102201"
