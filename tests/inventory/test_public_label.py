"""What a scanned label tells the public (/t/<tag>, not signed in): only what is true in the
device's state, "données effacées" only for media really erased, and no private data."""

import pytest

from refurb.auth.models import User
from refurb.inventory.enums import Category, DiagnosisOutcome, Grade, MediumKind, State
from refurb.inventory.models import Device
from refurb.inventory.services import functional_test, workshop
from tests.inventory.conftest import make_ready_able, passing_results

REFURBISHED = "a été reconditionné par le programme"
ERASED = "ses données ont été effacées"
CHECKING = "en cours de vérification par l'atelier"
PRIVATE = ("SN-PRIVE-42", "Lenovo", "ThinkPad", "note de l'atelier")


@pytest.fixture
def label(client, in_app, make_device, technician):
    """The public page of a device made in `state`, prepared by `prepare(device, actor)`."""

    def page(state, category=Category.LAPTOP, prepare=None):
        made = make_device(State.DIAGNOSIS, category, serial_number="SN-PRIVE-42")
        with in_app() as session:
            device = session.get(Device, made.id)
            device.notes = "note de l'atelier"
            if prepare:
                prepare(device, session.get(User, technician.id))
            device.state = state
            session.commit()
        response = client.get(f"/t/{made.tag}")
        assert response.status_code == 200
        text = response.get_data(as_text=True).replace("&#39;", "'")
        for secret in PRIVATE:
            assert secret not in text, secret
        return text

    return page


def passed_without_media(device, actor):
    functional_test.record_diagnosis(
        device, actor, passing_results(device.category), DiagnosisOutcome.READY_AFTER_ERASURE
    )
    device.grade = Grade.A


@pytest.mark.parametrize("state", [State.RECEIVED, State.DIAGNOSIS, State.REPAIR])
def test_a_device_in_the_workshop_is_being_checked_not_refurbished(label, state):
    page = label(state)
    assert CHECKING in page
    assert REFURBISHED not in page and ERASED not in page and "testé" not in page


def test_a_device_back_from_a_loan_was_refurbished_once_and_is_checked_again(label):
    def lent_once(device, _actor):
        device.first_ready_at = device.cycle_started_at

    page = label(State.DIAGNOSIS, prepare=lent_once)
    assert "déjà reconditionné par le programme" in page and "de nouveau à l'atelier" in page
    assert "ses données effacées" in page  # a laptop holds data
    assert CHECKING not in page and ERASED not in page


@pytest.mark.parametrize(
    "state", [State.READY, State.RESERVED, State.ON_LOAN, State.GIVEN, State.DEPLOYED]
)
def test_a_refurbished_laptop_was_tested_and_its_data_erased(label, state):
    page = label(state, prepare=make_ready_able)
    assert REFURBISHED in page and "testé" in page and ERASED in page
    assert CHECKING not in page


def test_a_ready_screen_with_no_storage_was_tested_but_erased_nothing(label):
    page = label(State.READY, Category.SCREEN, prepare=passed_without_media)
    assert REFURBISHED in page and "il a été testé" in page
    assert "effacé" not in page


def test_a_laptop_without_a_disk_or_with_a_disk_not_erased_says_no_erasure(label):
    def no_disk(device, actor):
        passed_without_media(device, actor)
        device.storage_absent = True

    def disk_added_since(device, actor):
        make_ready_able(device, actor)
        workshop.add_medium(device, actor, MediumKind.HDD, serial="HDD-NEW")

    for prepare in (no_disk, disk_added_since):
        page = label(State.READY, prepare=prepare)
        assert REFURBISHED in page and "effacé" not in page


@pytest.mark.parametrize(
    "state, words",
    [
        (State.PARTS, "démonté pour fournir des pièces détachées"),
        (State.RECYCLED, "filière de recyclage"),
        (State.LOST, "a été déclaré perdu"),
    ],
)
def test_a_device_out_of_the_programme_says_what_became_of_it(label, state, words):
    page = label(state)
    assert words in page
    assert REFURBISHED not in page and ERASED not in page and CHECKING not in page
