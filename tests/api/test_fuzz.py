"""The whole API fuzzed from its own OpenAPI document (schemathesis): as the coordinator and as
a lender, no generated request, valid or malformed, gets a server error, and every documented
answer matches its schema. A bounded number of examples per operation and mode keeps it inside
`make test`; REFURB_FUZZ_EXAMPLES raises it for a longer hunt. derandomize: the same requests on
every run, so a failure is reproducible."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from refurb.auth.roles import Role
from refurb.inventory.enums import State

EXAMPLES = int(os.environ.get("REFURB_FUZZ_EXAMPLES", "8"))
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
SENT: list[int] = []


@pytest.fixture
def records(make_device, make_household):
    """A few real records, so that some generated requests reach the rules behind the 404s."""
    make_device(State.READY)
    make_household()


def fuzz(app, headers) -> int:
    """Every operation, every mode: returns how many requests were sent."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in MODES:

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                nonlocal sent
                sent += 1
                response = case.call(headers=headers)
                case.validate_response(
                    response, checks=[not_a_server_error, response_schema_conformance]
                )

            try:
                run()
            except Exception as failure:
                raise AssertionError(f"{operation.label} ({mode.value}): {failure}") from failure
    return sent


def test_the_coordinator_gets_no_server_error(app, api_token, records):
    SENT.append(fuzz(app, api_token(Role.ADMIN)[0]))


def test_a_lender_gets_no_server_error(app, api_token, lender_org, records):
    SENT.append(fuzz(app, api_token(Role.LENDER, lender_org)[0]))


def test_zz_the_number_of_generated_requests_is_reported(capsys):
    with capsys.disabled():
        print(f"\nschemathesis: {sum(SENT)} generated requests")
