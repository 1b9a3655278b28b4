"""What the association's staff read: a priority says what it means, intercommunalité not EPCI."""

from refurb.auth.models import User
from refurb.inventory.enums import Category
from refurb.loans.models import Household
from refurb.loans.services.households import add_request
from tests.conftest import sign_in


def test_a_priority_is_shown_with_its_meaning_wherever_it_appears(
    client, lender, make_household, in_app
):
    household = make_household()
    with in_app() as session:
        add_request(
            session.get(Household, household.id),
            session.get(User, lender.id),
            Category.LAPTOP,
            priority=1,
        )
        session.commit()
    sign_in(client, lender.email, lender.password)
    waiting = client.get("/attente").get_data(as_text=True)
    assert '<td data-label="Priorité">1 — urgente</td>' in waiting
    page = client.get(f"/foyers/{household.id}").get_data(as_text=True)
    assert "priorité 1 — urgente" in page and ">Servir</a>" in page
    assert '<option value="1">1 — urgente</option>' in page  # the request form says the same


def test_the_staff_pages_say_intercommunalite(client, lender, make_household):
    make_household()
    sign_in(client, lender.email, lender.password)
    for url in ("/foyers", "/attente"):
        page = client.get(url).get_data(as_text=True)
        assert "Intercommunalité" in page and ">EPCI<" not in page, url
