"""On a phone (390 px wide), a link that stands alone is at least 44 × 44 px, so that a thumb
hits it (WCAG 2.5.5); a link inside running text keeps the height of its line."""

from refurb.auth.roles import OrganisationKind, Role

PHONE = {"width": 390, "height": 844}
TARGET = 44


def size(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None, locator
    return box["width"], box["height"]


def line_heights(locator) -> float:
    """The tallest of the boxes of an inline element, one per line it runs over."""
    return locator.evaluate("e => Math.max(...[...e.getClientRects()].map(r => r.height))")


def assert_tappable(locator):
    width, height = size(locator)
    assert width >= TARGET and height >= TARGET, (locator, width, height)


def test_standalone_links_are_big_enough_to_tap_on_a_phone(
    visit, create_user, create_organisation, make_device
):
    workshop = create_organisation("Atelier du Gers", OrganisationKind.WORKSHOP)
    technician = create_user(Role.TECHNICIAN, workshop)
    device = make_device()
    tab = visit(viewport=PHONE)
    page = tab.page
    tab.sign_in(technician.email, technician.password)  # home: the bench

    for code in ("FR", "EN"):  # the language switch
        assert_tappable(page.locator(".languages a", has_text=code))
    page.get_by_role("button", name="Menu").click()
    menu = page.get_by_role("navigation", name="Navigation principale")
    for link in menu.get_by_role("link").all():
        assert_tappable(link)
    assert size(menu.get_by_role("button", name="Se déconnecter"))[1] >= TARGET
    # a paragraph's only link: the bench's link to a whole list
    assert_tappable(page.get_by_role("link", name="Tous les appareils « Reçu » (1)"))

    tab.go(f"/appareils/{device.tag}")
    assert_tappable(page.locator(".eyebrow a"))  # the back link
    tab.go("/appareils")
    assert_tappable(page.get_by_role("link", name="Exporter cette liste (CSV)"))

    tab.go("/collectes/nouvelle")  # a link inside a sentence stays as high as its line(s)
    assert line_heights(page.get_by_role("link", name="Donateur absent de la liste ?")) < 30

    coordinator = create_user(Role.ADMIN)
    admin_tab = visit(viewport=PHONE)
    admin_tab.sign_in(coordinator.email, coordinator.password)
    admin_tab.go("/utilisateurs/nouveau")
    assert_tappable(admin_tab.page.get_by_role("link", name="Annuler", exact=True))


def test_on_a_wide_screen_the_links_keep_their_size(visit, create_user):
    coordinator = create_user(Role.ADMIN)
    tab = visit()
    tab.sign_in(coordinator.email, coordinator.password)
    tab.go("/utilisateurs/nouveau")
    assert line_heights(tab.page.get_by_role("link", name="Annuler", exact=True)) < 30
