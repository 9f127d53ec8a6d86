"""A bounded schemathesis run over the OpenAPI document: every operation, as an administrator
and as an agency user, with inputs generated from the document. Not one answer may be a server
error (issue 13). Bounded and repeatable: a few examples an operation, no deadline, derandomised
(a fixed seed), no example database kept between runs."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.api_client import API

#: Examples generated for each operation (each sent as both people).
EXAMPLES = 5
#: An administrator (who may do everything) and an agency user (who may see least).
PEOPLE = ("admin", "police")


def _run(operation: Any, tokens: dict[str, str], failures: list[str], seen: set[int]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        for who in PEOPLE:
            response = case.call(headers={"Authorization": f"Bearer {tokens[who]}"})
            seen.add(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{who}: {case.as_curl_command()} -> {response.status_code}")

    check()


def test_no_generated_input_makes_a_server_error(app: Any, tokens: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)
    failures: list[str] = []
    seen: set[int] = set()
    operations = 0
    for result in schema.get_all_operations():
        _run(result.ok(), tokens, failures, seen)
        operations += 1
    assert operations > 40
    assert failures == [], "\n".join(failures)
    # The run reached the views: some calls succeeded and some were refused.
    assert {200, 201} & seen and {400, 403, 404, 422} <= seen
