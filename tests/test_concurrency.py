"""Simultaneous requests on both databases: every answer is a success or the 409 of a refused or
stale request, never a 500, and the final state is consistent (one winner per record)."""

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from threading import Barrier

import pytest
from sqlalchemy import func, select

from refurb.auth.roles import Role
from refurb.history.models import Event
from refurb.inventory.enums import State
from refurb.inventory.models import Device
from refurb.loans.enums import LoanStatus
from refurb.loans.models import Loan
from tests.conftest import VERIFIED_ON

THREADS = 8


def together(app, calls):
    """Run the calls at the same moment, each with its own client; their answers, in order."""
    start = Barrier(len(calls))

    def run(call):
        client = app.test_client()
        start.wait()
        answer = call(client)
        return answer.status_code, answer.json

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def household(client, headers, organisation_id):
    return client.post(
        "/api/v1/households",
        headers=headers,
        json={
            "lender_organisation_id": organisation_id,
            "commune_code": "32013",
            "size": 2,
            "criterion": "rsa",
            "verified_on": VERIFIED_ON.isoformat(),
        },
    ).json["id"]


def test_reserving_different_devices_at_once_all_succeed(
    app, client, api_token, lender_org, make_device, in_app
):
    headers, _user = api_token(Role.LENDER, lender_org)
    devices = [make_device(State.READY).tag for _ in range(THREADS)]
    households = [household(client, headers, lender_org.id) for _ in range(THREADS)]
    answers = together(
        app,
        [
            lambda c, tag=tag, h=h: c.post(
                "/api/v1/loans", json={"household_id": h, "tag": tag}, headers=headers
            )
            for tag, h in zip(devices, households, strict=True)
        ],
    )
    assert [status for status, _body in answers] == [201] * THREADS
    references = {body["reference"] for _status, body in answers}
    assert len(references) == THREADS  # the numbering gave each loan its own reference
    with in_app() as session:
        states = session.scalars(select(Device.state).where(Device.tag.in_(devices))).all()
        assert set(states) == {State.RESERVED}


def test_one_device_reserved_by_many_at_once_has_one_loan(
    app, client, api_token, lender_org, make_device, in_app
):
    headers, _user = api_token(Role.LENDER, lender_org)
    tag = make_device(State.READY).tag
    households = [household(client, headers, lender_org.id) for _ in range(THREADS)]
    answers = together(
        app,
        [
            lambda c, h=h: c.post(
                "/api/v1/loans", json={"household_id": h, "tag": tag}, headers=headers
            )
            for h in households
        ],
    )
    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] + [409] * (THREADS - 1), answers
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(Loan)) == 1
        device = session.scalar(select(Device).where(Device.tag == tag))
        assert device.state == State.RESERVED


def test_simultaneous_edits_one_wins_the_others_are_told(app, api_token, make_device, in_app):
    headers, _user = api_token(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    client = app.test_client()
    version = client.get(f"/api/v1/devices/{device.tag}", headers=headers).json["version"]
    answers = together(
        app,
        [
            lambda c, n=n: c.patch(
                f"/api/v1/devices/{device.tag}",
                json={"version": version, "notes": f"édition {n}"},
                headers=headers,
            )
            for n in range(THREADS)
        ],
    )
    statuses = sorted(status for status, _body in answers)
    assert statuses == [200] + [409] * (THREADS - 1), answers
    assert {body["error"]["code"] for status, body in answers if status == 409} == {"stale_version"}
    with in_app() as session:
        edits = session.scalar(
            select(func.count())
            .select_from(Event)
            .where(Event.action == "device.edited", Event.subject_id == device.id)
        )
        assert edits == 1


def test_simultaneous_handovers_of_one_loan(
    app, client, api_token, lender_org, make_device, in_app
):
    headers, _user = api_token(Role.LENDER, lender_org)
    tag = make_device(State.READY).tag
    loan = client.post(
        "/api/v1/loans",
        json={"household_id": household(client, headers, lender_org.id), "tag": tag},
        headers=headers,
    ).json
    answers = together(
        app,
        [
            lambda c: c.post(
                f"/api/v1/loans/{loan['id']}/checkout",
                json={"version": loan["version"], "agreement_accepted": True},
                headers=headers,
            )
        ]
        * THREADS,
    )
    statuses = sorted(status for status, _body in answers)
    assert statuses == [200] + [409] * (THREADS - 1), answers
    with in_app() as session:
        assert session.get(Loan, loan["id"]).status == LoanStatus.ACTIVE
        assert session.scalar(select(Device.state).where(Device.tag == tag)) == State.ON_LOAN


@contextmanager
def another_request_writes_before(app, statement_start: str, sql: str, params: tuple):
    """SQLite: just before this request runs a statement beginning `statement_start`, another
    connection writes and commits `sql`, once (so that the request's snapshot is stale).
    Yields the list that says whether it did."""
    from sqlalchemy import event

    from refurb.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL takes row locks as it writes: no snapshot to upgrade")
    written = []

    def write(_conn, _cursor, statement, *_args):
        if statement.startswith(statement_start) and not written:
            written.append(True)
            other = sqlite3.connect(engine.url.database)
            other.execute(sql, params)
            other.commit()
            other.close()

    event.listen(engine, "before_cursor_execute", write)
    try:
        yield written
    finally:
        event.remove(engine, "before_cursor_execute", write)


def test_a_page_that_logs_a_view_after_another_request_wrote_is_served_not_a_500(
    app, client, lender, make_household, in_app
):
    """SQLite: the household page reads, then logs who saw the identity. When another request
    wrote in between, its snapshot cannot take the write lock: it is read again holding it."""
    from tests.conftest import sign_in

    household = make_household()
    sign_in(client, lender.email, lender.password)
    size_changed = ("UPDATE households SET size = size + 1 WHERE id = ?", (household.id,))
    with another_request_writes_before(app, "INSERT INTO events", *size_changed) as written:
        page = client.get(f"/foyers/{household.id}")
    assert written and page.status_code == 200
    with in_app() as session:
        viewed = select(func.count()).where(
            Event.action == "household.identity_viewed", Event.subject_id == household.id
        )
        assert session.scalar(viewed) == 1


def test_an_api_read_run_again_for_the_lock_still_records_its_tokens_use(
    app, client, api_token, in_app
):
    """The retry runs the request's hooks again too: the token's last use, rolled back with the
    snapshot, is written by the second run."""
    from refurb.auth.models import ApiToken

    headers, user = api_token(Role.TECHNICIAN)
    with in_app() as session:
        session.execute(ApiToken.__table__.update().values(last_used_at=None))
        session.commit()
    renamed = ("UPDATE users SET name = name || '.' WHERE id = ?", (user.id,))
    with another_request_writes_before(app, "UPDATE api_tokens", *renamed) as written:
        answer = client.get("/api/v1/me", headers=headers)
    assert written and answer.status_code == 200
    with in_app() as session:
        assert session.scalar(select(ApiToken.last_used_at)) is not None


def test_a_stale_settings_form_is_a_409_like_every_stale_form(client, lender, in_app):
    from tests.conftest import sign_in

    sign_in(client, lender.email, lender.password)
    data = {"loan_days": "180", "renewal_days": "90", "renewal_cap": "2", "terms": "Article 1."}
    assert client.post("/prets/reglages", data={**data, "version": "1"}).status_code == 302
    again = {**data, "loan_days": "90", "version": "1"}  # the settings now stored, at version 1
    assert client.post("/prets/reglages", data=again).status_code == 302
    stale = client.post("/prets/reglages", data={**data, "loan_days": "30", "version": "1"})
    assert stale.status_code == 409 and "modifiée par quelqu" in stale.get_data(as_text=True)
