"""Maintenance through the client: the public's report from a label (rate limit, honeypot, no
account), the round and its calendar feed, a visit on the pages, the API, and who sees what."""

import re
from datetime import date

from icalendar import Calendar
from sqlalchemy import func, select

from refurb.auth.roles import Role
from refurb.inventory.enums import State
from refurb.maintenance.enums import IncidentSource, IncidentStatus
from refurb.maintenance.models import Incident
from tests.conftest import sign_in


def incidents(in_app):
    with in_app() as session:
        return session.scalars(select(Incident).order_by(Incident.id)).all()


def test_the_public_reports_a_broken_pc_from_its_label(client, in_app, park):
    tag = park.tags[0]
    page = client.get(f"/t/{tag}").get_data(as_text=True)
    assert "Ce poste ne marche pas\u202f?" in page and 'name="category"' in page
    done = client.post(
        f"/t/{tag}/signaler",
        data={"category": "network", "description": "Pas d'internet", "contact": "06 11 22 33 44"},
    )
    assert done.status_code == 303 and done.location == f"/t/{tag}/signale"
    text = client.get(done.location).get_data(as_text=True)
    assert "Merci, c'est noté" in text and "Ce qui se passe ensuite" in text
    [reported] = incidents(in_app)
    assert reported.source == IncidentSource.PUBLIC and reported.reporter_id is None
    assert reported.status == IncidentStatus.OPEN and reported.reference in text
    assert reported.address_digest and "127.0.0.1" not in reported.address_digest
    # A reload (or a step back on a phone) shows the same thanks and files nothing more.
    assert reported.reference in client.get(done.location).get_data(as_text=True)
    assert len(incidents(in_app)) == 1
    # Another label's thanks page, where this browser reported nothing, leads to that label.
    other = client.get(f"/t/{park.tags[1]}/signale")
    assert other.status_code == 302 and other.location == f"/t/{park.tags[1]}"


def test_the_public_form_needs_a_choice_and_is_rate_limited(app, client, in_app, park):
    tag = park.tags[0]
    empty = client.post(f"/t/{tag}/signaler", data={"description": "?"})
    assert empty.status_code == 400 and "Choisissez ce qui ne va pas." in empty.get_data(
        as_text=True
    )
    # Shown again, the page still says what is true of a PC in service, not of a new device.
    assert "pas encore été reconditionné" not in empty.get_data(as_text=True)
    limit = app.config["PUBLIC_REPORTS_PER_ADDRESS_HOUR"]
    for _ in range(limit):
        assert client.post(f"/t/{tag}/signaler", data={"category": "other"}).status_code == 303
    refused = client.post(f"/t/{tag}/signaler", data={"category": "other"})
    assert refused.status_code == 429  # the address's limit: it says so, not "ce problème"
    assert "Plusieurs signalements viennent d&#39;être envoyés depuis ce réseau" in (
        refused.get_data(as_text=True)
    )
    assert len(incidents(in_app)) == limit


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_kept(client, in_app, park):
    answer = client.post(
        f"/t/{park.tags[0]}/signaler",
        data={"category": "other", "website": "http://spam"},
        follow_redirects=True,
    )
    assert answer.status_code == 200 and "Merci" in answer.get_data(as_text=True)
    assert "Référence" not in answer.get_data(as_text=True)
    assert incidents(in_app) == []


def test_a_pc_not_in_service_has_no_report_form(client, make_device):
    tag = make_device().tag
    assert "Ce poste ne marche pas" not in client.get(f"/t/{tag}").get_data(as_text=True)
    assert client.post(f"/t/{tag}/signaler", data={"category": "other"}).status_code == 302
    assert client.get(f"/t/{tag}/signale").status_code == 302


def test_the_round_and_its_calendar_feed(client, in_app, park):
    sign_in(client, park.maintainer.email, "correct horse battery")
    page = client.get("/tournee").get_data(as_text=True)
    assert "Médiathèque d&#39;Auch" in page and "Mairie de Marciac" not in page
    created = client.post("/tournee/calendrier", follow_redirects=True).get_data(as_text=True)
    feed_url = created.split('class="feed-url">')[1].split("<")[0]
    path = feed_url.replace("http://localhost", "")
    feed = client.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = Calendar.from_ical(feed.data)
    events = [c for c in calendar.walk("VEVENT")]
    assert {str(e["summary"]) for e in events} == {
        "Visite mensuelle — Médiathèque d'Auch",
        "Visite trimestrielle — Médiathèque d'Auch",
    }
    assert all(isinstance(e.decoded("dtstart"), date) for e in events)
    client.post("/tournee/calendrier")  # renewed: the old address stops working
    assert client.get(path).status_code == 404


def test_a_visit_on_the_pages_pc_by_pc(client, in_app, park):
    sign_in(client, park.maintainer.email, "correct horse battery")
    with in_app() as session:
        from refurb.maintenance.models import Plan

        plan_id = session.scalar(select(Plan.id).where(Plan.key == "quarterly"))
    started = client.post(f"/lieux/{park.site.id}/visites", data={"plan_id": plan_id})
    visit_url = started.location
    assert client.get(visit_url + f"?etiquette={park.other_tags[0]}").status_code == 409
    opened = client.get(visit_url + f"?etiquette={park.tags[0].lower()}")
    assert opened.status_code == 302 and opened.location.endswith(f"/pc/{park.tags[0]}")
    refused = client.post(opened.location, data={"item-disk_health": "yes"})
    assert refused.status_code == 400
    assert "À renseigner." in refused.get_data(as_text=True)
    for tag in park.tags:
        client.post(
            f"{visit_url}/pc/{tag}",
            data={
                "item-disk_health": "yes",
                "item-label_readable": "yes",
                "item-inventory_found": "yes",
            },
        )
    done = client.post(f"{visit_url}/terminer", data={"minutes_spent": "35"}, follow_redirects=True)
    assert "Visite terminée." in done.get_data(as_text=True)


def test_the_api_visit_is_refused_when_a_pc_is_missing(client, api_token, in_app, park):
    token = client.post(
        "/api/v1/auth/token",
        json={"email": park.maintainer.email, "password": "correct horse battery"},
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    plans = client.get("/api/v1/maintenance/plans", headers=headers).json["items"]
    quarterly = next(p for p in plans if p["key"] == "quarterly")
    answers = {"disk_health": "yes", "label_readable": "yes", "inventory_found": "yes"}
    body = {
        "plan_id": quarterly["id"],
        "minutes_spent": 30,
        "results": [{"tag": park.tags[0], "answers": answers}],
    }
    refused = client.post(f"/api/v1/sites/{park.site.id}/visits", json=body, headers=headers)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "result_missing"
    assert refused.json["error"]["details"]["tags"] == [park.tags[1]]
    body["results"].append({"tag": park.tags[1], "answers": {**answers, "disk_health": "no"}})
    done = client.post(f"/api/v1/sites/{park.site.id}/visits", json=body, headers=headers)
    assert done.status_code == 201 and len(done.json["incidents"]) == 1
    listed = client.get("/api/v1/incidents?status=open", headers=headers).json
    assert listed["total"] == 1 and listed["items"][0]["tag"] == park.tags[1]
    incident = listed["items"][0]
    ack = client.post(
        f"/api/v1/incidents/{incident['id']}/acknowledge",
        json={"version": incident["version"]},
        headers=headers,
    )
    assert ack.status_code == 200 and ack.json["status"] == "acknowledged"
    availability = client.get(
        f"/api/v1/sites/{park.site.id}/availability?from=2026-01-01&to=2026-12-31",
        headers=headers,
    ).json
    assert availability["pcs"] == 2 and len(availability["devices"]) == 2
    site = client.get(f"/api/v1/sites/{park.site.id}", headers=headers).json
    assert [pc["tag"] for pc in site["park"]] == sorted(park.tags)
    assert site["park"][0]["state"] == "deployed"
    dues = client.get("/api/v1/visits?due_before=2100-01-01", headers=headers).json
    assert {d["site"] for d in dues["items"]} == {"Médiathèque d'Auch"}


def test_people_of_site_a_do_not_reach_site_b(client, in_app, park):
    with in_app() as session:
        from refurb.inventory.models import Device
        from refurb.maintenance.enums import IncidentCategory, IncidentImpact
        from refurb.maintenance.services import incidents as service

        pc = session.scalar(select(Device).where(Device.tag == park.other_tags[0]))
        other = service.report(
            None, pc, IncidentCategory.OTHER, IncidentImpact.BLOCKING, "", IncidentSource.PUBLIC
        )
        session.commit()
        other_id = other.id
    for person in (park.maintainer, park.staff):
        visitor = client.application.test_client()
        sign_in(visitor, person.email, "correct horse battery")
        assert visitor.get(f"/lieux/{park.other.id}").status_code == 404
        assert visitor.get(f"/incidents/{other_id}").status_code == 404
        assert visitor.get(f"/lieux/{park.site.id}").status_code == 200
        listed = visitor.get("/incidents").get_data(as_text=True)
        assert park.other_tags[0] not in listed
    staff = client.application.test_client()
    sign_in(staff, park.staff.email, "correct horse battery")
    assert staff.post(f"/incidents/{other_id}/acknowledge").status_code == 403
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 1


def test_bulk_scanning_puts_devices_in_service_at_a_site(
    client, technician, make_device, park, in_app
):
    from refurb.inventory.enums import State
    from refurb.inventory.models import Device

    tags = [make_device(State.READY).tag for _ in range(2)]
    sign_in(client, technician.email, "correct horse battery")
    page = client.post(
        "/scan/lot", data={"tags": "\n".join(tags), "action": "deploy", "site_id": park.site.id}
    )
    assert page.status_code == 200 and "Médiathèque d&#39;Auch" in page.get_data(as_text=True)
    with in_app() as session:
        devices = session.scalars(select(Device).where(Device.tag.in_(tags))).all()
        assert {(d.state, d.site_id) for d in devices} == {(State.DEPLOYED, park.site.id)}


def test_a_new_incident_is_mailed_to_the_site_maintainers(app, client, park):
    import socket

    from aiosmtpd.controller import Controller

    class Inbox:
        messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            self.messages.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        client.post(f"/t/{park.tags[0]}/signaler", data={"category": "software"})
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
        controller.stop()
    assert [m.rcpt_tos for m in inbox.messages] == [[park.maintainer.email]]
    body = inbox.messages[0].content.decode()
    assert park.tags[0] in body and "/incidents/" in body


def test_bad_periods_and_plan_rows_are_400s_not_500s(client, create_user, park):
    from refurb.auth.roles import Role

    admin = create_user(Role.ADMIN)
    token = client.post(
        "/api/v1/auth/token", json={"email": admin.email, "password": admin.password}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    old = client.get(
        f"/api/v1/sites/{park.site.id}/availability?from=0001-01-01&to=2026-01-01", headers=headers
    )
    assert old.status_code == 400 and "from" in old.json["error"]["details"]
    sign_in(client, admin.email, admin.password)
    assert (
        client.post(
            "/maintenance/plans/1", data={"name": "x", "interval_days": "30", "rows": "abc"}
        ).status_code
        == 400
    )
    edited = client.post(f"/lieux/{park.site.id}/modifier", data={"need_desktop": "²"})
    assert edited.status_code == 400


def test_a_sites_need_that_cannot_be_read_is_said_beside_it_and_nothing_is_saved(
    client, create_user, in_app, park
):
    from refurb.maintenance.models import Site

    admin = create_user(Role.ADMIN)
    sign_in(client, admin.email, admin.password)
    page = client.get(f"/lieux/{park.site.id}/modifier").get_data(as_text=True)
    data = {
        name: value
        for name, value in re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page)
        if not name.startswith("need_")
    }
    data |= {"need_desktop": "2,5", "need_laptop": "3"}
    refused = client.post(f"/lieux/{park.site.id}/modifier", data=data)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="need_desktop-erreur"' in text
    assert 'value="2,5"' in text  # kept as typed, not made 0
    with in_app() as session:
        assert session.get(Site, park.site.id).needs == []  # nothing saved
    data |= {"need_desktop": "2"}  # the rest of the form was sound: read, it is saved
    assert client.post(f"/lieux/{park.site.id}/modifier", data=data).status_code == 302


def test_a_refused_step_keeps_its_note_field_and_the_history_says_who(client, in_app, park):
    client.post(f"/t/{park.tags[0]}/signaler", data={"category": "network"})
    [reported] = incidents(in_app)
    sign_in(client, park.maintainer.email, "correct horse battery")
    page = client.get(f"/incidents/{reported.id}").get_data(as_text=True)
    assert page.count('id="acknowledge-version"') == 1 and 'id="version"' not in page
    version = reported.version
    typed = "   "
    empty = client.post(
        f"/incidents/{reported.id}/resolve",
        data={"resolve-note": typed, "resolve-version": version},
    )
    text = empty.get_data(as_text=True)
    assert empty.status_code == 409
    assert 'id="resolve-note-erreur"' in text and "Dites en une phrase" in text
    assert 'aria-describedby="resolve-note-aide resolve-note-erreur"' in text
    assert "Pas de données sensibles ici." in text
    assert 'id="reject-note-erreur"' not in text  # the other step's form is untouched
    stale = client.post(
        f"/incidents/{reported.id}/resolve",
        data={"resolve-note": "Câble rebranché", "resolve-version": version - 1},
    )
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Câble rebranché</textarea>" in text
    assert "envoyez à nouveau" in text  # not "rechargez", which would lose the note
    assert f'id="resolve-version" name="resolve-version" type="hidden" value="{version}"' in text
    done = client.post(
        f"/incidents/{reported.id}/resolve",
        data={"resolve-note": "Câble rebranché", "resolve-version": version},
    )
    assert done.status_code == 302
    history = client.get(done.location).get_data(as_text=True)
    with in_app() as session:
        from refurb.auth.models import User

        name = session.get(User, park.maintainer.id).name
    assert f"Résolu par {name} : Câble rebranché" in history
    assert incidents(in_app)[0].status == IncidentStatus.RESOLVED


def test_a_maintainer_is_offered_only_their_own_sites_for_a_device(client, park, make_device):
    tag = make_device(State.READY).tag
    sign_in(client, park.maintainer.email, "correct horse battery")
    page = client.get(f"/appareils/{tag}").get_data(as_text=True)
    start = page.index('name="site_id"')
    options = page[start : page.index("</select>", start)]
    assert "Médiathèque d&#39;Auch" in options and "Mairie de Marciac" not in options
    # Another site, posted all the same, is refused by the rule, which says why.
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    with_other = client.post(
        f"/appareils/{tag}/actions/deploy", data={"site_id": park.other.id, "version": version}
    )
    assert with_other.status_code == 403
    assert "mainteneur de ce lieu" in with_other.get_data(as_text=True)


def test_a_maintainer_with_no_site_is_told_so_instead_of_an_empty_choice(
    client, park, make_device, create_user
):
    tag = make_device(State.READY).tag
    newcomer = create_user(Role.MAINTAINER)
    sign_in(client, newcomer.email, "correct horse battery")
    page = client.get(f"/appareils/{tag}").get_data(as_text=True)
    assert 'name="site_id"' not in page
    assert "Aucun lieu ne vous est affecté" in page


def test_a_pc_reported_again_says_so_to_the_public_and_links_the_reports(client, in_app, park):
    tag = park.tags[0]
    first = {"category": "network", "description": "Pas d'internet", "contact": ""}
    assert client.post(f"/t/{tag}/signaler", data=first).status_code == 303
    page = client.get(f"/t/{tag}").get_data(as_text=True).replace("&#39;", "'")
    assert "Un problème a déjà été signalé sur ce poste le" in page
    assert 'name="category"' in page  # something else may still be said
    unreadable = client.post(f"/t/{tag}/signaler", data={**first, "contact": "pas un contact"})
    text = unreadable.get_data(as_text=True)
    assert unreadable.status_code == 400 and 'id="contact-erreur"' in text
    assert 'value="pas un contact"' in text and len(incidents(in_app)) == 1
    again = {**first, "contact": "claire@exemple.fr"}
    assert client.post(f"/t/{tag}/signaler", data=again).status_code == 303
    sign_in(client, park.maintainer.email, "correct horse battery")
    older, newer = sorted(incidents(in_app), key=lambda i: i.id)
    page = client.get(f"/incidents/{newer.id}").get_data(as_text=True)
    assert "Autres signalements en cours sur ce PC" in page and older.reference in page


def test_with_no_site_at_all_the_workshop_is_told_none_is_recorded(client, login_as, make_device):
    tag = make_device(State.READY).tag
    login_as(Role.TECHNICIAN)
    page = client.get(f"/appareils/{tag}").get_data(as_text=True).replace("&#39;", "'")
    assert "Aucun lieu n'est encore enregistré" in page and 'name="site_id"' not in page
    assert "ne vous est affecté" not in page
