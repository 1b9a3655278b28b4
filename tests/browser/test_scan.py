"""/scan in a real browser: typing a tag (camera input cannot be tested headless) opens the
device; a typo is explained next to the field; the camera button is offered."""

from refurb.auth.roles import OrganisationKind, Role


def test_typing_a_tag_on_the_scan_page_opens_the_device(
    visit, create_user, create_organisation, make_device
):
    user = create_user(
        Role.TECHNICIAN, create_organisation("Atelier test", OrganisationKind.WORKSHOP)
    )
    device = make_device()
    tab = visit(viewport={"width": 390, "height": 844})
    page = tab.page
    tab.sign_in(user.email, user.password)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Scanner", exact=True
    ).click()
    tab.check()
    assert page.get_by_role("button", name="Scanner avec la caméra").is_visible()
    field = page.get_by_label("Ou tapez le code (ou utilisez une douchette)")
    field.fill(device.tag.lower().replace("-", " ") + "Z")  # one character too many
    field.press("Enter")
    tab.check()
    assert page.locator("#code-erreur").is_visible()
    page.get_by_label("Ou tapez le code (ou utilisez une douchette)").fill(
        device.tag.lower().replace("-", " ")
    )
    page.get_by_label("Ou tapez le code (ou utilisez une douchette)").press(
        "Enter"
    )  # as a wedge scanner does
    tab.check()
    assert page.url.endswith(f"/appareils/{device.tag}")
    assert page.get_by_role("heading", name="Prochaines étapes").is_visible()
