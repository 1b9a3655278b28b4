"""WCAG 1.4.10 reflow: at 320 CSS px the pages with two columns of facts fit the screen, and
at 390 px the household page shows its cards whole."""

from refurb.auth.roles import Role
from refurb.extensions import db
from refurb.inventory.checklists import checklist
from refurb.inventory.enums import DiagnosisOutcome, State
from refurb.inventory.models import Device
from refurb.inventory.services import functional_test


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def test_device_household_and_user_pages_fit_320_px(
    visit, lender, make_household, make_device, create_user, login_as, in_app
):
    device = make_device(
        State.READY,
        serial_number="SERIAL-WITHOUT-ANY-BREAK-0123456789ABCDEFGHIJ",
        notes="Remarquecolléesansaucuneespace" * 20,  # what a user may paste
    )
    with in_app():
        device_record = db.session.get(Device, device.id)
        answers = {item.key: {"result": "pass"} for item in checklist(device_record.category)}
        pasted = "Diagnosticcollésansaucuneespace" * 20
        functional_test.record_diagnosis(
            device_record, None, answers, DiagnosisOutcome.READY_AFTER_ERASURE, pasted
        )
        db.session.commit()
    household = make_household(contact_email="une.adresse.tres.longue.sans.coupure@exemple-gers.fr")
    technician = create_user(Role.TECHNICIAN)
    admin = create_user(Role.ADMIN)
    for width in (320, 390):
        tab = visit({"width": width, "height": 800})
        tab.sign_in(technician.email, technician.password)
        tab.go(f"/appareils/{device.tag}")
        assert overflow(tab.page) <= 0, (width, "device")
        # The actions of the moment are on the first screen, before the summary and history.
        steps = tab.page.get_by_role("heading", name="Prochaines étapes").bounding_box()
        assert steps["y"] < 800, (width, steps)
        tab = visit({"width": width, "height": 800})
        tab.sign_in(lender.email, lender.password)
        tab.go(f"/foyers/{household.id}")
        assert overflow(tab.page) <= 0, (width, "household")
        tab = visit({"width": width, "height": 800})
        tab.sign_in(admin.email, admin.password)
        tab.go(f"/utilisateurs/{technician.id}")
        assert overflow(tab.page) <= 0, (width, "user")
