from django.test import Client
from django.urls import reverse

from anju.accounts.models import User
from conftest import PASSWORD


def test_a_user_changes_their_password_and_stays_logged_in(client: Client, tl_clerk: User) -> None:
    client.force_login(tl_clerk)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "password1": "Brand2024newpw", "password2": "Brand2024newpw"},
    )
    assert response.status_code == 302
    tl_clerk.refresh_from_db()
    assert tl_clerk.check_password("Brand2024newpw")
    assert client.get("/").status_code == 200


def test_a_wrong_old_password_is_refused(client: Client, tl_clerk: User) -> None:
    client.force_login(tl_clerk)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "password1": "Brand2024newpw", "password2": "Brand2024newpw"},
    )
    assert "原密码不正确" in response.content.decode()
    tl_clerk.refresh_from_db()
    assert tl_clerk.check_password(PASSWORD)


def test_an_admin_resets_a_password_in_their_subtree(client: Client, tl_admin: User, tl_clerk: User) -> None:
    client.force_login(tl_admin)
    response = client.post(
        reverse("accounts:user_reset_password", args=[tl_clerk.pk]),
        {"password1": "Reset2024clerk", "password2": "Reset2024clerk"},
    )
    assert response.status_code == 302
    tl_clerk.refresh_from_db()
    assert tl_clerk.check_password("Reset2024clerk")
