"""Which endpoints the suite runs: every route must be answered successfully (2xx or 3xx) in at
least one test of its own, not only by the tests that walk every route generically (the access
matrix, the API fuzzing), which check who gets in, not what the route does.

Loaded as a pytest plugin by tests/conftest.py. When the whole suite runs (no selection), a
route never answered successfully by such a test fails the run, named in the summary.
"""

import pytest
from flask import request_finished

# Tests that reach every route without checking its effect do not count.
GENERIC = ("tests/auth/test_access_matrix.py", "tests/api/test_fuzz.py")
# Routes with nothing to check beyond being answered, or only reached by a browser's own
# request (the static files).
EXEMPT = {"static"}

answered: set[str] = set()
_current = {"test": ""}


def _record(sender, response, **_extra):
    from flask import request

    rule = request.url_rule
    if rule is None or response.status_code >= 400:
        return
    if _current["test"].startswith(GENERIC):
        return
    answered.add(rule.endpoint)


request_finished.connect(_record)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _current["test"] = item.nodeid


def _whole_suite(session) -> bool:
    config = session.config
    selected = config.getoption("keyword") or config.getoption("markexpr")
    deselected = config.getoption("deselect") or config.getoption("lf", False)
    return not (selected or deselected or config.args not in ([], ["tests"], ["tests/"]))


def pytest_sessionfinish(session, exitstatus):
    if exitstatus != 0 or not _whole_suite(session) or session.testscollected < 100:
        return
    from refurb import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - answered - EXEMPT)
    if missing:
        session.config._endpoint_census_missing = missing
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, config):
    missing = getattr(config, "_endpoint_census_missing", None)
    if missing:
        terminalreporter.section("routes no test of their own answers successfully")
        for endpoint in missing:
            terminalreporter.write_line(endpoint)
