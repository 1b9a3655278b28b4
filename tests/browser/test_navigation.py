"""Sign in and find one's way, as each role, in a real browser; every page passes axe-core."""

import re

import pytest

from refurb.auth.roles import OrganisationKind, Role

EXPECTED_MENU = {
    Role.ADMIN: [
        "Accueil",
        "Tableau de bord",
        "Scanner",
        "Appareils",
        "Donateurs",
        "Recyclage",
        "Étiquettes",
        "Prêts",
        "Foyers",
        "Liste d'attente",
        "Ma tournée",
        "Lieux",
        "Incidents",
        "Maintenance",
        "Organisations",
        "Utilisateurs",
        "Journal",
        "Mon compte",
    ],
    Role.TECHNICIAN: [
        "Accueil",
        "Scanner",
        "Appareils",
        "Donateurs",
        "Recyclage",
        "Étiquettes",
        "Mon compte",
    ],
    Role.LENDER: ["Accueil", "Scanner", "Prêts", "Foyers", "Liste d'attente", "Mon compte"],
    Role.MAINTAINER: ["Accueil", "Scanner", "Ma tournée", "Lieux", "Incidents", "Mon compte"],
    Role.SITE_STAFF: ["Accueil", "Scanner", "Lieux", "Incidents", "Mon compte"],
    Role.VIEWER: ["Accueil", "Tableau de bord", "Scanner", "Maintenance", "Mon compte"],
}

# What each role's home is: what that person has to do today (the coordinator: the tiles).
HOME_HEADING = {
    Role.ADMIN: "Bonjour Camille Laborde",
    Role.TECHNICIAN: "L'atelier aujourd'hui",
    Role.LENDER: "Prêts",
    Role.MAINTAINER: "Ma tournée",
    Role.SITE_STAFF: "Incidents",  # of all their sites (their site's page when they have one)
    Role.VIEWER: "Tableau de bord du programme",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_visits_its_menu(visit, create_user, role):
    user = create_user(role, name="Camille Laborde")
    tab = visit()
    tab.sign_in(user.email, user.password)
    page = tab.page
    assert page.get_by_role("heading", level=1).inner_text() == HOME_HEADING[role]
    menu = page.get_by_role("navigation", name="Navigation principale")
    labels = [link.inner_text() for link in menu.get_by_role("link").all()]
    assert labels == EXPECTED_MENU[role]
    for label in labels:
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name=label, exact=True
        ).click()
        tab.check()
        assert page.locator("h1").count() == 1
    page.get_by_role("button", name="Se déconnecter").click()
    tab.check()
    assert page.get_by_role("heading", name="Connexion").is_visible()


def test_a_refused_page_and_a_missing_page_explain_themselves(visit, create_user):
    user = create_user(Role.LENDER)
    tab = visit()
    tab.sign_in(user.email, user.password)
    assert tab.go("/utilisateurs").status == 403
    assert tab.page.get_by_role("heading", name="Accès refusé").is_visible()
    assert tab.go("/nulle-part").status == 404
    assert tab.page.get_by_role("heading", name="Page introuvable").is_visible()


def test_coordinator_sets_up_an_organisation_and_a_member(visit, create_user, create_organisation):
    home = create_organisation("Gers Numérique", OrganisationKind.COORDINATOR)
    coordinator = create_user(Role.ADMIN, home)
    tab = visit()
    page = tab.page
    tab.sign_in(coordinator.email, coordinator.password)

    tab.go("/organisations/nouvelle")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Médiathèque de Marciac")
    page.get_by_label("Type").select_option("site_host")
    page.get_by_label("Commune").fill("Toulouse")
    page.get_by_role("button", name="Enregistrer").click()
    tab.check()
    assert page.locator("#commune-erreur").inner_text().startswith("Commune inconnue dans le Gers")
    name = page.get_by_role("textbox", name="Nom", exact=True)
    assert name.input_value() == "Médiathèque de Marciac"
    page.get_by_label("Commune").fill("Marciac (32230)")
    page.get_by_role("button", name="Enregistrer").click()
    tab.check()
    assert page.get_by_text("CC Bastides et Vallons du Gers").is_visible()

    tab.go("/utilisateurs/nouveau")
    page.get_by_label("Nom et prénom").fill("Pierre Abadie")
    page.get_by_label("Adresse e-mail").fill("pierre.abadie@marciac.fr")
    page.get_by_label("Organisation").select_option(label="Médiathèque de Marciac")
    page.get_by_label("Rôle").select_option("site_staff")
    page.get_by_role("button", name="Créer le compte").click()
    tab.check()
    link = page.get_by_label("Lien à usage unique").input_value()
    assert re.match(r"http://localhost/mot-de-passe/[\w-]+$", link)

    newcomer = visit()
    newcomer.go(link.removeprefix("http://localhost"))
    newcomer.page.get_by_label("Nouveau mot de passe").fill("le jazz à Marciac en été")
    newcomer.page.get_by_label("Confirmez le mot de passe").fill("le jazz à Marciac en été")
    newcomer.page.get_by_role("button", name="Enregistrer le mot de passe").click()
    newcomer.check()
    newcomer.sign_in("pierre.abadie@marciac.fr", "le jazz à Marciac en été")
    assert newcomer.page.get_by_role("heading", level=1).inner_text() == "Incidents"  # home

    tab.go("/journal")
    assert page.get_by_text("Nouveau mot de passe choisi pour le compte de").first.is_visible()


def test_on_a_phone_the_menu_folds_and_the_keyboard_reaches_everything(visit, create_user):
    user = create_user(Role.ADMIN)
    tab = visit(viewport={"width": 390, "height": 844})
    tab.sign_in(user.email, user.password)
    page = tab.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    menu = page.get_by_role("navigation", name="Navigation principale")
    assert not menu.is_visible()
    page.get_by_role("button", name="Menu").click()
    assert menu.is_visible()
    tab.check()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows sideways


def test_english_is_one_click_away(visit):
    tab = visit()
    tab.go("/connexion")
    tab.page.get_by_role("link", name="EN English").click()
    tab.check()
    assert tab.page.get_by_role("heading", name="Sign in").is_visible()
    assert tab.page.locator("html").get_attribute("lang") == "en"
