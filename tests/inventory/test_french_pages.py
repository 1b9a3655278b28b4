"""The inventory's pages as French people write: decimal commas, plurals, a device named once."""

from refurb.auth.models import User
from refurb.inventory.enums import Category, MediumKind, State
from refurb.inventory.models import Device
from refurb.inventory.services import intake, workshop
from tests.conftest import sign_in


def _measured_device(in_app, make_device, technician) -> str:
    made = make_device(State.DIAGNOSIS, weight_kg=1.9)
    with in_app() as session:
        device = session.get(Device, made.id)
        device.ram_gb, device.screen_inches = 7.7, 15.6
        workshop.add_medium(
            device, session.get(User, technician.id), MediumKind.HDD, serial="WD-1", size_gb=250.059
        )
        session.commit()
    return made.tag


def test_the_device_page_writes_decimals_with_a_comma(client, in_app, make_device, technician):
    tag = _measured_device(in_app, make_device, technician)
    sign_in(client, technician.email, technician.password)
    page = client.get(f"/appareils/{tag}").get_data(as_text=True)
    assert "1,9 kg" in page and "250,1 Go" in page
    assert "7,7 Go RAM" in page and "15,6&#34;" in page
    assert "1.9 kg" not in page and "250.059" not in page

    client.get("/langue/en")
    page = client.get(f"/appareils/{tag}").get_data(as_text=True)
    assert "1.9 kg" in page and "250.1 Go" in page  # English keeps its point


def test_a_device_without_brand_or_model_is_titled_once(client, in_app, technician):
    with in_app() as session:
        device = intake.receive_device(session.get(User, technician.id), category=Category.LAPTOP)
        session.commit()
        tag = device.tag
    sign_in(client, technician.email, technician.password)
    page = client.get(f"/appareils/{tag}").get_data(as_text=True)
    assert "<h1>Ordinateur portable</h1>" in page  # not "Ordinateur portable Ordinateur portable"


def test_counts_take_the_french_plural(client, make_device, technician):
    sign_in(client, technician.email, technician.password)
    page = client.get("/appareils?q=introuvable").get_data(as_text=True)
    assert "0 appareil" in page and "0 appareils" not in page
    for _ in range(2):
        make_device()
    assert "2 appareils" in client.get("/appareils").get_data(as_text=True)
