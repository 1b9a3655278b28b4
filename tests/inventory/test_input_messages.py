"""What a technician types is kept or refused with a message, every error at once: intake with
several mistakes, an empty diagnosis, a future erasure date, serials repeated in an import,
French category names."""

import re
from datetime import UTC, datetime, time, timedelta
from io import BytesIO

import pytest
from sqlalchemy import func, select

from refurb.auth.models import User
from refurb.auth.roles import Role
from refurb.db_types import PARIS
from refurb.extensions import db
from refurb.inventory import readiness
from refurb.inventory.checklists import default_checklist
from refurb.inventory.enums import Category, State
from refurb.inventory.importer import import_devices
from refurb.inventory.models import Device, Diagnosis, Erasure
from refurb.inventory.tags import format_tag
from tests.conftest import TODAY


def errors_of(page: str) -> list[str]:
    return re.findall(r'<p class="error" id="[^"]+">([^<]+)</p>', page)


def test_intake_says_every_mistake_at_once(client, login_as):
    login_as(Role.TECHNICIAN)
    good = format_tag("4K7PQ2", "GN")
    typo = good[:-1] + ("A" if good[-1] != "A" else "B")
    for year in ("1850", "deux-mille"):
        page = client.post(
            "/appareils/nouveau",
            data={
                "category": "laptop",
                "year_of_manufacture": year,
                "weight_kg": "-2",
                "tag": typo,
            },
        ).get_data(as_text=True)
        said = " ".join(errors_of(page))
        assert "faute de frappe" in said, year  # the tag
        assert "poids" in said.lower() or "supérieur à 0" in said or "plus de 0" in said, said
        assert len(errors_of(page)) == 3, (year, errors_of(page))
        assert 'class="form-errors error-summary"' in page and 'href="#tag"' in page


def test_a_diagnosis_refuses_its_overlong_or_nul_texts_beside_each_and_keeps_them(
    client, login_as, make_device, in_app
):
    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    items = default_checklist(Category.LAPTOP)
    data = {f"item-{item.key}": "pass" for item in items}
    data |= {"outcome": "ready_after_erasure", "notes": "z" * 5001}
    data[f"note-{items[0].key}"] = "a\x00b"
    response = client.post(f"/appareils/{device.tag}/diagnostic", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        'id="notes-erreur"' in page and "5000 caractères au plus (vous en avez saisi 5001)" in page
    )
    assert f'id="note-{items[0].key}-erreur"' in page and "octet nul" in page
    assert f'href="#note-{items[0].key}"' in page and 'href="#notes"' in page
    assert "z" * 5001 + "</textarea>" in page  # kept as typed
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(Diagnosis)) == 0


@pytest.mark.parametrize("outcome", ["", "ready_after_erasure"])
def test_a_diagnosis_says_its_unanswered_points_and_its_overlong_remarks_together(
    client, login_as, make_device, outcome
):
    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    page = client.post(
        f"/appareils/{device.tag}/diagnostic", data={"outcome": outcome, "notes": "z" * 5001}
    ).get_data(as_text=True)
    first = default_checklist(Category.LAPTOP)[0]
    assert f'id="err-{first.key}"' in page  # a point unanswered
    assert 'id="notes-erreur"' in page and "vous en avez saisi 5001" in page  # and the remarks


def test_an_empty_diagnosis_names_every_unanswered_point(client, login_as, make_device):
    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    response = client.post(f"/appareils/{device.tag}/diagnostic", data={})
    page = response.get_data(as_text=True)
    items = default_checklist(Category.LAPTOP)
    assert response.status_code == 400
    for item in items:
        assert f'id="err-{item.key}"' in page, item.key
    assert 'id="err-outcome"' in page and 'aria-describedby="err-outcome"' in page
    assert f"Le formulaire contient {len(items) + 1} erreurs" in page
    assert 'href="#outcome-' in page


def with_a_disk(client, device) -> dict:
    """An SSD added to the device on its page; the erasure form's fields for it."""
    client.post(
        f"/appareils/{device.tag}/supports",
        data={"medium-kind": "ssd", "medium-serial": f"SSD-{device.id}", "medium-size_gb": "256"},
    )
    page = client.get(f"/appareils/{device.tag}/effacement").get_data(as_text=True)
    medium_id = re.search(r'<option value="(\d+)">SSD', page).group(1)
    return {"medium_id": medium_id, "method": "purge", "tool": "hdparm", "verified": "y"}


def test_an_erasure_dated_in_the_future_is_refused_not_changed(
    client, login_as, make_device, in_app
):
    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    data = with_a_disk(client, device)
    refused = client.post(
        f"/appareils/{device.tag}/effacement", data={**data, "performed_on": "2030-06-01"}
    )
    assert refused.status_code == 400 and "dans le futur" in refused.get_data(as_text=True)
    assert 'value="2030-06-01"' in refused.get_data(as_text=True)  # kept as typed
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(Erasure)) == 0
    last_week = TODAY - timedelta(days=7)
    client.post(
        f"/appareils/{device.tag}/effacement", data={**data, "performed_on": last_week.isoformat()}
    )
    with in_app() as session:
        erasure = session.scalar(select(Erasure))
        assert erasure.performed_at.date() == last_week


def test_an_erasure_before_the_device_came_in_is_refused_at_its_date_and_one_that_day_counts(
    client, login_as, make_device, in_app
):
    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    data = with_a_disk(client, device)
    arrived = datetime.combine(TODAY - timedelta(days=3), time(17), PARIS).astimezone(UTC)
    with in_app() as session:  # the device came in three days ago, late in the afternoon
        session.get(Device, device.id).cycle_started_at = arrived
        session.commit()
    before = (TODAY - timedelta(days=4)).isoformat()
    refused = client.post(
        f"/appareils/{device.tag}/effacement", data={**data, "performed_on": before}
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and f'value="{before}"' in text
    field = text[text.index('id="performed_on-erreur"') :]
    assert field.index("arrivé (ou revenu) à") < field.index("</")
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(Erasure)) == 0
    that_day = (TODAY - timedelta(days=3)).isoformat()
    client.post(f"/appareils/{device.tag}/effacement", data={**data, "performed_on": that_day})
    with in_app() as session:
        device_now = session.get(Device, device.id)
        assert session.scalar(select(Erasure)).performed_at == arrived
        assert not readiness.media_not_erased(device_now)  # it counts for this cycle


def test_an_import_warns_of_repeated_serials_and_reads_french_categories(
    client, login_as, make_device, in_app
):
    login_as(Role.TECHNICIAN)
    existing = make_device(serial_number="EXIST-1")
    csv = (
        "category;brand;serial_number\n"
        "portable;HP;DUP-1\n"
        "Écran;Dell;DUP-1\n"
        "téléphone;Samsung;exist-1\n"
        "FIXE;Lenovo;\n"
        "tablette;Apple;\n"
    ).encode()
    response = client.post(
        "/appareils/import",
        data={"file": (BytesIO(csv), "lot.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "5 appareils importés" in page
    assert "2 numéros de série sont déjà enregistrés" in page
    assert "ligne 3 : DUP-1, déjà ligne 2" in page.replace("\u202f", " ")
    assert f"ligne 4 : EXIST-1, déjà sur {existing.tag}" in page.replace("\u202f", " ")
    with in_app() as session:
        categories = session.scalars(
            select(Device.category).where(Device.id != existing.id).order_by(Device.id)
        ).all()
    assert categories == [
        Category.LAPTOP,
        Category.SCREEN,
        Category.SMARTPHONE,
        Category.DESKTOP,
        Category.TABLET,
    ]


def test_import_warnings_below_http(in_app, technician):
    with in_app() as session:
        warnings: list = []
        import_devices(
            session.get(User, technician.id),
            "category,serial_number\nlaptop,S-1\nlaptop,s-1\nlaptop,S-2\n",
            warnings=warnings,
        )
        assert [(w.line, w.serial) for w in warnings] == [(3, "S-1")]


def test_a_new_collection_is_dated_today_and_its_workshop_reads_aucun(client, login_as):
    login_as(Role.TECHNICIAN)
    page = client.get("/collectes/nouvelle").get_data(as_text=True)
    assert f'value="{TODAY.isoformat()}"' in page
    workshop = page[page.index('name="workshop_id"') :]
    assert "— aucun —" in workshop.split("</select>")[0]


def test_a_device_without_storage_reads_as_one(client, login_as, make_device):
    login_as(Role.TECHNICIAN)
    screen = make_device(State.DIAGNOSIS, category=Category.SCREEN)
    diagnosis = client.get(f"/appareils/{screen.tag}/diagnostic").get_data(as_text=True)
    assert (
        "prêt au réemploi (rien à effacer)" in diagnosis
        and "prêt après effacement" not in diagnosis
    )
    erase = client.get(f"/appareils/{screen.tag}/effacement").get_data(as_text=True)
    assert "il n&#39;y a rien à effacer" in erase or "il n'y a rien à effacer" in erase
    assert "Aucun support enregistré" not in erase
    assert "certificat-effacement.pdf" not in erase  # no certificate to lead to
    page = client.get(f"/appareils/{screen.tag}").get_data(as_text=True)
    assert "rien à effacer" in page and "Aucun support enregistré" not in page
    laptop = make_device(State.DIAGNOSIS)
    erase = client.get(f"/appareils/{laptop.tag}/effacement").get_data(as_text=True)
    assert "Aucun support enregistré" in erase


def test_after_a_passed_test_the_page_pushes_the_erasure_not_the_repair(
    client, login_as, make_device
):
    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    answers = {f"item-{i.key}": "pass" for i in default_checklist(Category.LAPTOP)}
    client.post(
        f"/appareils/{device.tag}/diagnostic", data={**answers, "outcome": "ready_after_erasure"}
    )
    page = client.get(f"/appareils/{device.tag}").get_data(as_text=True)
    steps = page[page.index('class="next-steps"') : page.index("</ol>", page.index("next-steps"))]
    first = steps.split('<li class="step')[1]
    assert "Déclarer prêt au réemploi" in first and "step-likely" in first[:20]
    assert f'href="/appareils/{device.tag}/effacement"' in first  # the blocker's fix, linked
    repair = steps[steps.index("Envoyer en réparation") :]
    assert 'class="button-secondary"' in repair.split("</form>")[0]
    assert "Note pour « Envoyer en réparation »" in steps.replace("\u202f", " ").replace(
        "\u00a0", " "
    )


def test_a_non_critical_fault_is_a_known_defect_not_a_blocker(
    app, client, login_as, create_user, make_device, in_app
):
    from refurb.inventory.checklists import checklist as rules_of
    from tests.conftest import sign_in

    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    answers = {f"item-{i.key}": "pass" for i in default_checklist(Category.LAPTOP)}
    dead_webcam = {**answers, "item-camera": "fail", "outcome": "ready_after_erasure"}
    assert client.post(f"/appareils/{device.tag}/diagnostic", data=dead_webcam).status_code == 302
    page = client.get(f"/appareils/{device.tag}").get_data(as_text=True)
    assert "Défauts connus" in page and "Caméra" in page.split("Défauts connus")[1][:200]
    dead_screen = {**answers, "item-screen": "fail", "outcome": "ready_after_erasure"}
    refused = client.post(f"/appareils/{device.tag}/diagnostic", data=dead_screen)
    assert refused.status_code == 400 and "points bloquants" in refused.get_data(as_text=True)
    # The coordinator makes the camera critical for laptops: the next test is refused.
    admin, coordinator = app.test_client(), create_user(Role.ADMIN)
    sign_in(admin, coordinator.email, coordinator.password)
    keys = {i.key for i in default_checklist(Category.LAPTOP) if i.critical} | {"camera"}
    shown = " ".join(sorted(i.key for i in default_checklist(Category.LAPTOP) if i.critical))
    admin.post(
        "/atelier/test-fonctionnel",
        data={"category": "laptop", "critical": sorted(keys), "shown": shown},
    )
    with in_app():
        assert next(i for i in rules_of(Category.LAPTOP) if i.key == "camera").critical
    again = client.post(f"/appareils/{device.tag}/diagnostic", data=dead_webcam)
    assert again.status_code == 400


def test_blocking_points_set_from_a_stale_page_are_refused_not_laid_over(
    client, create_user, in_app
):
    from refurb.inventory.checklists import checklist as rules_of
    from tests.conftest import sign_in

    coordinator = create_user(Role.ADMIN)
    sign_in(client, coordinator.email, coordinator.password)
    page = client.get("/atelier/test-fonctionnel").get_data(as_text=True)
    section = page[page.index('id="laptop"') :]
    shown = re.search(r'name="shown" value="([^"]*)"', section).group(1)
    defaults = set(shown.split())
    data = {"category": "laptop", "shown": shown}
    first = client.post(
        "/atelier/test-fonctionnel", data={**data, "critical": [*defaults, "camera"]}
    )
    assert first.status_code == 302
    stale = client.post("/atelier/test-fonctionnel", data={**data, "critical": sorted(defaults)})
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409 and 'id="laptop-erreur"' in text
    assert "modifiés par quelqu" in text
    with in_app():
        assert next(i for i in rules_of(Category.LAPTOP) if i.key == "camera").critical


def test_a_device_in_diagnosis_without_a_test_is_sent_to_the_test_first(
    client, login_as, make_device
):
    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    page = client.get(f"/appareils/{device.tag}").get_data(as_text=True)
    steps = page[page.index('class="next-steps"') :]
    first = steps.split('<li class="step')[1].split("</li>")[0]
    assert "Faire le test fonctionnel" in first and "step-likely" in first[:20]
    assert f'href="/appareils/{device.tag}/diagnostic"' in first


def test_a_final_step_on_the_device_page_asks_first_and_refuses_before_asking(
    client, login_as, make_device, in_app
):
    login_as(Role.TECHNICIAN)
    device = make_device(State.READY)
    with in_app() as session:
        version = session.get(Device, device.id).version
    no_note = client.post(f"/appareils/{device.tag}/actions/give", data={"version": version})
    assert no_note.status_code == 409  # refused at once (a gift names its recipient)
    said = no_note.get_data(as_text=True).replace("\u202f", " ")
    at_note = said[said.index('id="note-give-erreur"') :].split("</p>")[0]
    assert "Indiquez à qui" in at_note  # beside the note, in the step, not at the page's top
    assert 'aria-describedby="note-aide-give note-give-erreur"' in said
    asked = client.post(
        f"/appareils/{device.tag}/actions/give",
        data={"version": version, "note": "Secours populaire d'Auch"},
    )
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Ce don ne pourra pas être annulé" in text
    assert 'name="note" value="Secours populaire d&#39;Auch"' in text
    with in_app() as session:
        assert session.get(Device, device.id).state == State.READY
    done = client.post(
        f"/appareils/{device.tag}/actions/give",
        data={"version": version, "note": "Secours populaire d'Auch", "confirmed": "1"},
    )
    assert done.status_code == 302
    with in_app() as session:
        assert session.get(Device, device.id).state == State.GIVEN


def test_a_reservation_for_a_site_names_the_site_on_the_device_page(
    client, login_as, make_device, make_site, in_app
):
    login_as(Role.TECHNICIAN)
    site = make_site("Mairie de Marciac")
    device = make_device(State.READY)
    with in_app() as session:
        version = session.get(Device, device.id).version
    unnamed = client.post(
        f"/appareils/{device.tag}/actions/reserve",
        data={"version": version, "purpose": "site", "site_id": ""},
        follow_redirects=True,
    )
    assert "Choisissez le lieu" in unnamed.get_data(as_text=True)
    client.post(
        f"/appareils/{device.tag}/actions/reserve",
        data={"version": version, "purpose": "site", "site_id": site.id},
    )
    page = client.get(f"/appareils/{device.tag}").get_data(as_text=True)
    assert "Réservé pour" in page and "Mairie de Marciac" in page.split("Réservé pour")[1][:300]


def test_the_specifications_say_every_mistake_at_once(client, login_as, make_device):
    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    page = client.post(
        f"/appareils/{device.tag}/modifier",
        data={
            "year_of_manufacture": "3025",
            "ram_gb": "huit",
            "screen_inches": "-3",
            "battery_design_wh": "40",
            "battery_full_wh": "55",
            "model": "Latitude 5490",
            "version": "1",
        },
    )
    assert page.status_code == 400
    errors = page.get_data(as_text=True)
    for field in ("year_of_manufacture", "ram_gb", "screen_inches", "battery_full_wh"):
        assert f'id="{field}-erreur"' in errors, field
    assert 'value="Latitude 5490"' in errors and 'value="huit"' in errors


def test_a_refused_medium_keeps_what_was_typed_with_the_error_at_its_field(
    client, login_as, make_device, in_app
):
    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    typed = {
        "medium-kind": "ssd",
        "medium-serial": "S3Z9NX0K123456",
        "medium-model": "Samsung 860 EVO",
        "medium-size_gb": "-250",
    }
    for size, said in (("-250", "1 000 000"), ("beaucoup", None)):
        response = client.post(
            f"/appareils/{device.tag}/supports", data={**typed, "medium-size_gb": size}
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 400, size
        assert 'id="medium-size_gb-erreur"' in page, size
        assert 'value="S3Z9NX0K123456"' in page and 'value="Samsung 860 EVO"' in page
        assert '<option selected value="ssd">' in page or 'value="ssd" selected' in page
        assert "e+" not in page
        if said:
            assert said.replace(" ", "\u202f") in page or said.replace(" ", "\xa0") in page
    with in_app():
        assert db.session.get(Device, device.id).active_media == []


def test_a_step_refused_from_a_stale_page_keeps_its_note(client, login_as, make_device, in_app):
    login_as(Role.TECHNICIAN)
    device = make_device(State.DIAGNOSIS)
    with in_app() as session:
        stale = session.get(Device, device.id).version
        session.get(Device, device.id).notes = "changé ailleurs"
        session.commit()
    refused = client.post(
        f"/appareils/{device.tag}/actions/dismantle",
        data={"version": stale, "note": "Carte mère grillée", "confirmed": "1"},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "envoyez à nouveau" in page  # it shows what now is
    assert ">Carte mère grillée</textarea>" in page
    with in_app() as session:
        assert session.get(Device, device.id).state == State.DIAGNOSIS
