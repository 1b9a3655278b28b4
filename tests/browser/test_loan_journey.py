"""A lender reserves a device for a household from the waiting list, checks it out, prints
the agreement and takes it back, in a real browser."""

from datetime import date

from refurb.auth.models import User
from refurb.inventory.enums import Category, State
from refurb.loans.enums import Criterion
from refurb.loans.models import Household
from refurb.loans.services.households import add_request


def test_waiting_list_to_return(visit, lender, make_household, make_device, in_app):
    household = make_household(criterion=Criterion.CSS, verified_on=date(2026, 10, 1))
    device = make_device(State.READY)
    with in_app() as session:
        add_request(
            session.get(Household, household.id), session.get(User, lender.id), Category.LAPTOP, 1
        )
        session.commit()
    tab = visit()
    page = tab.page
    tab.sign_in(lender.email, lender.password)
    tab.go("/attente")
    assert page.get_by_role("link", name=household.reference).is_visible()
    page.get_by_role("link", name="Servir").click()
    tab.check()
    page.get_by_role("textbox", name="Étiquette de l'appareil").fill(device.tag.lower())
    page.get_by_role("button", name="Réserver pour ce foyer").click()
    tab.check()
    assert page.get_by_text(f"Appareil {device.tag} réservé").is_visible()

    page.get_by_role("button", name="Remettre l'appareil").click()  # agreement not ticked
    tab.check()
    assert page.get_by_text("La convention de prêt doit être acceptée").is_visible()
    page.get_by_role("textbox", name="Accessoires remis").fill("chargeur, housse")
    page.get_by_label("Le foyer a lu et accepté la convention de prêt").check()
    page.get_by_role("button", name="Remettre l'appareil").click()
    tab.check()
    assert page.get_by_text("Appareil remis : le prêt est en cours.").is_visible()

    pdf = page.request.get(
        tab.base_url
        + page.get_by_role("link", name="Convention de prêt (PDF)").get_attribute("href")
    )
    assert (
        pdf.ok
        and pdf.headers["content-type"] == "application/pdf"
        and pdf.body().startswith(b"%PDF")
    )

    page.get_by_role("textbox", name="État de l'appareil au retour").fill(
        "Bon état, housse manquante"
    )
    page.get_by_role("textbox", name="Accessoires manquants").fill("housse")
    page.get_by_role("button", name="Enregistrer le retour").click()
    tab.check()
    assert page.get_by_text("Retour enregistré").is_visible()
    receipt = page.request.get(
        tab.base_url + page.get_by_role("link", name="reçu de retour (PDF)").get_attribute("href")
    )
    assert receipt.ok and receipt.body().startswith(b"%PDF")
    tab.go("/prets")
    assert page.get_by_role("heading", name="Prêts", exact=True).is_visible()
