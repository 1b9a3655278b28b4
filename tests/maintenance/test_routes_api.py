"""Maintenance API operations not answered elsewhere: a site recorded by the coordinator, an
incident reported by a site's staff, resolved and rejected by its maintainer — each answer read,
and the database read back."""

import pytest
from sqlalchemy import select

from refurb.auth.roles import OrganisationKind, Role
from refurb.history.models import Event
from refurb.inventory.enums import Category
from refurb.maintenance.enums import (
    IncidentCategory,
    IncidentImpact,
    IncidentSource,
    IncidentStatus,
    SiteKind,
)
from refurb.maintenance.models import Incident, Site
from tests.api.test_routes_api import bearer


@pytest.fixture
def admin_headers(client, create_user, create_organisation):
    admin = create_user(
        Role.ADMIN, create_organisation("Gers Numérique", OrganisationKind.COORDINATOR)
    )
    return bearer(client, admin.email)


def test_the_coordinator_records_a_site(
    client, admin_headers, create_user, create_organisation, in_app
):
    host = create_organisation("Mairie de Marciac", OrganisationKind.SITE_HOST)
    maintainer = create_user(
        Role.MAINTAINER, create_organisation("AG2I", OrganisationKind.WORKSHOP)
    )
    created = client.post(
        "/api/v1/sites",
        json={
            "name": "Tiers-lieu de Marciac",
            "kind": "tiers_lieu",
            "commune_code": "32233",
            "host_organisation_id": host.id,
            "opening_hours": "Lundi au vendredi",
            "weekly_attendance": 60,
            "maintainer_ids": [maintainer.id],
            "needs": {"desktop": 3, "laptop": 1},
        },
        headers=admin_headers,
    )
    assert created.status_code == 201
    body = created.json
    assert (body["name"], body["kind"], body["commune_code"]) == (
        "Tiers-lieu de Marciac",
        "tiers_lieu",
        "32233",
    )
    assert body["epci"] == "CC Bastides et Vallons du Gers"
    assert body["maintainers"] == [maintainer.id] and body["host_organisation_id"] == host.id
    assert sorted((n["category"], n["count"]) for n in body["needs"]) == [
        ("desktop", 3),
        ("laptop", 1),
    ]
    with in_app() as session:
        site = session.get(Site, body["id"])
        assert site.kind == SiteKind.TIERS_LIEU and site.weekly_attendance == 60
        assert {p.key for p in site.plans} == {"monthly", "quarterly"}
        assert sorted((n.category, n.count) for n in site.needs) == sorted(
            [(Category.DESKTOP, 3), (Category.LAPTOP, 1)]
        )
    refused = client.post(
        "/api/v1/sites",
        json={
            "name": "Mairie de Vic",
            "kind": "mairie",
            "commune_code": "32233",
            "host_organisation_id": maintainer.organisation.id,  # a workshop, not a host
        },
        headers=admin_headers,
    )
    assert refused.status_code == 400 and refused.json["error"]["code"] == "unknown_host"


def report(client, headers, tag, **fields):
    return client.post(
        "/api/v1/incidents",
        json={"tag": tag, "category": "network", "description": "Pas de Wi-Fi", **fields},
        headers=headers,
    )


def test_the_site_staff_report_an_incident(client, park, in_app):
    headers = bearer(client, park.staff.email)
    created = report(client, headers, park.tags[0].lower(), impact="degraded")
    assert created.status_code == 201
    body = created.json
    assert (body["tag"], body["site_id"], body["status"]) == (park.tags[0], park.site.id, "open")
    assert (body["category"], body["impact"], body["source"]) == (
        "network",
        "degraded",
        "site_staff",
    )
    with in_app() as session:
        incident = session.get(Incident, body["id"])
        assert incident.reporter_id == park.staff.id
        assert incident.source == IncidentSource.SITE_STAFF
        assert (incident.category, incident.impact, incident.description) == (
            IncidentCategory.NETWORK,
            IncidentImpact.DEGRADED,
            "Pas de Wi-Fi",
        )
        assert incident.reference == body["reference"]
    elsewhere = report(client, headers, park.other_tags[0])
    assert elsewhere.status_code == 403 and elsewhere.json["error"]["code"] == "other_site"
    by_maintainer = report(client, bearer(client, park.maintainer.email), park.tags[1])
    assert by_maintainer.status_code == 201 and by_maintainer.json["source"] == "maintainer"
    assert by_maintainer.json["impact"] == "blocking"  # the default
    with in_app() as session:
        assert len(session.scalars(select(Incident)).all()) == 2


@pytest.fixture
def open_incident(client, park):
    created = report(client, bearer(client, park.staff.email), park.tags[0])
    assert created.status_code == 201
    return created.json


def test_the_maintainer_resolves_an_incident_saying_what_was_done(
    client, park, open_incident, in_app
):
    headers = bearer(client, park.maintainer.email)
    url = f"/api/v1/incidents/{open_incident['id']}/resolve"
    silent = client.post(url, json={"version": open_incident["version"]}, headers=headers)
    assert silent.status_code == 409 and silent.json["error"]["code"] == "note_required"
    resolved = client.post(
        url,
        json={"version": open_incident["version"], "note": "Box redémarrée, câble changé"},
        headers=headers,
    )
    assert resolved.status_code == 200
    assert resolved.json["status"] == "resolved"
    assert resolved.json["resolution"] == "Box redémarrée, câble changé"
    assert resolved.json["closed_at"] and resolved.json["acknowledged_at"]
    with in_app() as session:
        incident = session.get(Incident, open_incident["id"])
        assert incident.status == IncidentStatus.RESOLVED
        assert incident.closed_by_id == park.maintainer.id
        assert incident.resolution == "Box redémarrée, câble changé"
    again = client.post(
        url, json={"version": resolved.json["version"], "note": "encore"}, headers=headers
    )
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_incident_state"
    listed = client.get("/api/v1/incidents?status=open", headers=headers).json
    assert listed["total"] == 0


def test_the_maintainer_rejects_a_duplicate(client, park, open_incident, in_app):
    outsider = bearer(client, park.other_maintainer.email)
    url = f"/api/v1/incidents/{open_incident['id']}/reject"
    body = {"version": open_incident["version"], "note": "Doublon du signalement d'hier"}
    assert client.post(url, json=body, headers=outsider).status_code == 404  # not their site
    rejected = client.post(url, json=body, headers=bearer(client, park.maintainer.email))
    assert rejected.status_code == 200
    assert rejected.json["status"] == "rejected"
    assert rejected.json["resolution"] == "Doublon du signalement d'hier"
    with in_app() as session:
        incident = session.get(Incident, open_incident["id"])
        assert incident.status == IncidentStatus.REJECTED and incident.closed_at is not None
        assert incident.closed_by_id == park.maintainer.id
        assert incident.acknowledged_at is None  # set aside, not taken on: no time to count
        assert session.scalar(
            select(Event.note).where(
                Event.subject_type == "incident", Event.action == "incident.rejected"
            )
        ) == ("Doublon du signalement d'hier")


def test_a_site_with_a_malformed_email_is_refused_as_on_the_page(client, admin_headers, in_app):
    refused = client.post(
        "/api/v1/sites",
        json={
            "name": "Mairie de Vic-Fezensac",
            "kind": "mairie",
            "commune_code": "32013",
            "contact_email": "pas-une-adresse",
        },
        headers=admin_headers,
    )
    assert refused.status_code == 400 and "contact_email" in refused.json["error"]["details"]
    with in_app() as session:
        assert session.scalars(select(Site)).all() == []
