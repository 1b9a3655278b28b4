"""On a phone-sized screen: a member of the public reports a library PC from its label, the
maintainer sees it on the round, takes it on, does the monthly visit PC by PC (typing tags as a
wedge scanner would), resolves it, and the site's staff see the PC available again."""

from tests.maintenance.conftest import park  # noqa: F401 - the fixture

PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"


def test_a_broken_library_pc_reported_visited_and_repaired(visit, park):  # noqa: F811
    broken, other = park.tags

    public = visit(PHONE)
    page = public.page
    public.go(f"/t/{broken}")
    page.get_by_label("Quel est le problème ?").select_option("network")
    page.get_by_label("En quelques mots (facultatif)").fill("Pas d'internet depuis ce matin")
    page.get_by_role("button", name="Envoyer le signalement").click()
    public.check()
    assert page.get_by_role("heading", name="Merci, c'est noté").is_visible()
    assert page.get_by_text("Ce qui se passe ensuite").is_visible()

    tab = visit(PHONE)
    page = tab.page
    tab.sign_in(park.maintainer.email, PASSWORD)
    tab.go("/tournee")
    page.get_by_role("link", name="INC-").first.click()
    tab.check()
    page.get_by_role("button", name="Prendre en charge").click()
    tab.check()
    assert page.get_by_role("heading", name="Pris en charge").is_visible()

    tab.go(f"/lieux/{park.site.id}")
    page.get_by_role("button", name="Commencer la visite").first.click()
    tab.check()
    for tag in (broken, other):
        scan = page.get_by_label("Scannez ou tapez l'étiquette du PC")
        scan.fill(tag.lower())
        scan.press("Enter")  # what a keyboard-wedge scanner sends
        tab.check()
        for radio in page.locator("input[type=radio][value=yes]").all():
            radio.check()
        page.get_by_label("Espace disque libre (Go)").fill("42")
        page.get_by_role("button", name="Enregistrer ce PC").click()
        tab.check()
        assert page.get_by_text(f"{tag} enregistré.").is_visible()
    page.get_by_label("Temps passé (minutes)").fill("45")
    page.get_by_role("button", name="Terminer la visite").click()
    tab.check()
    assert page.get_by_text("Visite terminée.").is_visible()

    tab.go("/incidents")
    page.get_by_role("link", name="INC-").first.click()
    tab.check()
    page.get_by_label("Ce qui a été fait").fill("Câble réseau rebranché")
    page.get_by_role("button", name="Marquer résolu").click()
    tab.check()
    assert page.get_by_role("heading", name="Résolu").is_visible()

    staff = visit(PHONE)
    page = staff.page
    staff.sign_in(park.staff.email, PASSWORD)
    staff.go(f"/lieux/{park.site.id}")
    row = page.get_by_role("row").filter(has_text=broken)
    assert "aucun — disponible" in row.inner_text()
    assert page.get_by_text("Aucun : tous les PC du lieu sont disponibles.").is_visible()
    page.screenshot(path=str(_shot()), full_page=True)


def _shot():
    import tempfile
    from pathlib import Path

    return Path(tempfile.gettempdir()) / "refurb-site-phone.png"
