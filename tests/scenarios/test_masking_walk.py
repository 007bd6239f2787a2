"""The masking walk (issue 16): each role of 彭水县 opens every page, API endpoint, export, ledger and
printed form the URL conf offers for its own region's objects, where a household's head ID number,
a member's ID number, the phone and the bank account are known in full. A role that may not see a
kind whole never meets the full value anywhere; a role that may sees it where the page is meant to
show it. So the test fails both ways: a leak, or masking for someone who needs the number.

What each role may see is written out below as the specification, independently of
``anju.core.masking.POLICY``, which must agree with it."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from anju.accounts.choices import Role
from anju.core.tests.test_scoping_url_walk import (  # noqa: F401 (sibling_objects is a fixture)
    DETAIL_SAMPLES,
    SHARED_SAMPLES,
    _url,
    all_patterns,
    params_of,
    sibling_objects,
)
from anju.households.models import Household
from anju.households.tests.conftest import make_id
from anju.ledgers.registry import LEDGERS

pytestmark = pytest.mark.django_db

PHONE = "13987654321"
ACCOUNT = "6228480099998888"
HEAD_ID = make_id(7, prefix="500243")
MEMBER_ID = make_id(8, birth="19950101", prefix="500243")
ID, PHONE_KIND, ACCOUNT_KIND = "id", "phone", "account"
VALUES = {HEAD_ID: ID, MEMBER_ID: ID, PHONE: PHONE_KIND, ACCOUNT: ACCOUNT_KIND}

# The specification. On pages, the API and list exports: the case workers see ID numbers and
# phones; only the county (who pays) sees bank accounts. In ledger files: the county and the two
# departments (who reconcile by ID). On printed forms: nobody.
CASEWORKERS = {Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.CIVIL_AFFAIRS}
CASEWORKERS |= {Role.RURAL_REVITALIZATION}
PAGE = {ID: CASEWORKERS, PHONE_KIND: CASEWORKERS, ACCOUNT_KIND: {Role.COUNTY_OFFICER}}
LEDGER = {ID: {Role.COUNTY_OFFICER, Role.CIVIL_AFFAIRS, Role.RURAL_REVITALIZATION}}
LEDGER |= {PHONE_KIND: LEDGER[ID], ACCOUNT_KIND: {Role.COUNTY_OFFICER}}

# One user per role, where the role sits in 彭水县.
ROLE_REGIONS = {
    Role.VILLAGE_CLERK: "500243202201",
    Role.VILLAGE_HEAD: "500243202201",
    Role.TOWNSHIP_OFFICER: "500243202000",
    Role.APPRAISER: "500243202000",
    Role.COUNTY_OFFICER: "500243000000",
    Role.CIVIL_AFFAIRS: "500243000000",
    Role.RURAL_REVITALIZATION: "500243000000",
    Role.CITY_OFFICER: "500200000000",
    Role.PROVINCE_OFFICER: "500000000000",
    Role.ADMIN: "500243000000",
}

# Where the full value is meant to be shown to a role that may see it: (url name, query) → kinds.
SHOWN_WHERE: dict[tuple[str, str], set[str]] = {
    ("households:household_detail", ""): {ID, PHONE_KIND, ACCOUNT_KIND},
    ("households:household_list", ""): {ID, PHONE_KIND},
    ("households:household_export", ""): {ID, PHONE_KIND, ACCOUNT_KIND},
    ("households:household_export", "?format=csv"): {ID, PHONE_KIND, ACCOUNT_KIND},
    ("api:household-detail", ""): {ID, PHONE_KIND, ACCOUNT_KIND},
    ("api:household-list", ""): {ID, PHONE_KIND, ACCOUNT_KIND},
}
# The key-group and suspected-houses ledgers list the household by ID number, in every format.
LEDGER_SHOWN: dict[str, set[str]] = {
    f"/ledgers/{key}/{fmt}": {ID} for key in ("key_groups", "suspected") for fmt in ("", "xlsx/", "pdf/")
}
# Exports behind a query string on a page.
EXTRA_QUERIES: dict[str, list[str]] = {
    "households:household_export": ["?format=csv"],
    "households:house_export": ["?format=csv"],
    "inspections:campaign_uncovered_export": ["?format=csv"],
    "inspections:danger_board": ["?format=xlsx"],
    "cases:watch_list": ["?format=xlsx", "?tab=exited&format=xlsx"],
}


def _text_of(response: Any) -> tuple[str, str]:
    """The response's readable text and its kind (page, xlsx, pdf)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if body.startswith(b"%PDF"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages), "pdf"
    if body.startswith(b"PK") and "sheet" in kind:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        cells = (str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row)
        return "\n".join(cells), "xlsx"
    return body.decode("utf-8", "replace"), "page"


def _urls(objects: dict[str, Any]) -> Iterator[tuple[str, str]]:
    samples = DETAIL_SAMPLES | SHARED_SAMPLES
    for name, pattern, _route in all_patterns():
        if not name or name.startswith("api:ledger") or "format" in params_of(pattern):
            continue  # (the API's ".json" twins answer as their plain URLs do)
        params = params_of(pattern) - {"format"}
        url = _url(name, pattern, samples[name](objects) if params else {})
        yield name, url
        for query in EXTRA_QUERIES.get(name, []):
            yield name, url + query
    for key in LEDGERS:
        yield "ledgers:preview", reverse("ledgers:preview", args=[key])
        for fmt in ("xlsx", "pdf"):
            yield "ledgers:download", reverse("ledgers:download", args=[key, fmt])


def test_every_role_sees_personal_data_whole_only_where_the_table_allows(
    client: Any,
    make_user: Any,
    sibling_objects: dict[str, Any],  # noqa: F811
) -> None:
    started = time.monotonic()
    Household.objects.filter(pk=sibling_objects["household"].pk).update(phone=PHONE, bank_account=ACCOUNT)
    urls = list(_urls(sibling_objects))
    leaks: list[str] = []
    missing: list[str] = []
    reached: dict[str, int] = {}
    for role, region in ROLE_REGIONS.items():
        client.force_login(make_user(f"mw_{role}", region, role))
        for name, url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue  # refused, hidden, POST-only or a redirect: shows nothing
            text, kind = _text_of(response)
            reached[kind] = reached.get(kind, 0) + 1
            # A ledger is a ledger in any format; another PDF is a printed form.
            medium = "ledger" if name.startswith("ledgers:") else ("print" if kind == "pdf" else "page")
            table = {"print": {}, "ledger": LEDGER, "page": PAGE}[medium]
            for value, what in VALUES.items():
                if value in text and role not in table.get(what, set()):
                    leaks.append(f"{role} sees the whole {what} at {url} ({medium})")
            query = url[url.index("?") :] if "?" in url else ""
            for what in SHOWN_WHERE.get((name, query), set()) | LEDGER_SHOWN.get(url, set()):
                value = HEAD_ID if what == ID else PHONE if what == PHONE_KIND else ACCOUNT
                if role in table.get(what, set()) and value not in text:
                    missing.append(f"{role} should see the whole {what} at {url}")
    assert not leaks, "\n".join(sorted(set(leaks)))
    assert not missing, "\n".join(sorted(set(missing)))
    # The walk reached pages, workbooks and printed forms (it cannot pass by reaching nothing).
    assert reached.get("page", 0) > 200 and reached.get("xlsx", 0) >= 10 and reached.get("pdf", 0) >= 10, reached
    print(f"masking walk: {len(urls)} URLs × {len(ROLE_REGIONS)} roles, {reached}, {time.monotonic() - started:.0f} s")
