"""One commit path: a success commits, a refusal rolls back, a GET never writes records; every
API list answers the same paginated envelope."""

import pytest
from flask import request
from sqlalchemy import func, select

from refurb.auth.roles import Role
from refurb.extensions import db
from refurb.inventory.enums import DonorKind
from refurb.inventory.models import Donor
from refurb.transaction import WriteOnRead, finish


def donors(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Donor))


@pytest.mark.parametrize(
    ("method", "answer", "kept"),
    [("POST", ("done", 201), 1), ("POST", ("refused", 409), 0), ("POST", ("bad", 400), 0)],
)
def test_a_success_commits_and_a_refusal_rolls_back(app, method, answer, kept):
    with app.test_request_context("/", method=method):
        db.session.add(Donor(name="Mairie d'Auch", kind=DonorKind.COLLECTIVITE))
        response = finish(app, answer)
        assert response.status_code == answer[1]
        db.session.remove()
    assert donors(app) == kept


def test_a_get_that_writes_a_record_is_refused(app):
    with app.test_request_context("/appareils", method="GET"):
        db.session.add(Donor(name="Mairie d'Auch", kind=DonorKind.COLLECTIVITE))
        db.session.flush()  # a service flushes: the write is still seen
        with pytest.raises(WriteOnRead, match="donors"):
            finish(app, "page")
        assert request.method == "GET"
        db.session.rollback()
        db.session.remove()
    assert donors(app) == 0


def spec_lists(spec):
    """(path, operation) of every GET whose 200 answer is a list envelope, and the arrays."""
    schemas = spec["components"]["schemas"]
    envelopes, arrays = [], []
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        content = get["responses"].get("200", {}).get("content", {}).get("application/json")
        if not content:
            continue
        schema = content["schema"]
        if schema.get("type") == "array":
            arrays.append(path)
        ref = schema.get("$ref", "")
        properties = schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
        if "items" in properties:
            envelopes.append(path)
    return envelopes, arrays


def test_every_list_of_the_api_is_paginated_the_same_way(client, api_token, make_device):
    spec = client.get("/api/v1/openapi.json").json
    envelopes, arrays = spec_lists(spec)
    assert arrays == [], "a list answers {items, total, page, per_page}, never a bare array"
    assert {"/api/v1/devices", "/api/v1/loans", "/api/v1/households", "/api/v1/donors"} <= set(
        envelopes
    )
    headers, _user = api_token(Role.ADMIN)
    tag = make_device().tag
    for path in envelopes:
        params = {p["name"] for p in spec["paths"][path]["get"].get("parameters", [])}
        assert {"page", "per_page"} <= params, path
        url = path.replace("{tag}", tag)
        answer = client.get(url, query_string={"page": 1, "per_page": 1}, headers=headers)
        assert answer.status_code == 200, (path, answer.json)
        assert set(answer.json) == {"items", "total", "page", "per_page"}, path
        assert answer.json["page"] == 1 and answer.json["per_page"] == 1, path
        assert len(answer.json["items"]) <= 1 <= answer.json["total"] or not answer.json["total"]
        beyond = client.get(url, query_string={"per_page": 201}, headers=headers)
        assert beyond.status_code == 400 and "per_page" in beyond.json["error"]["details"], path


def test_a_document_stored_in_a_refused_request_is_removed(app):
    from refurb import uploads

    with app.test_request_context("/", method="POST"):
        name = uploads.store("agreements", b"%PDF-1.4 kept", "7", ".pdf")
        kept = uploads.path_of("agreements", name)
        finish(app, ("done", 201))
        name = uploads.store("agreements", b"%PDF-1.4 refused", "7", ".pdf")
        dropped = uploads.path_of("agreements", name)
        assert dropped.exists()
        finish(app, ("refused", 409))
        db.session.remove()
    assert kept.read_bytes() == b"%PDF-1.4 kept" and not dropped.exists()
