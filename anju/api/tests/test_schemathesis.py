"""The whole API fuzzed against its own OpenAPI schema (schemathesis, issue 15): for every
operation a fixed number of generated requests — valid and invalid — as a signed-in county
administrator of 彭水县 with real data around (the URL walk's sibling objects). No answer may be
a server error, and every answer must match what the schema says it returns.

Bounded and deterministic: ``EXAMPLES`` requests per operation and mode, derandomized, so the
suite costs the same on every run. All failures are collected and reported together."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from rest_framework.renderers import JSONRenderer
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from anju.accounts.models import User
from anju.core.tests.test_scoping_url_walk import sibling_objects  # noqa: F401

pytestmark = pytest.mark.django_db
EXAMPLES = 4
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Operations that stream files or need multipart uploads of real files are exercised by their
# own tests; here they would only measure schemathesis' file generator.
SKIP = {"/api/schema/"}


@contextlib.contextmanager
def connection_kept() -> Iterator[None]:
    """Django's handler closes the database connection when a request ends; the test client
    stops that for its own requests (the test's transaction lives on the connection), and so
    must this test for schemathesis' in-process requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _schema() -> Any:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(JSONRenderer().render(raw)))
    schema.app = WSGIHandler()
    return schema


def _session(user: Any) -> tuple[dict[str, str], dict[str, str]]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")  # sets the CSRF cookie
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    return cookies, {"X-CSRFToken": cookies.get("csrftoken", ""), "Accept": "application/json"}


def test_no_operation_answers_with_a_server_error_or_outside_its_schema(
    ps_admin: User,
    sibling_objects: dict[str, Any],  # noqa: F811
) -> None:
    schema = _schema()
    cookies, headers = _session(ps_admin)
    failures: list[str] = []
    operations = 0

    def fuzz(operation: Any, mode: GenerationMode) -> Any:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            # Each request in its own savepoint, as each request has its own transaction in
            # production: a refused value (PostgreSQL's "out of range") must not poison the next.
            with transaction.atomic():
                response = case.call(cookies=cookies, headers=headers)
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseException as exc:  # one line per failing operation and kind of failure
                text = " ".join(str(exc).split())
                failures.append(f"{operation.method.upper()} {operation.path} [{mode}]: {text[:300]}")
                raise

        return run

    with connection_kept():
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path in SKIP:
                continue
            operations += 1
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    fuzz(operation, mode)()
                except (KeyboardInterrupt, SystemExit):
                    raise
                except BaseException:  # recorded in ``failures``; go on with the next operation
                    pass
    assert operations > 100
    assert not failures, f"{len(failures)} 个接口不符合：\n" + "\n".join(sorted(set(failures)))
