"""The API: token and session auth, an OpenAPI schema, the same scoping as the pages."""

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from anju.accounts.models import User
from conftest import PASSWORD


def test_a_token_is_issued_for_good_credentials_only(tl_clerk: User) -> None:
    client = APIClient()
    bad = client.post(reverse("api:token"), {"username": "tl_clerk", "password": "nope-12345", "name": "手机"})
    assert bad.status_code == 400
    good = client.post(reverse("api:token"), {"username": "tl_clerk", "password": PASSWORD, "name": "手机"})
    assert good.status_code == 201
    client.credentials(HTTP_AUTHORIZATION=f"Token {good.json()['token']}")
    me = client.get(reverse("api:me")).json()
    assert me["username"] == "tl_clerk" and me["region_code"] == "140405102201" and me["roles"] == ["village_clerk"]


def test_anonymous_requests_are_refused(db: None) -> None:
    assert APIClient().get(reverse("api:region-list")).status_code in (401, 403)


def test_regions_are_scoped_and_filterable(tl_township: User) -> None:
    client = APIClient()
    client.force_authenticate(tl_township)
    rows = client.get(reverse("api:region-list")).json()["results"]
    assert {r["code"] for r in rows} == {"140405102000", "140405102201", "140405102202"}
    villages = client.get(reverse("api:region-list"), {"level": 5}).json()["results"]
    assert len(villages) == 2
    missing = client.get(reverse("api:region-detail", args=["500243202201"]))
    assert missing.status_code == 404 and missing.json() == {"detail": "对象不存在或不在您的管辖范围内。"}
    assert client.get(reverse("api:region-detail", args=["140405102201"])).json()["parent_code"] == "140405102000"


def test_the_users_endpoint_is_for_admins(tl_admin: User, tl_clerk: User, ps_admin: User) -> None:
    client = APIClient()
    client.force_authenticate(tl_clerk)
    assert client.get(reverse("api:user-list")).status_code == 403
    client.force_authenticate(tl_admin)
    names = {u["username"] for u in client.get(reverse("api:user-list")).json()["results"]}
    assert names == {"tl_admin", "tl_clerk"}


def test_the_openapi_schema_and_docs_page_are_served_locally(client: Client, tl_clerk: User) -> None:
    client.force_login(tl_clerk)
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"] if schema["Content-Type"].endswith("json") else None
    if paths is None:
        import yaml

        paths = yaml.safe_load(schema.content)["paths"]
    assert "/api/regions/" in paths and "/api/audit-events/" in paths
    docs = client.get(reverse("api:docs")).content.decode()
    assert "swagger" in docs.lower() and "cdn" not in docs.lower() and "/static/" in docs


def test_the_whole_schema_generates_without_warnings(db: None) -> None:
    """A warning means a client generator would name or type something wrongly."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "/api/appraisal-templates/{id}/derive/" in schema["paths"]
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache
