"""Maintenance pages not answered elsewhere: the coordinator records and edits a site and edits
a plan (a new version), the site's staff report an incident, a maintainer abandons a visit —
each read back in the database and on the page."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from refurb.auth.roles import OrganisationKind, Role
from refurb.inventory.enums import Category
from refurb.maintenance.enums import (
    IncidentCategory,
    IncidentImpact,
    IncidentSource,
    IncidentStatus,
    SiteKind,
    VisitStatus,
)
from refurb.maintenance.models import Incident, Plan, PlanVersion, Site, Visit
from tests.conftest import PASSWORD, TODAY, sign_in


@pytest.fixture
def coordinator(client, login_as, create_organisation):
    return login_as(Role.ADMIN, create_organisation("Gers Numérique", OrganisationKind.COORDINATOR))


@pytest.fixture
def people(create_user, create_organisation):
    """A host organisation and two maintainers of a workshop."""
    workshop = create_organisation("AG2I Maintenance", OrganisationKind.WORKSHOP)
    return (
        create_organisation("Mairie de Fleurance", OrganisationKind.SITE_HOST),
        create_user(Role.MAINTAINER, workshop, name="Karim Benali"),
        create_user(Role.MAINTAINER, workshop, name="Julie Castex"),
    )


def shown(response) -> str:
    """The page's text, French narrow and non-breaking spaces read as spaces."""
    return response.get_data(as_text=True).replace("\u202f", " ").replace("\u00a0", " ")


def site_form(host, maintainers, **overrides):
    data = {
        "name": "France Services de Fleurance",
        "kind": SiteKind.FRANCE_SERVICES.value,
        "commune": "Fleurance (32500)",
        "host_organisation_id": str(host.id),
        "contact_name": "Accueil",
        "contact_phone": "05 62 06 10 01",
        "contact_email": "accueil@fleurance.fr",
        "opening_hours": "Mardi et jeudi, 9 h – 12 h",
        "weekly_attendance": "45",
        "attendance_assessed_on": (TODAY - timedelta(days=15)).isoformat(),
        "maintainer_ids": [str(m.id) for m in maintainers],
        "need_desktop": "4",
        "need_laptop": "",
    }
    data.update(overrides)
    return data


def test_the_coordinator_records_a_site(client, coordinator, people, in_app):
    host, karim, julie = people
    form = client.get("/lieux/nouveau")
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    assert "Mairie de Fleurance" in text and "Karim Benali" in text and "Julie Castex" in text
    response = client.post("/lieux/nouveau", data=site_form(host, [karim]))
    assert response.status_code == 302
    with in_app() as session:
        (site,) = session.scalars(select(Site)).all()
        assert (site.name, site.kind, site.commune.name) == (
            "France Services de Fleurance",
            SiteKind.FRANCE_SERVICES,
            "Fleurance",
        )
        assert site.host_organisation_id == host.id and site.contact_phone == "05 62 06 10 01"
        assert site.weekly_attendance == 45
        assert site.attendance_assessed_on == TODAY - timedelta(days=15)
        assert [m.id for m in site.maintainers] == [karim.id]
        assert [(n.category, n.count) for n in site.needs] == [(Category.DESKTOP, 4)]
        assert {p.key for p in site.plans} == {"monthly", "quarterly"}  # departmental plans
        site_id = site.id
    assert response.location.endswith(f"/lieux/{site_id}")
    page = shown(client.get(response.location))
    assert "Lieu « France Services de Fleurance » enregistré." in page
    assert "<dd>Mairie de Fleurance</dd>" in page and "<dd>Karim Benali</dd>" in page
    assert (
        "<tr><td>Ordinateur fixe</td><td>4</td><td>0</td>"
        '<td><span class="overdue">4 manquants</span></td></tr>'
    ) in page


def test_a_site_with_an_admin_as_maintainer_is_refused(client, coordinator, people, in_app):
    host, _karim, _julie = people
    response = client.post(
        "/lieux/nouveau", data=site_form(host, [], maintainer_ids=[str(coordinator.id)])
    )
    assert response.status_code == 400
    assert 'value="France Services de Fleurance"' in response.get_data(as_text=True)
    with in_app() as session:
        assert session.scalars(select(Site)).all() == []


def test_the_coordinator_edits_a_site(client, coordinator, people, make_site, in_app):
    host, karim, julie = people
    site = make_site("Médiathèque de Fleurance", maintainers=[karim], host=host)
    form = client.get(f"/lieux/{site.id}/modifier")
    assert form.status_code == 200
    assert 'value="Médiathèque de Fleurance"' in form.get_data(as_text=True)
    with in_app() as session:
        version = session.get(Site, site.id).version
    response = client.post(
        f"/lieux/{site.id}/modifier",
        data=site_form(
            host,
            [julie],
            name="Médiathèque Pierre-Lagarde",
            kind=SiteKind.MEDIATHEQUE.value,
            opening_hours="Du mardi au samedi",
            need_desktop="2",
            need_laptop="1",
            version=str(version),
        ),
    )
    assert response.status_code == 302 and response.location.endswith(f"/lieux/{site.id}")
    with in_app() as session:
        saved = session.get(Site, site.id)
        assert (saved.name, saved.opening_hours) == (
            "Médiathèque Pierre-Lagarde",
            "Du mardi au samedi",
        )
        assert [m.id for m in saved.maintainers] == [julie.id]
        assert sorted((n.category, n.count) for n in saved.needs) == sorted(
            [(Category.DESKTOP, 2), (Category.LAPTOP, 1)]
        )
        assert saved.version == version + 1
    page = client.get(response.location).get_data(as_text=True)
    assert "Lieu enregistré." in page and "<h1>Médiathèque Pierre-Lagarde" in page
    assert "<dd>Julie Castex</dd>" in page
    stale = client.post(
        f"/lieux/{site.id}/modifier",
        data=site_form(host, [karim], name="Autre nom", version=str(version)),
    )
    assert stale.status_code == 409  # shown again, saying why
    assert "modifiée par quelqu" in stale.get_data(as_text=True)
    with in_app() as session:
        assert session.get(Site, site.id).name == "Médiathèque Pierre-Lagarde"


def plan_rows(items) -> dict:
    data = {"rows": str(len(items))}
    for position, item in enumerate(items):
        data[f"key-{position}"] = item.get("key", "")
        data[f"label-{position}"] = item["label"]
        data[f"kind-{position}"] = item["kind"]
        if item.get("required", True):
            data[f"required-{position}"] = "y"
        if item.get("critical"):
            data[f"critical-{position}"] = "y"
        for bound in ("min", "max"):
            if item.get(bound) is not None:
                data[f"{bound}-{position}"] = str(item[bound]).replace(".", ",")
    return data


def test_the_coordinator_edits_a_plan_as_a_new_version(client, coordinator, in_app):
    with in_app() as session:
        plan = session.scalar(select(Plan).where(Plan.key == "quarterly"))
        plan_id, version, items = plan.id, plan.version, list(plan.current.items)
    page = client.get(f"/maintenance/plans/{plan_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Visite trimestrielle <small>version 1</small>" in text
    assert 'value="Santé du disque correcte (SMART)"' in text
    added = {"label": "Antivirus à jour", "kind": "yes_no", "required": True, "critical": True}
    response = client.post(
        f"/maintenance/plans/{plan_id}",
        data={
            "name": "Visite trimestrielle",
            "interval_days": "90",
            "version": str(version),
            **plan_rows([*items, added]),
        },
    )
    assert response.status_code == 302 and response.location.endswith(
        f"/maintenance/plans/{plan_id}"
    )
    with in_app() as session:
        plan = session.get(Plan, plan_id)
        assert plan.interval_days == 90 and plan.current.number == 2
        assert plan.current.items[:-1] == items
        assert plan.current.items[-1] == {
            "key": "antivirus_à_jour",
            "label": "Antivirus à jour",
            "kind": "yes_no",
            "required": True,
            "critical": True,
            "min": None,
            "max": None,
        }
        first = session.scalar(
            select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.number == 1)
        )
        assert first.items == items  # visits already made keep their checklist
    shown = client.get(response.location).get_data(as_text=True)
    assert "Plan enregistré (version 2)." in shown and 'value="Antivirus à jour"' in shown


def test_the_site_staff_report_an_incident_on_a_pc_of_their_site(client, park, in_app):
    sign_in(client, park.staff.email, PASSWORD)
    tag = park.tags[1]
    form = client.get(f"/lieux/{park.site.id}/incidents/nouveau?tag={tag}")
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    assert tag in text and park.other_tags[0] not in text
    with in_app() as session:
        from tests.maintenance.conftest import device

        device_id = device(session, tag).id
        other_id = device(session, park.other_tags[0]).id
    assert f'<option selected value="{device_id}">' in text  # the scanned PC chosen
    refused = client.post(
        f"/lieux/{park.site.id}/incidents/nouveau",
        data={"device_id": str(other_id), "category": "network", "impact": "blocking"},
    )
    assert refused.status_code == 400
    response = client.post(
        f"/lieux/{park.site.id}/incidents/nouveau",
        data={
            "device_id": str(device_id),
            "category": IncidentCategory.PERIPHERAL.value,
            "impact": IncidentImpact.DEGRADED.value,
            "description": "La souris ne répond plus",
        },
    )
    assert response.status_code == 302
    with in_app() as session:
        (incident,) = session.scalars(select(Incident)).all()
        assert (incident.device_id, incident.site_id) == (device_id, park.site.id)
        assert (incident.category, incident.impact, incident.description) == (
            IncidentCategory.PERIPHERAL,
            IncidentImpact.DEGRADED,
            "La souris ne répond plus",
        )
        assert incident.source == IncidentSource.SITE_STAFF
        assert incident.reporter_id == park.staff.id and incident.status == IncidentStatus.OPEN
        reference, incident_id = incident.reference, incident.id
    assert response.location.endswith(f"/incidents/{incident_id}")
    page = client.get(response.location).get_data(as_text=True)
    assert f"Incident {reference} signalé" in page and "La souris ne répond plus" in page
    assert "Le personnel du lieu" in page and tag in page


def test_a_maintainer_abandons_a_visit_and_nothing_is_counted(client, park, in_app):
    sign_in(client, park.maintainer.email, PASSWORD)
    with in_app() as session:
        plan_id = session.scalar(select(Plan.id).where(Plan.key == "monthly"))
    started = client.post(f"/lieux/{park.site.id}/visites", data={"plan_id": plan_id})
    assert started.status_code == 302
    visit_id = int(started.location.rsplit("/", 1)[1])
    assert "reprendre" in client.get(f"/lieux/{park.site.id}").get_data(as_text=True)
    response = client.post(f"/visites/{visit_id}/abandonner")
    assert response.status_code == 302 and response.location.endswith(f"/lieux/{park.site.id}")
    with in_app() as session:
        visit = session.get(Visit, visit_id)
        assert visit.status == VisitStatus.CANCELLED and visit.completed_at is None
    page = shown(client.get(response.location))
    assert "Visite abandonnée : rien n&#39;a été compté." in page
    assert f"/visites/{visit_id}" not in page  # a cancelled visit is neither listed nor resumed
    again = client.post(f"/lieux/{park.site.id}/visites", data={"plan_id": plan_id})
    assert int(again.location.rsplit("/", 1)[1]) != visit_id  # a new visit, not the abandoned one


def test_the_sites_list_says_in_words_that_a_visit_is_late(client, park, in_app):
    from refurb.inventory.models import Device

    with in_app() as session:  # the PCs went in 40 days ago and no visit was made since
        for device in session.scalars(select(Device).where(Device.site_id == park.site.id)):
            device.state_changed_at -= timedelta(days=40)
        session.commit()
    sign_in(client, park.maintainer.email, PASSWORD)
    page = client.get("/lieux").get_data(as_text=True)
    row = page[page.index("Médiathèque d&#39;Auch") :].split("</tr>")[0]
    late = (TODAY - timedelta(days=40)).strftime("%d/%m/%Y")
    assert f'<span class="overdue">en retard depuis le {late}</span>' in row
