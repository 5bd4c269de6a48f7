"""Schemathesis against the app's own OpenAPI schema, over real HTTP, every operation.

Every operation gets schema-valid and schema-violating requests (fixed seed): no answer may be a
5xx, and every answer must match what the schema documents (status, content type, body, headers).
"""

from __future__ import annotations

from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import negative_data_rejection

from api.app import create_app
from claims.settings import Settings
from tests.conftest import API_KEY

pytestmark = [
    pytest.mark.model,
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]

EXAMPLES = 40
"""Per operation and per generation mode; about 2,000 requests in all, half a minute on two cores."""

# 422 is how this API answers a schema-valid value it cannot use (an impossible date such as
# 2022-02-30, a cursor it did not issue, text that is empty once markup is removed): JSON Schema
# cannot express those rules. 412 is a correct answer to an If-Match that names another version.
# A 400 for schema-valid input would still fail: that would mean the schema lies.
# The API key is sent on every request (below) rather than generated: schemathesis would otherwise
# make "missing Authorization" cases that the forced header then contradicts. Authentication gets
# its own tests (test_robust_security.py), and the ignored_auth check still probes without a key.
CONFIG = SchemathesisConfig.from_str(
    """
[generation]
with-security-parameters = false

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "404", "409", "412", "422", "429"]
"""
)

# The NDJSON form of the batch is documented as a string: send it as the text it is.
schemathesis.serializer.alias("application/x-ndjson", "text/plain")

# The schema the app serves at /schema/openapi.json (test_served_schema_is_the_one_tested checks).
# Built here, without a database, because schemathesis parametrizes at import time.
OPENAPI: dict[str, Any] = create_app(Settings(api_keys=(API_KEY,))).openapi_schema.to_schema()
schema = schemathesis.openapi.from_dict(OPENAPI, config=CONFIG)

SENT: list[int] = []


@pytest.fixture(scope="module", autouse=True)
def _report_requests() -> Any:
    yield
    print(f"\nschemathesis: {len(SENT)} requests over {len(OPENAPI['paths'])} paths")  # shown with -s


def test_served_schema_is_the_one_tested(anon: httpx.Client) -> None:
    served = anon.get("/schema/openapi.json").json()
    assert served["paths"] == OPENAPI["paths"]
    assert served["components"] == OPENAPI["components"]


@schema.parametrize()
@hypothesis.seed(20260527)
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_every_operation_holds_its_schema(case: Any, server: str) -> None:
    """No 5xx, and every response conforms to the documented schema (all schemathesis checks)."""
    SENT.append(1)
    # An NDJSON body is text: any "wrongly typed" value schemathesis makes for it is still text on
    # the wire, and each line is validated (and reported) as an item, so that one check cannot apply.
    excluded = [negative_data_rejection] if case.media_type == "application/x-ndjson" else []
    case.call_and_validate(
        base_url=server,
        headers={"Authorization": f"Bearer {API_KEY}"},
        excluded_checks=excluded,
        timeout=60,
    )
