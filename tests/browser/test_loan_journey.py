"""A lender reserves a device for a household from the waiting list, checks it out, prints
the agreement and takes it back, in a real browser."""

from refurb.auth.models import User
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.loans.enums import Criterion
from refurb.loans.models import Household
from refurb.loans.services.households import add_request
from tests.conftest import TODAY, VERIFIED_ON, pdf_text


def test_waiting_list_to_return(visit, lender, make_household, make_device, in_app):
    household = make_household(criterion=Criterion.CSS, verified_on=VERIFIED_ON)
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
    page.get_by_role("radio", name=device.tag).check()  # picked in the list of ready devices
    page.get_by_role("button", name="Réserver pour ce foyer").click()
    tab.check()
    assert page.get_by_text(f"Appareil {device.tag} réservé").is_visible()

    assert not page.get_by_role("link", name="Convention de prêt à signer (PDF)").count()
    page.get_by_role("textbox", name="Accessoires remis").fill("chargeur, housse")
    page.get_by_label("Caution (€)").fill("20")
    page.get_by_role("button", name="Remettre l'appareil").click()  # agreement not ticked
    tab.check()
    assert page.get_by_text("La convention de prêt doit être acceptée").first.is_visible()
    # The refused form comes back as typed.
    assert page.get_by_role("textbox", name="Accessoires remis").input_value() == (
        "chargeur, housse"
    )
    assert page.get_by_label("Caution (€)").input_value() == "20"
    page.get_by_label("Le foyer a lu les conditions du prêt et les accepte").check()
    page.get_by_role("button", name="Remettre l'appareil").click()
    tab.check()
    assert page.get_by_text("Appareil remis : le prêt est en cours.").is_visible()

    pdf = page.request.get(
        tab.base_url
        + page.get_by_role("link", name="Convention de prêt à signer (PDF)").get_attribute("href")
    )
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    signed = pdf_text(pdf.body(), layout=False)
    assert "chargeur, housse" in signed and "20 €" in signed and "Fait à" in signed

    page.get_by_role("textbox", name="État de l'appareil au retour").fill("Bon état")
    page.get_by_role("checkbox", name="housse").check()
    page.get_by_role("textbox", name="Autres manquants").fill("souris")
    page.get_by_label("Caution").select_option(label="rendue au foyer")
    page.get_by_role("button", name="Enregistrer le retour").click()
    tab.check()
    assert page.get_by_text("Retour enregistré").is_visible()
    assert page.get_by_text("Rendu le").is_visible()
    receipt = page.request.get(
        tab.base_url + page.get_by_role("link", name="Reçu de retour (PDF)").get_attribute("href")
    )
    assert receipt.ok
    assert "housse, souris" in pdf_text(receipt.body(), layout=False)
    tab.go("/prets")
    assert page.get_by_role("heading", name="Prêts", exact=True).is_visible()


def test_a_gift_is_confirmed_on_its_own_page_and_gives_a_certificate(
    visit, lender, make_household, make_device, in_app
):
    from refurb.loans.models import Loan
    from refurb.loans.services import lending

    household = make_household()
    device = make_device(State.READY)
    with in_app() as session:
        actor = session.get(User, lender.id)
        loan = lending.reserve(
            actor, session.get(Household, household.id), session.get(Device, device.id)
        )
        lending.checkout(actor, loan, loan.version, ["chargeur"], 0, True, TODAY)
        session.commit()
        loan_id = loan.id
    tab = visit()
    page = tab.page
    tab.sign_in(lender.email, lender.password)
    tab.go(f"/prets/{loan_id}")
    page.get_by_role("button", name="Transformer en don…").click()
    tab.check()
    assert page.get_by_text("Ce don ne pourra pas être annulé").is_visible()
    page.get_by_role("link", name="Ne rien faire et revenir").click()
    tab.check()
    with in_app() as session:
        assert session.get(Loan, loan_id).status.value == "active"
    page.get_by_role("button", name="Transformer en don…").click()
    page.get_by_role("button", name="Transformer en don").click()
    tab.check()
    assert page.get_by_text("Donné le").is_visible()
    assert not page.get_by_text("À rendre le").count()
    certificate = page.request.get(
        tab.base_url
        + page.get_by_role("link", name="Attestation de don (PDF)").get_attribute("href")
    )
    assert certificate.ok and "Attestation de don" in pdf_text(certificate.body(), layout=False)
