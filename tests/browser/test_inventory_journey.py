"""A technician receives a device, diagnoses it, records the erasure, marks it ready and reads
its history, in a real browser, on a phone-sized screen."""

from refurb.auth.roles import OrganisationKind, Role
from refurb.inventory.checklists import default_checklist
from refurb.inventory.enums import Category


def test_intake_to_ready_on_a_phone(visit, create_user, create_organisation, tmp_path):
    user = create_user(Role.TECHNICIAN, create_organisation("AG2I", OrganisationKind.WORKSHOP))
    tab = visit(viewport={"width": 412, "height": 915})
    page = tab.page
    tab.sign_in(user.email, user.password)

    tab.go("/appareils/nouveau")
    page.get_by_label("Catégorie").select_option("laptop")
    page.get_by_role("textbox", name="Marque", exact=True).fill("Lenovo")
    page.get_by_role("textbox", name="Modèle", exact=True).fill("ThinkPad T480")
    page.get_by_role("textbox", name="Numéro de série", exact=True).fill("PF1ABC23")
    page.get_by_role("button", name="Enregistrer l'appareil").click()
    tab.check()
    tag = page.locator("h1 + p code.tag").inner_text()
    assert tag.startswith("GN-")
    assert page.get_by_text("Reçu", exact=True).first.is_visible()

    page.get_by_role("button", name="Commencer le diagnostic").click()
    tab.check()
    assert page.get_by_text(
        "Aucun test fonctionnel n'a été enregistré"
    ).is_visible()  # why it's blocked

    page.get_by_role("link", name="Diagnostic", exact=True).click()
    tab.check()
    for item in default_checklist(Category.LAPTOP):
        page.locator(f"label[for='item-{item.key}-pass']").click()
    page.get_by_label("Fonctionnel : prêt après effacement").check()
    page.get_by_role("button", name="Enregistrer le test").click()
    tab.check()

    page.get_by_role("link", name="Effacement", exact=True).click()
    tab.check()
    page.get_by_label("Type de support").select_option("ssd")
    page.get_by_role("textbox", name="Numéro de série du support", exact=True).fill("SSD-4471")
    page.get_by_role("button", name="Ajouter le support").click()
    tab.check()
    page.get_by_label("Support effacé").select_option(index=1)
    page.get_by_label("Méthode (NIST SP 800-88)").select_option("purge")
    page.get_by_role("textbox", name="Outil", exact=True).fill("hdparm --security-erase")
    page.get_by_role("button", name="Enregistrer l'effacement").click()
    tab.check()
    assert page.get_by_text("effacé et vérifié").is_visible()

    page.get_by_role("link", name="Caractéristiques", exact=True).click()
    page.get_by_label("État esthétique").select_option("B")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    tab.check()
    page.get_by_role("button", name="Déclarer prêt au réemploi").click()
    tab.check()
    assert page.get_by_text("L'appareil est maintenant « Prêt au réemploi »").is_visible()

    page.get_by_text("étapes plus anciennes").click()  # the older steps are folded
    history = page.locator("#historique ~ ol.history, #historique ~ details ol.history")
    for entry in (
        "Reçu dans l'inventaire",
        "Diagnostic commencé (Reçu → En diagnostic)",
        "Test fonctionnel enregistré",
        "Support de stockage effacé",
        "Déclaré prêt au réemploi (En diagnostic → Prêt au réemploi)",
    ):
        assert history.get_by_text(entry).first.is_visible(), entry
    page.screenshot(path=tmp_path / "device-ready.png", full_page=True)  # to look at

    tab.go(f"/appareils?q={tag}")
    assert page.get_by_role("link", name=tag).is_visible()
