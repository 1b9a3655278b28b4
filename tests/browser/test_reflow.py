"""WCAG 1.4.10 reflow: at 320 CSS px the pages with two columns of facts fit the screen, and
at 390 px the household page shows its cards whole."""

from refurb.auth.roles import Role
from refurb.inventory.enums import State


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def test_device_household_and_user_pages_fit_320_px(
    visit, lender, make_household, make_device, create_user, login_as
):
    device = make_device(State.READY, serial_number="SERIAL-WITHOUT-ANY-BREAK-0123456789ABCDEFGHIJ")
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
