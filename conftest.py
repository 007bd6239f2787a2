"""Shared fixtures: a small real region tree and named personas per role.

Two counties, each with townships and villages, taken from the real division
codes: 屯留区 (Shanxi) holds the "home" personas, 彭水县 (Chongqing) the
"sibling" personas that must never see each other's data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.core.cache import cache

from anju.accounts.choices import Role
from anju.accounts.models import User, UserRole
from anju.regions.codes import level_of, parent_code_of
from anju.regions.models import Region

TREE: tuple[tuple[str, str], ...] = (
    ("140000000000", "山西省"),
    ("140400000000", "长治市"),
    ("140405000000", "屯留区"),
    ("140405102000", "渔泽镇"),
    ("140405102201", "北渔泽村委会"),
    ("140405102202", "南渔泽村委会"),
    ("140405103000", "余吾镇"),
    ("140405103200", "余吾村委会"),
    ("140406000000", "潞城区"),
    ("500000000000", "重庆市"),
    ("500200000000", "县"),
    ("500243000000", "彭水苗族土家族自治县"),
    ("500243202000", "鹿鸣乡"),
    ("500243202201", "向家村村民委员会"),
)

PASSWORD = "Test2023password"


def build_regions(rows: Iterable[tuple[str, str]] = TREE) -> dict[str, Region]:
    made: dict[str, Region] = {}
    for code, name in rows:
        parent = parent_code_of(code)
        made[code] = Region.objects.create(
            code=code, name=name, level=level_of(code), parent=made.get(parent) if parent else None
        )
    return made


# The suite's test databases start as copies of the migrated template (bench/migrated.py, ADR
# 0052), not by running the 77 migrations in each test worker (9 s of a core on SQLite, 23 s on
# PostgreSQL, per worker): Django's ``migrate`` then finds nothing to apply. PostgreSQL copies it
# with ``TEST["TEMPLATE"]``; SQLite's in-memory test database is filled from it before Django opens
# it, through a connection kept open for the session (a shared in-memory database lives as long
# as one connection to it does).
_KEPT_OPEN: list[Any] = []


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    import sqlite3

    from django.db import connections

    from bench.migrated import postgres_template, sqlite_template

    for alias in connections:
        settings_dict = connections[alias].settings_dict
        test = settings_dict.setdefault("TEST", {})
        if test.get("MIRROR"):
            continue
        if connections[alias].vendor == "postgresql":
            test["TEMPLATE"] = postgres_template(settings_dict)
        elif connections[alias].vendor == "sqlite" and not test.get("NAME"):
            memory = sqlite3.connect(f"file:memorydb_{alias}?mode=memory&cache=shared", uri=True)
            template = sqlite3.connect(sqlite_template())
            template.backup(memory)
            template.close()  # (a sqlite3 connection's "with" commits; it does not close)
            _KEPT_OPEN.append(memory)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterable[None]:
    """Throttle and login-failure counts live in the cache, region pickers in the process (ADR
    0054): each test starts with none (a rolled-back test's divisions send no signal)."""
    from anju.regions.selectors import picker_forget

    cache.clear()
    picker_forget()
    yield


@pytest.fixture
def regions(db: Any) -> dict[str, Region]:
    return build_regions()


@pytest.fixture
def make_user(regions: dict[str, Region]) -> Callable[..., User]:
    def make(username: str, region_code: str | None, *roles: str, superuser: bool = False) -> User:
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            full_name=f"{username}姓名",
            region=regions[region_code] if region_code else None,
            is_superuser=superuser,
        )
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
        return user

    return make


ALL_ROLES = tuple(Role.values)


@pytest.fixture
def tl_admin(make_user: Callable[..., User]) -> User:
    """屯留区 administrator holding every role a county may hold."""
    return make_user(
        "tl_admin",
        "140405000000",
        Role.ADMIN,
        Role.COUNTY_OFFICER,
        Role.TOWNSHIP_OFFICER,
        Role.APPRAISER,
        Role.VILLAGE_CLERK,
        Role.VILLAGE_HEAD,
        Role.CIVIL_AFFAIRS,
        Role.RURAL_REVITALIZATION,
    )


@pytest.fixture
def ps_admin(make_user: Callable[..., User]) -> User:
    """彭水县 administrator: the sibling region's counterpart of tl_admin."""
    return make_user(
        "ps_admin",
        "500243000000",
        Role.ADMIN,
        Role.COUNTY_OFFICER,
        Role.TOWNSHIP_OFFICER,
        Role.APPRAISER,
        Role.VILLAGE_CLERK,
        Role.VILLAGE_HEAD,
        Role.CIVIL_AFFAIRS,
        Role.RURAL_REVITALIZATION,
    )


@pytest.fixture
def tl_county(make_user: Callable[..., User]) -> User:
    return make_user("tl_county", "140405000000", Role.COUNTY_OFFICER)


@pytest.fixture
def tl_township(make_user: Callable[..., User]) -> User:
    return make_user("tl_township", "140405102000", Role.TOWNSHIP_OFFICER)


@pytest.fixture
def tl_clerk(make_user: Callable[..., User]) -> User:
    return make_user("tl_clerk", "140405102201", Role.VILLAGE_CLERK)


@pytest.fixture
def operator(make_user: Callable[..., User]) -> User:
    return make_user("operator", None, Role.ADMIN, superuser=True)


# The PostgreSQL run (`make test`, ANJU_TESTS_DB_ONLY=1) runs only the tests that touch a database:
# a test with no database fixture or marker behaves the same on either engine and has already run
# in the SQLite suite. `both_engines` keeps a test that picks its engine otherwise (a subprocess).
DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


def _touches_a_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(item.get_closest_marker("django_db") or item.get_closest_marker("both_engines") or names & DB_FIXTURES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    import os

    if os.environ.get("ANJU_TESTS_DB_ONLY") != "1":
        return
    kept = [item for item in items if _touches_a_database(item)]
    left = [item for item in items if not _touches_a_database(item)]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
        print(f"\nANJU_TESTS_DB_ONLY: {len(left)} tests that touch no database ran in the SQLite suite only")
